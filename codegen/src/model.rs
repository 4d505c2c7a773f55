//! Reads the spec text, checks the generator's rules, and gathers what emission needs.

use std::collections::BTreeMap;

use openapiv3::{OpenAPI, Operation, ReferenceOr, Response, StatusCode};
use serde_json::Value;

use crate::error::{CodegenError, YamlLocation, pointer_segment};

/// A generated client: one per distinct server of the spec.
#[derive(Debug, Clone)]
pub(crate) struct ClientModel {
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
}

/// Where a request field travels.
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
    pub min_length: Option<u64>,
    pub pattern: Option<String>,
}

/// One operation of the spec and everything the generator derives from it.
#[derive(Debug, Clone)]
pub(crate) struct OperationModel {
    pub id: String,
    pub path: String,
    pub method: String,
    pub pointer: String,
    pub client: usize,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub example: Option<String>,
    /// Header that carries the token, when the operation's security asks for one.
    pub token_header: Option<String>,
    pub success_status: u16,
    /// Declared error statuses with their descriptions, in spec order.
    pub errors: Vec<(String, String)>,
    pub rules: Vec<FieldRule>,
}

/// The validated spec.
#[derive(Debug)]
pub(crate) struct Model {
    pub spec: OpenAPI,
    pub clients: Vec<ClientModel>,
    pub operations: Vec<OperationModel>,
    /// Component schema name → Rust type path that stands for it.
    pub replacements: BTreeMap<String, String>,
}

pub(crate) fn load(text: &str) -> Result<Model, CodegenError> {
    let raw: Value = serde_yaml::from_str(text).map_err(|err| CodegenError::Yaml {
        location: YamlLocation(err.location().map(|l| (l.line(), l.column()))),
        message: err.to_string(),
    })?;
    check_version(&raw)?;
    let spec: OpenAPI =
        serde_path_to_error::deserialize(&raw).map_err(|err| CodegenError::InvalidDocument {
            pointer: path_to_pointer(&err.path().to_string()),
            message: err.inner().to_string(),
        })?;

    let replacements = replacements(&raw)?;
    let mut clients = Vec::new();
    let root_client = match raw.pointer("/servers/0") {
        Some(server) => Some(declare_client(&mut clients, server, "/servers/0")?),
        None => None,
    };
    if let Some(servers) = raw.get("servers").and_then(Value::as_array)
        && servers.len() > 1
    {
        return Err(CodegenError::Document {
            pointer: "/servers/1".into(),
            message: "only one root server is supported: each server becomes one client".into(),
        });
    }

    let mut operations: Vec<OperationModel> = Vec::new();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for (path, item) in spec.paths.paths.iter() {
        let path_pointer = format!("/paths/{}", pointer_segment(path));
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { .. } => {
                return Err(CodegenError::Document {
                    pointer: path_pointer,
                    message: "path items given by $ref are not supported".into(),
                });
            }
        };
        for (method, operation) in item.iter() {
            let pointer = format!("{path_pointer}/{method}");
            let id =
                operation
                    .operation_id
                    .clone()
                    .ok_or_else(|| CodegenError::MissingOperationId {
                        pointer: pointer.clone(),
                    })?;
            if let Some(first) = seen.insert(id.clone(), pointer.clone()) {
                return Err(CodegenError::DuplicateOperationId {
                    operation: id,
                    first,
                    second: pointer,
                });
            }
            let op_raw = raw.pointer(&pointer).unwrap_or(&Value::Null);
            let path_raw = raw.pointer(&path_pointer).unwrap_or(&Value::Null);
            let client = operation_client(
                &mut clients,
                root_client,
                &id,
                &pointer,
                op_raw,
                path_raw,
                &path_pointer,
            )?;
            let ctx = OperationContext {
                spec: &spec,
                raw: &raw,
                id: &id,
                pointer: &pointer,
            };
            let (success_status, errors) = ctx.check_responses(operation)?;
            ctx.check_request(operation)?;
            let rules = ctx.rules(operation, op_raw)?;
            operations.push(OperationModel {
                token_header: ctx.token_header(operation)?,
                id: id.clone(),
                path: path.clone(),
                method: method.to_string(),
                pointer: pointer.clone(),
                client,
                summary: operation.summary.clone(),
                description: operation.description.clone(),
                example: op_raw
                    .get("x-rust-example")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                success_status,
                errors,
                rules,
            });
        }
    }
    if operations.is_empty() {
        return Err(CodegenError::Document {
            pointer: "/paths".into(),
            message: "the spec declares no operation".into(),
        });
    }
    Ok(Model {
        spec,
        clients,
        operations,
        replacements,
    })
}

