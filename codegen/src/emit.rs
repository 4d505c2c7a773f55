//! Runs progenitor on each client's view of the spec and assembles the generated files.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::error::CodegenError;
use crate::model::{ClientModel, FieldLocation, Model, OperationModel};
use crate::view::progenitor_view;

pub(crate) fn progenitor_settings(model: &Model) -> progenitor::GenerationSettings {
    let mut settings = progenitor::GenerationSettings::default();
    settings
        .with_interface(progenitor::InterfaceStyle::Positional)
        .with_tag(progenitor::TagStyle::Merged)
        .with_hooks(progenitor::HooksMode::Expected)
        // Every generated client stores the runtime's per-client settings.
        .with_inner_type(quote!(crate::runtime::Context))
        // Callers compare decoded values (and tests do).
        .with_derive("PartialEq");
    for (schema, path) in &model.replacements {
        settings.with_replacement(schema, path, std::iter::empty());
    }
    settings
}

// progenitor reports several unsupported inputs by panicking. The panic hook is process-wide,
// so silencing it is serialised.
static PANIC_HOOK: Mutex<()> = Mutex::new(());

/// Runs progenitor, turning both its errors and its panics into messages.
fn run_progenitor(model: &Model, view: &OpenAPI) -> Result<TokenStream, String> {
    let settings = progenitor_settings(model);
    catch_progenitor(|| progenitor::Generator::new(&settings).generate_tokens(view))
}

/// Calls into progenitor with its panics caught (and kept off stderr) and reported as messages.
pub(crate) fn catch_progenitor(
    run: impl FnOnce() -> Result<TokenStream, progenitor::Error>,
) -> Result<TokenStream, String> {
    let _guard = PANIC_HOOK
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = catch_unwind(AssertUnwindSafe(run));
    std::panic::set_hook(previous);
    match result {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(err)) => Err(err.to_string()),
        Err(payload) => Err(payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .map(|message| format!("panicked: {message}"))
            .unwrap_or_else(|| "panicked".into())),
    }
}

/// Generates `keep`'s operations; on failure, finds the operation at fault.
/// Returns the view it generated from with the parsed output.
fn generate(
    model: &Model,
    keep: &[usize],
    what: &str,
) -> Result<(OpenAPI, syn::File), CodegenError> {
    let view = progenitor_view(model, Some(keep))?;
    let tokens = match run_progenitor(model, &view) {
        Ok(tokens) => tokens,
        Err(message) => {
            // Retry one operation at a time so the error names the culprit.
            for &index in keep {
                let single = progenitor_view(model, Some(&[index]))?;
                if let Err(message) = run_progenitor(model, &single) {
                    let op = &model.operations[index];
                    return Err(CodegenError::Progenitor {
                        culprit: format!("operation {:?} ({})", op.id, op.pointer),
                        message,
                    });
                }
            }
            return Err(CodegenError::Progenitor {
                culprit: what.into(),
                message,
            });
        }
    };
    let file = syn::parse2(tokens).map_err(|err| CodegenError::Emit {
        file: what.into(),
        message: err.to_string(),
    })?;
    Ok((view, file))
}

fn is_module(item: &syn::Item, name: &str) -> bool {
    matches!(item, syn::Item::Mod(m) if m.ident == name)
}

/// progenitor's output for every operation of the spec, in one pass: the `types` module and
/// each client's methods are cut out of it (progenitor itself ignores `servers`).
pub(crate) fn generate_all(model: &Model) -> Result<(OpenAPI, syn::File), CodegenError> {
    let all: Vec<usize> = (0..model.operations.len()).collect();
    generate(model, &all, "the spec")
}

