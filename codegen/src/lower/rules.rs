//! What the runtime checks or adds per operation: the header its token travels in (from its
//! security requirement), and the checks on query parameters and form fields made before
//! sending (`required`, `minLength`, `pattern`).

use openapiv3::{
    OpenAPI, Parameter as SpecParameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind,
    Type,
};

use crate::CLIENT_HEADERS;
use crate::access::{self, FORM_MEDIA_TYPE, SpecOperation};
use crate::error::pointer_segment;
use crate::ir::{FieldLocation, FieldRule};

/// The header the token travels in: the only scheme the client answers with its token.
const TOKEN_HEADER: &str = "x-plex-token";

/// Whether an operation sends the token: from the first of its security requirements (or the
/// document's) that the client can satisfy. A requirement is satisfied when each of its schemes
/// is the token (an `apiKey` in the `X-Plex-Token` header) or a header the client sends
/// itself (its identity: an `apiKey` in `X-Plex-Client-Identifier`, say); an empty requirement
/// asks for nothing. When none is satisfiable, the refusal names where the requirements are
/// declared.
pub(super) fn token_header(
    spec: &OpenAPI,
    op: &SpecOperation<'_>,
) -> Result<Option<String>, (String, String)> {
    let (requirements, pointer) = match (&op.operation.security, &spec.security) {
        (Some(own), _) => (own, format!("{}/security", op.pointer)),
        (None, Some(document)) => (document, "/security".to_string()),
        (None, None) => return Ok(None),
    };
    if requirements.is_empty() {
        return Ok(None);
    }
    let mut reasons = Vec::new();
    for requirement in requirements {
        let mut token = false;
        let mut unsatisfied = None;
        for name in requirement.keys() {
            match scheme_header(spec, name) {
                Ok(header) if header == TOKEN_HEADER => token = true,
                Ok(header) if CLIENT_HEADERS.contains(&header.as_str()) => {}
                Ok(header) => {
                    unsatisfied = Some(format!(
                        "scheme {name:?} sends the header {header:?}, which the client does not \
                         send (its token goes in X-Plex-Token only)"
                    ));
                }
                Err(reason) => unsatisfied = Some(reason),
            }
            if unsatisfied.is_some() {
                break;
            }
        }
        match unsatisfied {
            None => return Ok(token.then(|| TOKEN_HEADER.to_string())),
            Some(reason) => reasons.push(reason),
        }
    }
    Err((
        pointer,
        format!(
            "no security requirement can be satisfied by the client: {}",
            reasons.join("; ")
        ),
    ))
}

/// The header a security scheme sends, lower-cased; why it is not a header otherwise.
fn scheme_header(spec: &OpenAPI, name: &str) -> Result<String, String> {
    let scheme = spec
        .components
        .as_ref()
        .and_then(|c| c.security_schemes.get(name))
        .and_then(ReferenceOr::as_item);
    match scheme {
        Some(openapiv3::SecurityScheme::APIKey {
            location: openapiv3::APIKeyLocation::Header,
            name: header,
            ..
        }) if is_header_name(header) => Ok(header.to_ascii_lowercase()),
        Some(openapiv3::SecurityScheme::APIKey {
            location: openapiv3::APIKeyLocation::Header,
            name: header,
            ..
        }) => Err(format!(
            "security scheme {name:?} names an invalid header {header:?}"
        )),
        Some(_) => Err(format!(
            "security scheme {name:?} is not an apiKey sent in a header"
        )),
        None => Err(format!("unknown security scheme {name:?}")),
    }
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
        let at = match parameter {
            ReferenceOr::Reference { reference } => reference_pointer(reference, at),
            ReferenceOr::Item(_) => at,
        };
        let Some(SpecParameter::Query { parameter_data, .. }) =
            access::resolve_parameter(spec, parameter)
        else {
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
    let form = access::request_body(spec, operation)
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