/// serde_path_to_error writes `paths./user.get`; turn it into a JSON pointer.
fn path_to_pointer(path: &str) -> String {
    if path == "." || path.is_empty() {
        return "/".into();
    }
    path.split('.')
        .map(|segment| format!("/{}", pointer_segment(segment)))
        .collect()
}

fn check_version(raw: &Value) -> Result<(), CodegenError> {
    if !raw.is_object() {
        return Err(CodegenError::InvalidDocument {
            pointer: "/".into(),
            message: "the document is not a mapping".into(),
        });
    }
    match raw.get("openapi") {
        Some(Value::String(version)) if version.starts_with("3.0.") => Ok(()),
        Some(Value::String(version)) => Err(CodegenError::UnsupportedVersion {
            found: version.clone(),
        }),
        Some(other) => Err(CodegenError::UnsupportedVersion {
            found: other.to_string(),
        }),
        None => Err(CodegenError::UnsupportedVersion {
            found: "<missing>".into(),
        }),
    }
}

fn replacements(raw: &Value) -> Result<BTreeMap<String, String>, CodegenError> {
    let mut out = BTreeMap::new();
    let Some(schemas) = raw
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Ok(out);
    };
    for (name, schema) in schemas {
        match schema.get("x-rust-replacement") {
            None => {}
            Some(Value::String(path)) if syn::parse_str::<syn::TypePath>(path).is_ok() => {
                out.insert(name.clone(), path.clone());
            }
            Some(other) => {
                return Err(CodegenError::Document {
                    pointer: format!(
                        "/components/schemas/{}/x-rust-replacement",
                        pointer_segment(name)
                    ),
                    message: format!("expected a Rust type path, found {other}"),
                });
            }
        }
    }
    Ok(out)
}

/// Registers the client a server object declares and returns its index.
fn declare_client(
    clients: &mut Vec<ClientModel>,
    server: &Value,
    pointer: &str,
) -> Result<usize, CodegenError> {
    let url = server
        .get("url")
        .and_then(Value::as_str)
        .ok_or_else(|| CodegenError::Document {
            pointer: pointer.into(),
            message: "server has no url".into(),
        })?;
    if let Some(index) = clients.iter().position(|c| c.url == url) {
        if let Some(declared) = server.get("x-rust-client") {
            let client = &clients[index];
            let same = declared.get("name").and_then(Value::as_str) == Some(&client.name)
                && declared.get("module").and_then(Value::as_str) == Some(&client.module);
            if !same {
                return Err(CodegenError::Document {
                    pointer: format!("{pointer}/x-rust-client"),
                    message: format!("server {url} is already declared as client {}", client.name),
                });
            }
        }
        return Ok(index);
    }
    let declared = server
        .get("x-rust-client")
        .ok_or_else(|| CodegenError::Document {
            pointer: pointer.into(),
            message: format!(
                "unknown server {url}: declare its client with x-rust-client {{ name, module }} \
                 where the server first appears"
            ),
        })?;
    let field = |key: &str, check: fn(&str) -> bool| {
        declared
            .get(key)
            .and_then(Value::as_str)
            .filter(|value| check(value))
            .map(str::to_owned)
            .ok_or_else(|| CodegenError::Document {
                pointer: format!("{pointer}/x-rust-client/{key}"),
                message: format!("x-rust-client.{key} must be a Rust identifier of the right case"),
            })
    };
    let name = field("name", |v| {
        v.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && v.chars().all(|c| c.is_ascii_alphanumeric())
    })?;
    let module = field("module", |v| {
        v.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && v.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    })?;
    if let Some(other) = clients
        .iter()
        .find(|c| c.name == name || c.module == module)
    {
        return Err(CodegenError::Document {
            pointer: format!("{pointer}/x-rust-client"),
            message: format!(
                "client {name} (module {module}) clashes with the client of {}",
                other.url
            ),
        });
    }
    if module == "types" || module == "runtime" {
        return Err(CodegenError::Document {
            pointer: format!("{pointer}/x-rust-client/module"),
            message: format!("module name {module} is reserved"),
        });
    }
    clients.push(ClientModel {
        name,
        module,
        url: url.to_string(),
        description: server
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_owned),
        templated: url.contains('{'),
    });
    Ok(clients.len() - 1)
}

