//! An operation's responses: what a success answers, and the declared error statuses.
//!
//! Error responses are taken in any form (any media type, with or without a schema): the
//! runtime reads error bodies raw and classifies them itself.
//!
//! A success is every `2xx` code and the `2XX` range; `default` is the success when nothing
//! else is, and an operation that declares none answers `()` on any 2xx. Its body, by media
//! type (and when a response has several, the first kind in this order):
//! 1. JSON with a schema: decoded into the schema's type;
//! 2. binary (`image/*`, `audio/*`, `video/*`, `application/octet-stream`, or a
//!    `format: binary` schema), or XML: the bytes;
//! 3. text (`text/*`, HLS playlists) with a schema: a `String`;
//! 4. anything else without a schema: no body (`()`); with a schema: the bytes.
//!
//! Several successes must agree on that body (the same JSON schema, or the same kind).

use openapiv3::{MediaType, ReferenceOr, Response, Schema, SchemaKind, StringFormat, Type};

use super::operation::{Lowering, Refused};
use crate::access;
use crate::error::pointer_segment;
use crate::ir::{ErrorResponse, ResponseStatus, Success, SuccessBody};

/// An operation's success, declared errors, and the `Accept` of a success that is not JSON.
pub(super) type Responses = (Success, Vec<ErrorResponse>, Vec<String>);

/// The body a success response declares, with what compares two of them.
#[derive(Debug, PartialEq)]
struct Declared {
    body: SuccessBody,
    /// The JSON schema, serialised, for JSON bodies (two successes must share it).
    schema: Option<String>,
    /// The media types asked for, for bodies that are not JSON.
    media: Vec<String>,
}

impl Lowering<'_> {
    fn response(
        &self,
        response: &'_ ReferenceOr<Response>,
        pointer: &str,
    ) -> Result<Response, Refused> {
        access::resolve_response(self.spec, response)
            .cloned()
            .ok_or_else(|| {
                let target = match response {
                    ReferenceOr::Reference { reference } => reference.as_str(),
                    ReferenceOr::Item(_) => "",
                };
                (
                    self.lines.place(pointer),
                    format!("unresolved response reference {target}"),
                )
            })
    }

    /// The success, the declared error responses (their kinds are added later), and the
    /// `Accept` header the success asks for when it is not JSON.
    pub(super) fn responses(&self) -> Result<Responses, Refused> {
        let mut successes = Vec::new();
        let mut default = None;
        let mut errors = Vec::new();
        for (status, response) in access::responses(self.op.operation) {
            let pointer = format!(
                "{}/responses/{}",
                self.op.pointer,
                pointer_segment(&status.to_string())
            );
            let response = self.response(response, &pointer)?;
            if status.is_success() {
                successes.push((status, pointer, response));
                continue;
            }
            if status == ResponseStatus::Default {
                default = Some((pointer.clone(), response.clone()));
            }
            errors.push(ErrorResponse {
                status,
                description: response.description.clone(),
                kinds: Vec::new(),
            });
        }
        if successes.is_empty()
            && let Some((pointer, response)) = default
        {
            // The success, then, and not an error too.
            errors.retain(|error| error.status != ResponseStatus::Default);
            successes.push((ResponseStatus::Default, pointer, response));
        }
        let Some((_, _, first)) = successes.first() else {
            let success = Success {
                statuses: Vec::new(),
                body: SuccessBody::Empty,
            };
            return Ok((success, errors, Vec::new()));
        };
        let declared = self.declared(first);
        for (status, pointer, response) in successes.iter().skip(1) {
            let other = self.declared(response);
            if other.body != declared.body || other.schema != declared.schema {
                return Err((
                    self.lines.place(pointer.as_str()),
                    format!(
                        "success responses disagree: {} answers {}, {status} answers {}; a \
                         call has one success type",
                        successes[0].0,
                        describe(&declared),
                        describe(&other)
                    ),
                ));
            }
        }
        let accept = match declared.body {
            SuccessBody::Bytes | SuccessBody::Text => {
                let mut media: Vec<String> = Vec::new();
                for (_, _, response) in &successes {
                    for declared in self.declared(response).media {
                        if !media.contains(&declared) {
                            media.push(declared);
                        }
                    }
                }
                media
            }
            SuccessBody::Json | SuccessBody::Empty => Vec::new(),
        };
        let success = Success {
            statuses: successes.iter().map(|(status, ..)| *status).collect(),
            body: declared.body,
        };
        Ok((success, errors, accept))
    }

    /// What one success response declares.
    fn declared(&self, response: &Response) -> Declared {
        let json = response
            .content
            .iter()
            .find(|(media, content)| access::is_json(media) && content.schema.is_some());
        if let Some((_, content)) = json {
            return Declared {
                body: SuccessBody::Json,
                schema: content
                    .schema
                    .as_ref()
                    .map(|schema| serde_json::to_string(schema).unwrap_or_default()),
                media: Vec::new(),
            };
        }
        let media: Vec<String> = response
            .content
            .iter()
            .filter(|(media, _)| !access::is_json(media))
            .map(|(media, _)| media.clone())
            .collect();
        let kinds: Vec<SuccessBody> = response
            .content
            .iter()
            .map(|(media, content)| self.kind(media, content))
            .collect();
        let body = [SuccessBody::Bytes, SuccessBody::Text]
            .into_iter()
            .find(|kind| kinds.contains(kind))
            .unwrap_or(SuccessBody::Empty);
        Declared {
            body,
            schema: None,
            media,
        }
    }

    /// The body one media type of a success carries.
    fn kind(&self, media: &str, content: &MediaType) -> SuccessBody {
        let essence = media
            .split(';')
            .next()
            .unwrap_or(media)
            .trim()
            .to_ascii_lowercase();
        let schema = content
            .schema
            .as_ref()
            .and_then(|schema| access::resolve_schema(self.spec, schema));
        let binary = essence.starts_with("image/")
            || essence.starts_with("audio/")
            || essence.starts_with("video/")
            || essence == "application/octet-stream"
            || essence == "application/xml"
            || essence == "text/xml"
            || essence.ends_with("+xml")
            || schema.is_some_and(is_binary);
        let text = essence.starts_with("text/") || essence.contains("mpegurl");
        match (binary, text, schema.is_some()) {
            (true, _, _) => SuccessBody::Bytes,
            (false, true, true) => SuccessBody::Text,
            (false, _, false) => SuccessBody::Empty,
            (false, false, true) => SuccessBody::Bytes,
        }
    }
}

fn is_binary(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Type(Type::String(string))
        if matches!(string.format, openapiv3::VariantOrUnknownOrEmpty::Item(StringFormat::Binary)))
}

fn describe(declared: &Declared) -> String {
    match declared.body {
        SuccessBody::Json => "JSON".into(),
        SuccessBody::Bytes => "bytes".into(),
        SuccessBody::Text => "text".into(),
        SuccessBody::Empty => "no body".into(),
    }
}
