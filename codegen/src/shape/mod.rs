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
use crate::ir::{Operation, Parameter, ParameterLocation, Plan};
use crate::progenitor_pass::ProgenitorOutput;
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

/// What fills one argument of progenitor's request builder.
enum Slot<'a> {
    Parameter(&'a Parameter),
    Body,
}

/// The arguments of progenitor's request builder, in its order: path parameters, query
/// parameters, the body, header parameters.
fn raw_slots(op: &Operation) -> Vec<Slot<'_>> {
    let by_location = |location| {
        op.parameters
            .iter()
            .filter(move |p| p.location == location)
            .map(Slot::Parameter)
    };
    let mut slots: Vec<Slot<'_>> = by_location(ParameterLocation::Path)
        .chain(by_location(ParameterLocation::Query))
        .collect();
    if op.body.is_some() {
        slots.push(Slot::Body);
    }
    slots.extend(by_location(ParameterLocation::Header));
    slots
}

/// The position of `parameter`'s argument in progenitor's request builder.
fn facade_position(op: &Operation, parameter: &Parameter) -> Option<usize> {
    raw_slots(op)
        .iter()
        .position(|slot| matches!(slot, Slot::Parameter(p) if std::ptr::eq(*p, parameter)))
}
