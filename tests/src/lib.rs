//! Shared by the workspace's tests in `tests/`: the replay harness (the same module the
//! plex-auth-client package's own tests, examples and benches use) and a capture of the client's
//! trace.

#[path = "../../plex-auth-client/tests/harness/mod.rs"]
pub mod harness;
pub mod logs;
