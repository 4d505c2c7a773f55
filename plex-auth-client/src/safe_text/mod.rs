//! Text made safe for output, the one place for it: what the client keeps of a server's text
//! in its errors, what the `plex-auth` tool prints, and what an application shows of an answer.
//!
//! - [`is_terminal_control`]: the characters a terminal must not be sent as they are;
//! - [`inert`]: one line without any of them; [`escape_json_controls`]: a JSON document
//!   without any of them raw;
//! - [`truncate_chars`]: bounded, cut between characters, with `…`;
//! - [`shown_url`]: scheme, host, port and path, never the parts that carry credentials;
//! - [`Redactor`]: a server's text, with the credentials it may echo removed in any encoding,
//!   then inert and bounded (also at the crate's root, `plex_auth_client::Redactor`).

mod line;
pub(crate) mod redact;

pub use line::{escape_json_controls, inert, is_terminal_control, shown_url, truncate_chars};
pub use redact::Redactor;
