//! The operation table of a client: one `crate::runtime::Operation` static per operation (how
//! it is called and checked) and the lookup the hooks use, by progenitor's method name.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::naming::{constant_name, pattern_static};
use crate::plan::{FieldLocation, FieldRule, Operation};

/// The statics and the `operation` lookup for `(operation, progenitor signature)` pairs.
pub(super) fn operation_table(pairs: &[(&Operation, &syn::Signature)]) -> TokenStream {
    let statics = pairs.iter().map(|(op, _)| operation_static(op));
    let arms = pairs.iter().map(|(op, sig)| {
        // progenitor's OperationInfo carries the method name, not the operationId.
        let method_name = sig.ident.to_string();
        let constant = format_ident!("{}", constant_name(&op.id));
        quote! { #method_name => Some(&#constant), }
    });
    quote! {
        #(#statics)*

        /// The description of an operation of this client, by generated method name.
        fn operation(id: &str) -> Option<&'static crate::runtime::Operation> {
            match id {
                #(#arms)*
                _ => None,
            }
        }
    }
}

fn operation_static(op: &Operation) -> TokenStream {
    let constant = constant_name(&op.id);
    let ident = format_ident!("{constant}");
    let id = &op.id;
    let method = op.method.to_ascii_uppercase();
    let path = &op.path;
    let status = op.success.status;
    let token_header = match &op.token_header {
        Some(header) => quote! { Some(#header) },
        None => quote! { None },
    };
    // Patterns compile once, lazily: they live in statics of their own, since a `OnceLock`
    // cannot sit in the constant rules table.
    let patterns = op.rules.iter().filter_map(|rule| {
        let pattern = rule.pattern.as_ref()?;
        let name = format_ident!("{}", pattern_static(&constant, &rule.name));
        Some(quote! {
            static #name: crate::runtime::Pattern = crate::runtime::Pattern::new(#pattern);
        })
    });
    let rules = op.rules.iter().map(|rule| field_rule(&constant, rule));
    let doc = format!("How `{id}` is called and checked.");
    quote! {
        #(#patterns)*
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

fn field_rule(constant: &str, rule: &FieldRule) -> TokenStream {
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
        Some(_) => {
            let name = format_ident!("{}", pattern_static(constant, &rule.name));
            quote! { Some(&#name) }
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
}
