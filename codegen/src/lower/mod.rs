//! Stage 2, `lower`: the typed spec becomes the IR ([`Plan`]), checked as it is built. Every
//! rule of the crate documentation is enforced here, and each refusal names the operation and
//! the place. Later stages read the IR only; nothing calls back into this stage.

mod operation;
mod rules;
mod servers;

use std::collections::BTreeMap;

use openapiv3::{OpenAPI, ReferenceOr};

use crate::access::{self, SpecOperation};
use crate::error::{CodegenError, pointer_segment};
use crate::ir::{Plan, Replacement};
use crate::load::{LineMap, Loaded};

/// Builds the IR from the loaded spec.
pub(crate) fn lower(loaded: Loaded) -> Result<Plan, CodegenError> {
    let Loaded { spec, lines } = loaded;
    let replacements = replacements(&spec, &lines)?;
    check_path_items(&spec, &lines)?;
    let operations = access::operations(&spec);
    if operations.is_empty() {
        return Err(CodegenError::Document {
            place: lines.place("/paths"),
            message: "the spec declares no operation".into(),
        });
    }
    let mut ids = Vec::with_capacity(operations.len());
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for op in &operations {
        let id = operation_id(op, &lines)?;
        if let Some(first) = seen.insert(id, &op.pointer) {
            return Err(CodegenError::DuplicateOperationId {
                operation: id.into(),
                first: lines.place(first),
                second: lines.place(op.pointer.as_str()),
            });
        }
        ids.push(id);
    }
    let clients = servers::Clients::declare(&spec, &lines, &operations, &ids)?;
    let mut lowered = Vec::with_capacity(operations.len());
    for (op, id) in operations.iter().zip(&ids) {
        let client = clients.serving(op, id)?;
        let operation = operation::Lowering {
            spec: &spec,
            lines: &lines,
            id,
            op,
        }
        .lower()?;
        lowered.push((client, operation));
    }
    let mut clients = clients.into_clients();
    for (client, operation) in lowered {
        clients[client].operations.push(operation);
    }
    Ok(Plan {
        spec,
        lines,
        clients,
        replacements,
    })
}

fn operation_id<'a>(op: &SpecOperation<'a>, lines: &LineMap) -> Result<&'a str, CodegenError> {
    op.operation
        .operation_id
        .as_deref()
        .ok_or_else(|| CodegenError::MissingOperationId {
            place: lines.place(op.pointer.as_str()),
        })
}

fn check_path_items(spec: &OpenAPI, lines: &LineMap) -> Result<(), CodegenError> {
    for (path, item) in spec.paths.paths.iter() {
        if let ReferenceOr::Reference { .. } = item {
            return Err(CodegenError::Document {
                place: lines.place(format!("/paths/{}", pointer_segment(path))),
                message: "path items given by $ref are not supported".into(),
            });
        }
    }
    Ok(())
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
