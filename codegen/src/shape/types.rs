//! `types.rs`: every schema of the spec once (progenitor's types), the operations' options
//! structs, and the constructors of the request types.

use std::collections::BTreeSet;

use quote::quote;

use super::{constructors, emit_error, options, parse_file};
use crate::error::CodegenError;
use crate::ir::Plan;
use crate::progenitor_pass::ProgenitorOutput;

/// The `types.rs` file.
pub(super) fn types_file(
    plan: &Plan,
    output: &ProgenitorOutput,
) -> Result<syn::File, CodegenError> {
    let taken: BTreeSet<String> = output.types.iter().filter_map(item_name).collect();
    let mut added = Vec::new();
    for client in &plan.clients {
        for op in &client.operations {
            let raw = output.methods.get(&op.names.method).ok_or_else(|| {
                emit_error("types.rs", format!("no request builder for {}", op.id))
            })?;
            if let Some(options) = options::options_struct(client, op, raw)? {
                let name = options::type_name(op);
                if taken.contains(&name) {
                    return Err(emit_error(
                        "types.rs",
                        format!(
                            "the options of {} would be named {name}, which a schema of the \
                             spec already is",
                            op.id
                        ),
                    ));
                }
                added.push(options);
            }
        }
    }
    added.extend(constructors::constructors(plan, output));
    let items = &output.types;
    let tokens = quote! {
        #![allow(clippy::all, clippy::pedantic, missing_docs)]
        #![doc = "Types of the operations' parameters, bodies and responses: every schema of the spec, once, the options of operations with several optional parameters, and constructors for request bodies."]
        #(#items)*
        #(#added)*
    };
    parse_file(tokens, "types.rs")
}

/// The name a type item declares.
fn item_name(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Struct(s) => Some(s.ident.to_string()),
        syn::Item::Enum(e) => Some(e.ident.to_string()),
        syn::Item::Type(t) => Some(t.ident.to_string()),
        syn::Item::Mod(m) => Some(m.ident.to_string()),
        _ => None,
    }
}
