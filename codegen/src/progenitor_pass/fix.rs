//! Every fix to progenitor's output, made on its syntax tree, and its pieces handed on:
//! - each operation method becomes a request builder: a plain `fn` that builds the
//!   `reqwest::Request` as progenitor does and returns it; the hooks, the sending and the
//!   reading of the answer are cut (the public client hands the request to the runtime with
//!   the operation's description);
//! - progenitor's `api-version` header goes (Plex has no use for it, and its header map cost
//!   every call an allocation), and so does its per-request `Accept: application/json` (the
//!   client sends it with every request, as a default header); an empty header map is not
//!   built at all;
//! - `Client::new` goes (it builds its own reqwest client and panics on failure; the public
//!   builder replaces it);
//! - the fields of the types are named by the generator's naming rule (`ipv6`, not `i_pv6`;
//!   `guid` and `Guid` told apart), their wire names kept by `serde(rename)`.
//!
//! Methods are paired with the IR's operations by name, exactly: the view gave each operation
//! its Rust method name as operationId.

use std::collections::BTreeMap;

use syn::visit_mut::VisitMut;

use crate::error::CodegenError;
use crate::ir::Plan;
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
    /// The type of each argument after `&self`, as progenitor declares it (with `'a`).
    pub arguments: Vec<syn::Type>,
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
                            let method = request_builder(function)
                                .map_err(|message| error(format!("method {name}: {message}")))?;
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

/// An operation method cut after its request is built: that request is what it returns.
fn request_builder(mut function: syn::ImplItemFn) -> Result<RawMethod, String> {
    let success = success_type(&function.sig).ok_or("unexpected return type")?;
    let arguments = function
        .sig
        .inputs
        .iter()
        .filter_map(|input| match input {
            syn::FnArg::Typed(typed) => Some((*typed.ty).clone()),
            syn::FnArg::Receiver(_) => None,
        })
        .collect();
    let statements = &mut function.block.stmts;
    let built = statements
        .iter()
        .position(builds_request)
        .ok_or("no statement builds the request")?;
    let request = match &statements[built] {
        syn::Stmt::Local(local) => match &local.pat {
            syn::Pat::Ident(binding) => binding.ident.clone(),
            _ => return Err("the request is not bound to a name".into()),
        },
        _ => return Err("the request is not bound to a name".into()),
    };
    statements.truncate(built + 1);
    drop_api_version_header(statements);
    drop_redundant_headers(statements);
    statements.push(syn::Stmt::Expr(syn::parse_quote!(Ok(#request)), None));
    function.sig.asyncness = None;
    function.sig.output =
        syn::parse_quote!(-> Result<reqwest::Request, progenitor_client::Error<()>>);
    Ok(RawMethod {
        function,
        arguments,
        success,
    })
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

/// Removes, from the request's builder chain, `.header(ACCEPT, from_static("application/json"))`
/// (a default header of the client) and, when no header parameter is appended to it,
/// `.headers(header_map)` with the map's binding.
fn drop_redundant_headers(statements: &mut Vec<syn::Stmt>) {
    let keep_map = statements.iter().any(|s| appended_header(s).is_some())
        || statements
            .iter()
            .any(|s| matches!(s, syn::Stmt::Expr(syn::Expr::If(_), _)));
    if !keep_map {
        statements.retain(|statement| !binds(statement, "header_map"));
    }
    for statement in statements.iter_mut() {
        if let syn::Stmt::Local(local) = statement
            && let Some(init) = &mut local.init
            && let syn::Expr::Try(attempt) = &mut *init.expr
        {
            strip_chain(&mut attempt.expr, keep_map);
        }
    }
}

fn binds(statement: &syn::Stmt, name: &str) -> bool {
    matches!(statement, syn::Stmt::Local(local)
        if matches!(&local.pat, syn::Pat::Ident(binding) if binding.ident == name))
}

/// Walks a method-call chain and removes the calls that set what the client sends anyway.
fn strip_chain(expr: &mut syn::Expr, keep_map: bool) {
    while let syn::Expr::MethodCall(call) = expr {
        let redundant = (call.method == "header" && sets_json_accept(&call.args))
            || (!keep_map
                && call.method == "headers"
                && matches!(call.args.first(), Some(syn::Expr::Path(p)) if p.path.is_ident("header_map")));
        if redundant {
            *expr = (*call.receiver).clone();
            continue;
        }
        strip_chain(&mut call.receiver, keep_map);
        return;
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

/// Removes `header_map.append(HeaderName::from_static("api-version"), …)`; when no other
/// header is appended, the map starts empty (which allocates nothing) and is not `mut`.
fn drop_api_version_header(statements: &mut Vec<syn::Stmt>) {
    statements.retain(|statement| !appends_api_version(statement));
    if statements.iter().any(|s| appended_header(s).is_some()) {
        return;
    }
    for statement in statements {
        if let syn::Stmt::Local(local) = statement
            && let syn::Pat::Ident(binding) = &mut local.pat
            && binding.ident == "header_map"
            && let Some(init) = &mut local.init
        {
            binding.mutability = None;
            *init.expr = syn::parse_quote!(::reqwest::header::HeaderMap::new());
        }
    }
}

/// The arguments of `header_map.append(name, value)`, when `statement` is that call.
fn appended_header(
    statement: &syn::Stmt,
) -> Option<&syn::punctuated::Punctuated<syn::Expr, syn::Token![,]>> {
    let syn::Stmt::Expr(syn::Expr::MethodCall(call), _) = statement else {
        return None;
    };
    let receiver_is_map =
        matches!(&*call.receiver, syn::Expr::Path(p) if p.path.is_ident("header_map"));
    (call.method == "append" && receiver_is_map).then_some(&call.args)
}

/// `header_map.append(…::from_static("api-version"), …)`.
fn appends_api_version(statement: &syn::Stmt) -> bool {
    let Some(args) = appended_header(statement) else {
        return false;
    };
    let Some(syn::Expr::Call(name)) = args.first() else {
        return false;
    };
    let from_static = matches!(&*name.func, syn::Expr::Path(p)
        if p.path.segments.last().is_some_and(|s| s.ident == "from_static"));
    let literal = matches!(name.args.first(), Some(syn::Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(text), ..
    })) if text.value() == "api-version");
    from_static && literal
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
    fn the_api_version_header_is_found_on_syntax() {
        let mut statements: Vec<syn::Stmt> = syn::parse_quote! {
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
            header_map.append(
                ::reqwest::header::HeaderName::from_static("api-version"),
                ::reqwest::header::HeaderValue::from_static(Self::api_version()),
            );
            let request = self.client.get(url).headers(header_map).build()?;
        };
        drop_api_version_header(&mut statements);
        let text = quote!(#(#statements)*).to_string();
        assert!(!text.contains("api-version"), "{text}");
        assert!(text.contains("let header_map = :: reqwest :: header :: HeaderMap :: new ()"));
    }
}
