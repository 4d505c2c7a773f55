//! What is built on top of the generated operations: the sign-in flows, the token's status,
//! the choice of a server's connection, and the identity and token an application keeps.
//! Each flow calls operations as any user of the clients would; of the runtime, only
//! `connect` takes something: the process's one TLS configuration, for its probes.

mod account_store;
mod connect;
pub(crate) mod pin;
pub(crate) mod private_file;
mod stored_identifier;
mod token_source;
mod token_status;

pub use account_store::{
    AccountListing, AccountStore, AccountTokenStore, KeptAccount, KeptCredential,
};
pub use connect::{Connector, find_server};
pub use pin::{LINK_URL, PendingPin, PinKind, PinPolling};
pub use stored_identifier::load_or_create_client_identifier;
pub use token_source::{
    Clock, DeviceKey, FileTokenStore, MemoryTokenStore, SystemClock, TokenKind, TokenSource,
    TokenSourceBuilder, TokenStore,
};
pub use token_status::TokenStatus;
