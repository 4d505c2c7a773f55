//! The spec as progenitor gets it: the operations of one client, error bodies left raw, string
//! constraints moved out of the types.

use openapiv3::OpenAPI;
use serde_json::{Map, Value, json};

use crate::error::CodegenError;
use crate::model::Model;

/// Builds the document progenitor generates from.
///
/// - `keep` selects the operations (by index in `model.operations`); `None` keeps all.
/// - Error responses become raw bytes: Plex answers errors in JSON, XML or HTML whatever the
///   spec says, so the runtime reads them itself (and progenitor would reject a body that is
///   not the declared JSON without keeping its status).
/// - `pattern`, `minLength` and `maxLength` are removed from schemas: the runtime checks request
///   fields against them before sending (rules table), and responses must decode tolerantly.
pub(crate) fn progenitor_view(
    model: &Model,
    keep: Option<&[usize]>,
) -> Result<OpenAPI, CodegenError> {
    let mut doc = serde_json::to_value(&model.spec).map_err(|err| CodegenError::Document {
        pointer: "/".into(),
        message: err.to_string(),
    })?;
    let paths = doc
        .get_mut("paths")
        .and_then(Value::as_object_mut)
        .map(std::mem::take)
        .unwrap_or_default();
    let mut kept_paths = Map::new();
    for (path, mut item) in paths {
        if let Some(item_map) = item.as_object_mut() {
            item_map.retain(|key, operation| {
                let Some(index) = model
                    .operations
                    .iter()
                    .position(|op| op.path == path && op.method == *key)
                else {
                    // Not an operation: parameters, servers, summary...
                    return true;
                };
                if keep.is_some_and(|keep| !keep.contains(&index)) {
                    return false;
                }
                rewrite_operation(operation, model);
                true
            });
            let has_operation = item_map.keys().any(|key| {
                model
                    .operations
                    .iter()
                    .any(|op| op.path == path && op.method == *key)
            });
            if has_operation {
                kept_paths.insert(path, item);
            }
        }
    }
    doc["paths"] = Value::Object(kept_paths);
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        schemas.values_mut().for_each(strip_constraints);
    }
    if let Some(responses) = doc
        .pointer_mut("/components/responses")
        .and_then(Value::as_object_mut)
    {
        for response in responses.values_mut() {
            strip_content(response);
        }
    }
    serde_json::from_value(doc).map_err(|err| CodegenError::Document {
        pointer: "/".into(),
        message: format!("internal view of the spec does not round-trip: {err}"),
    })
}

fn rewrite_operation(operation: &mut Value, model: &Model) {
    if let Some(parameters) = operation
        .get_mut("parameters")
        .and_then(Value::as_array_mut)
    {
        for parameter in parameters {
            if let Some(schema) = parameter.get_mut("schema") {
                strip_constraints(schema);
            }
        }
    }
    if let Some(body) = operation.get_mut("requestBody") {
        strip_content(body);
    }
    if let Some(responses) = operation
        .get_mut("responses")
        .and_then(Value::as_object_mut)
    {
        for (status, response) in responses.iter_mut() {
            if status.starts_with('2') {
                strip_content(response);
                continue;
            }
            let description = response_description(response, model);
            *response = json!({
                "description": description,
                "content": { "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } }
            });
        }
    }
}

fn response_description(response: &Value, model: &Model) -> String {
    if let Some(description) = response.get("description").and_then(Value::as_str) {
        return description.to_string();
    }
    response
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/responses/"))
        .and_then(|name| model.spec.components.as_ref()?.responses.get(name))
        .and_then(|r| r.as_item())
        .map(|r| r.description.clone())
        .unwrap_or_default()
}

fn strip_content(holder: &mut Value) {
    if let Some(content) = holder.get_mut("content").and_then(Value::as_object_mut) {
        for media in content.values_mut() {
            if let Some(schema) = media.get_mut("schema") {
                strip_constraints(schema);
            }
        }
    }
}

/// Removes string constraints from a schema and every schema inside it.
fn strip_constraints(schema: &mut Value) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    for key in ["pattern", "minLength", "maxLength"] {
        object.remove(key);
    }
    if let Some(properties) = object.get_mut("properties").and_then(Value::as_object_mut) {
        properties.values_mut().for_each(strip_constraints);
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(inner) = object.get_mut(key) {
            strip_constraints(inner);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(list) = object.get_mut(key).and_then(Value::as_array_mut) {
            list.iter_mut().for_each(strip_constraints);
        }
    }
}
