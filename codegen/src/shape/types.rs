//! `types.rs`: progenitor's `types` module, shared by every client.

use super::{emit_error, is_module};
use crate::error::CodegenError;

/// The items of the `types` module for the whole spec: every schema once.
pub(super) fn types_file(progenitor: &syn::File) -> Result<syn::File, CodegenError> {
    let items = progenitor
        .items
        .iter()
        .find(|item| is_module(item, "types"))
        .and_then(|item| match item {
            syn::Item::Mod(module) => module.content.as_ref().map(|(_, items)| items.clone()),
            _ => None,
        })
        .ok_or_else(|| emit_error("types.rs", "progenitor produced no types module"))?;
    Ok(syn::File {
        shebang: None,
        attrs: vec![
            syn::parse_quote!(#![allow(clippy::all, clippy::pedantic, missing_docs)]),
            syn::parse_quote!(#![doc = "Types of the operations' parameters, bodies and responses: every schema of the spec, once."]),
        ],
        items,
    })
}
