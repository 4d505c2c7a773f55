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
use crate::ir::{ObjectShape, ResponseStatus, ValueShape};

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

/// The parameters of an operation with their JSON pointers: its own, then those of its path
/// item that it does not redeclare (by name and location).
pub(crate) fn parameters<'a>(
    op: &SpecOperation<'a>,
) -> Vec<(String, &'a ReferenceOr<openapiv3::Parameter>)> {
    let key = |p: &openapiv3::Parameter| {
        let location = match p {
            openapiv3::Parameter::Query { .. } => 0,
            openapiv3::Parameter::Header { .. } => 1,
            openapiv3::Parameter::Path { .. } => 2,
            openapiv3::Parameter::Cookie { .. } => 3,
        };
        (location, p.parameter_data_ref().name.clone())
    };
    let own: Vec<_> = op
        .operation
        .parameters
        .iter()
        .filter_map(|p| p.as_item().map(key))
        .collect();
    let mut out: Vec<_> = op
        .operation
        .parameters
        .iter()
        .enumerate()
        .map(|(index, p)| (format!("{}/parameters/{index}", op.pointer), p))
        .collect();
    let item_pointer = format!("/paths/{}", pointer_segment(op.path));
    for (index, parameter) in op.item.parameters.iter().enumerate() {
        if parameter.as_item().is_some_and(|p| own.contains(&key(p))) {
            continue;
        }
        out.push((format!("{item_pointer}/parameters/{index}"), parameter));
    }
    out
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

/// The responses of an operation: `default` first, then by status as written.
pub(crate) fn responses(operation: &Operation) -> Vec<(ResponseStatus, &ReferenceOr<Response>)> {
    let default = operation
        .responses
        .default
        .iter()
        .map(|r| (ResponseStatus::Default, r));
    let statuses = operation.responses.responses.iter().map(|(status, r)| {
        let status = match status {
            StatusCode::Code(code) => ResponseStatus::Code(*code),
            StatusCode::Range(class) => ResponseStatus::Range(u8::try_from(*class).unwrap_or(0)),
        };
        (status, r)
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

/// The request body, following a `#/components/requestBodies/` reference.
pub(crate) fn request_body<'a>(
    spec: &'a OpenAPI,
    operation: &'a Operation,
) -> Option<&'a RequestBody> {
    match operation.request_body.as_ref()? {
        ReferenceOr::Item(body) => Some(body),
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/requestBodies/")
            .and_then(|name| spec.components.as_ref()?.request_bodies.get(name))
            .and_then(ReferenceOr::as_item),
    }
}

/// A parameter, following a `#/components/parameters/` reference.
pub(crate) fn resolve_parameter<'a>(
    spec: &'a OpenAPI,
    parameter: &'a ReferenceOr<openapiv3::Parameter>,
) -> Option<&'a openapiv3::Parameter> {
    match parameter {
        ReferenceOr::Item(parameter) => Some(parameter),
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/parameters/")
            .and_then(|name| spec.components.as_ref()?.parameters.get(name))
            .and_then(ReferenceOr::as_item),
    }
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

/// The required properties of an object schema (also when written without
/// `type: object`).
pub(crate) fn object_shape(schema: &Schema) -> Option<ObjectShape> {
    let required = match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => &object.required,
        SchemaKind::Any(any) if !any.properties.is_empty() => &any.required,
        _ => return None,
    };
    Some(ObjectShape {
        required: required.clone(),
    })
}

/// Whether a schema's value is one value, a list or an object (through references and
/// single-member `allOf`s).
pub(crate) fn value_shape(spec: &OpenAPI, schema: &ReferenceOr<Schema>) -> ValueShape {
    let mut schema = resolve_schema(spec, schema);
    for _ in 0..8 {
        match schema.map(|s| &s.schema_kind) {
            Some(SchemaKind::Type(Type::Array(_))) => return ValueShape::Array,
            Some(SchemaKind::Type(Type::Object(_))) => return ValueShape::Object,
            Some(SchemaKind::Any(any)) if any.items.is_some() => return ValueShape::Array,
            Some(SchemaKind::Any(any))
                if !any.properties.is_empty() || any.additional_properties.is_some() =>
            {
                return ValueShape::Object;
            }
            Some(SchemaKind::AllOf { all_of }) if all_of.len() == 1 => {
                schema = resolve_schema(spec, &all_of[0]);
            }
            _ => return ValueShape::Scalar,
        }
    }
    ValueShape::Scalar
}
