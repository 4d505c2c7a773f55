//! progenitor's view of the spec, built from the IR. It differs from the spec in that:
//! - each operation's `operationId` is the Rust method name the IR chose for it, so that
//!   progenitor's method for it carries exactly that name (`fix` pairs them by it);
//! - an operation declares one response, its first success (a JSON schema, or no content):
//!   its type is what progenitor generates; error bodies are the runtime's to read;
//! - path parameters are required (progenitor asserts it);
//! - `pattern`, `minLength` and `maxLength` are removed from schemas: the runtime checks
//!   request fields against them before sending (the operation's rules), and answers must
//!   decode tolerantly.

use openapiv3::{
    AdditionalProperties, MediaType, OpenAPI, Operation as SpecOp, Parameter,
    ParameterSchemaOrContent, PathItem, ReferenceOr, Responses, Schema, SchemaKind, StatusCode,
    Type,
};

use crate::access;
use crate::error::CodegenError;
use crate::ir::{Operation, Plan, ResponseStatus, SuccessBody};

/// The document progenitor generates from: every operation of the plan, or only `only`.
pub(super) fn view(plan: &Plan, only: Option<&Operation>) -> Result<OpenAPI, CodegenError> {
    let mut spec = plan.spec.clone();
    for (path, item) in spec.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (key, slot) in operation_slots(item) {
            let planned = plan
                .operations()
                .filter(|op| only.is_none_or(|only| std::ptr::eq(only, *op)))
                .find(|op| op.path == *path && op.method.key() == key);
            match (slot.as_mut(), planned) {
                (Some(operation), Some(planned)) => {
                    rewrite_operation(operation, planned, &plan.spec)
                }
                _ => *slot = None,
            }
        }
        // Path-level parameters are the operations' own in the IR's view too.
        let shared = std::mem::take(&mut item.parameters);
        for (_, slot) in operation_slots(item) {
            if let Some(operation) = slot {
                let own: Vec<String> = operation
                    .parameters
                    .iter()
                    .filter_map(|p| Some(p.as_item()?.parameter_data_ref().name.clone()))
                    .collect();
                let inherited = shared.iter().filter(|p| {
                    p.as_item()
                        .is_none_or(|p| !own.contains(&p.parameter_data_ref().name))
                });
                operation.parameters.extend(inherited.cloned());
                operation.parameters.iter_mut().for_each(rewrite_parameter);
            }
        }
    }
    spec.paths.paths.retain(|_, item| {
        item.as_item()
            .is_some_and(|item| item.iter().next().is_some())
    });
    if let Some(components) = &mut spec.components {
        components.schemas.values_mut().for_each(strip_reference);
        // Responses are inlined into the operations that use them.
        components.responses.clear();
    }
    // Re-read: a schema left with only `allOf` (its `minLength` removed) must read as an
    // `allOf` again, as it does when written so.
    serde_json::to_value(&spec)
        .and_then(serde_json::from_value)
        .map_err(|err| CodegenError::Emit {
            file: "the progenitor view".into(),
            message: format!("the view of the spec does not round-trip: {err}"),
        })
}

fn operation_slots(item: &mut PathItem) -> [(&'static str, &mut Option<SpecOp>); 8] {
    [
        ("get", &mut item.get),
        ("put", &mut item.put),
        ("post", &mut item.post),
        ("delete", &mut item.delete),
        ("options", &mut item.options),
        ("head", &mut item.head),
        ("patch", &mut item.patch),
        ("trace", &mut item.trace),
    ]
}

fn rewrite_operation(operation: &mut SpecOp, planned: &Operation, spec: &OpenAPI) {
    operation.operation_id = Some(planned.names.method.clone());
    if let Some(ReferenceOr::Item(body)) = &mut operation.request_body {
        strip_content(body.content.values_mut());
    }
    operation.responses = success_only(operation, planned, spec);
}

fn rewrite_parameter(parameter: &mut ReferenceOr<Parameter>) {
    let ReferenceOr::Item(parameter) = parameter else {
        return;
    };
    if let Parameter::Path { parameter_data, .. } = parameter {
        parameter_data.required = true;
    }
    let (Parameter::Query { parameter_data, .. }
    | Parameter::Header { parameter_data, .. }
    | Parameter::Path { parameter_data, .. }
    | Parameter::Cookie { parameter_data, .. }) = parameter;
    if let ParameterSchemaOrContent::Schema(schema) = &mut parameter_data.format {
        strip_reference(schema);
    }
}

/// The operation's first success, as its only response: its JSON content when it has a body.
fn success_only(operation: &SpecOp, planned: &Operation, spec: &OpenAPI) -> Responses {
    let status = planned.success.first();
    let code = match status {
        ResponseStatus::Code(code) => StatusCode::Code(code),
        ResponseStatus::Range(class) => StatusCode::Range(u16::from(class)),
        ResponseStatus::Default => StatusCode::Range(2),
    };
    let declared = access::responses(operation)
        .into_iter()
        .find(|(declared, _)| *declared == status)
        .and_then(|(_, response)| access::resolve_response(spec, response));
    let mut response = declared.cloned().unwrap_or_default();
    response.headers.clear();
    response.links.clear();
    response
        .content
        .retain(|media, _| planned.success.body == SuccessBody::Json && access::is_json(media));
    strip_content(response.content.values_mut());
    let mut responses = Responses::default();
    responses
        .responses
        .insert(code, ReferenceOr::Item(response));
    responses
}

fn strip_content<'a>(content: impl Iterator<Item = &'a mut MediaType>) {
    for media in content {
        if let Some(schema) = &mut media.schema {
            strip_reference(schema);
        }
    }
}

fn strip_reference(schema: &mut ReferenceOr<Schema>) {
    if let ReferenceOr::Item(schema) = schema {
        strip(schema);
    }
}

fn strip_boxed(schema: &mut ReferenceOr<Box<Schema>>) {
    if let ReferenceOr::Item(schema) = schema {
        strip(schema);
    }
}

/// Removes string constraints from a schema and every schema inside it.
fn strip(schema: &mut Schema) {
    match &mut schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => {
            string.pattern = None;
            string.min_length = None;
            string.max_length = None;
        }
        SchemaKind::Type(Type::Object(object)) => {
            object.properties.values_mut().for_each(strip_boxed);
            if let Some(AdditionalProperties::Schema(inner)) = &mut object.additional_properties {
                strip_reference(inner);
            }
        }
        SchemaKind::Type(Type::Array(array)) => array.items.iter_mut().for_each(strip_boxed),
        SchemaKind::OneOf { one_of: list }
        | SchemaKind::AllOf { all_of: list }
        | SchemaKind::AnyOf { any_of: list } => list.iter_mut().for_each(strip_reference),
        SchemaKind::Not { not } => strip_reference(not),
        SchemaKind::Any(any) => {
            any.pattern = None;
            any.min_length = None;
            any.max_length = None;
            any.properties.values_mut().for_each(strip_boxed);
            any.items.iter_mut().for_each(strip_boxed);
            if let Some(AdditionalProperties::Schema(inner)) = &mut any.additional_properties {
                strip_reference(inner);
            }
            for list in [&mut any.one_of, &mut any.all_of, &mut any.any_of] {
                list.iter_mut().for_each(strip_reference);
            }
            any.not.iter_mut().for_each(|not| strip_reference(not));
        }
        SchemaKind::Type(_) => {}
    }
}
