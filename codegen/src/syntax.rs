//! Small readings and rewrites of Rust syntax trees shared by the stages.

/// A field's name on the wire: its `serde(rename)`, else its identifier; `None` for a
/// flattened field (it has no name of its own).
pub(crate) fn wire_name(field: &syn::Field) -> Option<String> {
    let mut rename = None;
    let mut flatten = false;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let value: syn::LitStr = meta.value()?.parse()?;
                rename = Some(value.value());
            } else if meta.path.is_ident("flatten") {
                flatten = true;
            } else if meta.input.peek(syn::Token![=]) {
                // Skip the value of any other key (`skip_serializing_if = "…"`).
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    if flatten {
        return None;
    }
    rename.or_else(|| {
        field
            .ident
            .as_ref()
            .map(|ident| ident.to_string().trim_start_matches("r#").to_string())
    })
}

/// `ty` without named lifetimes on its references, nested ones included (`Option<&'a str>` →
/// `Option<&str>`).
pub(crate) fn elide_lifetimes(ty: &syn::Type) -> syn::Type {
    let mut ty = ty.clone();
    elide(&mut ty);
    ty
}

fn elide(ty: &mut syn::Type) {
    match ty {
        syn::Type::Reference(reference) => {
            reference.lifetime = None;
            elide(&mut reference.elem);
        }
        syn::Type::Path(path) => {
            for segment in &mut path.path.segments {
                if let syn::PathArguments::AngleBracketed(args) = &mut segment.arguments {
                    for arg in &mut args.args {
                        if let syn::GenericArgument::Type(inner) = arg {
                            elide(inner);
                        }
                    }
                }
            }
        }
        syn::Type::Slice(slice) => elide(&mut slice.elem),
        syn::Type::Array(array) => elide(&mut array.elem),
        syn::Type::Tuple(tuple) => tuple.elems.iter_mut().for_each(elide),
        _ => {}
    }
}

/// The inner type of `Option<T>`.
pub(crate) fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) => Some(inner),
        _ => None,
    }
}

/// Whether `ty` is `&str` (with or without a lifetime).
pub(crate) fn is_str_reference(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Reference(r) if matches!(&*r.elem, syn::Type::Path(p) if p.path.is_ident("str")))
}

/// `types::X` → `X`, at any depth (`Vec<types::X>` → `Vec<X>`): a type as `types.rs` names it.
pub(crate) fn strip_types_prefix(ty: &syn::Type) -> syn::Type {
    struct Strip;
    impl syn::visit_mut::VisitMut for Strip {
        fn visit_path_mut(&mut self, path: &mut syn::Path) {
            if path.leading_colon.is_none()
                && path.segments.len() > 1
                && path.segments.first().is_some_and(|s| s.ident == "types")
            {
                path.segments = path.segments.iter().skip(1).cloned().collect();
            }
            syn::visit_mut::visit_path_mut(self, path);
        }
    }
    let mut ty = ty.clone();
    syn::visit_mut::VisitMut::visit_type_mut(&mut Strip, &mut ty);
    ty
}