fn operation_client(
    clients: &mut Vec<ClientModel>,
    root: Option<usize>,
    id: &str,
    pointer: &str,
    op_raw: &Value,
    path_raw: &Value,
    path_pointer: &str,
) -> Result<usize, CodegenError> {
    let (servers, servers_pointer) = match (op_raw.get("servers"), path_raw.get("servers")) {
        (Some(servers), _) => (servers, format!("{pointer}/servers")),
        (None, Some(servers)) => (servers, format!("{path_pointer}/servers")),
        (None, None) => {
            return root.ok_or_else(|| CodegenError::Operation {
                operation: id.into(),
                pointer: pointer.into(),
                message: "no server: neither the operation nor the document declares one".into(),
            });
        }
    };
    let servers = servers.as_array().map(Vec::as_slice).unwrap_or_default();
    match servers {
        [server] => {
            declare_client(clients, server, &format!("{servers_pointer}/0")).map_err(|err| {
                CodegenError::Operation {
                    operation: id.into(),
                    pointer: servers_pointer.clone(),
                    message: err.to_string(),
                }
            })
        }
        _ => Err(CodegenError::Operation {
            operation: id.into(),
            pointer: servers_pointer.clone(),
            message: format!(
                "exactly one server per operation is supported, found {}",
                servers.len()
            ),
        }),
    }
}

struct OperationContext<'a> {
    spec: &'a OpenAPI,
    raw: &'a Value,
    id: &'a str,
    pointer: &'a str,
}

