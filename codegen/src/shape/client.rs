//! `<client>.rs`: the public client over progenitor's raw client, its hooks into the runtime,
//! and the raw client itself (kept private in `mod raw`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{docs, emit_error, facade, is_module, parse_file, table};
use crate::error::CodegenError;
use crate::naming::same;
use crate::plan::Client;

/// One client's file.
pub(super) fn client_file(
    client: &Client,
    progenitor: &syn::File,
) -> Result<syn::File, CodegenError> {
    let file_name = format!("{}.rs", client.module);
    let raw_items = raw_items(client, progenitor);
    let signatures: Vec<&syn::Signature> = raw_items.iter().flat_map(async_methods).collect();
    let mut pairs = Vec::new();
    for op in &client.operations {
        let sig = signatures
            .iter()
            .find(|sig| same(&sig.ident.to_string(), &op.id))
            .ok_or_else(|| {
                emit_error(
                    &file_name,
                    format!("progenitor produced no method for {}", op.id),
                )
            })?;
        pairs.push((op, *sig));
    }
    let methods = pairs
        .iter()
        .map(|(op, sig)| facade::method(client, op, sig))
        .collect::<Result<Vec<_>, _>>()?;
    let table = table::operation_table(&pairs);
    let facade = facade_type(client, &methods);
    let hooks = hooks();
    let tokens = quote! {
        use crate::types;
        #facade
        #table
        #hooks
        /// progenitor's client for these operations; the public client wraps it.
        #[allow(clippy::all, dead_code, missing_docs)]
        mod raw {
            use crate::types;
        }
    };
    let mut file = parse_file(tokens, &file_name)?;
    // progenitor's items are already syntax trees: they go into `raw` as they are, rather than
    // through another round of tokens and parsing.
    if let Some(syn::Item::Mod(syn::ItemMod {
        content: Some((_, items)),
        ..
    })) = file.items.last_mut()
    {
        items.extend(raw_items);
    }
    Ok(file)
}

/// progenitor's items for this client: everything but the shared `types` and the prelude, with
/// the raw `Client` keeping only this client's operations.
fn raw_items(client: &Client, progenitor: &syn::File) -> Vec<syn::Item> {
    let own = |name: &syn::Ident| {
        let name = name.to_string();
        client.operations.iter().any(|op| same(&name, &op.id))
    };
    let mut items = Vec::new();
    for item in &progenitor.items {
        if is_module(item, "types") || is_module(item, "prelude") {
            continue;
        }
        let mut item = item.clone();
        if let syn::Item::Impl(block) = &mut item
            && is_client_impl(block)
        {
            // `Client::new` builds its own reqwest client and unwraps the result; the public
            // builder replaces it. Operations of other servers belong to other clients.
            block.items.retain(|member| match member {
                syn::ImplItem::Fn(f) if f.sig.ident == "new" => false,
                syn::ImplItem::Fn(f) if f.sig.asyncness.is_some() => own(&f.sig.ident),
                _ => true,
            });
            for member in &mut block.items {
                if let syn::ImplItem::Fn(f) = member {
                    drop_api_version_header(&mut f.block);
                }
            }
        }
        items.push(item);
    }
    items
}

/// progenitor sends the spec's `info.version` as an `api-version` header with every request.
/// Plex has no use for it, and building it costs every call a header map: the statement that
/// adds it goes, and the map starts empty (which allocates nothing) when nothing else is added.
fn drop_api_version_header(body: &mut syn::Block) {
    let appends = |stmt: &syn::Stmt| {
        matches!(stmt, syn::Stmt::Expr(syn::Expr::MethodCall(call), _)
            if call.method == "append" && is_header_map(&call.receiver))
    };
    body.stmts.retain(|stmt| {
        !(appends(stmt) && quote::quote!(#stmt).to_string().contains("\"api-version\""))
    });
    if body.stmts.iter().any(appends) {
        return;
    }
    for stmt in &mut body.stmts {
        if let syn::Stmt::Local(local) = stmt
            && let syn::Pat::Ident(binding) = &mut local.pat
            && binding.ident == "header_map"
            && let Some(init) = &mut local.init
        {
            binding.mutability = None;
            *init.expr = syn::parse_quote!(::reqwest::header::HeaderMap::new());
        }
    }
}

/// Whether `expr` is the `header_map` variable of progenitor's request building.
fn is_header_map(expr: &syn::Expr) -> bool {
    matches!(expr, syn::Expr::Path(path) if path.path.is_ident("header_map"))
}

fn is_client_impl(block: &syn::ItemImpl) -> bool {
    block.trait_.is_none()
        && matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"))
}

/// The async methods of an inherent `impl Client` block: the operations.
fn async_methods(item: &syn::Item) -> Vec<&syn::Signature> {
    match item {
        syn::Item::Impl(block) if is_client_impl(block) => block
            .items
            .iter()
            .filter_map(|member| match member {
                syn::ImplItem::Fn(f) if f.sig.asyncness.is_some() => Some(&f.sig),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The public client: its struct, constructor, settings and operation methods.
fn facade_type(client: &Client, methods: &[TokenStream]) -> TokenStream {
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

/// progenitor's hooks, implemented by the runtime: preparation before sending, and the retry
/// loop around sending.
fn hooks() -> TokenStream {
    quote! {
        impl progenitor_client::ClientHooks<crate::runtime::Context> for raw::Client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                info: &progenitor_client::OperationInfo,
            ) -> Result<(), progenitor_client::Error<E>> {
                crate::runtime::prepare(&self.inner, request, operation(info.operation_id))
                    .map_err(progenitor_client::Error::InvalidRequest)
            }

            async fn exec(
                &self,
                request: reqwest::Request,
                info: &progenitor_client::OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                crate::runtime::execute(
                    &self.client,
                    &self.inner,
                    request,
                    operation(info.operation_id),
                )
                .await
            }
        }
    }
}
