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

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{OpenAPI, ReferenceOr};

use crate::access::{self, SpecOperation};
use crate::error::{CodegenError, Refusal, pointer_segment};
use crate::ir::{Operation, OperationNames, Plan, Replacement};
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
            index,
        };
        match lowering.lower() {
            Ok(operation) => lowered.push((client, operation)),
            Err((place, reason)) => refused.push(refuse(place, reason)),
        }
    }
    let mut names = OperationNaming::new(&spec);
    let mut clients = clients.into_clients();
    for (client, mut operation) in lowered {
        operation.names = names.name(&operation);
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

/// The names of the operations, made distinct the way [`naming::distinct`] does (the first
/// keeps its name, the next get `_2`, `_3`…). Method names are one namespace (the mocks' traits
/// have one method per operation), and so are the type names derived from them
/// (`<Pascal>When`, `<Pascal>Then`, `<Pascal>Options`: `get_a_2` and `get_a2` are both
/// `GetA2`); an options struct must not take a schema's type name either.
struct OperationNaming {
    methods: BTreeSet<String>,
    types: BTreeSet<String>,
    schema_types: BTreeSet<String>,
}

impl OperationNaming {
    fn new(spec: &OpenAPI) -> Self {
        let schema_types = spec
            .components
            .iter()
            .flat_map(|components| components.schemas.keys())
            .flat_map(|name| [name.clone(), naming::pascal_case(name)])
            .collect();
        Self {
            methods: BTreeSet::new(),
            types: BTreeSet::new(),
            schema_types,
        }
    }

    fn name(&mut self, operation: &Operation) -> OperationNames {
        let base = operation.names.method.as_str();
        let has_options = !operation.options().is_empty();
        let mut method = base.to_string();
        let mut number = 2;
        loop {
            let pascal = naming::pascal_case(&method);
            let clashes = self.methods.contains(&method)
                || self.types.contains(&pascal)
                || (has_options && self.schema_types.contains(&format!("{pascal}Options")));
            if !clashes {
                self.methods.insert(method.clone());
                self.types.insert(pascal.clone());
                return OperationNames {
                    constant: naming::constant_case(&method),
                    pascal,
                    method,
                };
            }
            method = format!("{}_{number}", base.trim_end_matches('_'));
            number += 1;
        }
    }
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
