//! Stage 2, `lower`: the typed spec becomes the IR ([`Plan`]), checked as it is built. An
//! operation that breaks a rule is refused on its own, with its place and reason, and the
//! others go on; a document that breaks one (its version, its components' replacements, its
//! root servers) is refused whole. Later stages read the IR only; nothing calls back into
//! this stage.

mod operation;
mod parameters;
mod responses;
mod rules;
mod servers;

use std::collections::BTreeMap;

use openapiv3::{OpenAPI, ReferenceOr};

use crate::access::{self, SpecOperation};
use crate::error::{CodegenError, Refusal, pointer_segment};
use crate::ir::{OperationNames, Plan, Replacement};
use crate::load::{LineMap, Loaded};
use crate::naming;

/// The IR, and the operations refused on the way.
pub(crate) struct Lowered {
    pub plan: Plan,
    pub refused: Vec<Refusal>,
}

/// Builds the IR from the loaded spec.
pub(crate) fn lower(loaded: Loaded) -> Result<Lowered, CodegenError> {
    let Loaded { spec, lines } = loaded;
    let replacements = replacements(&spec, &lines)?;
    let mut refused = path_item_references(&spec, &lines);
    let operations = access::operations(&spec);
    if operations.is_empty() {
        return Err(CodegenError::Document {
            place: lines.place("/paths"),
            message: "the spec declares no operation".into(),
        });
    }
    let (clients, mut failed) = servers::Clients::declare(&spec, &lines, &operations)?;
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut lowered = Vec::with_capacity(operations.len());
    for (index, op) in operations.iter().enumerate() {
        let id = operation_id(op);
        let refuse = |place, reason: String| Refusal {
            operation: id.clone(),
            place,
            reason,
        };
        if let Some(at) = failed.iter().position(|(failing, _)| *failing == index) {
            let (_, error) = failed.remove(at);
            let (place, reason) = match error {
                CodegenError::Document { place, message } => (place, message),
                other => (lines.place(op.pointer.as_str()), other.to_string()),
            };
            refused.push(refuse(place, reason));
            continue;
        }
        if let Some(first) = seen.get(&id) {
            refused.push(refuse(
                lines.place(format!("{}/operationId", op.pointer)),
                format!("duplicate operationId: {first} has it too"),
            ));
            continue;
        }
        seen.insert(id.clone(), lines.place(op.pointer.as_str()).to_string());
        let client = match clients.serving(op) {
            Ok(client) => client,
            Err((place, reason)) => {
                refused.push(refuse(place, reason));
                continue;
            }
        };
        let lowering = operation::Lowering {
            spec: &spec,
            lines: &lines,
            id: &id,
            op,
        };
        match lowering.lower() {
            Ok(operation) => lowered.push((client, operation)),
            Err((place, reason)) => refused.push(refuse(place, reason)),
        }
    }
    // Method names are one namespace (the mocks' traits have one method per operation).
    let names = naming::distinct(
        lowered
            .iter()
            .map(|(_, op)| op.names.method.clone())
            .collect(),
    );
    let mut clients = clients.into_clients();
    for ((client, mut operation), method) in lowered.into_iter().zip(names) {
        operation.names = OperationNames {
            pascal: naming::pascal_case(&method),
            constant: naming::constant_case(&method),
            method,
        };
        clients[client].operations.push(operation);
    }
    clients.retain(|client| !client.operations.is_empty());
    Ok(Lowered {
        plan: Plan {
            spec,
            lines,
            clients,
            replacements,
        },
        refused,
    })
}

/// The operationId, or `METHOD /path` for an operation without one: the name errors and the
/// runtime use (its Rust names come from the same words: `get_library_sections`).
fn operation_id(op: &SpecOperation<'_>) -> String {
    match &op.operation.operation_id {
        Some(id) if !id.trim().is_empty() => id.clone(),
        _ => format!("{} {}", op.method.to_ascii_uppercase(), op.path),
    }
}

/// Path items given by `$ref`: their operations cannot be read.
fn path_item_references(spec: &OpenAPI, lines: &LineMap) -> Vec<Refusal> {
    spec.paths
        .paths
        .iter()
        .filter(|(_, item)| matches!(item, ReferenceOr::Reference { .. }))
        .map(|(path, _)| Refusal {
            operation: format!("path {path}"),
            place: lines.place(format!("/paths/{}", pointer_segment(path))),
            reason: "path items given by $ref are not supported".into(),
        })
        .collect()
}

/// `x-rust-replacement` on component schemas; each must be a Rust type path.
fn replacements(spec: &OpenAPI, lines: &LineMap) -> Result<Vec<Replacement>, CodegenError> {
    let Some(components) = &spec.components else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (name, schema) in &components.schemas {
        let Some(schema) = schema.as_item() else {
            continue;
        };
        let Some(path) =
            access::extension::<String>(schema.schema_data.extensions.get("x-rust-replacement"))
        else {
            continue;
        };
        match path {
            Ok(path) if syn::parse_str::<syn::TypePath>(&path).is_ok() => out.push(Replacement {
                schema: name.clone(),
                rust_type: path,
            }),
            found => {
                let found = match found {
                    Ok(path) => format!("{path:?}"),
                    Err(message) => message,
                };
                return Err(CodegenError::Document {
                    place: lines.place(format!(
                        "/components/schemas/{}/x-rust-replacement",
                        pointer_segment(name)
                    )),
                    message: format!("expected a Rust type path, found {found}"),
                });
            }
        }
    }
    Ok(out)
}
