//! `mock.rs`: progenitor's httpmock helpers for every operation, with the request body
//! matcher of form operations replaced and an async twin of `MockServerExt` added.
//!
//! progenitor matches every typed request body with `json_body_obj`, so a helper for an
//! `application/x-www-form-urlencoded` body (sign-in) never matches what the client sends. For
//! those operations the generated `body` matcher is rewritten to compare form fields: the value
//! is encoded with serde_urlencoded, as progenitor-client encodes the request, and every field
//! must be present with its value and no other field may be.

use quote::quote;

use super::emit_error as error_in;
use crate::access::FORM_MEDIA_TYPE;
use crate::error::CodegenError;
use crate::naming::normalize;
use crate::plan::{Body, Plan};

/// Where the module lands, relative to the generated directory.
pub(super) const FILE: &str = "mock.rs";

/// The cargo feature of plex-auth-client that compiles the module.
pub(super) const FEATURE: &str = "mock";

/// The mock module for the whole spec.
pub(super) fn mock_file(plan: &Plan, progenitor: &syn::File) -> Result<syn::File, CodegenError> {
    let mut file = progenitor.clone();
    let form_whens = form_when_types(plan);
    let mut rewritten = 0;
    let matcher = form_matcher()?;
    for item in &mut file.items {
        rewritten += rewrite_form_matchers(item, &form_whens, &matcher);
    }
    if rewritten != form_whens.len() {
        return Err(emit_error(format!(
            "expected a body matcher for each of the {} form operation(s), found {rewritten}",
            form_whens.len()
        )));
    }
    let async_items = async_extension(&file)?;
    file.items.extend(async_items);
    file.attrs = vec![
        syn::parse_quote!(#![allow(clippy::all, clippy::pedantic, missing_docs, unused_imports, async_fn_in_trait)]),
        syn::parse_quote!(#![doc = "Typed httpmock helpers: `MockServerExt` adds one method per operation to \
            [`httpmock::MockServer`], whose `When` and `Then` wrappers take the client's own types; \
            `MockServerAsyncExt` adds the same methods with an `_async` suffix, for tests that run \
            inside an async runtime (httpmock's blocking calls cannot).\n\n\
            Form bodies (sign-in) are matched field by field: every field of the expected value \
            must be sent with that value, and no other field may be."]),
    ];
    Ok(file)
}

fn emit_error(message: String) -> CodegenError {
    error_in(FILE, message)
}

/// The normalized `When` type names of the operations with a form request body.
fn form_when_types(plan: &Plan) -> Vec<String> {
    // progenitor names an operation's `When` wrapper from its operationId in Pascal case.
    plan.clients
        .iter()
        .flat_map(|client| &client.operations)
        .filter(|op| op.body == Body::Form)
        .map(|op| normalize(&format!("{}When", op.id)))
        .collect()
}

/// Rewrites the body matchers of the form operations' `When` wrappers inside `item` (the
/// `operations` module); returns how many were rewritten.
fn rewrite_form_matchers(
    item: &mut syn::Item,
    form_whens: &[String],
    matcher: &syn::Block,
) -> usize {
    let syn::Item::Mod(module) = item else {
        return 0;
    };
    let Some((_, items)) = module.content.as_mut() else {
        return 0;
    };
    let mut rewritten = 0;
    for item in items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let syn::Type::Path(self_type) = &*block.self_ty else {
            continue;
        };
        let Some(name) = self_type.path.segments.last() else {
            continue;
        };
        if !form_whens.contains(&normalize(&name.ident.to_string())) {
            continue;
        }
        for member in &mut block.items {
            if let syn::ImplItem::Fn(function) = member
                && calls_method(&function.block, "json_body_obj")
            {
                function.block = matcher.clone();
                rewritten += 1;
            }
        }
    }
    rewritten
}

