//! The public client's operation methods: progenitor's signature without its lifetime,
//! answering `crate::Response<T>` through `crate::runtime::call`, which runs progenitor's request
//! inside the call's scope (the credentials it sends are recorded there for redaction).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{docs, emit_error};
use crate::error::CodegenError;
use crate::naming::constant_name;
use crate::plan::{Client, Operation};

/// `pub async fn op(&self, args…) -> Result<crate::Response<T>, crate::Error>`.
pub(super) fn method(
    client: &Client,
    op: &Operation,
    sig: &syn::Signature,
) -> Result<TokenStream, CodegenError> {
    let file = format!("{}.rs", client.module);
    let name = &sig.ident;
    let constant = format_ident!("{}", constant_name(&op.id));
    let inputs = sig.inputs.iter().map(|arg| match arg {
        syn::FnArg::Receiver(_) => quote! { &self },
        syn::FnArg::Typed(typed) => {
            // progenitor names the `'a` lifetime everywhere; the public methods let it be elided.
            let mut typed = typed.clone();
            elide_lifetimes(&mut typed.ty);
            quote! { #typed }
        }
    });
    let args = sig.inputs.iter().filter_map(|arg| match arg {
        syn::FnArg::Typed(typed) => match &*typed.pat {
            syn::Pat::Ident(ident) => Some(&ident.ident),
            _ => None,
        },
        syn::FnArg::Receiver(_) => None,
    });
    let ok_type = success_type(sig)
        .ok_or_else(|| emit_error(&file, format!("unexpected return type of {}", op.id)))?;
    // A success without a body is `()` in progenitor's answer; anything else means the plan
    // and progenitor disagree about the operation.
    let unit = matches!(&ok_type, syn::Type::Tuple(tuple) if tuple.elems.is_empty());
    if unit == op.success.json {
        return Err(emit_error(
            &file,
            format!(
                "progenitor's success type of {} does not match the spec's body",
                op.id
            ),
        ));
    }
    let doc = docs::method_doc(client, op);
    Ok(quote! {
        #[doc = #doc]
        pub async fn #name(#(#inputs),*) -> Result<crate::Response<#ok_type>, crate::Error> {
            crate::runtime::call(&#constant, self.raw.#name(#(#args),*)).await
        }
    })
}

/// Removes the named lifetime of every reference in `ty`, nested ones included
/// (`Option<&'a str>` → `Option<&str>`).
fn elide_lifetimes(ty: &mut syn::Type) {
    match ty {
        syn::Type::Reference(reference) => {
            reference.lifetime = None;
            elide_lifetimes(&mut reference.elem);
        }
        syn::Type::Path(path) => {
            for segment in &mut path.path.segments {
                if let syn::PathArguments::AngleBracketed(args) = &mut segment.arguments {
                    for arg in &mut args.args {
                        if let syn::GenericArgument::Type(inner) = arg {
                            elide_lifetimes(inner);
                        }
                    }
                }
            }
        }
        syn::Type::Slice(slice) => elide_lifetimes(&mut slice.elem),
        syn::Type::Array(array) => elide_lifetimes(&mut array.elem),
        syn::Type::Tuple(tuple) => tuple.elems.iter_mut().for_each(elide_lifetimes),
        _ => {}
    }
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
