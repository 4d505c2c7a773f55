//! The public client: its struct, constructor, settings, and one method per operation. A
//! method builds its request with the request builder (`progenitor_pass`), and hands it to the
//! runtime with the operation's description (its static, from `table`), which sends it and
//! reads the answer: the call carries its operation from start to end.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{argument_type, docs, elide_lifetimes, emit_error, options};
use crate::error::CodegenError;
use crate::ir::{Client, Operation, ParameterLocation, SuccessBody};
use crate::progenitor_pass::RawMethod;

/// `pub async fn op(&self, args…) -> Result<crate::Response<T>, crate::Error>`: the arguments
/// in the IR's order (path parameters, queries, body, headers; optional ones in an options
/// struct when there are several), passed to progenitor's request builder by name.
pub(super) fn method(
    client: &Client,
    op: &Operation,
    raw: &RawMethod,
    file: &str,
) -> Result<TokenStream, CodegenError> {
    let missing = |name: &str| emit_error(file, format!("{}: no argument {name}", op.id));
    let in_options = op.options();
    let is_option = |name: &str| in_options.iter().any(|o| o.rust_name == name);
    let mut inputs = Vec::new();
    let mut input = |name: &str| -> Result<(), CodegenError> {
        let ty = elide_lifetimes(argument_type(raw, name).ok_or_else(|| missing(name))?);
        let name = format_ident!("{name}");
        inputs.push(quote! { #name: #ty });
        Ok(())
    };
    for location in [ParameterLocation::Path, ParameterLocation::Query] {
        for parameter in op.parameters.iter().filter(|p| p.location == location) {
            if !is_option(&parameter.rust_name) {
                input(&parameter.rust_name)?;
            }
        }
    }
    if op.body.is_some() {
        input("body")?;
    }
    for parameter in op
        .parameters
        .iter()
        .filter(|p| p.location == ParameterLocation::Header)
    {
        if !is_option(&parameter.rust_name) {
            input(&parameter.rust_name)?;
        }
    }
    if !in_options.is_empty() {
        let options_type = format_ident!("{}", options::type_name(op));
        inputs.push(quote! { options: types::#options_type });
    }
    // progenitor's builder, in its own order.
    let raw_args = raw.arguments.iter().map(|(name, ty)| {
        let ident = format_ident!("{name}");
        if is_option(name) {
            options::raw_argument(&ident, ty)
        } else {
            quote! { #ident }
        }
    });
    let name = format_ident!("{}", op.names.method);
    let constant = format_ident!("{}", op.names.constant);
    let unit = matches!(&raw.success, syn::Type::Tuple(tuple) if tuple.elems.is_empty());
    let (call, ok_type) = match op.success.body {
        SuccessBody::Json if !unit => {
            let ty = &raw.success;
            (quote! { json }, quote! { #ty })
        }
        SuccessBody::Empty if unit => (quote! { empty }, quote! { () }),
        SuccessBody::Bytes if unit => (quote! { bytes }, quote! { ::bytes::Bytes }),
        SuccessBody::Text if unit => (quote! { text }, quote! { ::std::string::String }),
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
    let doc = docs::method_doc(client, op);
    Ok(quote! {
        #[doc = #doc]
        pub async fn #name(&self, #(#inputs),*) -> Result<crate::Response<#ok_type>, crate::Error> {
            let request = self.raw.#name(#(#raw_args),*);
            crate::runtime::#call(&self.raw.client, &self.raw.inner, &#constant, request).await
        }
    })
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
