//! Plex's error envelopes, read from whatever the server sent: plex.tv's JSON
//! (`{"errors":[{"code","message","status"}]}`) or XML (`<errors><error code=.. message=..
//! status=../></errors>`, or `<error>` holding only text), and the heading of a Plex Media
//! Server's HTML error page.

use serde::Deserialize;

use crate::PlexError;

/// The JSON envelope. Lenient: a field of the wrong type is dropped, not an error, since the
/// status alone already says the call failed.
#[derive(Deserialize)]
struct JsonEnvelope {
    errors: Vec<JsonEntry>,
}

#[derive(Deserialize)]
struct JsonEntry {
    #[serde(default, deserialize_with = "lenient")]
    code: Option<i64>,
    #[serde(default, deserialize_with = "lenient")]
    message: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    status: Option<i64>,
}

/// Reads a value if it has the expected type, else nothing.
fn lenient<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let value = serde_json::Value::deserialize(deserializer)?;
    Ok(serde_json::from_value(value).ok())
}

/// Reads Plex's error envelope: JSON, XML with attributes, or XML whose `<error>` holds only
/// text. Empty for any other body.
pub(crate) fn parse_error_envelope(body: &[u8]) -> Vec<PlexError> {
    let trimmed = body.trim_ascii_start();
    match trimmed.first() {
        Some(b'{') => serde_json::from_slice::<JsonEnvelope>(trimmed)
            .map(|envelope| {
                envelope
                    .errors
                    .into_iter()
                    .map(|entry| PlexError {
                        code: entry.code,
                        message: entry.message,
                        status: entry.status,
                    })
                    .collect()
            })
            .unwrap_or_default(),
        Some(b'<') => parse_xml_errors(trimmed),
        _ => Vec::new(),
    }
}

fn parse_xml_errors(body: &[u8]) -> Vec<PlexError> {
    use quick_xml::events::Event;

    let mut reader = quick_xml::Reader::from_reader(body);
    let mut errors = Vec::new();
    let mut inside_errors = false;
    // The <error> element being read, with its text so far: quick-xml reports text in pieces,
    // entity references (`&amp;`) apart from the text around them.
    let mut open: Option<(PlexError, String)> = None;
    let mut buffer = Vec::new();
    // A malformed document ends the scan; what was read so far is kept.
    while let Ok(event) = reader.read_event_into(&mut buffer) {
        match event {
            Event::Start(ref tag) | Event::Empty(ref tag) => {
                let empty = matches!(event, Event::Empty(_));
                match tag.name().as_ref() {
                    b"errors" => inside_errors = true,
                    b"error" if inside_errors => {
                        let mut error = PlexError {
                            code: None,
                            message: None,
                            status: None,
                        };
                        for attribute in tag.attributes().flatten() {
                            let value = attribute
                                .unescape_value()
                                .map(|v| v.into_owned())
                                .unwrap_or_default();
                            match attribute.key.as_ref() {
                                b"code" => error.code = value.trim().parse().ok(),
                                b"status" => error.status = value.trim().parse().ok(),
                                b"message" => error.message = Some(value),
                                _ => {}
                            }
                        }
                        if empty {
                            errors.push(error);
                        } else {
                            open = Some((error, String::new()));
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(text) => {
                if let Some((_, content)) = open.as_mut() {
                    content.push_str(&String::from_utf8_lossy(&text));
                }
            }
            Event::CData(data) => {
                if let Some((_, content)) = open.as_mut() {
                    content.push_str(&String::from_utf8_lossy(&data));
                }
            }
            Event::GeneralRef(reference) => {
                if let Some((_, content)) = open.as_mut() {
                    let name = String::from_utf8_lossy(&reference).into_owned();
                    match reference.resolve_char_ref() {
                        Ok(Some(character)) => content.push(character),
                        _ => match quick_xml::escape::resolve_predefined_entity(&name) {
                            Some(text) => content.push_str(text),
                            None => {
                                content.push('&');
                                content.push_str(&name);
                                content.push(';');
                            }
                        },
                    }
                }
            }
            Event::End(tag) => match tag.name().as_ref() {
                b"error" => {
                    if let Some((mut error, content)) = open.take() {
                        let content = content.trim();
                        if error.message.is_none() && !content.is_empty() {
                            error.message = Some(content.to_string());
                        }
                        errors.push(error);
                    }
                }
                b"errors" => inside_errors = false,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buffer.clear();
    }
    errors
}

/// The text of an HTML page's `<h1>`, else its `<title>`.
pub(crate) fn html_heading(body: &str) -> Option<String> {
    let lower = body.to_ascii_lowercase();
    for tag in ["h1", "title"] {
        let open = format!("<{tag}>");
        let close = format!("</{tag}>");
        if let Some(start) = lower.find(&open) {
            let from = start + open.len();
            if let Some(length) = lower[from..].find(&close) {
                let text = body[from..from + length].trim();
                if !text.is_empty() {
                    return Some(crate::safe_text::truncate_chars(text, 200));
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_form_keeps_entities() {
        let body = b"<?xml version=\"1.0\"?><errors><error>Invalid &amp; revoked &#116;oken</error></errors>";
        let errors = parse_error_envelope(body);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].code, None);
        assert_eq!(
            errors[0].message.as_deref(),
            Some("Invalid & revoked token")
        );
    }

    #[test]
    fn xml_attribute_form() {
        let body = br#"<errors><error code="1029" message="Please enter the verification code" status="401"/><error code="7"/></errors>"#;
        let errors = parse_error_envelope(body);
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].code, Some(1029));
        assert_eq!(errors[0].status, Some(401));
        assert_eq!(
            errors[0].message.as_deref(),
            Some("Please enter the verification code")
        );
        assert_eq!(errors[1].code, Some(7));
    }
}
