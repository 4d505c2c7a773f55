//! One `crate::runtime::Operation` static per operation: how it is called and what is checked
//! before sending. The public client's method passes its operation's static to the runtime
//! with the request; nothing looks an operation up.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{FieldLocation, FieldRule, HttpMethod, Operation, TOKEN_HEADER};

/// The static describing `op`.
pub(super) fn operation_static(op: &Operation) -> TokenStream {
    let constant = &op.names.constant;
    let ident = format_ident!("{constant}");
    let id = &op.id;
    let method = http_method(op.method);
    let path = &op.path;
    let token_header = if op.sends_token {
        quote! { Some(reqwest::header::HeaderName::from_static(#TOKEN_HEADER)) }
    } else {
        quote! { None }
    };
    let accept = if op.accept.is_empty() {
        quote! { None }
    } else {
        let media = op.accept.join(", ");
        quote! { Some(reqwest::header::HeaderValue::from_static(#media)) }
    };
    let rules = op.rules.iter().map(field_rule);
    let doc = format!("How `{id}` is called and checked.");
    quote! {
        #[doc = #doc]
        static #ident: crate::runtime::Operation = crate::runtime::Operation {
            id: #id,
            method: #method,
            path: #path,
            token_header: #token_header,
            accept: #accept,
            rules: &[#(#rules)*],
        };
    }
}

fn http_method(method: HttpMethod) -> TokenStream {
    let name = format_ident!("{}", method.as_str());
    quote! { reqwest::Method::#name }
}

fn field_rule(rule: &FieldRule) -> TokenStream {
    let name = &rule.name;
    let required = rule.required;
    let location = match rule.location {
        FieldLocation::Query => quote! { crate::runtime::FieldLocation::Query },
        FieldLocation::Form => quote! { crate::runtime::FieldLocation::Form },
    };
    let min_length = match rule.min_length {
        Some(n) => quote! { Some(#n) },
        None => quote! { None },
    };
    let pattern = match &rule.pattern {
        // A pattern compiles once, lazily: it lives in a static of its own, since a `OnceLock`
        // cannot sit in the constant rules table. Declared in its own block, its name cannot
        // meet another's.
        Some(pattern) => quote! {
            Some({
                static PATTERN: crate::runtime::Pattern = crate::runtime::Pattern::new(#pattern);
                &PATTERN
            })
        },
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
}
