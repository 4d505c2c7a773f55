//! Every fix to progenitor's output, made on its syntax tree, and its pieces handed on:
//! - each operation method becomes a request builder: a plain `fn` that builds the
//!   `reqwest::Request` and returns it; the hooks, the sending and the reading of the answer
//!   are cut (the public client hands the request to the runtime with the operation's
//!   description). Of progenitor's building, the method and the body are kept; the path, the
//!   query and the headers are written from the IR, with each parameter's wire name and
//!   OpenAPI style (`crate::runtime::path_segment`, `add_query`, `add_header`), since the view
//!   gave progenitor the parameters under their Rust names only;
//! - progenitor's `api-version` header goes with its header map (Plex has no use for it, and
//!   it cost every call an allocation), and so does its per-request `Accept:
//!   application/json` (the client sends it with every request, as a default header);
//! - `Client::new` goes (it builds its own reqwest client and panics on failure; the public
//!   builder replaces it);
//! - the fields of the types are named by the generator's naming rule (`ipv6`, not `i_pv6`;
//!   `guid` and `Guid` told apart), their wire names kept by `serde(rename)`.
//!
//! Methods are paired with the IR's operations by name, exactly: the view gave each operation
//! its Rust method name as operationId.

mod fields;
mod request;
use std::collections::BTreeMap;

use crate::error::CodegenError;
use crate::ir::Plan;

/// progenitor's output, fixed and cut into the pieces the generated files are made of.
pub(crate) struct ProgenitorOutput {
    /// The items of progenitor's `types` module: every schema of the spec, once.
    pub types: Vec<syn::Item>,
    /// The raw client without its operation methods: its struct, constructor from parts,
    /// `ClientInfo` and hooks implementations, imports.
    pub support: Vec<syn::Item>,
    /// The request builder of each operation, by the operation's Rust method name.
    pub methods: BTreeMap<String, RawMethod>,
}

/// One operation's request builder.
pub(crate) struct RawMethod {
    /// `fn name(&self, args…) -> Result<reqwest::Request, progenitor_client::Error<()>>`.
    pub function: syn::ImplItemFn,
    /// Each argument after `&self`, in order: its name (the parameter's Rust name, or `body`)
    /// and its type as progenitor declares it (with `'a`).
    pub arguments: Vec<(String, syn::Type)>,
    /// The type progenitor decodes a success into (`()` for a success without a body).
    pub success: syn::Type,
}

fn error(message: impl Into<String>) -> CodegenError {
    CodegenError::Emit {
        file: "the clients".into(),
        message: message.into(),
    }
}

/// Fixes progenitor's output for `plan` and cuts it into pieces.
pub(super) fn fix(plan: &Plan, file: syn::File) -> Result<ProgenitorOutput, CodegenError> {
    let mut types = None;
    let mut support = Vec::new();
    let mut methods = BTreeMap::new();
    for item in file.items {
        match item {
            syn::Item::Mod(module) if module.ident == "types" => {
                let (_, items) = module
                    .content
                    .ok_or_else(|| error("progenitor's types module is empty"))?;
                types = Some(fields::rename_fields(items));
            }
            syn::Item::Mod(module) if module.ident == "prelude" => {}
            syn::Item::Impl(mut block) if is_client_impl(&block) => {
                let mut kept = Vec::new();
                for member in std::mem::take(&mut block.items) {
                    match member {
                        syn::ImplItem::Fn(function) if function.sig.asyncness.is_some() => {
                            let name = function.sig.ident.to_string();
                            let op = plan
                                .operations()
                                .find(|op| op.names.method == name)
                                .ok_or_else(|| {
                                    error(format!(
                                        "progenitor produced a method {name} for no operation \
                                         of the spec"
                                    ))
                                })?;
                            let method =
                                request::request_builder(function, op).map_err(|message| {
                                    error(format!("method {name} ({}): {message}", op.id))
                                })?;
                            methods.insert(name, method);
                        }
                        syn::ImplItem::Fn(function) if function.sig.ident == "new" => {}
                        other => kept.push(other),
                    }
                }
                if !kept.is_empty() {
                    block.items = kept;
                    support.push(syn::Item::Impl(block));
                }
            }
            other => support.push(other),
        }
    }
    let planned: Vec<&str> = plan
        .operations()
        .map(|op| op.names.method.as_str())
        .collect();
    if let Some(missing) = planned.iter().find(|name| !methods.contains_key(**name)) {
        return Err(error(format!(
            "progenitor produced no method named {missing}"
        )));
    }
    if let Some(extra) = methods
        .keys()
        .find(|name| !planned.contains(&name.as_str()))
    {
        return Err(error(format!(
            "progenitor produced a method {extra} for no operation of the spec"
        )));
    }
    Ok(ProgenitorOutput {
        types: types.ok_or_else(|| error("progenitor produced no types module"))?,
        support,
        methods,
    })
}

fn is_client_impl(block: &syn::ItemImpl) -> bool {
    block.trait_.is_none()
        && matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"))
}
