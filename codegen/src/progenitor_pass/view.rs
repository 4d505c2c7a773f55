//! progenitor's view of the spec, built from the IR: the part of each operation progenitor
//! generates (the types, and the request's method, URL base and body), and nothing it would
//! trip on. It differs from the spec in that, for each operation of the plan:
//! - its `operationId` is the Rust method name the IR chose, so that progenitor's method for it
//!   carries exactly that name (`fix` pairs them by it);
//! - its path is `/<index>` followed by its path parameters (so no two operations share a
//!   path), and every parameter is named by
//!   its Rust name, with no style: `fix` writes the path, the query and the headers from the
//!   IR, so progenitor only types the arguments (and never meets a name twice, a deepObject or
//!   a list in a path);
//! - the headers the client sends itself, cookies, and `$ref`s (parameters, bodies, responses)
//!   are resolved or left out;
//! - its body has the one media type the IR chose;
//! - it declares one response, its first success (a JSON schema, or no content): its type is
//!   what progenitor generates; other bodies and errors are the runtime's to read;
//! - `pattern`, `minLength` and `maxLength` are removed from schemas (the runtime checks request
//!   fields before sending, and answers must decode tolerantly), and so are the `format`s that
//!   would need another crate (`date`, `date-time`, `uuid`…): those values stay strings.

use openapiv3::{
    AdditionalProperties, MediaType, OpenAPI, Operation as SpecOp, Parameter, ParameterData,
    ParameterSchemaOrContent, PathItem, PathStyle, Paths, QueryStyle, ReferenceOr, Responses,
    Schema, SchemaKind, StatusCode, StringFormat, Type, VariantOrUnknownOrEmpty,
};

use crate::access::{self, FORM_MEDIA_TYPE};
use crate::error::CodegenError;
use crate::ir::{
    BodyMedia, HttpMethod, Operation, ParameterLocation, Plan, ResponseStatus, SuccessBody,
};

/// String formats progenitor would type with another crate; their values stay strings.
const STRING_FORMATS_KEPT_AS_TEXT: &[&str] = &["date", "date-time", "time", "uuid", "duration"];

