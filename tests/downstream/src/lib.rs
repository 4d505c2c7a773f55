//! Tests live in `tests/`: they use plex-auth-client as a downstream crate would, through its
//! public API and the `mock` feature only. This crate has no library code.
