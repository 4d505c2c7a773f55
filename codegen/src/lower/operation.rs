//! One operation of the spec, checked and lowered into the IR.

use openapiv3::{
    OpenAPI, Parameter as SpecParameter, ParameterSchemaOrContent, ReferenceOr, Response,
};

use super::rules;
use crate::access::{self, ErrorKinds, FORM_MEDIA_TYPE, SpecOperation};
use crate::error::{CodegenError, pointer_segment};
use crate::ir::{
    BodyMedia, ErrorResponse, HttpMethod, Operation, OperationNames, Parameter, ParameterLocation,
    RequestBody, ResponseStatus, SchemaKind, Success, SuccessBody,
};
use crate::load::LineMap;
use crate::naming::{self, is_camel_case};

/// One operation being lowered.
pub(super) struct Lowering<'a> {
    pub spec: &'a OpenAPI,
    pub lines: &'a LineMap,
    pub id: &'a str,
    pub op: &'a SpecOperation<'a>,
}

impl Lowering<'_> {
    /// An error against this operation at `pointer`.
    fn error(&self, pointer: String, message: impl Into<String>) -> CodegenError {
        CodegenError::Operation {
            operation: self.id.into(),
            place: self.lines.place(pointer),
            message: message.into(),
        }
    }

    pub(super) fn lower(&self) -> Result<Operation, CodegenError> {
        let operation = self.op.operation;
        let pointer = &self.op.pointer;
        let method = HttpMethod::from_key(self.op.method)
            .ok_or_else(|| self.error(pointer.clone(), "unknown HTTP method"))?;
        let (success, errors) = self.responses()?;
        let body = self.body()?;
        let parameters = self.parameters(body.is_some())?;
        let token_header = rules::token_header(self.spec, operation)
            .map_err(|message| self.error(format!("{pointer}/security"), message))?;
        let rules = rules::field_rules(self.spec, self.op);
        for rule in &rules {
            if let Some(pattern) = &rule.pattern
                && let Err(err) = regex_lite::Regex::new(pattern)
            {
                return Err(self.error(
                    format!("{}/pattern", rule.schema_pointer),
                    format!(
                        "pattern {pattern:?} of `{}` does not compile: {err}",
                        rule.name
                    ),
                ));
            }
        }
        let errors = self.error_kinds(errors)?;
        let example = access::extension::<String>(operation.extensions.get("x-rust-example"))
            .transpose()
            .map_err(|message| {
                self.error(
                    format!("{pointer}/x-rust-example"),
                    format!("x-rust-example must be Rust code in a string: {message}"),
                )
            })?;
        Ok(Operation {
            id: self.id.to_string(),
            names: OperationNames {
                method: naming::snake_case(self.id),
                pascal: naming::pascal_case(self.id),
                constant: naming::constant_case(self.id),
            },
            method,
            path: self.op.path.to_string(),
            pointer: pointer.clone(),
            summary: operation.summary.clone(),
            description: operation.description.clone(),
            example,
            token_header,
            parameters,
            body,
            success,
            errors,
            rules,
        })
    }

    fn response<'r>(
        &'r self,
        response: &'r ReferenceOr<Response>,
        pointer: &str,
    ) -> Result<&'r Response, CodegenError> {
        access::resolve_response(self.spec, response).ok_or_else(|| {
            let target = match response {
                ReferenceOr::Reference { reference } => reference.as_str(),
                ReferenceOr::Item(_) => "",
            };
            self.error(pointer.into(), format!("unresolved reference {target}"))
        })
    }

    /// The success and the declared error responses (without their kinds yet).
    fn responses(&self) -> Result<(Success, Vec<ErrorResponse>), CodegenError> {
        let mut successes = Vec::new();
        let mut errors = Vec::new();
        let mut first_error: Option<(ResponseStatus, String)> = None;
        for (status, response) in access::responses(self.op.operation) {
            let pointer = format!(
                "{}/responses/{}",
                self.op.pointer,
                pointer_segment(&status.to_string())
            );
            let response = self.response(response, &pointer)?;
            for (media, content) in &response.content {
                if content.schema.is_none() {
                    return Err(self.error(
                        format!("{pointer}/content/{}", pointer_segment(media)),
                        format!("response {status} has content {media} without a schema"),
                    ));
                }
            }
            if let ResponseStatus::Code(200..=299) = status {
                successes.push((status, pointer, response));
                continue;
            }
            if status.is_success() {
                return Err(self.error(
                    pointer,
                    "success responses must have an exact status code, not a range",
                ));
            }
            let shape = response_shape(response);
            match &first_error {
                None => first_error = Some((status, shape)),
                Some((first, first_shape)) if *first_shape != shape => {
                    return Err(self.error(
                        pointer,
                        format!(
                            "error responses differ in shape: {first} is {first_shape}, {status} \
                             is {shape}; the client has one error type per operation, so every \
                             error response must use the same content and schema"
                        ),
                    ));
                }
                Some(_) => {}
            }
            errors.push(ErrorResponse {
                status,
                description: response.description.clone(),
                kinds: Vec::new(),
            });
        }
        Ok((self.success(&successes)?, errors))
    }

    fn success(
        &self,
        successes: &[(ResponseStatus, String, &Response)],
    ) -> Result<Success, CodegenError> {
        let responses = format!("{}/responses", self.op.pointer);
        let body = match successes {
            // No content at all is a success without a body; content must be JSON.
            [(_, _, response)] if response.content.is_empty() => SuccessBody::Empty,
            [(_, _, response)] if response.content.keys().any(|m| access::is_json(m)) => {
                SuccessBody::Json
            }
            [(status, pointer, _)] => {
                return Err(self.error(
                    pointer.clone(),
                    format!(
                        "success response {status} has content but no application/json \
                         schema; declare JSON, or no content for a success without a body"
                    ),
                ));
            }
            [] => return Err(self.error(responses, "no success (2xx) response is declared")),
            several => {
                return Err(self.error(
                    responses,
                    format!(
                        "{} success responses are declared; exactly one is supported, so a \
                         body that fails to decode is reported with its status",
                        several.len()
                    ),
                ));
            }
        };
        Ok(Success {
            statuses: successes.iter().map(|(status, ..)| *status).collect(),
            body,
        })
    }

    /// The parameters in the generated method's order: path parameters as the path names
    /// them, then query parameters by wire name, then header parameters by wire name (the
    /// request body, when there is one, goes between queries and headers).
    fn parameters(&self, has_body: bool) -> Result<Vec<Parameter>, CodegenError> {
        let template = path_variables(self.op.path);
        let mut parameters = Vec::new();
        for (pointer, parameter) in access::parameters(self.op) {
            let parameter = match parameter {
                ReferenceOr::Reference { reference } => {
                    return Err(self.error(
                        pointer,
                        format!("parameter references ({reference}) are not supported"),
                    ));
                }
                ReferenceOr::Item(parameter) => parameter,
            };
            let location = match parameter {
                SpecParameter::Path { .. } => ParameterLocation::Path,
                SpecParameter::Query { .. } => ParameterLocation::Query,
                SpecParameter::Header { .. } => ParameterLocation::Header,
                SpecParameter::Cookie { .. } => {
                    return Err(self.error(pointer, "cookie parameters are not supported"));
                }
            };
            let data = parameter.parameter_data_ref();
            if location == ParameterLocation::Path && !template.contains(&data.name) {
                return Err(self.error(
                    pointer,
                    format!(
                        "path parameter `{}` does not appear in the path {}",
                        data.name, self.op.path
                    ),
                ));
            }
            let schema = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => schema_kind(self.spec, schema),
                ParameterSchemaOrContent::Content(_) => {
                    return Err(self.error(
                        pointer,
                        "parameters given by `content` are not supported; give a `schema`",
                    ));
                }
            };
            parameters.push(Parameter {
                wire_name: data.name.clone(),
                rust_name: String::new(),
                location,
                required: data.required || location == ParameterLocation::Path,
                schema,
                description: data.description.clone(),
            });
        }
        for variable in &template {
            let declared = parameters
                .iter()
                .any(|p| p.location == ParameterLocation::Path && p.wire_name == *variable);
            if !declared {
                return Err(self.error(
                    format!("{}/parameters", self.op.pointer),
                    format!("the path names `{{{variable}}}`, which no path parameter declares"),
                ));
            }
        }
        let rank = |p: &Parameter| match p.location {
            ParameterLocation::Path => (0, template.iter().position(|v| *v == p.wire_name)),
            ParameterLocation::Query => (1, None),
            ParameterLocation::Header => (2, None),
        };
        parameters.sort_by(|a, b| {
            rank(a)
                .cmp(&rank(b))
                .then_with(|| a.wire_name.cmp(&b.wire_name))
        });
        // `body` is the request body's argument.
        let mut names: Vec<String> = parameters
            .iter()
            .map(|p| naming::snake_case(&p.wire_name))
            .collect();
        if has_body {
            names.insert(0, "body".into());
        }
        let mut names = naming::distinct(names);
        if has_body {
            names.remove(0);
        }
        for (parameter, name) in parameters.iter_mut().zip(names) {
            parameter.rust_name = name;
        }
        Ok(parameters)
    }

    fn body(&self) -> Result<Option<RequestBody>, CodegenError> {
        let Some(body) = &self.op.operation.request_body else {
            return Ok(None);
        };
        let pointer = format!("{}/requestBody", self.op.pointer);
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
        let Some((media, content)) = body.content.iter().next() else {
            return Ok(None);
        };
        let Some(schema) = &content.schema else {
            return Err(self.error(
                format!("{pointer}/content/{}", pointer_segment(media)),
                format!("request body {media} has no schema"),
            ));
        };
        let media = if media == FORM_MEDIA_TYPE {
            BodyMedia::Form
        } else {
            BodyMedia::Json
        };
        let object = access::resolve_schema(self.spec, schema).and_then(access::object_shape);
        Ok(Some(RequestBody { media, object }))
    }

    /// `x-error-kinds`: declared error statuses → CamelCase `ErrorKind` variant names.
    fn error_kinds(
        &self,
        mut errors: Vec<ErrorResponse>,
    ) -> Result<Vec<ErrorResponse>, CodegenError> {
        let pointer = format!("{}/x-error-kinds", self.op.pointer);
        let Some(kinds) =
            access::extension::<ErrorKinds>(self.op.operation.extensions.get("x-error-kinds"))
        else {
            return Ok(errors);
        };
        let kinds = kinds.map_err(|message| {
            self.error(
                pointer.clone(),
                format!(
                    "x-error-kinds must map error statuses to lists of ErrorKind names: {message}"
                ),
            )
        })?;
        for (status, names) in kinds {
            let at = format!("{pointer}/{}", pointer_segment(&status));
            let Some(error) = errors.iter_mut().find(|e| e.status.to_string() == status) else {
                let declared: Vec<String> = errors.iter().map(|e| e.status.to_string()).collect();
                return Err(self.error(
                    at,
                    format!(
                        "x-error-kinds names status {status}, which is not a declared error \
                         response of the operation (declared: {})",
                        declared.join(", ")
                    ),
                ));
            };
            if let Some(bad) = names.iter().find(|name| !is_camel_case(name)) {
                return Err(self.error(
                    at,
                    format!(
                        "{bad:?} is not an ErrorKind variant name (a CamelCase Rust identifier)"
                    ),
                ));
            }
            error.kinds = names;
        }
        Ok(errors)
    }
}

/// The variables of a path template, in order: `/a/{x}/b/{y}` → x, y.
fn path_variables(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

/// What a parameter's schema is.
fn schema_kind(spec: &OpenAPI, schema: &ReferenceOr<openapiv3::Schema>) -> SchemaKind {
    use openapiv3::{SchemaKind as Kind, Type};
    if let ReferenceOr::Reference { reference } = schema {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        return SchemaKind::Component(name.to_string());
    }
    match access::resolve_schema(spec, schema).map(|s| &s.schema_kind) {
        Some(Kind::Type(Type::String(_))) => SchemaKind::String,
        Some(Kind::Type(Type::Integer(_))) => SchemaKind::Integer,
        Some(Kind::Type(Type::Number(_))) => SchemaKind::Number,
        Some(Kind::Type(Type::Boolean(_))) => SchemaKind::Boolean,
        Some(Kind::Type(Type::Array(_))) => SchemaKind::Array,
        Some(Kind::Type(Type::Object(_))) => SchemaKind::Object,
        _ => SchemaKind::Any,
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
