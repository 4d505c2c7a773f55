//! Stage 2, `validate`: checks every rule of the crate documentation on the typed spec, and
//! declares the clients (one per server). Each refusal names the operation and the place.

mod operation;
mod servers;

use std::collections::BTreeMap;

use openapiv3::{OpenAPI, ReferenceOr};

use crate::access::{self, SpecOperation};
use crate::error::{CodegenError, pointer_segment};
use crate::load::{LineMap, Loaded};

pub(crate) use servers::DeclaredClient;

/// A spec that follows the generator's rules, with its clients declared.
#[derive(Debug)]
pub(crate) struct Validated {
    /// The spec.
    pub spec: OpenAPI,
    /// Where its nodes are written, for the errors of later stages.
    pub lines: LineMap,
    /// One client per distinct server URL, in the order the servers first appear.
    pub clients: Vec<DeclaredClient>,
}

/// Checks the rules; see the crate documentation for the list.
pub(crate) fn validate(loaded: Loaded) -> Result<Validated, CodegenError> {
    let Loaded { spec, lines } = loaded;
    check_replacements(&spec, &lines)?;
    check_path_items(&spec, &lines)?;
    let operations = access::operations(&spec);
    if operations.is_empty() {
        return Err(CodegenError::Document {
            place: lines.place("/paths"),
            message: "the spec declares no operation".into(),
        });
    }
    let mut checkers = Vec::new();
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
        checkers.push(operation::Checker {
            spec: &spec,
            lines: &lines,
            id,
            op,
        });
    }
    let (clients, has_root) = declare_clients(&spec, &lines, &checkers)?;
    for checker in &checkers {
        clients.serve(checker, has_root)?;
        checker.check()?;
    }
    let clients = clients.into_declared();
    Ok(Validated {
        spec,
        lines,
        clients,
    })
}

/// Declares the clients, from every server that declares one first, so that the declaration
/// may sit on any appearance of a server, whatever the order of paths. Also says whether the
/// document has a root server.
fn declare_clients<'a>(
    spec: &OpenAPI,
    lines: &'a LineMap,
    checkers: &[operation::Checker<'_>],
) -> Result<(servers::Clients<'a>, bool), CodegenError> {
    let mut clients = servers::Clients::new(lines);
    let root = match spec.servers.as_slice() {
        [] => None,
        [root] => Some(root),
        _ => {
            return Err(CodegenError::Document {
                place: lines.place("/servers/1"),
                message: "only one root server is supported: each server becomes one client".into(),
            });
        }
    };
    if let Some(root) = root {
        clients.declare(root, "/servers/0")?;
    }
    for checker in checkers {
        clients.declare_operation(checker)?;
    }
    if let Some(root) = root {
        clients.known(root, "/servers/0")?;
    }
    Ok((clients, root.is_some()))
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

/// `x-rust-replacement` on a component schema must be a Rust type path.
fn check_replacements(spec: &OpenAPI, lines: &LineMap) -> Result<(), CodegenError> {
    for (name, path) in replacements(spec) {
        let valid = path
            .as_ref()
            .is_ok_and(|path| syn::parse_str::<syn::TypePath>(path).is_ok());
        if !valid {
            let found = match path {
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
    Ok(())
}

/// Component schema name → the `x-rust-replacement` written on it (or why it is not a string).
pub(crate) fn replacements(spec: &OpenAPI) -> Vec<(&str, Result<String, String>)> {
    let Some(components) = &spec.components else {
        return Vec::new();
    };
    components
        .schemas
        .iter()
        .filter_map(|(name, schema)| {
            let schema = schema.as_item()?;
            let path = access::extension::<String>(
                schema.schema_data.extensions.get("x-rust-replacement"),
            )?;
            Some((name.as_str(), path))
        })
        .collect()
}