/// The document progenitor generates from: the operations of the plan (all, or the first
/// `count` in plan order).
pub(super) fn view(plan: &Plan, count: Option<usize>) -> Result<OpenAPI, CodegenError> {
    let mut spec = plan.spec.clone();
    let mut paths = Paths::default();
    let operations: Vec<&Operation> = plan.operations().collect();
    let count = count.unwrap_or(operations.len());
    let declared = access::operations(&plan.spec);
    for (index, op) in operations.into_iter().take(count).enumerate() {
        let original = declared
            .get(op.spec_index)
            .map(|declared| declared.operation)
            .ok_or_else(|| CodegenError::Emit {
                file: "the progenitor view".into(),
                message: format!("{} is not among the spec's operations", op.id),
            })?;
        let mut path = format!("/{index}");
        for parameter in op
            .parameters
            .iter()
            .filter(|p| p.location == ParameterLocation::Path)
        {
            path.push_str(&format!("/{{{}}}", parameter.rust_name));
        }
        let mut item = PathItem::default();
        let view = Some(operation(original, op, &plan.spec));
        match op.method {
            HttpMethod::Get => item.get = view,
            HttpMethod::Put => item.put = view,
            HttpMethod::Post => item.post = view,
            HttpMethod::Delete => item.delete = view,
            HttpMethod::Options => item.options = view,
            HttpMethod::Head => item.head = view,
            HttpMethod::Patch => item.patch = view,
            HttpMethod::Trace => item.trace = view,
        }
        paths.paths.insert(path, ReferenceOr::Item(item));
    }
    spec.paths = paths;
    if let Some(components) = &mut spec.components {
        components.schemas.values_mut().for_each(strip_reference);
        // Inlined into the operations that use them.
        components.responses.clear();
        components.parameters.clear();
        components.request_bodies.clear();
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

fn operation(original: &SpecOp, op: &Operation, spec: &OpenAPI) -> SpecOp {
    let mut view = original.clone();
    view.operation_id = Some(op.names.method.clone());
    view.servers.clear();
    view.security = None;
    view.callbacks.clear();
    view.parameters = op
        .parameters
        .iter()
        .map(|parameter| {
            let mut schema = parameter.declared.clone();
            strip_reference(&mut schema);
            let data = ParameterData {
                name: parameter.rust_name.clone(),
                description: None,
                required: parameter.required,
                deprecated: None,
                format: ParameterSchemaOrContent::Schema(schema),
                example: None,
                examples: Default::default(),
                explode: None,
                extensions: Default::default(),
            };
            ReferenceOr::Item(match parameter.location {
                ParameterLocation::Path => Parameter::Path {
                    parameter_data: data,
                    style: PathStyle::Simple,
                },
                ParameterLocation::Query => Parameter::Query {
                    parameter_data: data,
                    allow_reserved: false,
                    style: QueryStyle::Form,
                    allow_empty_value: None,
                },
                ParameterLocation::Header => Parameter::Header {
                    parameter_data: data,
                    style: openapiv3::HeaderStyle::Simple,
                },
            })
        })
        .collect();
    view.request_body = op.body.as_ref().and_then(|body| {
        let mut declared = access::request_body(spec, original)?.clone();
        declared.content.retain(|media, _| match body.media {
            BodyMedia::Json => access::is_json(media),
            BodyMedia::Form => media == FORM_MEDIA_TYPE,
            BodyMedia::Text => media.starts_with("text/plain"),
        });
        // One media type: the first of the kind chosen.
        let first = declared.content.keys().next().cloned();
        declared
            .content
            .retain(|media, _| Some(media) == first.as_ref());
        strip_content(declared.content.values_mut());
        if body.media == BodyMedia::Text {
            // Text goes as it is, whatever schema describes it: progenitor takes a `String`.
            for media in declared.content.values_mut() {
                media.schema = Some(ReferenceOr::Item(Schema {
                    schema_data: Default::default(),
                    schema_kind: SchemaKind::Type(Type::String(Default::default())),
                }));
            }
        }
        Some(ReferenceOr::Item(declared))
    });
    view.responses = success_only(original, op, spec);
    view
}

/// The operation's first success, as its only response: its JSON content when it has a JSON
/// body, else no content.
fn success_only(original: &SpecOp, op: &Operation, spec: &OpenAPI) -> Responses {
    let status = op.success.first();
    let code = match status {
        ResponseStatus::Code(code) => StatusCode::Code(code),
        ResponseStatus::Range(_) | ResponseStatus::Default => StatusCode::Code(200),
    };
    let declared = access::responses(original)
        .into_iter()
        .find(|(declared, _)| *declared == status)
        .and_then(|(_, response)| access::resolve_response(spec, response));
    let mut response = declared.cloned().unwrap_or_default();
    response.headers.clear();
    response.links.clear();
    let json = op.success.body == SuccessBody::Json;
    response
        .content
        .retain(|media, content| json && access::is_json(media) && content.schema.is_some());
    let first = response.content.keys().next().cloned();
    response
        .content
        .retain(|media, _| Some(media) == first.as_ref());
    strip_content(response.content.values_mut());
    let mut responses = Responses::default();
    responses
        .responses
        .insert(code, ReferenceOr::Item(response));
    responses
}

fn strip_content<'a>(content: impl Iterator<Item = &'a mut MediaType>) {
    for media in content {
        media.encoding.clear();
        media.examples.clear();
        media.example = None;
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

/// Removes string constraints and crate-typed formats from a schema and every schema inside it.
fn strip(schema: &mut Schema) {
    match &mut schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => {
            string.pattern = None;
            string.min_length = None;
            string.max_length = None;
            let kept_as_text = match &string.format {
                VariantOrUnknownOrEmpty::Item(StringFormat::Date | StringFormat::DateTime) => true,
                VariantOrUnknownOrEmpty::Unknown(format) => {
                    STRING_FORMATS_KEPT_AS_TEXT.contains(&format.as_str())
                }
                _ => false,
            };
            if kept_as_text {
                string.format = VariantOrUnknownOrEmpty::Empty;
            }
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
            if any
                .format
                .as_deref()
                .is_some_and(|format| STRING_FORMATS_KEPT_AS_TEXT.contains(&format))
            {
                any.format = None;
            }
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
