//! The `Then` wrapper of an operation: one answer per declared status.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::then_name;
use crate::ir::{Operation, ResponseStatus, SuccessBody};
use crate::progenitor_pass::RawMethod;

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
pub(super) fn then(op: &Operation, raw: &RawMethod) -> TokenStream {
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
pub(super) fn status_method(code: u16) -> String {
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
