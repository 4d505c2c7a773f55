//! Shared by the workspace's tests in `tests/`: the replay harness (the `plex-auth-harness`
//! crate, which plex-auth-client's own tests, examples and benches use too) and a capture of
//! the client's trace.

pub use plex_auth_harness as harness;
pub mod logs;
