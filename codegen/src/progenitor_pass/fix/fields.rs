//! The fields of the types named by the naming rule, their wire names kept by
//! `serde(rename)`, and the impls that name them following.

use std::collections::BTreeMap;

use syn::visit_mut::VisitMut;

use crate::naming;
use crate::syntax::wire_name;

/// Names every struct field of the types by the naming rule, made distinct within its struct,
/// and keeps the wire name in `serde(rename)`; the impls of the type that name its fields
/// follow.
pub(super) fn rename_fields(mut items: Vec<syn::Item>) -> Vec<syn::Item> {
    let mut renamed: BTreeMap<String, BTreeMap<String, syn::Ident>> = BTreeMap::new();
    for item in &mut items {
        let syn::Item::Struct(structure) = item else {
            continue;
        };
        let syn::Fields::Named(fields) = &mut structure.fields else {
            continue;
        };
        let wire: Vec<Option<String>> = fields.named.iter().map(wire_name).collect();
        let names = naming::distinct(
            fields
                .named
                .iter()
                .zip(&wire)
                .map(|(field, wire)| match wire {
                    Some(wire) => naming::snake_case(wire),
                    None => field
                        .ident
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                })
                .collect(),
        );
        let mut changes = BTreeMap::new();
        for ((field, wire), name) in fields.named.iter_mut().zip(&wire).zip(names) {
            let (Some(ident), Some(wire)) = (&field.ident, wire) else {
                continue;
            };
            if *ident == name {
                continue;
            }
            if !has_serde_rename(field) {
                field
                    .attrs
                    .push(syn::parse_quote!(#[serde(rename = #wire)]));
            }
            let new = syn::Ident::new(&name, ident.span());
            changes.insert(ident.to_string(), new.clone());
            field.ident = Some(new);
        }
        if !changes.is_empty() {
            renamed.insert(structure.ident.to_string(), changes);
        }
    }
    if renamed.is_empty() {
        return items;
    }
    for item in &mut items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let syn::Type::Path(self_type) = &*block.self_ty else {
            continue;
        };
        let Some(name) = self_type.path.segments.last().map(|s| s.ident.to_string()) else {
            continue;
        };
        if let Some(changes) = renamed.get(&name) {
            FieldRenamer { changes }.visit_item_impl_mut(block);
        }
    }
    items
}

fn has_serde_rename(field: &syn::Field) -> bool {
    field.attrs.iter().any(|attr| {
        attr.path().is_ident("serde") && {
            let tokens = attr.meta.require_list().map(|list| list.tokens.clone());
            tokens.is_ok_and(|tokens| {
                tokens
                    .into_iter()
                    .any(|tree| matches!(tree, proc_macro2::TokenTree::Ident(i) if i == "rename"))
            })
        }
    })
}

/// Renames the fields of one type in its impls: `Self { old: … }` and `self.old`/`value.old`.
struct FieldRenamer<'a> {
    changes: &'a BTreeMap<String, syn::Ident>,
}

impl FieldRenamer<'_> {
    fn rename(&self, member: &mut syn::Member) {
        if let syn::Member::Named(ident) = member
            && let Some(new) = self.changes.get(&ident.to_string())
        {
            *ident = new.clone();
        }
    }
}

impl VisitMut for FieldRenamer<'_> {
    fn visit_expr_struct_mut(&mut self, node: &mut syn::ExprStruct) {
        for field in &mut node.fields {
            let shorthand = field.colon_token.is_none();
            self.rename(&mut field.member);
            if shorthand {
                // `Self { old }` keeps reading the variable `old`.
                field.colon_token = Some(Default::default());
            }
        }
        syn::visit_mut::visit_expr_struct_mut(self, node);
    }

    fn visit_expr_field_mut(&mut self, node: &mut syn::ExprField) {
        let on_value = matches!(&*node.base, syn::Expr::Path(p)
            if p.path.is_ident("self") || p.path.is_ident("value"));
        if on_value {
            self.rename(&mut node.member);
        }
        syn::visit_mut::visit_expr_field_mut(self, node);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_take_the_naming_rule_and_keep_their_wire_names() {
        let items: Vec<syn::Item> = vec![
            syn::parse_quote! {
                pub struct Connection {
                    #[serde(rename = "IPv6", skip_serializing_if = "Option::is_none")]
                    pub i_pv6: Option<bool>,
                    pub guid: String,
                    #[serde(rename = "Guid")]
                    pub guid: String,
                }
            },
            syn::parse_quote! {
                impl Default for Connection {
                    fn default() -> Self {
                        Self { i_pv6: None, guid: String::new(), guid: String::new() }
                    }
                }
            },
        ];
        let fixed = rename_fields(items);
        let text = prettyplease::unparse(&syn::File {
            shebang: None,
            attrs: Vec::new(),
            items: fixed,
        });
        assert!(text.contains("pub ipv6: Option<bool>"), "{text}");
        assert!(text.contains("rename = \"IPv6\""), "{text}");
        assert!(text.contains("pub guid: String"), "{text}");
        assert!(
            text.contains("#[serde(rename = \"Guid\")]\n    pub guid_2: String"),
            "{text}"
        );
        assert!(text.contains("ipv6: None"), "{text}");
    }
}
