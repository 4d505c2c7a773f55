//! What the runtime checks or adds per operation: the header its token travels in (from its
//! security requirement), and the checks on query parameters and form fields made before
//! sending (`required`, `minLength`, `pattern`).

use openapiv3::{
    OpenAPI, Operation as SpecOp, Parameter as SpecParameter, ParameterSchemaOrContent,
    ReferenceOr, Schema, SchemaKind, Type,
};

use crate::access::{self, FORM_MEDIA_TYPE, SpecOperation};
use crate::error::pointer_segment;
use crate::ir::{FieldLocation, FieldRule};

/// The header an operation's token travels in, from its security requirement (or the
/// document's); the message says why the scheme cannot be used.
pub(super) fn token_header(spec: &OpenAPI, operation: &SpecOp) -> Result<Option<String>, String> {
    let requirements = operation.security.as_ref().or(spec.security.as_ref());
    let Some(requirement) = requirements.and_then(|r| r.iter().find(|r| !r.is_empty())) else {
        return Ok(None);
    };
    let name = requirement.keys().next().cloned().unwrap_or_default();
    let scheme = spec
        .components
        .as_ref()
        .and_then(|c| c.security_schemes.get(&name))
        .and_then(ReferenceOr::as_item);
    let header = match scheme {
        Some(openapiv3::SecurityScheme::APIKey {
            location: openapiv3::APIKeyLocation::Header,
            name: header,
            ..
        }) => header,
        Some(_) => {
            return Err(format!(
                "security scheme {name:?} must be an apiKey sent in a header"
            ));
        }
        None => return Err(format!("unknown security scheme {name:?}")),
    };
    if !is_header_name(header) {
        return Err(format!(
            "security scheme {name:?} names an invalid header {header:?}"
        ));
    }
    // HTTP header names are case-insensitive; the runtime wants them lower-cased.
    Ok(Some(header.to_ascii_lowercase()))
}

/// An HTTP header name: one or more token characters (RFC 9110).
fn is_header_name(name: &str) -> bool {
    let token_char = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    !name.is_empty() && name.bytes().all(token_char)
}

/// The checks on query parameters and form fields: only fields with something to check.
pub(super) fn field_rules(spec: &OpenAPI, op: &SpecOperation<'_>) -> Vec<FieldRule> {
    let (operation, pointer) = (op.operation, &op.pointer);
    let mut rules = Vec::new();
    for (at, parameter) in access::parameters(op) {
        let Some(SpecParameter::Query { parameter_data, .. }) = parameter.as_item() else {
            continue;
        };
        let ParameterSchemaOrContent::Schema(schema) = &parameter_data.format else {
            continue;
        };
        let at = written_at(schema, format!("{at}/schema"));
        let (name, required) = (&parameter_data.name, parameter_data.required);
        let schema = access::resolve_schema(spec, schema);
        rules.push(rule(FieldLocation::Query, name, required, schema, at));
    }
    let media = format!(
        "{pointer}/requestBody/content/{}",
        pointer_segment(FORM_MEDIA_TYPE)
    );
    let form = access::request_body(operation)
        .and_then(|body| body.content.get(FORM_MEDIA_TYPE))
        .and_then(|media| media.schema.as_ref())
        .and_then(|schema| {
            let at = written_at(schema, format!("{media}/schema"));
            Some((access::resolve_schema(spec, schema)?, at))
        });
    if let Some((form, form_at)) = form {
        let (properties, required) = match &form.schema_kind {
            SchemaKind::Type(Type::Object(object)) => (&object.properties, &object.required),
            SchemaKind::Any(any) => (&any.properties, &any.required),
            _ => return finish(rules),
        };
        for (name, property) in properties {
            let schema = access::resolve_boxed_schema(spec, property);
            let inline = format!("{form_at}/properties/{}", pointer_segment(name));
            let at = match property {
                ReferenceOr::Reference { reference } => reference_pointer(reference, inline),
                ReferenceOr::Item(_) => inline,
            };
            let required = required.contains(name);
            rules.push(rule(FieldLocation::Form, name, required, schema, at));
        }
    }
    finish(rules)
}

/// Where a schema is written: its component when it is a reference, else `inline`.
fn written_at(schema: &ReferenceOr<Schema>, inline: String) -> String {
    match schema {
        ReferenceOr::Reference { reference } => reference_pointer(reference, inline),
        ReferenceOr::Item(_) => inline,
    }
}

/// `#/components/schemas/X` → `/components/schemas/X`; other references keep `fallback`.
fn reference_pointer(reference: &str, fallback: String) -> String {
    reference.strip_prefix('#').map_or(fallback, str::to_owned)
}

fn finish(mut rules: Vec<FieldRule>) -> Vec<FieldRule> {
    rules.retain(|rule| rule.required || rule.min_length.is_some() || rule.pattern.is_some());
    rules
}

fn rule(
    location: FieldLocation,
    name: &str,
    required: bool,
    schema: Option<&Schema>,
    schema_pointer: String,
) -> FieldRule {
    let (min_length, pattern) = schema.map(access::string_constraints).unwrap_or_default();
    FieldRule {
        location,
        name: name.to_string(),
        required,
        min_length,
        pattern: pattern.map(str::to_owned),
        schema_pointer,
    }
}
