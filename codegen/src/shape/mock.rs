//! `mock.rs`: typed httpmock helpers for every operation, shaped from the IR. For each
//! operation a `When` wrapper matches its method and path, and has one matcher per parameter
//! and one for the body; a `Then` wrapper answers each declared status; `MockServerExt` and
//! `MockServerAsyncExt` add one method per operation to `httpmock::MockServer`.
//!
//! Values are matched as the client sends them: path segments percent-encoded as progenitor's
//! `encode_path` does (and regex-escaped), query and header values as their `Display`, JSON
//! bodies as JSON, and form bodies field by field (encoded with serde_urlencoded as the
//! client encodes them; every field must be sent with its value, and no other field may be).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{argument_type, elide_lifetimes, emit_error, option_inner, parse_file};
use crate::access::FORM_MEDIA_TYPE;
use crate::error::CodegenError;
use crate::ir::{
    BodyMedia, Operation, Parameter, ParameterLocation, Plan, ResponseStatus, SuccessBody,
};
use crate::progenitor_pass::{ProgenitorOutput, RawMethod};

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
        wrappers.push(when(op, raw)?);
        wrappers.push(then(op, raw));
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

/// The `When` wrapper of an operation.
fn when(op: &Operation, raw: &RawMethod) -> Result<TokenStream, CodegenError> {
    let name = when_name(op);
    let method = format_ident!("{}", op.method.as_str());
    let path = path_regex(op, None);
    let mut matchers = Vec::new();
    for parameter in &op.parameters {
        let ty = argument_type(raw, &parameter.rust_name).ok_or_else(|| {
            emit_error(
                FILE,
                format!("{}: no argument {}", op.id, parameter.rust_name),
            )
        })?;
        matchers.push(parameter_matcher(op, parameter, ty));
    }
    if let Some(ty) = argument_type(raw, "body") {
        matchers.push(body_matcher(op, ty)?);
    }
    let doc = format!(
        "Matches a request of `{}`: `{} {}`.",
        op.id,
        op.method.as_str(),
        op.path
    );
    Ok(quote! {
        #[doc = #doc]
        pub struct #name(::httpmock::When);

        impl #name {
            /// Matches the method and the path.
            pub fn new(inner: ::httpmock::When) -> Self {
                Self(
                    inner
                        .method(::httpmock::Method::#method)
                        .path_matches(::regex::Regex::new(#path).unwrap()),
                )
            }

            /// The plain httpmock matcher.
            pub fn into_inner(self) -> ::httpmock::When {
                self.0
            }

            #(#matchers)*
        }
    })
}

/// The regex of the operation's path: every parameter's segment any text without `/`, or,
/// for `only`, the code that puts the value matched in its place.
fn path_regex(op: &Operation, only: Option<&Parameter>) -> String {
    // With `only`, the regex is a format string: its own braces are doubled.
    let literal = |text: &str| {
        let escaped = regex_lite::escape(text);
        match only {
            Some(_) => escaped.replace('{', "{{").replace('}', "}}"),
            None => escaped,
        }
    };
    let mut regex = String::from("^");
    let mut rest = op.path.as_str();
    while let Some(open) = rest.find('{') {
        regex.push_str(&literal(&rest[..open]));
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let variable = &rest[open + 1..open + close];
        match only {
            Some(parameter) if parameter.wire_name == variable => regex.push_str("{}"),
            _ => regex.push_str("[^/]*"),
        }
        rest = &rest[open + close + 1..];
    }
    regex.push_str(&literal(rest));
    regex.push('$');
    regex
}

/// Whether a type names a lifetime (then the matcher's signature declares `'a`).
fn has_lifetime(ty: &syn::Type) -> bool {
    struct Finder(bool);
    impl<'ast> syn::visit::Visit<'ast> for Finder {
        fn visit_lifetime(&mut self, _: &'ast syn::Lifetime) {
            self.0 = true;
        }
    }
    let mut finder = Finder(false);
    syn::visit::Visit::visit_type(&mut finder, ty);
    finder.0
}

fn parameter_matcher(op: &Operation, parameter: &Parameter, ty: &syn::Type) -> TokenStream {
    let name = format_ident!("{}", parameter.rust_name);
    let wire = &parameter.wire_name;
    let style = format_ident!("{}", parameter.style.runtime_name());
    let explode = parameter.explode;
    let doc = format!(
        "Matches `{wire}` ({}) as the client sends it.",
        parameter.location
    );
    // What one value adds to the matcher `when`.
    let matched = match parameter.location {
        ParameterLocation::Path => {
            let regex = path_regex(op, Some(parameter));
            quote! {
                let segment = crate::runtime::path_segment(
                    #wire, &value, crate::runtime::Style::#style, #explode,
                )
                .unwrap_or_default();
                let re = ::regex::Regex::new(&format!(#regex, ::regex::escape(&segment))).unwrap();
                when = when.path_matches(re);
            }
        }
        ParameterLocation::Query => quote! {
            let pairs = crate::runtime::query_pairs(
                #wire, &value, crate::runtime::Style::#style, #explode,
            )
            .unwrap_or_default();
            for (name, value) in pairs {
                when = when.query_param(name, value);
            }
        },
        ParameterLocation::Header => quote! {
            if let Ok(Some(text)) = crate::runtime::header_text(#wire, &value) {
                when = when.header(#wire, text);
            }
        },
    };
    match (parameter.location, option_inner(ty)) {
        (ParameterLocation::Query | ParameterLocation::Header, Some(_)) => {
            let missing = match parameter.location {
                ParameterLocation::Header => quote! { header_missing },
                _ => quote! { query_param_missing },
            };
            let generics = if has_lifetime(ty) {
                quote! { <'a, T> }
            } else {
                quote! { <T> }
            };
            quote! {
                #[doc = #doc]
                pub fn #name #generics(self, value: T) -> Self
                where
                    T: Into<#ty>,
                {
                    let mut when = self.0;
                    match value.into() {
                        Some(value) => {
                            #matched
                        }
                        None => when = when.#missing(#wire),
                    }
                    Self(when)
                }
            }
        }
        _ => {
            let ty = elide_lifetimes(ty);
            quote! {
                #[doc = #doc]
                pub fn #name(self, value: #ty) -> Self {
                    let mut when = self.0;
                    #matched
                    Self(when)
                }
            }
        }
    }
}

fn body_matcher(op: &Operation, ty: &syn::Type) -> Result<TokenStream, CodegenError> {
    let ty = elide_lifetimes(ty);
    let media = op.body.as_ref().map(|body| body.media);
    Ok(match media {
        Some(BodyMedia::Form) => quote! {
            /// Matches the form body field by field, in any order: every field of `value`
            /// sent with its value, and no other field.
            pub fn body(self, value: #ty) -> Self {
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
            }
        },
        Some(BodyMedia::Text) => quote! {
            /// Matches the text body.
            pub fn body(self, value: #ty) -> Self {
                Self(self.0.body(value))
            }
        },
        Some(BodyMedia::Json) => quote! {
            /// Matches the JSON body.
            pub fn body(self, value: #ty) -> Self {
                Self(self.0.json_body_obj(value))
            }
        },
        None => {
            return Err(emit_error(
                FILE,
                format!("{}: a body argument without a request body", op.id),
            ));
        }
    })
}

/// The answer of a success declared as `2XX` or `default`: `success(status, …)`, any 2xx.
fn any_success_answer(op: &Operation, body: SuccessBody, success_type: &syn::Type) -> TokenStream {
    let check = quote! {
        assert!((200..300).contains(&status), "a success is a 2xx status, not {status}");
    };
    match body {
        SuccessBody::Json => quote! {
            /// Answers `status` (a 2xx) with `value` as JSON.
            pub fn success(self, status: u16, value: &#success_type) -> Self {
                #check
                Self(
                    self.0
                        .status(status)
                        .header("content-type", "application/json")
                        .json_body_obj(value),
                )
            }
        },
        SuccessBody::Bytes | SuccessBody::Text => {
            let media = op
                .accept
                .first()
                .map_or("application/octet-stream", String::as_str);
            let doc = format!("Answers `status` (a 2xx) with `value` as the body, as `{media}`.");
            quote! {
                #[doc = #doc]
                pub fn success(self, status: u16, value: impl AsRef<[u8]>) -> Self {
                    #check
                    Self(self.0.status(status).header("content-type", #media).body(value))
                }
            }
        }
        SuccessBody::Empty => quote! {
            /// Answers `status` (a 2xx) without a body.
            pub fn success(self, status: u16) -> Self {
                #check
                Self(self.0.status(status))
            }
        },
    }
}

/// The `Then` wrapper of an operation: one method per declared status.
fn then(op: &Operation, raw: &RawMethod) -> TokenStream {
    let name = then_name(op);
    let success_type = &raw.success;
    let mut answers = Vec::new();
    // `2XX` and `default` (a success only when nothing else is) share one answer.
    let mut any_success = false;
    for status in &op.success.statuses {
        answers.push(match (op.success.body, status) {
            (SuccessBody::Json, ResponseStatus::Code(code)) => {
                let method = format_ident!("{}", status_method(*code));
                let doc = format!("Answers {code} with `value` as JSON.");
                quote! {
                    #[doc = #doc]
                    pub fn #method(self, value: &#success_type) -> Self {
                        Self(
                            self.0
                                .status(#code)
                                .header("content-type", "application/json")
                                .json_body_obj(value),
                        )
                    }
                }
            }
            (SuccessBody::Bytes | SuccessBody::Text, ResponseStatus::Code(code)) => {
                let method = format_ident!("{}", status_method(*code));
                let media = op
                    .accept
                    .first()
                    .map_or("application/octet-stream", String::as_str);
                let doc = format!("Answers {code} with `value` as the body, as `{media}`.");
                quote! {
                    #[doc = #doc]
                    pub fn #method(self, value: impl AsRef<[u8]>) -> Self {
                        Self(self.0.status(#code).header("content-type", #media).body(value))
                    }
                }
            }
            (SuccessBody::Empty, ResponseStatus::Code(code)) => {
                let method = format_ident!("{}", status_method(*code));
                let doc = format!("Answers {code} without a body.");
                quote! {
                    #[doc = #doc]
                    pub fn #method(self) -> Self {
                        Self(self.0.status(#code))
                    }
                }
            }
            (body, ResponseStatus::Range(_) | ResponseStatus::Default) => {
                if any_success {
                    continue;
                }
                any_success = true;
                any_success_answer(op, body, success_type)
            }
        });
    }
    for error in &op.errors {
        answers.push(match error.status {
            ResponseStatus::Code(code) => {
                let method = format_ident!("{}", status_method(code));
                let doc = format!("Answers {code} with `value` as JSON.");
                quote! {
                    #[doc = #doc]
                    pub fn #method(self, value: ::serde_json::Value) -> Self {
                        Self(
                            self.0
                                .status(#code)
                                .header("content-type", "application/json")
                                .json_body(value),
                        )
                    }
                }
            }
            ResponseStatus::Range(class) => {
                let method = format_ident!("{}", range_method(class));
                let class = u16::from(class);
                let doc = format!("Answers `status` (a {class}xx) with `value` as JSON.");
                quote! {
                    #[doc = #doc]
                    pub fn #method(self, status: u16, value: ::serde_json::Value) -> Self {
                        assert_eq!(status / 100, #class, "a {}xx status", #class);
                        Self(
                            self.0
                                .status(status)
                                .header("content-type", "application/json")
                                .json_body(value),
                        )
                    }
                }
            }
            ResponseStatus::Default => quote! {
                /// Answers `status` with `value` as JSON.
                pub fn default_response(self, status: u16, value: ::serde_json::Value) -> Self {
                    Self(
                        self.0
                            .status(status)
                            .header("content-type", "application/json")
                            .json_body(value),
                    )
                }
            },
        });
    }
    let doc = format!("Answers a request of `{}`.", op.id);
    quote! {
        #[doc = #doc]
        pub struct #name(::httpmock::Then);

        impl #name {
            /// Answers nothing yet.
            pub fn new(inner: ::httpmock::Then) -> Self {
                Self(inner)
            }

            /// The plain httpmock answer.
            pub fn into_inner(self) -> ::httpmock::Then {
                self.0
            }

            #(#answers)*
        }
    }
}

/// The answer method of a status: its reason phrase by the naming rule (`too_many_requests`),
/// or `status_<code>` for a status without one.
fn status_method(code: u16) -> String {
    http::StatusCode::from_u16(code)
        .ok()
        .and_then(|status| status.canonical_reason())
        .map_or_else(|| format!("status_{code}"), crate::naming::snake_case)
}

/// The answer method of a status class (`4XX` → `client_error`).
fn range_method(class: u8) -> String {
    match class {
        1 => "informational".into(),
        2 => "success".into(),
        3 => "redirection".into(),
        4 => "client_error".into(),
        5 => "server_error".into(),
        other => format!("status_{other}xx"),
    }
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
