//! An operation method rewritten into a request builder: the URL, query and headers written
//! from the IR; progenitor's method and body kept; hooks, sending and reading cut.

use quote::{format_ident, quote};

use super::RawMethod;
use crate::ir::{Operation, Parameter, ParameterLocation};

/// An operation method rewritten into a request builder: the URL from the IR's path, the
/// method and body of progenitor's builder, then the query and the headers from the IR; the
/// request is what it returns.
pub(super) fn request_builder(
    mut function: syn::ImplItemFn,
    op: &Operation,
) -> Result<RawMethod, String> {
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

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

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
