//! Stage 3, `plan`: the validated spec as the generator needs it — clients holding their
//! operations, each operation with its parameters, body, success, errors and field rules.

use openapiv3::{
    OpenAPI, Operation as SpecOp, Parameter as SpecParameter, ReferenceOr, SchemaKind, Type,
};

use crate::access::{self, ErrorKinds, FORM_MEDIA_TYPE};
use crate::error::{CodegenError, pointer_segment};
use crate::load::LineMap;
use crate::validate::Validated;

/// Everything the later stages generate from.
#[derive(Debug)]
pub(crate) struct Plan {
    /// The spec, for progenitor.
    pub spec: OpenAPI,
    /// Where its nodes are written.
    pub lines: LineMap,
    /// The clients, in the order their servers first appear.
    pub clients: Vec<Client>,
    /// Component schema name → Rust type path standing for it (`x-rust-replacement`).
    pub replacements: Vec<(String, String)>,
}

/// A generated client: one per distinct server of the spec.
#[derive(Debug)]
pub(crate) struct Client {
    /// Rust type name of the public client, from `x-rust-client.name`.
    pub name: String,
    /// Module holding it, from `x-rust-client.module`.
    pub module: String,
    /// The server URL as written (may hold `{variables}`).
    pub url: String,
    /// The server's description.
    pub description: Option<String>,
    /// Whether the URL has variables: then a caller must give the base URL.
    pub templated: bool,
    /// Its operations, in spec order.
    pub operations: Vec<Operation>,
}

/// One operation and everything the generator derives from it.
#[derive(Debug)]
pub(crate) struct Operation {
    pub id: String,
    /// The path template, such as `/pins/{pinID}`.
    pub path: String,
    /// Lower-case HTTP method.
    pub method: String,
    /// JSON pointer of the operation.
    pub pointer: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    /// `x-rust-example`: Rust code calling the operation on a `client`.
    pub example: Option<String>,
    /// Header that carries the token (lower-cased), when the operation's security asks for one.
    pub token_header: Option<String>,
    pub parameters: Vec<Parameter>,
    pub body: Body,
    pub success: Success,
    /// Declared error statuses, in spec order.
    pub errors: Vec<ErrorStatus>,
    /// Checks the runtime makes before sending.
    pub rules: Vec<FieldRule>,
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParameterLocation {
    Path,
    Query,
    Header,
}

/// A parameter of an operation, as spec'd.
#[derive(Debug)]
pub(crate) struct Parameter {
    pub name: String,
    pub location: ParameterLocation,
    pub required: bool,
    /// The schema's type (`integer`, `boolean`…) or the component it references.
    pub ty: String,
}

/// The request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Body {
    None,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// JSON (or any other media type progenitor serialises itself).
    Json,
}

/// The one success response.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Success {
    pub status: u16,
    /// Whether it carries a JSON body; `false` is a success without content.
    pub json: bool,
}

/// A declared error response.
#[derive(Debug)]
pub(crate) struct ErrorStatus {
    /// The status as written: `400`, `4XX`, `default`.
    pub status: String,
    pub description: String,
    /// The `ErrorKind` variants it produces (`x-error-kinds`).
    pub kinds: Vec<String>,
}

/// Where a checked request field travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldLocation {
    Query,
    Form,
}

/// A check the runtime makes on a request field before anything is sent.
#[derive(Debug, Clone)]
pub(crate) struct FieldRule {
    pub location: FieldLocation,
    pub name: String,
    pub required: bool,
    pub min_length: Option<usize>,
    pub pattern: Option<String>,
    /// JSON pointer of the schema the constraints are written in, for errors.
    pub schema_pointer: String,
}

/// Builds the plan. The spec passed validation, so failures here are generator bugs; they are
/// still errors, never panics.
pub(crate) fn plan(validated: Validated) -> Result<Plan, CodegenError> {
    let Validated {
        spec,
        lines,
        clients: declared,
    } = validated;
    let mut clients: Vec<Client> = declared
        .into_iter()
        .map(|client| Client {
            templated: client.url.contains('{'),
            name: client.rust.name,
            module: client.rust.module,
            url: client.url,
            description: client.description,
            operations: Vec::new(),
        })
        .collect();
    for op in access::operations(&spec) {
        let url = access::served_by(&spec, &op);
        let client = clients
            .iter_mut()
            .find(|client| Some(client.url.as_str()) == url)
            .ok_or_else(|| CodegenError::Document {
                place: lines.place(op.pointer.as_str()),
                message: "internal: the operation's server has no client".into(),
            })?;
        let operation = operation(&spec, &op).map_err(|message| CodegenError::Document {
            place: lines.place(op.pointer.as_str()),
            message: format!("internal: {message}"),
        })?;
        client.operations.push(operation);
    }
    let replacements = crate::validate::replacements(&spec)
        .into_iter()
        .filter_map(|(name, path)| Some((name.to_string(), path.ok()?)))
        .collect();
    Ok(Plan {
        spec,
        lines,
        clients,
        replacements,
    })
}