/// The items of the `types` module for the whole spec: every schema once.
pub(crate) fn types_file(full: &syn::File) -> Result<syn::File, CodegenError> {
    let items = full
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => {
                m.content.as_ref().map(|(_, items)| items.clone())
            }
            _ => None,
        })
        .ok_or_else(|| CodegenError::Emit {
            file: "types.rs".into(),
            message: "progenitor produced no types module".into(),
        })?;
    Ok(syn::File {
        shebang: None,
        attrs: vec![
            syn::parse_quote!(#![allow(clippy::all, clippy::pedantic, missing_docs)]),
            syn::parse_quote!(#![doc = "Types of the operations' parameters, bodies and responses: every schema of the spec, once."]),
        ],
        items,
    })
}

/// One client's file: progenitor's raw client, its hooks, and the public client over it.
pub(crate) fn client_file(
    model: &Model,
    client_index: usize,
    full: &syn::File,
) -> Result<syn::File, CodegenError> {
    let client = &model.clients[client_index];
    let ops: Vec<usize> = model
        .operations
        .iter()
        .enumerate()
        .filter(|(_, op)| op.client == client_index)
        .map(|(index, _)| index)
        .collect();
    let own: Vec<String> = ops
        .iter()
        .map(|&index| normalize(&model.operations[index].id))
        .collect();
    let mut raw_items = Vec::new();
    let mut signatures = Vec::new();
    for item in full.items.iter().cloned() {
        if is_module(&item, "types") || is_module(&item, "prelude") {
            continue;
        }
        match item {
            syn::Item::Impl(mut block) if is_client_impl(&block) => {
                // `Client::new` builds its own reqwest client and unwraps the result; the
                // public builder replaces it. Operations of other servers belong to other
                // clients.
                block.items.retain(|member| match member {
                    syn::ImplItem::Fn(f) if f.sig.ident == "new" => false,
                    syn::ImplItem::Fn(f) if f.sig.asyncness.is_some() => {
                        own.contains(&normalize(&f.sig.ident.to_string()))
                    }
                    _ => true,
                });
                for member in &block.items {
                    if let syn::ImplItem::Fn(f) = member
                        && f.sig.asyncness.is_some()
                    {
                        signatures.push(f.sig.clone());
                    }
                }
                raw_items.push(syn::Item::Impl(block));
            }
            other => raw_items.push(other),
        }
    }

    let client_ident = format_ident!("{}", client.name);
    let mut consts = Vec::new();
    let mut lookup_arms = Vec::new();
    let mut methods = Vec::new();
    for &index in &ops {
        let op = &model.operations[index];
        let const_ident = format_ident!("{}", constant_name(&op.id));
        consts.push(operation_const(op, &const_ident));
        let sig = signatures
            .iter()
            .find(|sig| normalize(&sig.ident.to_string()) == normalize(&op.id))
            .ok_or_else(|| CodegenError::Emit {
                file: client.module.clone(),
                message: format!("progenitor produced no method for {}", op.id),
            })?;
        // progenitor's OperationInfo carries the method name, not the operationId.
        let method_name = sig.ident.to_string();
        lookup_arms.push(quote! { #method_name => Some(&#const_ident), });
        methods.push(facade_method(client, op, sig, &const_ident)?);
    }

    let client_doc = client_doc(client, model, &ops);
    let constructor = constructor(client);
    let tokens = quote! {
        use crate::types;

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

        #(#consts)*

        /// The description of an operation of this client, by generated method name.
        fn operation(id: &str) -> Option<&'static crate::runtime::Operation> {
            match id {
                #(#lookup_arms)*
                _ => None,
            }
        }

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

        /// progenitor's client for these operations; the public client wraps it.
        #[allow(clippy::all, dead_code, missing_docs)]
        mod raw {
            use crate::types;
        }
    };
    let mut file: syn::File = syn::parse2(tokens).map_err(|err| CodegenError::Emit {
        file: format!("{}.rs", client.module),
        message: err.to_string(),
    })?;
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

/// The generated `mod.rs`: the modules and the re-export of each client.
pub(crate) fn mod_file(model: &Model) -> Result<syn::File, CodegenError> {
    let modules = model.clients.iter().map(|client| {
        let module = format_ident!("{}", client.module);
        let name = format_ident!("{}", client.name);
        let doc = format!("The operations served by `{}`.", client.url);
        quote! {
            #[doc = #doc]
            pub mod #module;
            pub use #module::#name;
        }
    });
    let tokens = quote! {
        pub mod types;
        #(#modules)*
    };
    syn::parse2(tokens).map_err(|err| CodegenError::Emit {
        file: "mod.rs".into(),
        message: err.to_string(),
    })
}

fn is_client_impl(block: &syn::ItemImpl) -> bool {
    block.trait_.is_none()
        && matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"))
}

fn normalize(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// `post-users-sign-in-data` → `POST_USERS_SIGN_IN_DATA`, `getTokenDetails` → `GET_TOKEN_DETAILS`.
fn constant_name(id: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in id.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && previous_lower {
                out.push('_');
            }
            out.push(c.to_ascii_uppercase());
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            if !out.ends_with('_') && !out.is_empty() {
                out.push('_');
            }
            previous_lower = false;
        }
    }
    out
}

fn operation_const(op: &OperationModel, ident: &syn::Ident) -> TokenStream {
    let id = &op.id;
    let method = op.method.to_ascii_uppercase();
    let path = &op.path;
    let status = op.success_status;
    let token_header = match &op.token_header {
        Some(header) => quote! { Some(#header) },
        None => quote! { None },
    };
    // Patterns compile once, lazily: they live in statics of their own, since a `OnceLock`
    // cannot sit in the constant rules table.
    let mut pattern_statics = Vec::new();
    let rules: Vec<TokenStream> = op.rules.iter().map(|rule| {
        let name = &rule.name;
        let required = rule.required;
        let location = match rule.location {
            FieldLocation::Query => quote! { crate::runtime::FieldLocation::Query },
            FieldLocation::Form => quote! { crate::runtime::FieldLocation::Form },
        };
        let min_length = match rule.min_length {
            Some(n) => {
                let n = n as usize;
                quote! { Some(#n) }
            }
            None => quote! { None },
        };
        let pattern = match &rule.pattern {
            Some(p) => {
                let pattern_ident = format_ident!("{}_{}_PATTERN", ident, constant_name(&rule.name));
                pattern_statics.push(quote! {
                    static #pattern_ident: crate::runtime::Pattern = crate::runtime::Pattern::new(#p);
                });
                quote! { Some(&#pattern_ident) }
            }
            None => quote! { None },
        };
        quote! {
            crate::runtime::FieldRule {
                location: #location,
                name: #name,
                required: #required,
                min_length: #min_length,
                pattern: #pattern,
            },
        }
    }).collect();
    let doc = format!("How `{id}` is called and checked.");
    quote! {
        #(#pattern_statics)*
        #[doc = #doc]
        static #ident: crate::runtime::Operation = crate::runtime::Operation {
            id: #id,
            method: #method,
            path: #path,
            token_header: #token_header,
            success_status: #status,
            rules: &[#(#rules)*],
        };
    }
}

fn constructor(client: &ClientModel) -> TokenStream {
    let url = &client.url;
    if client.templated {
        let doc = format!(
            "Starts a client for a server at `server_url` (the spec's server is `{url}`).\n\n\
             The URL is checked when the builder builds."
        );
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
        let doc = format!(
            "Starts a client for `{url}`; [`ClientBuilder::base_url`](crate::ClientBuilder::base_url) \
             points it elsewhere (a proxy, a test server)."
        );
        quote! {
            #[doc = #doc]
            pub fn builder(identity: crate::ClientIdentity) -> crate::ClientBuilder<Self> {
                crate::ClientBuilder::new(#url.to_string(), identity)
            }
        }
    }
}

fn client_doc(client: &ClientModel, model: &Model, ops: &[usize]) -> String {
    let mut doc = format!("Client for the operations served by `{}`", client.url);
    match &client.description {
        Some(description) => doc.push_str(&format!(": {}\n", description.trim_end())),
        None => doc.push_str(".\n"),
    }
    doc.push_str("\nOperations:\n");
    for &index in ops {
        let op = &model.operations[index];
        doc.push_str(&format!(
            "- [`{}`]({}::{}): {}\n",
            method_name(op),
            client.name,
            method_name(op),
            op.summary.as_deref().unwrap_or(&op.id)
        ));
    }
    doc.push_str(
        "\nCloning is cheap: clones share the connection pool. Every request carries the client \
         identity headers and `Accept: application/json`.",
    );
    doc
}

fn method_name(op: &OperationModel) -> String {
    let constant = constant_name(&op.id);
    constant.to_ascii_lowercase()
}

fn facade_method(
    client: &ClientModel,
    op: &OperationModel,
    sig: &syn::Signature,
    const_ident: &syn::Ident,
) -> Result<TokenStream, CodegenError> {
    let name = &sig.ident;
    // progenitor names the `'a` lifetime everywhere; the public methods let it be elided.
    let inputs: Vec<TokenStream> = sig
        .inputs
        .iter()
        .map(|arg| match arg {
            syn::FnArg::Receiver(_) => quote! { &self },
            syn::FnArg::Typed(typed) => {
                let mut typed = typed.clone();
                if let syn::Type::Reference(reference) = &mut *typed.ty {
                    reference.lifetime = None;
                }
                quote! { #typed }
            }
        })
        .collect();
    let args: Vec<&syn::Ident> = sig
        .inputs
        .iter()
        .filter_map(|arg| match arg {
            syn::FnArg::Typed(typed) => match &*typed.pat {
                syn::Pat::Ident(ident) => Some(&ident.ident),
                _ => None,
            },
            syn::FnArg::Receiver(_) => None,
        })
        .collect();
    let ok_type = success_type(sig).ok_or_else(|| CodegenError::Emit {
        file: client.module.clone(),
        message: format!("unexpected return type of {}", op.id),
    })?;
    let doc = method_doc(client, op);
    Ok(quote! {
        #[doc = #doc]
        pub async fn #name(#(#inputs),*) -> Result<crate::Response<#ok_type>, crate::Error> {
            crate::runtime::call(&#const_ident, self.raw.#name(#(#args),*)).await
        }
    })
}

/// `Result<ResponseValue<T>, Error<ByteStream>>` → `T`.
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

fn method_doc(client: &ClientModel, op: &OperationModel) -> String {
    let mut doc = String::new();
    if let Some(summary) = &op.summary {
        doc.push_str(summary.trim_end());
        doc.push_str(".\n\n");
    }
    if let Some(description) = &op.description {
        doc.push_str(description.trim_end());
        doc.push_str("\n\n");
    }
    doc.push_str(&format!(
        "Sends `{} {}` (operation `{}`){}.\n\n",
        op.method.to_ascii_uppercase(),
        op.path,
        op.id,
        if op.token_header.is_some() {
            " with the client's token"
        } else {
            ", without a token"
        }
    ));
    doc.push_str("# Errors\n\nFails with [`crate::Error`]. Declared error responses:\n");
    for (status, description) in &op.errors {
        let first_paragraph = description
            .split("\n\n")
            .next()
            .unwrap_or_default()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        doc.push_str(&format!("- `{status}`: {first_paragraph}\n"));
    }
    doc.push_str(
        "\nAny other status, a body that does not decode, a transport failure or a timeout is \
         reported too; [`Error::kind`](crate::Error::kind) tells them apart.\n",
    );
    if let Some(example) = &op.example {
        let builder = if client.templated {
            format!(
                "plex_auth_client::{}::builder(\"http://192.168.1.10:32400\", identity)",
                client.name
            )
        } else {
            format!("plex_auth_client::{}::builder(identity)", client.name)
        };
        let token = if op.token_header.is_some() {
            ".token(\"<YOUR_PLEX_TOKEN>\")"
        } else {
            ""
        };
        doc.push_str("\n# Example\n\n```no_run\n");
        doc.push_str("# async fn example() -> Result<(), plex_auth_client::Error> {\n");
        doc.push_str(
            "let identity = plex_auth_client::ClientIdentity::new(\
             \"3381b62b-9ab7-4e37-827b-203e9809eb58\", \"Plex for Roku\", \"2.4.1\")\n    \
             .platform(\"Roku\")\n    .device(\"Roku 3\");\n",
        );
        doc.push_str(&format!("let client = {builder}{token}.build()?;\n"));
        doc.push_str(example.trim_end());
        doc.push_str("\n# Ok(())\n# }\n```\n");
    }
    doc
}