/// The body of the rewritten matcher; `value` is the typed body, as in progenitor's.
fn form_matcher() -> Result<syn::Block, CodegenError> {
    let tokens = quote! {{
        // Encoded as progenitor-client encodes the request, then compared field by field, so
        // the order of fields does not matter.
        let encoded = ::serde_urlencoded::to_string(value)
            .expect("the expected body cannot be encoded as a form");
        let fields: ::std::vec::Vec<(::std::string::String, ::std::string::String)> =
            ::form_urlencoded::parse(encoded.as_bytes()).into_owned().collect();
        let mut when = self
            .0
            .header("content-type", #FORM_MEDIA_TYPE)
            .form_urlencoded_tuple_count(".*", ".*", fields.len());
        for (name, value) in fields {
            when = when.form_urlencoded_tuple(name, value);
        }
        Self(when)
    }};
    syn::parse2(tokens).map_err(|err| emit_error(format!("the form matcher does not parse: {err}")))
}

/// `MockServerAsyncExt`: progenitor's `MockServerExt` registers mocks with httpmock's blocking
/// `MockServer::mock`, which panics inside an async runtime (it starts one of its own). Each
/// method is copied as `<name>_async`, made `async`, and calls `mock_async(..).await` instead.
fn async_extension(file: &syn::File) -> Result<Vec<syn::Item>, CodegenError> {
    let mut trait_methods = Vec::new();
    let mut impl_methods = Vec::new();
    for item in &file.items {
        match item {
            syn::Item::Trait(declared) if declared.ident == "MockServerExt" => {
                for member in &declared.items {
                    if let syn::TraitItem::Fn(function) = member {
                        let mut function = function.clone();
                        make_async(&mut function.sig);
                        trait_methods.push(function);
                    }
                }
            }
            syn::Item::Impl(block)
                if block
                    .trait_
                    .as_ref()
                    .is_some_and(|(_, path, _)| path.is_ident("MockServerExt")) =>
            {
                for member in &block.items {
                    if let syn::ImplItem::Fn(function) = member {
                        let mut function = function.clone();
                        make_async(&mut function.sig);
                        function.block = await_mock_async(&function.block)?;
                        impl_methods.push(function);
                    }
                }
            }
            _ => {}
        }
    }
    if trait_methods.is_empty() || trait_methods.len() != impl_methods.len() {
        return Err(emit_error(
            "progenitor's MockServerExt trait or its implementation was not found".into(),
        ));
    }
    Ok(vec![
        syn::parse_quote! {
            /// [`MockServerExt`] for tests inside an async runtime: each method registers the
            /// same mock with [`MockServer::mock_async`](::httpmock::MockServer::mock_async).
            pub trait MockServerAsyncExt {
                #(#trait_methods)*
            }
        },
        syn::parse_quote! {
            impl MockServerAsyncExt for ::httpmock::MockServer {
                #(#impl_methods)*
            }
        },
    ])
}

fn make_async(sig: &mut syn::Signature) {
    sig.ident = quote::format_ident!("{}_async", sig.ident);
    sig.asyncness = Some(Default::default());
}

/// `self.mock(closure)` → `self.mock_async(closure).await`.
fn await_mock_async(block: &syn::Block) -> Result<syn::Block, CodegenError> {
    let [syn::Stmt::Expr(syn::Expr::MethodCall(call), None)] = block.stmts.as_slice() else {
        return Err(emit_error(
            "a MockServerExt method is not a single `self.mock(..)` call".into(),
        ));
    };
    if call.method != "mock" {
        return Err(emit_error(format!(
            "a MockServerExt method calls `{}`, not `mock`",
            call.method
        )));
    }
    let mut call = call.clone();
    call.method = quote::format_ident!("mock_async");
    Ok(syn::parse_quote!({ #call.await }))
}

/// Whether `block` mentions the identifier `name` (progenitor's JSON body matcher).
fn calls_method(block: &syn::Block, name: &str) -> bool {
    fn mentions(tokens: proc_macro2::TokenStream, name: &str) -> bool {
        tokens.into_iter().any(|tree| match tree {
            proc_macro2::TokenTree::Ident(ident) => ident == name,
            proc_macro2::TokenTree::Group(group) => mentions(group.stream(), name),
            _ => false,
        })
    }
    mentions(quote!(#block), name)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = include_str!("../../../spec/plex-auth.yaml");

    fn mock_text(spec: &str) -> String {
        let files = crate::generate(spec).expect("spec generates");
        let mock = files.into_iter().find(|f| f.path == FILE).expect("mock.rs");
        mock.contents
    }

    /// The source of `impl <name> { .. }` up to the next top-level item of the module.
    fn impl_block<'a>(text: &'a str, name: &str) -> &'a str {
        let start = text
            .find(&format!("impl {name} {{"))
            .unwrap_or_else(|| panic!("no impl {name}"));
        let rest = &text[start..];
        let end = rest[1..]
            .find("\n    pub struct ")
            .map_or(rest.len(), |i| i + 1);
        &rest[..end]
    }

    #[test]
    fn sign_in_body_is_matched_as_a_form() {
        let text = mock_text(SPEC);
        let sign_in = impl_block(&text, "PostUsersSignInDataWhen");
        assert!(sign_in.contains("pub fn body(self, value: &types::SignInRequest) -> Self"));
        assert!(sign_in.contains("::serde_urlencoded::to_string(value)"));
        assert!(
            sign_in.contains(".header(\"content-type\", \"application/x-www-form-urlencoded\")")
        );
        assert!(sign_in.contains(".form_urlencoded_tuple_count(\".*\", \".*\", fields.len())"));
        assert!(sign_in.contains("when.form_urlencoded_tuple(name, value)"));
        assert!(!sign_in.contains("json_body_obj"), "{sign_in}");
    }

    #[test]
    fn json_answers_and_other_matchers_are_progenitors() {
        let text = mock_text(SPEC);
        // Only the form request matcher is rewritten: typed answers stay JSON.
        let then = impl_block(&text, "PostUsersSignInDataThen");
        assert!(then.contains("pub fn created(self, value: &types::UserPlexAccount) -> Self"));
        assert!(then.contains(".json_body_obj(value)"));
        let transient = impl_block(&text, "GetTransientTokenWhen");
        assert!(transient.contains("pub fn type_(self, value: types::TransientTokenType) -> Self"));
        assert!(transient.contains("query_param(\"scope\", value.to_string())"));
    }

    #[test]
    fn every_operation_has_a_blocking_and_an_async_helper() {
        let text = mock_text(SPEC);
        for operation in [
            "get_transient_token",
            "get_source_connection_information",
            "get_token_details",
            "post_users_sign_in_data",
        ] {
            assert_eq!(text.matches(&format!("fn {operation}<F>(")).count(), 2);
            assert_eq!(
                text.matches(&format!("async fn {operation}_async<F>("))
                    .count(),
                2,
                "{operation}_async in the trait and its implementation"
            );
        }
        // One of each per operation of the spec, whatever their number.
        let operations = SPEC.matches("operationId:").count();
        assert_eq!(text.matches("self.mock(").count(), operations);
        assert_eq!(text.matches("self.mock_async(").count(), operations);
        assert_eq!(text.matches(".await").count(), operations);
    }

    #[test]
    fn declared_behind_the_feature() {
        let files = crate::generate(SPEC).expect("spec generates");
        let module = files.iter().find(|f| f.path == "mod.rs").expect("mod.rs");
        assert!(
            module
                .contents
                .contains("#[cfg(feature = \"mock\")]\npub mod mock;")
        );
        let mock = files.iter().find(|f| f.path == FILE).expect("mock.rs");
        assert!(mock.contents.starts_with(crate::GENERATED_HEADER));
    }

    #[test]
    fn a_spec_without_form_bodies_rewrites_nothing() {
        // Sign-in's body as JSON: progenitor's JSON matcher is then the right one.
        let spec = SPEC.replace("application/x-www-form-urlencoded:", "application/json:");
        let text = mock_text(&spec);
        let sign_in = impl_block(&text, "PostUsersSignInDataWhen");
        assert!(
            sign_in.contains("Self(self.0.json_body_obj(value))"),
            "{sign_in}"
        );
        assert!(!text.contains("form_urlencoded"));
    }
}
