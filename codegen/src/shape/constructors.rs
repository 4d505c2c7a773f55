//! Constructors for request types: the struct of an operation's request body gets
//! `new(required fields…)` and one builder-style method per optional field, named like the
//! field (`SignInRequest::new(login, password).verification_code(code)`).
//!
//! A type gets them when its optional fields are all `Option`s, lists or maps (their empty
//! value is "not sent"), and it has no `new` of its own.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::option_inner;
use crate::ir::{ObjectShape, Plan};
use crate::progenitor_pass::ProgenitorOutput;
use crate::syntax::wire_name;

/// The constructors of every request body type, once per type.
pub(super) fn constructors(plan: &Plan, output: &ProgenitorOutput) -> Vec<TokenStream> {
    let mut done = BTreeSet::new();
    let mut out = Vec::new();
    for op in plan.operations() {
        let Some(shape) = op.body.as_ref().and_then(|body| body.object.as_ref()) else {
            continue;
        };
        let Some(raw) = output.methods.get(&op.names.method) else {
            continue;
        };
        let Some(name) = super::argument_type(raw, "body").and_then(body_type_name) else {
            continue;
        };
        if !done.insert(name.clone()) {
            continue;
        }
        let Some(structure) = output.types.iter().find_map(|item| match item {
            syn::Item::Struct(s) if s.ident == name => Some(s),
            _ => None,
        }) else {
            continue;
        };
        if has_own_new(&output.types, &name) {
            continue;
        }
        out.extend(constructor(structure, shape));
    }
    out
}

/// `&'a types::X` → `X`.
fn body_type_name(ty: &syn::Type) -> Option<String> {
    let syn::Type::Reference(reference) = ty else {
        return None;
    };
    let syn::Type::Path(path) = &*reference.elem else {
        return None;
    };
    let segments: Vec<_> = path.path.segments.iter().collect();
    match segments.as_slice() {
        [module, name] if module.ident == "types" && name.arguments.is_empty() => {
            Some(name.ident.to_string())
        }
        _ => None,
    }
}

fn has_own_new(items: &[syn::Item], name: &str) -> bool {
    items.iter().any(|item| match item {
        syn::Item::Impl(block) if block.trait_.is_none() => {
            matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident(name))
                && block
                    .items
                    .iter()
                    .any(|member| matches!(member, syn::ImplItem::Fn(f) if f.sig.ident == "new"))
        }
        _ => false,
    })
}

/// How an optional field starts and is set.
enum Optional<'a> {
    /// `Option<T>`: `None`, set to `Some(value)`.
    Option(&'a syn::Type),
    /// A list or map: empty, set to the value.
    Collection,
}

fn constructor(structure: &syn::ItemStruct, shape: &ObjectShape) -> Option<TokenStream> {
    let syn::Fields::Named(fields) = &structure.fields else {
        return None;
    };
    let mut arguments = Vec::new();
    let mut initialisers = Vec::new();
    let mut setters = Vec::new();
    let mut required_names = Vec::new();
    for field in &fields.named {
        let ident = field.ident.as_ref()?;
        if ident == "new" {
            return None;
        }
        let ty = &field.ty;
        let wire = wire_name(field);
        let required = wire.as_ref().is_some_and(|w| shape.required.contains(w));
        if required {
            arguments.push(quote! { #ident: impl Into<#ty> });
            initialisers.push(quote! { #ident: #ident.into() });
            required_names.push(format!("`{}`", wire.unwrap_or_default()));
            continue;
        }
        let optional = match option_inner(ty) {
            Some(inner) => Optional::Option(inner),
            None if is_collection(ty) => Optional::Collection,
            None => return None,
        };
        let Some(wire) = wire else {
            // A flattened map of the remaining properties: empty.
            initialisers.push(quote! { #ident: Default::default() });
            continue;
        };
        let doc = format!("Sets `{wire}`.");
        match optional {
            Optional::Option(inner) => {
                initialisers.push(quote! { #ident: None });
                setters.push(quote! {
                    #[doc = #doc]
                    pub fn #ident(mut self, value: impl Into<#inner>) -> Self {
                        self.#ident = Some(value.into());
                        self
                    }
                });
            }
            Optional::Collection => {
                initialisers.push(quote! { #ident: Default::default() });
                setters.push(quote! {
                    #[doc = #doc]
                    pub fn #ident(mut self, value: impl Into<#ty>) -> Self {
                        self.#ident = value.into();
                        self
                    }
                });
            }
        }
    }
    let name = &structure.ident;
    let doc = if required_names.is_empty() {
        format!("A `{name}` with no field set.")
    } else {
        format!(
            "A `{name}` with its required fields ({}); the others are not set.",
            required_names.join(", ")
        )
    };
    let new = format_ident!("new");
    Some(quote! {
        impl #name {
            #[doc = #doc]
            pub fn #new(#(#arguments),*) -> Self {
                Self { #(#initialisers),* }
            }

            #(#setters)*
        }
    })
}

/// `Vec<…>` or a map: types whose empty value means "nothing".
fn is_collection(ty: &syn::Type) -> bool {
    let syn::Type::Path(path) = ty else {
        return false;
    };
    path.path.segments.last().is_some_and(|s| {
        matches!(
            s.ident.to_string().as_str(),
            "Vec" | "Map" | "HashMap" | "BTreeMap"
        )
    })
}
