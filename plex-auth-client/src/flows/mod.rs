//! Flows built on the generated operations: JWT device authentication and the token an
//! application holds. One concern per file.

mod clock;
mod device_key;
mod jws;
mod jwt_pin;
mod plex_jwt;
mod plex_keys;
pub(crate) mod private_file;
mod sign_out;
mod token_source;
mod token_store;
mod upgrade;

pub use clock::{Clock, SystemClock};
pub use device_key::DeviceKey;
pub use token_source::{TokenKind, TokenSource, TokenSourceBuilder};
pub use token_store::{FileTokenStore, MemoryTokenStore, TokenStore};
