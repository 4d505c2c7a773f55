//! Typed reading of the spec shared by the stages: operations in order, `$ref` resolution,
//! and the `x-rust-*` extensions read into small serde structs.

use std::collections::BTreeMap;

use openapiv3::{
    OpenAPI, Operation, PathItem, ReferenceOr, RequestBody, Response, Schema, SchemaKind, Server,
    StatusCode, Type,
};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::pointer_segment;

/// The media type of form request bodies.
pub(crate) const FORM_MEDIA_TYPE: &str = "application/x-www-form-urlencoded";

/// `x-rust-client` on a server: the client generated for it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RustClient {
    /// Rust type name of the public client.
    pub name: String,
    /// Module holding it.
    pub module: String,
}

/// `x-error-kinds` on an operation: declared error status → `ErrorKind` variants it produces.
pub(crate) type ErrorKinds = BTreeMap<String, Vec<String>>;

/// One operation of the spec with where it is.
pub(crate) struct SpecOperation<'a> {
    /// The path template, such as `/pins/{pinID}`.
    pub path: &'a str,
    /// Lower-case HTTP method.
    pub method: &'a str,
    /// JSON pointer of the operation.
    pub pointer: String,
    /// The path item holding it.
    pub item: &'a PathItem,
    /// The operation.
    pub operation: &'a Operation,
}

/// The operations of the spec in spec order; path items given by `$ref` are skipped (the
/// validator refuses them).
pub(crate) fn operations(spec: &OpenAPI) -> Vec<SpecOperation<'_>> {
    let mut out = Vec::new();
    for (path, item) in spec.paths.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, operation) in item.iter() {
            out.push(SpecOperation {
                path,
                method,
                pointer: format!("/paths/{}/{method}", pointer_segment(path)),
                item,
                operation,
            });
        }
    }
    out
}

/// Reads an extension's value into `T`: `None` when absent, the serde message when malformed.
pub(crate) fn extension<T: DeserializeOwned>(
    value: Option<&serde_json::Value>,
) -> Option<Result<T, String>> {
    value.map(|value| T::deserialize(value).map_err(|err| err.to_string()))
}

/// The URL of the one server an operation is served by: its own, its path item's, or the
/// document's. `None` when there is none or several (the validator refuses both).
pub(crate) fn served_by<'a>(spec: &'a OpenAPI, op: &SpecOperation<'a>) -> Option<&'a str> {
    let servers = operation_servers(op).map_or(spec.servers.as_slice(), |(servers, _)| servers);
    match servers {
        [server] => Some(&server.url),
        _ => None,
    }
}

/// The servers that apply to an operation, with their JSON pointer: the operation's own, else
/// its path item's, else `None` (the document's root server applies).
pub(crate) fn operation_servers<'a>(op: &SpecOperation<'a>) -> Option<(&'a [Server], String)> {
    if !op.operation.servers.is_empty() {
        return Some((&op.operation.servers, format!("{}/servers", op.pointer)));
    }
    if !op.item.servers.is_empty() {
        let path_pointer = format!("/paths/{}", pointer_segment(op.path));
        return Some((&op.item.servers, format!("{path_pointer}/servers")));
    }
    None
}

/// The responses of an operation: `default` first, then by status as written; each with the
/// exact code when it is one.
pub(crate) fn responses(
    operation: &Operation,
) -> Vec<(String, Option<u16>, &ReferenceOr<Response>)> {
    let default = operation
        .responses
        .default
        .iter()
        .map(|r| ("default".to_string(), None, r));
    let statuses = operation.responses.responses.iter().map(|(status, r)| {
        let code = match status {
            StatusCode::Code(code) => Some(*code),
            StatusCode::Range(_) => None,
        };
        (status.to_string(), code, r)
    });
    default.chain(statuses).collect()
}

/// A response, following a `#/components/responses/` reference.
pub(crate) fn resolve_response<'a>(
    spec: &'a OpenAPI,
    response: &'a ReferenceOr<Response>,
) -> Option<&'a Response> {
    match response {
        ReferenceOr::Item(response) => Some(response),
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/responses/")
            .and_then(|name| spec.components.as_ref()?.responses.get(name))
            .and_then(ReferenceOr::as_item),
    }
}

/// A schema, following `#/components/schemas/` references (one level: components are items).
pub(crate) fn resolve_schema<'a>(
    spec: &'a OpenAPI,
    schema: &'a ReferenceOr<Schema>,
) -> Option<&'a Schema> {
    match schema {
        ReferenceOr::Item(schema) => Some(schema),
        ReferenceOr::Reference { reference } => schema_by_reference(spec, reference),
    }
}

/// A boxed schema (object properties), following references.
pub(crate) fn resolve_boxed_schema<'a>(
    spec: &'a OpenAPI,
    schema: &'a ReferenceOr<Box<Schema>>,
) -> Option<&'a Schema> {
    match schema {
        ReferenceOr::Item(schema) => Some(schema),
        ReferenceOr::Reference { reference } => schema_by_reference(spec, reference),
    }
}

fn schema_by_reference<'a>(spec: &'a OpenAPI, reference: &str) -> Option<&'a Schema> {
    reference
        .strip_prefix("#/components/schemas/")
        .and_then(|name| spec.components.as_ref()?.schemas.get(name))
        .and_then(ReferenceOr::as_item)
}

/// The request body, when it is given inline (the validator refuses references).
pub(crate) fn request_body(operation: &Operation) -> Option<&RequestBody> {
    operation
        .request_body
        .as_ref()
        .and_then(ReferenceOr::as_item)
}

/// `minLength` and `pattern` of a string schema (also when written beside an `allOf`).
pub(crate) fn string_constraints(schema: &Schema) -> (Option<usize>, Option<&str>) {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => (string.min_length, string.pattern.as_deref()),
        SchemaKind::Any(any) => (any.min_length, any.pattern.as_deref()),
        _ => (None, None),
    }
}

/// Whether a media type is JSON.
pub(crate) fn is_json(media: &str) -> bool {
    media == "application/json" || media.starts_with("application/json;")
}

/// A short description of a schema's type for docs: `integer`, `boolean`, or the component's
/// name for a reference.
pub(crate) fn schema_type(schema: &ReferenceOr<Schema>) -> String {
    let kind = match schema {
        ReferenceOr::Reference { reference } => {
            return reference
                .rsplit('/')
                .next()
                .unwrap_or(reference)
                .to_string();
        }
        ReferenceOr::Item(schema) => &schema.schema_kind,
    };
    match kind {
        SchemaKind::Type(Type::String(_)) => "string",
        SchemaKind::Type(Type::Number(_)) => "number",
        SchemaKind::Type(Type::Integer(_)) => "integer",
        SchemaKind::Type(Type::Boolean(_)) => "boolean",
        SchemaKind::Type(Type::Object(_)) => "object",
        SchemaKind::Type(Type::Array(_)) => "array",
        _ => "any",
    }
    .to_string()
}
