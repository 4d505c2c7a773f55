//! Stage 4, `shape`: the generated files, assembled from the IR and progenitor's fixed pieces.
//! One submodule per part it emits; none of them edits progenitor's syntax (that is
//! `progenitor_pass`'s job).
//!
//! Every generated file names its siblings relatively (`super::types`), and the client crate's
//! own items absolutely (`crate::runtime`, `crate::Error`): the generated module can sit
//! anywhere in a crate that has the runtime, as the golden cases do when they are compiled.

mod client;
mod constructors;
mod docs;
mod facade;
mod mock;
mod modules;
mod options;
mod table;
mod types;

use proc_macro2::TokenStream;

use crate::error::CodegenError;
use crate::ir::Plan;
use crate::progenitor_pass::{ProgenitorOutput, RawMethod};
use crate::syntax::{elide_lifetimes, is_str_reference, option_inner, strip_types_prefix};

/// A generated file before formatting.
pub(crate) struct ShapedFile {
    /// Path relative to the generated directory.
    pub path: String,
    /// Its syntax tree.
    pub file: syn::File,
}

/// The generated files: `mod.rs`, `types.rs`, one file per client, `mock.rs`.
pub(crate) fn shape(
    plan: &Plan,
    output: &ProgenitorOutput,
) -> Result<Vec<ShapedFile>, CodegenError> {
    let mut files = vec![
        ShapedFile {
            path: "mod.rs".into(),
            file: modules::mod_file(plan)?,
        },
        ShapedFile {
            path: "types.rs".into(),
            file: types::types_file(plan, output)?,
        },
    ];
    for client in &plan.clients {
        files.push(ShapedFile {
            path: format!("{}.rs", client.module),
            file: client::client_file(client, output)?,
        });
    }
    files.push(ShapedFile {
        path: mock::FILE.into(),
        file: mock::mock_file(plan, output)?,
    });
    Ok(files)
}

/// Parses tokens the generator built for `file`.
fn parse_file(tokens: TokenStream, file: &str) -> Result<syn::File, CodegenError> {
    syn::parse2(tokens).map_err(|err| emit_error(file, format!("does not parse as Rust: {err}")))
}

fn emit_error(file: &str, message: impl Into<String>) -> CodegenError {
    CodegenError::Emit {
        file: file.into(),
        message: message.into(),
    }
}

/// progenitor's type for the argument `name` of an operation's request builder.
fn argument_type<'a>(raw: &'a RawMethod, name: &str) -> Option<&'a syn::Type> {
    raw.arguments
        .iter()
        .find(|(argument, _)| argument == name)
        .map(|(_, ty)| ty)
}