fn operation(spec: &OpenAPI, op: &access::SpecOperation<'_>) -> Result<Operation, String> {
    let operation = op.operation;
    let example =
        access::extension::<String>(operation.extensions.get("x-rust-example")).transpose()?;
    let kinds = access::extension::<ErrorKinds>(operation.extensions.get("x-error-kinds"))
        .transpose()?
        .unwrap_or_default();
    let mut success = None;
    let mut errors = Vec::new();
    for (status, code, response) in access::responses(operation) {
        let response = access::resolve_response(spec, response).ok_or("unresolved response")?;
        match code {
            Some(status @ 200..=299) => {
                let json = response.content.keys().any(|media| access::is_json(media));
                success = Some(Success { status, json });
            }
            _ => errors.push(ErrorStatus {
                kinds: kinds.get(&status).cloned().unwrap_or_default(),
                status,
                description: response.description.clone(),
            }),
        }
    }
    Ok(Operation {
        id: operation.operation_id.clone().ok_or("no operationId")?,
        path: op.path.to_string(),
        method: op.method.to_string(),
        pointer: op.pointer.clone(),
        summary: operation.summary.clone(),
        description: operation.description.clone(),
        example,
        token_header: token_header(spec, operation)?,
        parameters: parameters(operation),
        body: body(operation),
        success: success.ok_or("no success response")?,
        errors,
        rules: field_rules(spec, operation, &op.pointer),
    })
}

fn parameters(operation: &SpecOp) -> Vec<Parameter> {
    let parameters = operation.parameters.iter().filter_map(ReferenceOr::as_item);
    parameters
        .filter_map(|parameter| {
            let location = match parameter {
                SpecParameter::Path { .. } => ParameterLocation::Path,
                SpecParameter::Query { .. } => ParameterLocation::Query,
                SpecParameter::Header { .. } => ParameterLocation::Header,
                SpecParameter::Cookie { .. } => return None,
            };
            let data = parameter.parameter_data_ref();
            let ty = match &data.format {
                openapiv3::ParameterSchemaOrContent::Schema(schema) => access::schema_type(schema),
                openapiv3::ParameterSchemaOrContent::Content(_) => "content".into(),
            };
            Some(Parameter {
                name: data.name.clone(),
                location,
                required: data.required,
                ty,
            })
        })
        .collect()
}

fn body(operation: &SpecOp) -> Body {
    match access::request_body(operation) {
        None => Body::None,
        Some(body) if body.content.contains_key(FORM_MEDIA_TYPE) => Body::Form,
        Some(_) => Body::Json,
    }
}

/// The header an operation's token travels in, from its security requirement (or the
/// document's); the message says why the scheme cannot be used.
pub(crate) fn token_header(spec: &OpenAPI, operation: &SpecOp) -> Result<Option<String>, String> {
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
    let token_char = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    if header.is_empty() || !header.bytes().all(token_char) {
        return Err(format!(
            "security scheme {name:?} names an invalid header {header:?}"
        ));
    }
    // HTTP header names are case-insensitive; the runtime wants them lower-cased.
    Ok(Some(header.to_ascii_lowercase()))
}

/// The checks on query parameters and form fields: only fields with something to check.
pub(crate) fn field_rules(spec: &OpenAPI, operation: &SpecOp, pointer: &str) -> Vec<FieldRule> {
    let mut rules = Vec::new();
    for (index, parameter) in operation.parameters.iter().enumerate() {
        let Some(SpecParameter::Query { parameter_data, .. }) = parameter.as_item() else {
            continue;
        };
        let (schema, at) = match &parameter_data.format {
            openapiv3::ParameterSchemaOrContent::Schema(schema) => (
                access::resolve_schema(spec, schema),
                written_at(schema, format!("{pointer}/parameters/{index}/schema")),
            ),
            openapiv3::ParameterSchemaOrContent::Content(_) => continue,
        };
        let (name, required) = (&parameter_data.name, parameter_data.required);
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
            rules.push(rule(
                FieldLocation::Form,
                name,
                required.contains(name),
                schema,
                at,
            ));
        }
    }
    finish(rules)
}

/// Where a schema is written: its component when it is a reference, else `inline`.
fn written_at(schema: &ReferenceOr<openapiv3::Schema>, inline: String) -> String {
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
    schema: Option<&openapiv3::Schema>,
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
