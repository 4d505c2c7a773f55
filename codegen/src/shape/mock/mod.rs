//! `mock.rs`: typed httpmock helpers for every operation, shaped from the IR. For each
//! operation a `When` wrapper matches its method and path, and has one matcher per parameter
//! and one for the body; a `Then` wrapper answers each declared status; `MockServerExt` and
//! `MockServerAsyncExt` add one method per operation to `httpmock::MockServer`.
//!
//! Values are matched as the client sends them: path segments percent-encoded as progenitor's
//! `encode_path` does (and regex-escaped), query and header values as their `Display`, JSON
//! bodies as JSON, and form bodies field by field (encoded with serde_urlencoded as the
//! client encodes them; every field must be sent with its value, and no other field may be).

mod then;
mod when;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{emit_error, parse_file};
use crate::error::CodegenError;
use crate::ir::{Operation, Plan};
use crate::progenitor_pass::ProgenitorOutput;

/// Where the module lands, relative to the generated directory.
pub(super) const FILE: &str = "mock.rs";

/// The cargo feature of plex-auth-client that compiles the module.
pub(super) const FEATURE: &str = "mock";

/// The mock module for the whole spec.
pub(super) fn mock_file(plan: &Plan, output: &ProgenitorOutput) -> Result<syn::File, CodegenError> {
    let mut wrappers = Vec::new();
    let mut blocking = Vec::new();
    let mut asynchronous = Vec::new();
    for op in plan.operations() {
        let raw = output
            .methods
            .get(&op.names.method)
            .ok_or_else(|| emit_error(FILE, format!("no request builder for {}", op.id)))?;
        wrappers.push(when::when(op, raw)?);
        wrappers.push(then::then(op, raw));
        let (sync, with_async) = server_methods(op);
        blocking.push(sync);
        asynchronous.push(with_async);
    }
    let (trait_sync, impl_sync): (Vec<_>, Vec<_>) = blocking.into_iter().unzip();
    let (trait_async, impl_async): (Vec<_>, Vec<_>) = asynchronous.into_iter().unzip();
    let tokens = quote! {
        #![allow(clippy::all, clippy::pedantic, missing_docs, unused_imports, async_fn_in_trait)]
        #![doc = "Typed httpmock helpers: `MockServerExt` adds one method per operation to \
            [`httpmock::MockServer`], whose `When` and `Then` wrappers take the client's own types; \
            `MockServerAsyncExt` adds the same methods with an `_async` suffix, for tests that run \
            inside an async runtime (httpmock's blocking calls cannot).\n\n\
            Values are matched as the client sends them. Form bodies (sign-in) are matched field \
            by field: every field of the expected value must be sent with that value, and no other \
            field may be."]

        use super::types;

        pub mod operations {
            //! [`When`](::httpmock::When) and [`Then`](::httpmock::Then) wrappers for each
            //! operation. `into_inner()` gives the plain httpmock builder, to match or answer
            //! anything else.
            use super::types;

            #(#wrappers)*
        }

        /// One method per operation: `server.get_token_details(|when, then| { … })` registers
        /// a mock for it with [`MockServer::mock`](::httpmock::MockServer::mock).
        pub trait MockServerExt {
            #(#trait_sync)*
        }

        impl MockServerExt for ::httpmock::MockServer {
            #(#impl_sync)*
        }

        /// [`MockServerExt`] for tests inside an async runtime: each method registers the
        /// same mock with [`MockServer::mock_async`](::httpmock::MockServer::mock_async).
        pub trait MockServerAsyncExt {
            #(#trait_async)*
        }

        impl MockServerAsyncExt for ::httpmock::MockServer {
            #(#impl_async)*
        }
    };
    parse_file(tokens, FILE)
}

fn when_name(op: &Operation) -> syn::Ident {
    format_ident!("{}When", op.names.pascal)
}

fn then_name(op: &Operation) -> syn::Ident {
    format_ident!("{}Then", op.names.pascal)
}

