//! Stage 5, `shape`: cuts progenitor's output into the generated files and adds what
//! progenitor does not write — the public clients, their operation tables, docs, and the mock
//! module's fixes. One submodule per part it emits.

mod client;
mod docs;
mod facade;
mod mock;
mod modules;
mod table;
mod types;

use proc_macro2::TokenStream;

use crate::error::CodegenError;
use crate::plan::Plan;
use crate::progenitor_pass::ProgenitorOutput;

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
            file: types::types_file(&output.client)?,
        },
    ];
    for client in &plan.clients {
        files.push(ShapedFile {
            path: format!("{}.rs", client.module),
            file: client::client_file(client, &output.client)?,
        });
    }
    files.push(ShapedFile {
        path: mock::FILE.into(),
        file: mock::mock_file(plan, &output.mock)?,
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

/// Whether `item` is the inline module `name`.
fn is_module(item: &syn::Item, name: &str) -> bool {
    matches!(item, syn::Item::Mod(m) if m.ident == name)
}
