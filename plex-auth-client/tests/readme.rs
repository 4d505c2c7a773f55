// Compiles the README's example so it cannot drift from the API.
#![doc = include_str!("../../README.md")]
