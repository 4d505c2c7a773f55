//! A token that keeps itself valid: a legacy token as it is, or a plex.tv JWT renewed before
//! it ends with the device's key ([`TokenSource`]); the ways in (a PIN straight to a JWT, the
//! upgrade of a legacy token) and out (sign-out); where the token is kept ([`TokenStore`]);
//! the device key, the JWTs it signs and the checks of plex.tv's. One concern per file.

mod builder;
mod clock;
mod device_key;
mod jws;
mod jwt_pin;
mod kind;
mod plex_jwt;
mod plex_keys;
mod sign_out;
mod source;
mod token_store;
mod upgrade;

pub use builder::TokenSourceBuilder;
pub use clock::{Clock, SystemClock};
pub use device_key::DeviceKey;
pub use kind::TokenKind;
pub use source::TokenSource;
pub use token_store::{FileTokenStore, MemoryTokenStore, TokenStore};
