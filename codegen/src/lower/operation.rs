//! One operation of the spec, checked and lowered into the IR. A refusal is the place at fault
//! and the reason; `lower` adds the operation's name.

use openapiv3::OpenAPI;

use super::rules;
use crate::access::{self, ErrorKinds, FORM_MEDIA_TYPE, SpecOperation};
use crate::error::{Place, pointer_segment};
use crate::ir::{
    BodyMedia, ErrorResponse, HttpMethod, Operation, OperationNames, RequestBody, ResponseStatus,
};
use crate::load::LineMap;
use crate::naming::{self, is_camel_case};

/// One operation being lowered.
pub(super) struct Lowering<'a> {
    pub spec: &'a OpenAPI,
    pub lines: &'a LineMap,
    /// Its operationId, or `METHOD /path`.
    pub id: &'a str,
    pub op: &'a SpecOperation<'a>,
    /// Its place in `access::operations`.
    pub index: usize,
}

/// Why an operation is refused: where, and what is wrong.
pub(super) type Refused = (Place, String);

impl Lowering<'_> {
    fn at(&self, pointer: impl Into<String>, message: impl Into<String>) -> Refused {
        (self.lines.place(pointer), message.into())
    }

    pub(super) fn lower(&self) -> Result<Operation, Refused> {
        let operation = self.op.operation;
        let pointer = &self.op.pointer;
        let method = HttpMethod::from_key(self.op.method)
            .ok_or_else(|| self.at(pointer.clone(), "unknown HTTP method"))?;
        let (success, errors, accept) = self.responses()?;
        let body = self.body()?;
        let parameters = self.parameters()?;
        let sends_token = rules::sends_token(self.spec, self.op)
            .map_err(|(pointer, message)| self.at(pointer, message))?
            || parameters.wants_token;
        let rules = rules::field_rules(self.spec, self.op, body.as_ref().map(|body| body.media));
        for rule in &rules {
            if let Some(pattern) = &rule.pattern
                && let Err(err) = regex_lite::Regex::new(pattern)
            {
                return Err(self.at(
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
                self.at(
                    format!("{pointer}/x-rust-example"),
                    format!("x-rust-example must be Rust code in a string: {message}"),
                )
            })?;
        // Final names are made distinct across the spec by `lower`.
        let method_name = naming::snake_case(self.id);
        Ok(Operation {
            id: self.id.to_string(),
            names: OperationNames {
                pascal: naming::pascal_case(&method_name),
                constant: naming::constant_case(&method_name),
                method: method_name,
            },
            method,
            path: self.op.path.to_string(),
            pointer: pointer.clone(),
            spec_index: self.index,
            summary: operation.summary.clone(),
            description: operation.description.clone(),
            example,
            sends_token,
            accept,
            parameters: parameters.parameters,
            body,
            success,
            errors,
            rules,
        })
    }

    /// The request body: JSON, a form or text, chosen in that order among its media types.
    fn body(&self) -> Result<Option<RequestBody>, Refused> {
        let Some(declared) = &self.op.operation.request_body else {
            return Ok(None);
        };
        let pointer = match declared {
            openapiv3::ReferenceOr::Reference { reference } => {
                reference.strip_prefix('#').unwrap_or(reference).to_string()
            }
            openapiv3::ReferenceOr::Item(_) => format!("{}/requestBody", self.op.pointer),
        };
        let body = access::request_body(self.spec, self.op.operation)
            .ok_or_else(|| self.at(pointer.clone(), "unresolved request body reference"))?;
        let chosen = body
            .content
            .iter()
            .find(|(media, _)| access::is_json(media))
            .map(|entry| (entry, BodyMedia::Json))
            .or_else(|| {
                body.content
                    .iter()
                    .find(|(media, _)| *media == FORM_MEDIA_TYPE)
                    .map(|entry| (entry, BodyMedia::Form))
            })
            .or_else(|| {
                body.content
                    .iter()
                    .find(|(media, _)| media.starts_with("text/plain"))
                    .map(|entry| (entry, BodyMedia::Text))
            });
        let Some(((media, content), kind)) = chosen else {
            let media: Vec<&str> = body.content.keys().map(String::as_str).collect();
            return Err(self.at(
                format!("{pointer}/content"),
                format!(
                    "request bodies of {} are not supported (JSON, a form or text/plain are)",
                    if media.is_empty() {
                        "no media type".to_string()
                    } else {
                        media.join(", ")
                    }
                ),
            ));
        };
        let Some(schema) = &content.schema else {
            return Err(self.at(
                format!("{pointer}/content/{}", pointer_segment(media)),
                format!("request body {media} has no schema"),
            ));
        };
        let object = access::resolve_schema(self.spec, schema).and_then(access::object_shape);
        Ok(Some(RequestBody {
            media: kind,
            object,
        }))
    }

    /// `x-error-kinds`: declared error statuses → CamelCase `ErrorKind` variant names.
    fn error_kinds(&self, mut errors: Vec<ErrorResponse>) -> Result<Vec<ErrorResponse>, Refused> {
        let pointer = format!("{}/x-error-kinds", self.op.pointer);
        let Some(kinds) =
            access::extension::<ErrorKinds>(self.op.operation.extensions.get("x-error-kinds"))
        else {
            return Ok(errors);
        };
        let kinds = kinds.map_err(|message| {
            self.at(
                pointer.clone(),
                format!(
                    "x-error-kinds must map error statuses to lists of ErrorKind names: {message}"
                ),
            )
        })?;
        for (status, names) in kinds {
            let at = format!("{pointer}/{}", pointer_segment(&status));
            let Some(parsed) = ResponseStatus::parse(&status) else {
                return Err(self.at(
                    at,
                    format!(
                        "x-error-kinds names {status:?}, which is not a response status (a code \
                         such as 401, a class such as 4XX, or default)"
                    ),
                ));
            };
            let Some(error) = errors.iter_mut().find(|e| e.status == parsed) else {
                let declared: Vec<String> = errors.iter().map(|e| e.status.to_string()).collect();
                return Err(self.at(
                    at,
                    format!(
                        "x-error-kinds names status {status}, which is not a declared error \
                         response of the operation (declared: {})",
                        declared.join(", ")
                    ),
                ));
            };
            if let Some(bad) = names.iter().find(|name| !is_camel_case(name)) {
                return Err(self.at(
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
