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
use crate::ir::{BodyMedia, FieldLocation, FieldRule, TOKEN_HEADER, ValueShape};

/// Whether an operation sends the token: from the first of its security requirements (or the
/// document's) that the client can satisfy. A requirement is satisfied when each of its schemes
/// is the token (an `apiKey` in the `X-Plex-Token` header) or a header the client sends
/// itself (its identity: an `apiKey` in `X-Plex-Client-Identifier`, say); an empty requirement
/// asks for nothing. When none is satisfiable, the refusal names where the requirements are
/// declared.
pub(super) fn sends_token(
    spec: &OpenAPI,
    op: &SpecOperation<'_>,
) -> Result<bool, (String, String)> {
    let (requirements, pointer) = match (&op.operation.security, &spec.security) {
        (Some(own), _) => (own, format!("{}/security", op.pointer)),
        (None, Some(document)) => (document, "/security".to_string()),
        (None, None) => return Ok(false),
    };
    if requirements.is_empty() {
        return Ok(false);
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
            None => return Ok(token),
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

/// The checks on query parameters and form fields: only fields with something to check. Form
/// fields are checked only when the body chosen (`body_media`) is the form: a body sent as JSON is
/// not a form, whatever else it declares. `required` is checked on single values only: an
/// object or a list is written under other keys (`filter[genre]`, its own properties) or not at
/// all when empty, and its Rust type (not an `Option`) already makes the caller give it.
pub(super) fn field_rules(
    spec: &OpenAPI,
    op: &SpecOperation<'_>,
    body_media: Option<BodyMedia>,
) -> Vec<FieldRule> {
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
        let single = access::value_shape(spec, schema) == ValueShape::Scalar;
        let (name, required) = (&parameter_data.name, parameter_data.required && single);
        let schema = access::resolve_schema(spec, schema);
        rules.push(rule(FieldLocation::Query, name, required, schema, at));
    }
    let media = format!(
        "{pointer}/requestBody/content/{}",
        pointer_segment(FORM_MEDIA_TYPE)
    );
    if body_media != Some(BodyMedia::Form) {
        return finish(rules);
    }
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

#[cfg(test)]
mod tests {
    use crate::ir::{FieldLocation, FieldRule};

    /// The rules of the one operation of `paths` (YAML under `paths:`).
    fn rules_of(paths: &str) -> Vec<FieldRule> {
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\nservers:\n  - url: https://plex.tv\n    \
             x-rust-client: {{name: PlexTvClient, module: plex_tv}}\npaths:\n{paths}"
        );
        let loaded = crate::load::load(&text).expect("the spec loads");
        let lowered = super::super::lower(loaded).expect("the spec lowers");
        assert!(lowered.refused.is_empty(), "{:?}", lowered.refused);
        let operation = lowered.plan.operations().next().expect("one operation");
        operation.rules.clone()
    }

    const LINK: &str = "  /link:\n    put:\n      operationId: link\n      requestBody:\n        \
        content:\n          MEDIA\n            schema:\n              type: object\n              \
        required: [code]\n              properties:\n                code: {type: string, \
        minLength: 4}\n      responses:\n        '204': {description: ok}\n";

    #[test]
    fn a_body_sent_as_json_gets_no_form_rules() {
        let both = "application/x-www-form-urlencoded:\n            schema: {type: object}\n          \
                    application/json:";
        let rules = rules_of(&LINK.replace("MEDIA", both));
        assert!(
            rules
                .iter()
                .all(|rule| rule.location != FieldLocation::Form),
            "{rules:?}"
        );
    }

    #[test]
    fn a_body_sent_as_a_form_gets_its_fields_checked() {
        let rules = rules_of(&LINK.replace("MEDIA", "application/x-www-form-urlencoded:"));
        let [rule] = rules.as_slice() else {
            panic!("{rules:?}");
        };
        assert_eq!(
            (
                rule.location,
                rule.name.as_str(),
                rule.required,
                rule.min_length
            ),
            (FieldLocation::Form, "code", true, Some(4))
        );
    }

    #[test]
    fn required_objects_and_lists_are_not_looked_for_under_their_name() {
        let rules = rules_of(
            "  /items:\n    get:\n      operationId: items\n      parameters:\n        \
             - {name: filter, in: query, required: true, style: deepObject, schema: {type: object, \
             properties: {genre: {type: string}}}}\n        \
             - {name: fields, in: query, required: true, schema: {type: object, properties: \
             {a: {type: string}}}}\n        \
             - {name: ids, in: query, required: true, schema: {type: array, items: {type: integer}}}\n        \
             - {name: title, in: query, required: true, schema: {type: string}}\n      \
             responses:\n        '204': {description: ok}\n",
        );
        let required: Vec<&str> = rules
            .iter()
            .filter(|rule| rule.required)
            .map(|rule| rule.name.as_str())
            .collect();
        assert_eq!(required, ["title"]);
    }
}
