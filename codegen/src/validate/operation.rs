//! The rules one operation must follow.

use openapiv3::{OpenAPI, Parameter, ReferenceOr, Response};

use crate::access::{self, ErrorKinds, SpecOperation};
use crate::error::{CodegenError, pointer_segment};
use crate::load::LineMap;
use crate::naming::is_camel_case;

/// One operation under check.
pub(super) struct Checker<'a> {
    pub spec: &'a OpenAPI,
    pub lines: &'a LineMap,
    pub id: &'a str,
    pub op: &'a SpecOperation<'a>,
}

impl Checker<'_> {
    /// An error against this operation at `pointer`.
    pub(super) fn error(&self, pointer: String, message: impl Into<String>) -> CodegenError {
        CodegenError::Operation {
            operation: self.id.into(),
            place: self.lines.place(pointer),
            message: message.into(),
        }
    }

    pub(super) fn check(&self) -> Result<(), CodegenError> {
        let errors = self.check_responses()?;
        self.check_parameters()?;
        self.check_body()?;
        crate::plan::token_header(self.spec, self.op.operation)
            .map_err(|message| self.error(format!("{}/security", self.op.pointer), message))?;
        self.check_patterns()?;
        self.check_error_kinds(&errors)?;
        if let Some(Err(message)) =
            access::extension::<String>(self.op.operation.extensions.get("x-rust-example"))
        {
            return Err(self.error(
                format!("{}/x-rust-example", self.op.pointer),
                format!("x-rust-example must be Rust code in a string: {message}"),
            ));
        }
        Ok(())
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

    /// Checks the responses; returns the declared error statuses.
    fn check_responses(&self) -> Result<Vec<String>, CodegenError> {
        let mut successes = Vec::new();
        let mut errors = Vec::new();
        let mut first_error: Option<(String, String)> = None;
        for (status, code, response) in access::responses(self.op.operation) {
            let pointer = format!("{}/responses/{}", self.op.pointer, pointer_segment(&status));
            let response = self.response(response, &pointer)?;
            for (media, content) in &response.content {
                if content.schema.is_none() {
                    return Err(self.error(
                        format!("{pointer}/content/{}", pointer_segment(media)),
                        format!("response {status} has content {media} without a schema"),
                    ));
                }
            }
            if let Some(code @ 200..=299) = code {
                successes.push((code, pointer, response));
                continue;
            }
            if status.starts_with('2') {
                return Err(self.error(
                    pointer,
                    "success responses must have an exact status code, not a range",
                ));
            }
            let shape = response_shape(response);
            match &first_error {
                None => first_error = Some((status.clone(), shape)),
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
            errors.push(status);
        }
        self.check_success(&successes)?;
        Ok(errors)
    }

    fn check_success(&self, successes: &[(u16, String, &Response)]) -> Result<(), CodegenError> {
        let responses = format!("{}/responses", self.op.pointer);
        match successes {
            // No content at all is a success without a body; content must be JSON.
            [(_, _, response)] if response.content.is_empty() => Ok(()),
            [(_, _, response)] if response.content.keys().any(|m| access::is_json(m)) => Ok(()),
            [(code, pointer, _)] => Err(self.error(
                pointer.clone(),
                format!(
                    "success response {code} has content but no application/json schema; \
                     declare JSON, or no content for a success without a body"
                ),
            )),
            [] => Err(self.error(responses, "no success (2xx) response is declared")),
            several => Err(self.error(
                responses,
                format!(
                    "{} success responses are declared; exactly one is supported, so a body \
                     that fails to decode is reported with its status",
                    several.len()
                ),
            )),
        }
    }

    fn check_parameters(&self) -> Result<(), CodegenError> {
        for (index, parameter) in self.op.operation.parameters.iter().enumerate() {
            let pointer = format!("{}/parameters/{index}", self.op.pointer);
            match parameter {
                ReferenceOr::Reference { reference } => {
                    return Err(self.error(
                        pointer,
                        format!("parameter references ({reference}) are not supported"),
                    ));
                }
                ReferenceOr::Item(Parameter::Cookie { .. }) => {
                    return Err(self.error(pointer, "cookie parameters are not supported"));
                }
                ReferenceOr::Item(_) => {}
            }
        }
        Ok(())
    }

    fn check_body(&self) -> Result<(), CodegenError> {
        let Some(body) = &self.op.operation.request_body else {
            return Ok(());
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
        for (media, content) in &body.content {
            if content.schema.is_none() {
                return Err(self.error(
                    format!("{pointer}/content/{}", pointer_segment(media)),
                    format!("request body {media} has no schema"),
                ));
            }
        }
        Ok(())
    }

    /// Patterns compile with regex-lite, the engine the client checks them with.
    fn check_patterns(&self) -> Result<(), CodegenError> {
        for rule in crate::plan::field_rules(self.spec, self.op.operation, &self.op.pointer) {
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
        Ok(())
    }

    /// `x-error-kinds`: declared error statuses → CamelCase `ErrorKind` variant names.
    fn check_error_kinds(&self, declared: &[String]) -> Result<(), CodegenError> {
        let pointer = format!("{}/x-error-kinds", self.op.pointer);
        let Some(kinds) =
            access::extension::<ErrorKinds>(self.op.operation.extensions.get("x-error-kinds"))
        else {
            return Ok(());
        };
        let kinds = kinds.map_err(|message| {
            self.error(
                pointer.clone(),
                format!(
                    "x-error-kinds must map error statuses to lists of ErrorKind names: {message}"
                ),
            )
        })?;
        for (status, names) in &kinds {
            let at = format!("{pointer}/{}", pointer_segment(status));
            if !declared.contains(status) {
                return Err(self.error(
                    at,
                    format!(
                        "x-error-kinds names status {status}, which is not a declared error \
                         response of the operation (declared: {})",
                        declared.join(", ")
                    ),
                ));
            }
            if let Some(bad) = names.iter().find(|name| !is_camel_case(name)) {
                return Err(self.error(
                    at,
                    format!(
                        "{bad:?} is not an ErrorKind variant name (a CamelCase Rust identifier)"
                    ),
                ));
            }
        }
        Ok(())
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