impl OperationContext<'_> {
    fn error(&self, pointer: String, message: impl Into<String>) -> CodegenError {
        CodegenError::Operation {
            operation: self.id.into(),
            pointer,
            message: message.into(),
        }
    }

    fn resolve_response<'r>(
        &'r self,
        response: &'r ReferenceOr<Response>,
        pointer: &str,
    ) -> Result<&'r Response, CodegenError> {
        match response {
            ReferenceOr::Item(response) => Ok(response),
            ReferenceOr::Reference { reference } => reference
                .strip_prefix("#/components/responses/")
                .and_then(|name| self.spec.components.as_ref()?.responses.get(name))
                .and_then(ReferenceOr::as_item)
                .ok_or_else(|| {
                    self.error(pointer.into(), format!("unresolved reference {reference}"))
                }),
        }
    }

    /// Checks responses and returns the success status and the declared errors.
    fn check_responses(
        &self,
        operation: &Operation,
    ) -> Result<(u16, Vec<(String, String)>), CodegenError> {
        let mut success = Vec::new();
        let mut errors = Vec::new();
        let mut error_shape: Option<(String, String)> = None;
        let entries = operation
            .responses
            .default
            .iter()
            .map(|r| ("default".to_string(), None, r))
            .chain(operation.responses.responses.iter().map(|(status, r)| {
                let code = match status {
                    StatusCode::Code(code) => Some(*code),
                    StatusCode::Range(_) => None,
                };
                (status.to_string(), code, r)
            }));
        for (status, code, response) in entries {
            let pointer = format!("{}/responses/{}", self.pointer, pointer_segment(&status));
            let response = self.resolve_response(response, &pointer)?;
            for (media, content) in &response.content {
                if content.schema.is_none() {
                    return Err(self.error(
                        format!("{pointer}/content/{}", pointer_segment(media)),
                        format!("response {status} has content {media} without a schema"),
                    ));
                }
            }
            match code {
                Some(code @ 200..=299) => success.push((code, pointer, response)),
                _ if status.starts_with('2') => {
                    return Err(self.error(
                        pointer,
                        "success responses must have an exact status code, not a range",
                    ));
                }
                _ => {
                    let shape = response_shape(response);
                    match &error_shape {
                        None => error_shape = Some((status.clone(), shape)),
                        Some((first, first_shape)) if *first_shape != shape => {
                            return Err(self.error(
                                pointer,
                                format!(
                                    "error responses differ in shape: {first} is {first_shape}, \
                                     {status} is {shape}; the client has one error type per \
                                     operation, so every error response must use the same \
                                     content and schema"
                                ),
                            ));
                        }
                        Some(_) => {}
                    }
                    errors.push((status.clone(), response.description.clone()));
                }
            }
        }
        match success.as_slice() {
            [(code, pointer, response)] => {
                let json = response.content.iter().find(|(media, _)| {
                    *media == "application/json" || media.starts_with("application/json;")
                });
                if json.is_none() {
                    return Err(self.error(
                        pointer.clone(),
                        format!("success response {code} has no application/json schema"),
                    ));
                }
                Ok((*code, errors))
            }
            [] => Err(self.error(
                format!("{}/responses", self.pointer),
                "no success (2xx) response is declared",
            )),
            several => Err(self.error(
                format!("{}/responses", self.pointer),
                format!(
                    "{} success responses are declared; exactly one is supported, so a body \
                     that fails to decode is reported with its status",
                    several.len()
                ),
            )),
        }
    }

    fn check_request(&self, operation: &Operation) -> Result<(), CodegenError> {
        for (index, parameter) in operation.parameters.iter().enumerate() {
            let pointer = format!("{}/parameters/{index}", self.pointer);
            match parameter {
                ReferenceOr::Reference { reference } => {
                    return Err(self.error(
                        pointer,
                        format!("parameter references ({reference}) are not supported"),
                    ));
                }
                ReferenceOr::Item(openapiv3::Parameter::Cookie { .. }) => {
                    return Err(self.error(pointer, "cookie parameters are not supported"));
                }
                ReferenceOr::Item(_) => {}
            }
        }
        if let Some(body) = &operation.request_body {
            let pointer = format!("{}/requestBody", self.pointer);
            let body = body
                .as_item()
                .ok_or_else(|| self.error(pointer.clone(), "requestBody $ref is not supported"))?;
            if body.content.len() != 1 {
                return Err(self.error(
                    format!("{pointer}/content"),
                    format!(
                        "exactly one request media type is supported, found {}",
                        body.content.len()
                    ),
                ));
            }
            for (media, content) in &body.content {
                if content.schema.is_none() {
                    return Err(self.error(
                        format!("{pointer}/content/{}", pointer_segment(media)),
                        format!("request body {media} has no schema"),
                    ));
                }
            }
        }
        Ok(())
    }

    fn token_header(&self, operation: &Operation) -> Result<Option<String>, CodegenError> {
        let requirements = operation.security.as_ref().or(self.spec.security.as_ref());
        let Some(requirement) = requirements.and_then(|r| r.iter().find(|r| !r.is_empty())) else {
            return Ok(None);
        };
        let name = requirement.keys().next().cloned().unwrap_or_default();
        let scheme = self
            .spec
            .components
            .as_ref()
            .and_then(|c| c.security_schemes.get(&name))
            .and_then(ReferenceOr::as_item);
        match scheme {
            Some(openapiv3::SecurityScheme::APIKey {
                location: openapiv3::APIKeyLocation::Header,
                name: header,
                ..
            }) if !header.is_empty()
                && header
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)) =>
            {
                // HTTP header names are case-insensitive; the runtime wants them lower-cased.
                Ok(Some(header.to_ascii_lowercase()))
            }
            Some(openapiv3::SecurityScheme::APIKey {
                location: openapiv3::APIKeyLocation::Header,
                name: header,
                ..
            }) => Err(self.error(
                format!("{}/security", self.pointer),
                format!("security scheme {name:?} names an invalid header {header:?}"),
            )),
            Some(_) => Err(self.error(
                format!("{}/security", self.pointer),
                format!("security scheme {name:?} must be an apiKey sent in a header"),
            )),
            None => Err(self.error(
                format!("{}/security", self.pointer),
                format!("unknown security scheme {name:?}"),
            )),
        }
    }

    /// Collects the constraints of query parameters and form fields.
    fn rules(&self, operation: &Operation, op_raw: &Value) -> Result<Vec<FieldRule>, CodegenError> {
        let mut rules = Vec::new();
        for parameter in operation.parameters.iter().filter_map(ReferenceOr::as_item) {
            if let openapiv3::Parameter::Query { parameter_data, .. } = parameter {
                let schema = op_raw
                    .get("parameters")
                    .and_then(Value::as_array)
                    .and_then(|params| {
                        params.iter().find(|p| {
                            p.get("name").and_then(Value::as_str)
                                == Some(parameter_data.name.as_str())
                        })
                    })
                    .and_then(|p| p.get("schema"))
                    .map(|s| self.deref_schema(s))
                    .unwrap_or(&Value::Null);
                rules.push(field_rule(
                    FieldLocation::Query,
                    &parameter_data.name,
                    parameter_data.required,
                    schema,
                ));
            }
        }
        if let Some(form) =
            op_raw.pointer("/requestBody/content/application~1x-www-form-urlencoded/schema")
        {
            let schema = self.deref_schema(form);
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                for (name, property) in properties {
                    rules.push(field_rule(
                        FieldLocation::Form,
                        name,
                        required.contains(&name.as_str()),
                        property,
                    ));
                }
            }
        }
        for rule in &rules {
            if let Some(pattern) = &rule.pattern
                && let Err(err) = regex_lite::Regex::new(pattern)
            {
                return Err(self.error(
                    self.pointer.into(),
                    format!(
                        "pattern {pattern:?} of `{}` does not compile: {err}",
                        rule.name
                    ),
                ));
            }
        }
        rules.retain(|rule| rule.required || rule.min_length.is_some() || rule.pattern.is_some());
        Ok(rules)
    }

    fn deref_schema<'v>(&'v self, schema: &'v Value) -> &'v Value {
        schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
            .and_then(|name| {
                self.raw
                    .pointer(&format!("/components/schemas/{}", pointer_segment(name)))
            })
            .unwrap_or(schema)
    }
}

fn field_rule(location: FieldLocation, name: &str, required: bool, schema: &Value) -> FieldRule {
    FieldRule {
        location,
        name: name.to_string(),
        required,
        min_length: schema.get("minLength").and_then(Value::as_u64),
        pattern: schema
            .get("pattern")
            .and_then(Value::as_str)
            .map(str::to_owned),
    }
}

/// A comparable description of what an error response carries.
fn response_shape(response: &Response) -> String {
    if response.content.is_empty() {
        return "no content".into();
    }
    let parts: Vec<String> = response
        .content
        .iter()
        .map(|(media, content)| {
            let schema = content
                .schema
                .as_ref()
                .map(|s| serde_json::to_string(s).unwrap_or_default())
                .unwrap_or_default();
            format!("{media} {schema}")
        })
        .collect();
    parts.join(", ")
}
