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

use std::collections::BTreeMap;

use syn::visit_mut::VisitMut;

use quote::{format_ident, quote};

use crate::error::CodegenError;
use crate::ir::{Operation, Parameter, ParameterLocation, Plan};
use crate::naming;
use crate::syntax::wire_name;

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
                types = Some(rename_fields(items));
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
                            let method = request_builder(function, op).map_err(|message| {
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

/// An operation method rewritten into a request builder: the URL from the IR's path, the
/// method and body of progenitor's builder, then the query and the headers from the IR; the
/// request is what it returns.
fn request_builder(mut function: syn::ImplItemFn, op: &Operation) -> Result<RawMethod, String> {
    let success = success_type(&function.sig).ok_or("unexpected return type")?;
    let arguments: Vec<(String, syn::Type)> = function
        .sig
        .inputs
        .iter()
        .filter_map(|input| match input {
            syn::FnArg::Typed(typed) => match &*typed.pat {
                syn::Pat::Ident(name) => Some((name.ident.to_string(), (*typed.ty).clone())),
                _ => None,
            },
            syn::FnArg::Receiver(_) => None,
        })
        .collect();
    for parameter in &op.parameters {
        if !arguments
            .iter()
            .any(|(name, _)| *name == parameter.rust_name)
        {
            return Err(format!("no argument named {}", parameter.rust_name));
        }
    }
    let expected = op.parameters.len() + usize::from(op.body.is_some());
    if arguments.len() != expected {
        return Err(format!(
            "{} arguments, where the spec declares {expected}",
            arguments.len()
        ));
    }
    let mut build = function
        .block
        .stmts
        .iter()
        .find(|statement| builds_request(statement))
        .cloned()
        .ok_or("no statement builds the request")?;
    let (request, url) = match &mut build {
        syn::Stmt::Local(local) => {
            let request = match &local.pat {
                syn::Pat::Ident(binding) => binding.ident.clone(),
                _ => return Err("the request is not bound to a name".into()),
            };
            let init = local.init.as_mut().ok_or("the request has no value")?;
            let syn::Expr::Try(attempt) = &mut *init.expr else {
                return Err("the request is not built with `?`".into());
            };
            strip_chain(&mut attempt.expr);
            (
                request,
                chain_url(&attempt.expr).ok_or("no URL in the builder")?,
            )
        }
        _ => return Err("the request is not bound to a name".into()),
    };
    let url_expression = url_expression(op);
    let mut statements: Vec<syn::Stmt> = vec![syn::parse_quote!(let #url = #url_expression;)];
    statements.push(build);
    for parameter in op
        .parameters
        .iter()
        .filter(|p| p.location != ParameterLocation::Path)
    {
        statements.push(add_parameter(parameter, &arguments, &request));
    }
    statements.push(syn::Stmt::Expr(syn::parse_quote!(Ok(#request)), None));
    function.block.stmts = statements;
    // progenitor's doc describes its view (its path is the view's); the public method carries
    // the operation's documentation.
    function.attrs.retain(|attr| !attr.path().is_ident("doc"));
    let doc = format!("Builds the request of `{}`.", op.id);
    function.attrs.insert(0, syn::parse_quote!(#[doc = #doc]));
    function.sig.asyncness = None;
    function.sig.output =
        syn::parse_quote!(-> Result<reqwest::Request, progenitor_client::Error<()>>);
    Ok(RawMethod {
        function,
        arguments,
        success,
    })
}

/// The request's URL: the base URL, then the operation's path with each path parameter
/// written in its style and percent-encoded (and checked: see
/// `crate::runtime::path_segment`).
fn url_expression(op: &Operation) -> syn::Expr {
    let mut template = String::from("{}");
    let mut segments = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(open) = rest.find('{') {
        template.push_str(&braces_escaped(&rest[..open]));
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let variable = &rest[open + 1..open + close];
        let parameter = op
            .parameters
            .iter()
            .find(|p| p.location == ParameterLocation::Path && p.wire_name == variable);
        if let Some(parameter) = parameter {
            let name = format_ident!("{}", parameter.rust_name);
            let style = format_ident!("{}", parameter.style.runtime_name());
            let explode = parameter.explode;
            template.push_str("{}");
            segments.push(quote! {
                crate::runtime::path_segment(
                    #variable, &#name, crate::runtime::Style::#style, #explode,
                )?
            });
        }
        rest = &rest[open + close + 1..];
    }
    template.push_str(&braces_escaped(rest));
    syn::parse_quote!(format!(#template, self.baseurl, #(#segments),*))
}

fn braces_escaped(text: &str) -> String {
    text.replace('{', "{{").replace('}', "}}")
}

/// Adds one query or header parameter to `request`: written in its style, and left out when
/// it is an optional argument set to `None`. `request` is the name progenitor bound the request
/// to (`_request` when a parameter takes `request`).
fn add_parameter(
    parameter: &Parameter,
    arguments: &[(String, syn::Type)],
    request: &syn::Ident,
) -> syn::Stmt {
    let name = format_ident!("{}", parameter.rust_name);
    let wire = &parameter.wire_name;
    let optional = arguments
        .iter()
        .find(|(argument, _)| *argument == parameter.rust_name)
        .is_some_and(|(_, ty)| crate::syntax::option_inner(ty).is_some());
    let add = match parameter.location {
        ParameterLocation::Header => {
            quote! { crate::runtime::add_header(&mut #request, #wire, value)?; }
        }
        _ => {
            let style = format_ident!("{}", parameter.style.runtime_name());
            let explode = parameter.explode;
            quote! {
                crate::runtime::add_query(
                    &mut #request, #wire, value, crate::runtime::Style::#style, #explode,
                )?;
            }
        }
    };
    if optional {
        syn::parse_quote! { if let Some(value) = &#name { #add } }
    } else {
        syn::parse_quote! { { let value = &#name; #add } }
    }
}

/// The argument of the builder chain's first call (`self.client.get(url)`): the URL.
fn chain_url(expr: &syn::Expr) -> Option<syn::Ident> {
    let call = match expr {
        syn::Expr::Try(attempt) => return chain_url(&attempt.expr),
        syn::Expr::MethodCall(call) => call,
        _ => return None,
    };
    match &*call.receiver {
        syn::Expr::MethodCall(_) | syn::Expr::Try(_) => chain_url(&call.receiver),
        _ => match call.args.first() {
            Some(syn::Expr::Path(path)) => path.path.get_ident().cloned(),
            _ => None,
        },
    }
}

/// `let request = self.client.get(url)…build()?;`: a binding of `….build()?`.
fn builds_request(statement: &syn::Stmt) -> bool {
    let syn::Stmt::Local(local) = statement else {
        return false;
    };
    let Some(init) = &local.init else {
        return false;
    };
    matches!(&*init.expr, syn::Expr::Try(attempt)
        if matches!(&*attempt.expr, syn::Expr::MethodCall(call) if call.method == "build"))
}

/// Removes, from the request's builder chain, what the IR writes instead (`.query(…)`,
/// `.headers(header_map)`) and `.header(ACCEPT, "application/json")`: a default header of the
/// client (an operation whose success is not JSON sends its own `Accept`).
fn strip_chain(expr: &mut syn::Expr) {
    loop {
        match expr {
            syn::Expr::Try(attempt) => return strip_chain(&mut attempt.expr),
            syn::Expr::MethodCall(call) => {
                let redundant = call.method == "query"
                    || call.method == "headers"
                    || (call.method == "header" && sets_json_accept(&call.args));
                if !redundant {
                    return strip_chain(&mut call.receiver);
                }
                *expr = (*call.receiver).clone();
            }
            _ => return,
        }
    }
}

/// `(…ACCEPT, …HeaderValue::from_static("application/json"))`.
fn sets_json_accept(args: &syn::punctuated::Punctuated<syn::Expr, syn::Token![,]>) -> bool {
    let mut args = args.iter();
    let name = matches!(args.next(), Some(syn::Expr::Path(p))
        if p.path.segments.last().is_some_and(|s| s.ident == "ACCEPT"));
    let value = matches!(args.next(), Some(syn::Expr::Call(call))
        if matches!(call.args.first(), Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(text), .. }))
            if text.value() == "application/json"));
    name && value
}

/// `Result<ResponseValue<T>, Error<E>>` → `T`.
fn success_type(sig: &syn::Signature) -> Option<syn::Type> {
    let syn::ReturnType::Type(_, ty) = &sig.output else {
        return None;
    };
    first_type_argument(&first_type_argument(ty)?)
}

/// `Outer<A, ..>` → `A`.
fn first_type_argument(ty: &syn::Type) -> Option<syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(ty) => Some(ty.clone()),
        _ => None,
    }
}

/// Names every struct field of the types by the naming rule, made distinct within its struct,
/// and keeps the wire name in `serde(rename)`; the impls of the type that name its fields
/// follow.
fn rename_fields(mut items: Vec<syn::Item>) -> Vec<syn::Item> {
    let mut renamed: BTreeMap<String, BTreeMap<String, syn::Ident>> = BTreeMap::new();
    for item in &mut items {
        let syn::Item::Struct(structure) = item else {
            continue;
        };
        let syn::Fields::Named(fields) = &mut structure.fields else {
            continue;
        };
        let wire: Vec<Option<String>> = fields.named.iter().map(wire_name).collect();
        let names = naming::distinct(
            fields
                .named
                .iter()
                .zip(&wire)
                .map(|(field, wire)| match wire {
                    Some(wire) => naming::snake_case(wire),
                    None => field
                        .ident
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                })
                .collect(),
        );
        let mut changes = BTreeMap::new();
        for ((field, wire), name) in fields.named.iter_mut().zip(&wire).zip(names) {
            let (Some(ident), Some(wire)) = (&field.ident, wire) else {
                continue;
            };
            if *ident == name {
                continue;
            }
            if !has_serde_rename(field) {
                field
                    .attrs
                    .push(syn::parse_quote!(#[serde(rename = #wire)]));
            }
            let new = syn::Ident::new(&name, ident.span());
            changes.insert(ident.to_string(), new.clone());
            field.ident = Some(new);
        }
        if !changes.is_empty() {
            renamed.insert(structure.ident.to_string(), changes);
        }
    }
    if renamed.is_empty() {
        return items;
    }
    for item in &mut items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let syn::Type::Path(self_type) = &*block.self_ty else {
            continue;
        };
        let Some(name) = self_type.path.segments.last().map(|s| s.ident.to_string()) else {
            continue;
        };
        if let Some(changes) = renamed.get(&name) {
            FieldRenamer { changes }.visit_item_impl_mut(block);
        }
    }
    items
}

fn has_serde_rename(field: &syn::Field) -> bool {
    field.attrs.iter().any(|attr| {
        attr.path().is_ident("serde") && {
            let tokens = attr.meta.require_list().map(|list| list.tokens.clone());
            tokens.is_ok_and(|tokens| {
                tokens
                    .into_iter()
                    .any(|tree| matches!(tree, proc_macro2::TokenTree::Ident(i) if i == "rename"))
            })
        }
    })
}

/// Renames the fields of one type in its impls: `Self { old: … }` and `self.old`/`value.old`.
struct FieldRenamer<'a> {
    changes: &'a BTreeMap<String, syn::Ident>,
}

impl FieldRenamer<'_> {
    fn rename(&self, member: &mut syn::Member) {
        if let syn::Member::Named(ident) = member
            && let Some(new) = self.changes.get(&ident.to_string())
        {
            *ident = new.clone();
        }
    }
}

impl VisitMut for FieldRenamer<'_> {
    fn visit_expr_struct_mut(&mut self, node: &mut syn::ExprStruct) {
        for field in &mut node.fields {
            let shorthand = field.colon_token.is_none();
            self.rename(&mut field.member);
            if shorthand {
                // `Self { old }` keeps reading the variable `old`.
                field.colon_token = Some(Default::default());
            }
        }
        syn::visit_mut::visit_expr_struct_mut(self, node);
    }

    fn visit_expr_field_mut(&mut self, node: &mut syn::ExprField) {
        let on_value = matches!(&*node.base, syn::Expr::Path(p)
            if p.path.is_ident("self") || p.path.is_ident("value"));
        if on_value {
            self.rename(&mut node.member);
        }
        syn::visit_mut::visit_expr_field_mut(self, node);
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    #[test]
    fn fields_take_the_naming_rule_and_keep_their_wire_names() {
        let items: Vec<syn::Item> = vec![
            syn::parse_quote! {
                pub struct Connection {
                    #[serde(rename = "IPv6", skip_serializing_if = "Option::is_none")]
                    pub i_pv6: Option<bool>,
                    pub guid: String,
                    #[serde(rename = "Guid")]
                    pub guid: String,
                }
            },
            syn::parse_quote! {
                impl Default for Connection {
                    fn default() -> Self {
                        Self { i_pv6: None, guid: String::new(), guid: String::new() }
                    }
                }
            },
        ];
        let fixed = rename_fields(items);
        let text = prettyplease::unparse(&syn::File {
            shebang: None,
            attrs: Vec::new(),
            items: fixed,
        });
        assert!(text.contains("pub ipv6: Option<bool>"), "{text}");
        assert!(text.contains("rename = \"IPv6\""), "{text}");
        assert!(text.contains("pub guid: String"), "{text}");
        assert!(
            text.contains("#[serde(rename = \"Guid\")]\n    pub guid_2: String"),
            "{text}"
        );
        assert!(text.contains("ipv6: None"), "{text}");
    }

    #[test]
    fn the_chain_keeps_the_method_and_the_body_only() {
        let mut chain: syn::Expr = syn::parse_quote! {
            self.client
                .post(url)
                .header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("application/json"),
                )
                .query(&progenitor_client::QueryParam::new("pin", &pin))
                .form_urlencoded(&body)?
                .headers(header_map)
        };
        strip_chain(&mut chain);
        let text = quote!(#chain).to_string();
        assert_eq!(
            text,
            "self . client . post (url) . form_urlencoded (& body) ?"
        );
        let mut plain: syn::Expr = syn::parse_quote! {
            self.client.get(url).query(&progenitor_client::QueryParam::new("a", &a)).build()?
        };
        strip_chain(&mut plain);
        assert_eq!(
            quote!(#plain).to_string(),
            "self . client . get (url) . build () ?"
        );
        assert_eq!(
            chain_url(&chain).map(|url| url.to_string()).as_deref(),
            Some("url")
        );
    }
}
