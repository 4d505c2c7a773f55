//! The `When` wrapper of an operation: its method and path, one matcher per parameter and one
//! for the body.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{FILE, when_name};
use crate::access::FORM_MEDIA_TYPE;
use crate::error::CodegenError;
use crate::ir::{BodyMedia, Operation, Parameter, ParameterLocation};
use crate::progenitor_pass::RawMethod;
use crate::shape::{argument_type, elide_lifetimes, emit_error, option_inner};

/// The `When` wrapper of an operation.
pub(super) fn when(op: &Operation, raw: &RawMethod) -> Result<TokenStream, CodegenError> {
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
pub(super) fn path_regex(op: &Operation, only: Option<&Parameter>) -> String {
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
