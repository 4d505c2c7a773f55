//! Options structs: an operation with two or more optional query or header parameters takes
//! them as one `<Operation>Options` value instead of a row of positional `Option`s
//! (`get_server_resources(GetServerResourcesOptions::new().include_https(true))`). It is
//! `Default`, `#[non_exhaustive]` (a parameter added to the spec is not a breaking change),
//! and set with one builder-style method per parameter, named like the parameter.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{argument_type, emit_error, is_str_reference, option_inner, strip_types_prefix};
use crate::error::CodegenError;
use crate::ir::{Client, Operation};
use crate::progenitor_pass::RawMethod;

/// `GetServerResourcesOptions`.
pub(super) fn type_name(op: &Operation) -> String {
    format!("{}Options", op.names.pascal)
}

/// The options struct of `op` (in `types.rs`), or nothing when it takes none.
pub(super) fn options_struct(
    client: &Client,
    op: &Operation,
    raw: &RawMethod,
) -> Result<Option<TokenStream>, CodegenError> {
    let parameters = op.options();
    if parameters.is_empty() {
        return Ok(None);
    }
    let name = format_ident!("{}", type_name(op));
    let mut fields = Vec::new();
    let mut setters = Vec::new();
    for parameter in parameters {
        let raw_type = argument_type(raw, &parameter.rust_name).ok_or_else(|| {
            emit_error(
                "types.rs",
                format!("{}: no argument for {}", op.id, parameter.wire_name),
            )
        })?;
        let inner = option_inner(raw_type).ok_or_else(|| {
            emit_error(
                "types.rs",
                format!(
                    "{}: optional {} is not an Option",
                    op.id, parameter.wire_name
                ),
            )
        })?;
        let owned = owned(inner);
        let field = format_ident!("{}", parameter.rust_name);
        let doc = match &parameter.description {
            Some(description) => format!(
                "`{}` ({}): {}",
                parameter.wire_name,
                parameter.location,
                description.trim_end()
            ),
            None => format!("`{}` ({})", parameter.wire_name, parameter.location),
        };
        fields.push(quote! {
            #[doc = #doc]
            pub #field: Option<#owned>,
        });
        let setter_doc = format!("Sets `{}`.", parameter.wire_name);
        setters.push(quote! {
            #[doc = #setter_doc]
            pub fn #field(mut self, value: impl Into<#owned>) -> Self {
                self.#field = Some(value.into());
                self
            }
        });
    }
    let method = &op.names.method;
    let doc = format!(
        "The optional parameters of [`{client}::{method}`](super::{module}::{client}::{method}): \
         each is sent only when set.",
        client = client.name,
        module = client.module,
    );
    Ok(Some(quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, Default, PartialEq)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            /// No parameter set.
            pub fn new() -> Self {
                <Self as Default>::default()
            }

            #(#setters)*
        }
    }))
}

/// The owned type a field keeps for progenitor's argument type: `&str` → `String`, `&T` → `T`.
fn owned(argument: &syn::Type) -> syn::Type {
    if is_str_reference(argument) {
        return syn::parse_quote!(::std::string::String);
    }
    let inner = match argument {
        syn::Type::Reference(reference) => (*reference.elem).clone(),
        other => other.clone(),
    };
    strip_types_prefix(&inner)
}

/// How the facade passes an options field to progenitor's builder, whose argument type is
/// `ty`: borrowed when the builder borrows, moved otherwise.
pub(super) fn raw_argument(field: &syn::Ident, ty: &syn::Type) -> TokenStream {
    match option_inner(ty) {
        Some(inner) if is_str_reference(inner) => quote! { options.#field.as_deref() },
        Some(syn::Type::Reference(_)) => quote! { options.#field.as_ref() },
        _ => quote! { options.#field },
    }
}
