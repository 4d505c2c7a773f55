//! The public client: its struct, constructor, settings, and one method per operation. A
//! method refuses bad path segments, builds its request with progenitor's request builder,
//! and hands it to the runtime with the operation's description (its static, from `table`),
//! which sends it and reads the answer: the call carries its operation from start to end.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Slot, docs, elide_lifetimes, emit_error, is_str_reference, options, raw_slots};
use crate::error::CodegenError;
use crate::ir::{Client, Operation, ParameterLocation, SuccessBody};
use crate::progenitor_pass::RawMethod;

/// `pub async fn op(&self, args…) -> Result<crate::Response<T>, crate::Error>`.
pub(super) fn method(
    client: &Client,
    op: &Operation,
    raw: &RawMethod,
    file: &str,
) -> Result<TokenStream, CodegenError> {
    let slots = raw_slots(op);
    if slots.len() != raw.arguments.len() {
        return Err(emit_error(
            file,
            format!(
                "{}: progenitor's request builder takes {} arguments, the spec declares {}",
                op.id,
                raw.arguments.len(),
                slots.len()
            ),
        ));
    }
    check_query_names(op, raw, &slots, file)?;
    let in_options = op.options();
    let mut inputs = Vec::new();
    let mut raw_args = Vec::new();
    let mut path_checks = Vec::new();
    for (slot, ty) in slots.iter().zip(&raw.arguments) {
        let public_ty = elide_lifetimes(ty);
        match slot {
            Slot::Body => {
                inputs.push(quote! { body: #public_ty });
                raw_args.push(quote! { body });
            }
            Slot::Parameter(p) if in_options.iter().any(|o| o.wire_name == p.wire_name) => {
                let field = format_ident!("{}", p.rust_name);
                raw_args.push(options::raw_argument(&field, ty));
            }
            Slot::Parameter(p) => {
                let name = format_ident!("{}", p.rust_name);
                inputs.push(quote! { #name: #public_ty });
                raw_args.push(quote! { #name });
                if p.location == ParameterLocation::Path && !p.schema.is_scalar_non_text() {
                    let wire = &p.wire_name;
                    let value = if is_str_reference(ty) {
                        quote! { #name }
                    } else {
                        quote! { &#name.to_string() }
                    };
                    path_checks.push(quote! { (#wire, #value) });
                }
            }
        }
    }
    if !in_options.is_empty() {
        let options_type = format_ident!("{}", options::type_name(op));
        inputs.push(quote! { options: types::#options_type });
    }
    let name = format_ident!("{}", op.names.method);
    let constant = format_ident!("{}", op.names.constant);
    let ok_type = &raw.success;
    let unit = matches!(ok_type, syn::Type::Tuple(tuple) if tuple.elems.is_empty());
    let call = match op.success.body {
        SuccessBody::Json if !unit => quote! { json },
        SuccessBody::Empty if unit => quote! { empty },
        _ => {
            return Err(emit_error(
                file,
                format!(
                    "progenitor's success type of {} does not match the spec's body",
                    op.id
                ),
            ));
        }
    };
    let check = (!path_checks.is_empty()).then(|| {
        quote! { crate::runtime::check_path_segments(&#constant, &[#(#path_checks),*])?; }
    });
    let doc = docs::method_doc(client, op);
    Ok(quote! {
        #[doc = #doc]
        pub async fn #name(&self, #(#inputs),*) -> Result<crate::Response<#ok_type>, crate::Error> {
            #check
            let request = self.raw.#name(#(#raw_args),*);
            crate::runtime::#call(&self.raw.client, &self.raw.inner, &#constant, request).await
        }
    })
}

/// Pairs the query parameters exactly: progenitor's builder adds each as
/// `QueryParam::new("<wire name>", &<argument>)`, and that argument must be the one the
/// spec's order puts there.
fn check_query_names(
    op: &Operation,
    raw: &RawMethod,
    slots: &[Slot<'_>],
    file: &str,
) -> Result<(), CodegenError> {
    let arguments: Vec<String> = raw
        .function
        .sig
        .inputs
        .iter()
        .filter_map(|input| match input {
            syn::FnArg::Typed(typed) => match &*typed.pat {
                syn::Pat::Ident(ident) => Some(ident.ident.to_string()),
                _ => None,
            },
            syn::FnArg::Receiver(_) => None,
        })
        .collect();
    let added = query_params_added(&raw.function);
    for (slot, argument) in slots.iter().zip(&arguments) {
        let Slot::Parameter(p) = slot else { continue };
        if p.location != ParameterLocation::Query {
            continue;
        }
        let found = added
            .iter()
            .any(|(wire, arg)| *wire == p.wire_name && arg == argument);
        if !found {
            return Err(emit_error(
                file,
                format!(
                    "{}: query parameter {:?} is not progenitor's argument `{argument}`",
                    op.id, p.wire_name
                ),
            ));
        }
    }
    Ok(())
}

/// The public client: its struct, constructor, settings and operation methods.
pub(super) fn client_type(client: &Client, methods: &[TokenStream]) -> TokenStream {
    let client_ident = format_ident!("{}", client.name);
    let client_doc = docs::client_doc(client);
    let constructor = constructor(client);
    quote! {
        #[doc = #client_doc]
        #[derive(Clone, Debug)]
        pub struct #client_ident {
            raw: raw::Client,
        }

        impl #client_ident {
            #constructor

            /// The base URL requests go to.
            pub fn base_url(&self) -> &str {
                &self.raw.baseurl
            }

            /// A client that shares this one's connections and settings, with `options`
            /// applied to every call made through it.
            pub fn with_options(&self, options: crate::CallOptions) -> Self {
                Self {
                    raw: raw::Client::new_with_client(
                        &self.raw.baseurl,
                        self.raw.client.clone(),
                        self.raw.inner.with_options(options),
                    ),
                }
            }

            #(#methods)*
        }

        impl crate::runtime::FromParts for #client_ident {
            fn from_parts(
                base_url: &str,
                http: reqwest::Client,
                context: crate::runtime::Context,
            ) -> Self {
                Self {
                    raw: raw::Client::new_with_client(base_url, http, context),
                }
            }
        }
    }
}

fn constructor(client: &Client) -> TokenStream {
    let url = &client.url;
    let doc = docs::constructor_doc(client);
    if client.templated {
        quote! {
            #[doc = #doc]
            pub fn builder(
                server_url: impl Into<String>,
                identity: crate::ClientIdentity,
            ) -> crate::ClientBuilder<Self> {
                crate::ClientBuilder::new(server_url.into(), identity)
            }
        }
    } else {
        quote! {
            #[doc = #doc]
            pub fn builder(identity: crate::ClientIdentity) -> crate::ClientBuilder<Self> {
                crate::ClientBuilder::new(#url.to_string(), identity)
            }
        }
    }
}

/// The `(wire name, argument)` pairs of the `QueryParam::new("<wire name>", &<argument>)`
/// calls in a request builder.
fn query_params_added(function: &syn::ImplItemFn) -> Vec<(String, String)> {
    struct Finder(Vec<(String, String)>);
    impl<'ast> syn::visit::Visit<'ast> for Finder {
        fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
            let is_new = matches!(&*call.func, syn::Expr::Path(path)
                if path.path.segments.len() >= 2
                    && path.path.segments.iter().rev().nth(1).is_some_and(|s| s.ident == "QueryParam")
                    && path.path.segments.last().is_some_and(|s| s.ident == "new"));
            let mut args = call.args.iter();
            if is_new
                && let (
                    Some(syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(wire),
                        ..
                    })),
                    Some(syn::Expr::Reference(argument)),
                ) = (args.next(), args.next())
                && let syn::Expr::Path(argument) = &*argument.expr
                && let Some(argument) = argument.path.get_ident()
            {
                self.0.push((wire.value(), argument.to_string()));
            }
            syn::visit::visit_expr_call(self, call);
        }
    }
    let mut finder = Finder(Vec::new());
    syn::visit::Visit::visit_block(&mut finder, &function.block);
    finder.0
}