/// The operation's method in `MockServerExt` and in `MockServerAsyncExt`: each as (trait
/// declaration, implementation).
fn server_methods(op: &Operation) -> ((TokenStream, TokenStream), (TokenStream, TokenStream)) {
    let name = format_ident!("{}", op.names.method);
    let name_async = format_ident!("{}_async", op.names.method);
    let (when, then) = (when_name(op), then_name(op));
    let bound = quote! { F: FnOnce(operations::#when, operations::#then) };
    let doc = format!("Registers a mock of `{}`.", op.id);
    let config = quote! {
        |when, then| config_fn(operations::#when::new(when), operations::#then::new(then))
    };
    (
        (
            quote! {
                #[doc = #doc]
                fn #name<F>(&self, config_fn: F) -> ::httpmock::Mock<'_> where #bound;
            },
            quote! {
                fn #name<F>(&self, config_fn: F) -> ::httpmock::Mock<'_> where #bound {
                    self.mock(#config)
                }
            },
        ),
        (
            quote! {
                #[doc = #doc]
                async fn #name_async<F>(&self, config_fn: F) -> ::httpmock::Mock<'_> where #bound;
            },
            quote! {
                async fn #name_async<F>(&self, config_fn: F) -> ::httpmock::Mock<'_> where #bound {
                    self.mock_async(#config).await
                }
            },
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = include_str!("../../../../spec/plex-auth.yaml");

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
        let end = rest[1..].find("\n    ///").map_or(rest.len(), |i| i + 1);
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
    fn answers_and_parameter_matchers_take_the_clients_types() {
        let text = mock_text(SPEC);
        let then = impl_block(&text, "PostUsersSignInDataThen");
        assert!(then.contains("pub fn created(self, value: &types::UserPlexAccount) -> Self"));
        assert!(then.contains(".json_body_obj(value)"));
        assert!(then.contains("pub fn too_many_requests(self, value: ::serde_json::Value)"));
        let transient = impl_block(&text, "GetTransientTokenWhen");
        assert!(transient.contains("pub fn type_(self, value: types::TransientTokenType) -> Self"));
        assert!(
            transient.contains("crate::runtime::query_pairs("),
            "{transient}"
        );
        assert!(transient.contains("when = when.query_param(name, value);"));
        let resources = impl_block(&text, "GetServerResourcesWhen");
        assert!(
            resources.contains("pub fn include_ipv6<T>(self, value: T) -> Self"),
            "{resources}"
        );
        assert!(resources.contains("query_param_missing(\"includeIPv6\")"));
    }

    #[test]
    fn path_values_are_matched_as_sent() {
        let text = mock_text(SPEC);
        let switch: String = impl_block(&text, "SwitchHomeUserWhen")
            .split_whitespace()
            .collect();
        assert!(
            switch.contains(r#"Regex::new("^/home/users/[^/]*/switch$")"#),
            "{switch}"
        );
        assert!(switch.contains("crate::runtime::path_segment("), "{switch}");
        assert!(
            switch.contains(r#"format!("^/home/users/{}/switch$",::regex::escape(&segment))"#),
            "{switch}"
        );
    }

    #[test]
    fn every_operation_has_a_blocking_and_an_async_helper() {
        let text = mock_text(SPEC);
        let operations = SPEC.matches("operationId:").count();
        assert_eq!(text.matches("self.mock(").count(), operations);
        assert_eq!(text.matches("self.mock_async(").count(), operations);
        assert_eq!(text.matches(".await").count(), operations);
        for operation in ["get_token_details", "post_users_sign_in_data"] {
            assert_eq!(text.matches(&format!("fn {operation}<F>(")).count(), 2);
            assert_eq!(
                text.matches(&format!("fn {operation}_async<F>(")).count(),
                2
            );
        }
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
    }

    #[test]
    fn a_json_body_is_matched_as_json() {
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
