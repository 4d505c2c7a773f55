//! Checks made before anything is sent, and the token and timeout added to the request.

use reqwest::header::HeaderName;

use super::call::{record_sent, record_token};
use super::redact::is_credential_field;
use super::{Context, FieldLocation, Operation};

/// The header every token-secured Plex operation uses, built at compile time: from a string,
/// a name is parsed again on every call.
const X_PLEX_TOKEN: HeaderName = HeaderName::from_static("x-plex-token");

/// Checks the request against the operation's rules and adds the token and timeout (the
/// identity headers are the HTTP client's default headers).
/// Runs once per call, before any attempt; an error means nothing was sent.
pub fn prepare(
    context: &Context,
    request: &mut reqwest::Request,
    operation: Option<&'static Operation>,
) -> Result<(), String> {
    let operation = operation.ok_or("operation unknown to the runtime")?;
    check_rules(operation, request)?;
    record_credentials(request);
    // (progenitor's `api-version` header is dropped by the generator: Plex has no use for it.)
    let headers = request.headers_mut();
    if let Some(header) = operation.token_header {
        match context.token() {
            Some(Ok(token)) => {
                record_token(token);
                // The generator emits the name lower-cased and checked, as from_static needs.
                let name = if header == X_PLEX_TOKEN.as_str() {
                    X_PLEX_TOKEN
                } else {
                    HeaderName::from_static(header)
                };
                headers.insert(name, token.clone());
            }
            Some(Err(reason)) => return Err(format!("{reason} ({header})")),
            // The source's token is added as the call is sent (see `token_source`).
            None if context.token_source().is_some() => {}
            None => {
                return Err(format!(
                    "this operation needs a token ({header}); set one with ClientBuilder::token or ClientBuilder::token_source"
                ));
            }
        }
    }
    if let Some(timeout) = context.timeout() {
        *request.timeout_mut() = Some(timeout);
    }
    Ok(())
}

fn check_rules(operation: &Operation, request: &reqwest::Request) -> Result<(), String> {
    if operation.rules.is_empty() {
        return Ok(());
    }
    let form: Vec<(String, String)> = request
        .body()
        .and_then(reqwest::Body::as_bytes)
        .map(|bytes| form_urlencoded::parse(bytes).into_owned().collect())
        .unwrap_or_default();
    let query: Vec<(String, String)> = request.url().query_pairs().into_owned().collect();
    for rule in operation.rules {
        let (fields, place) = match rule.location {
            FieldLocation::Query => (&query, "query parameter"),
            FieldLocation::Form => (&form, "form field"),
        };
        let name = rule.name;
        // Values are never quoted back: some fields are passwords.
        let Some((_, value)) = fields.iter().find(|(key, _)| key == name) else {
            if rule.required {
                return Err(format!("{place} `{name}` is required"));
            }
            continue;
        };
        if let Some(min) = rule.min_length
            && value.chars().count() < min
        {
            return Err(if min == 1 {
                format!("{place} `{name}` must not be empty")
            } else {
                format!("{place} `{name}` must be at least {min} characters long")
            });
        }
        if let Some(pattern) = rule.pattern {
            match pattern.matches(value) {
                Some(true) => {}
                Some(false) => {
                    return Err(format!(
                        "{place} `{name}` must match the pattern {}",
                        pattern.source
                    ));
                }
                None => return Err(format!("the spec's pattern for `{name}` does not compile")),
            }
        }
    }
    Ok(())
}

/// Records the credentials among the query parameters, form fields and the top-level string
/// fields of a JSON body (a password, a verification code, a PIN, a device JWT), so that the
/// redaction of the answer knows them.
fn record_credentials(request: &reqwest::Request) {
    // Most calls (a GET without query) have nothing to look through.
    if request.url().query().is_none() && request.body().is_none() {
        return;
    }
    let bytes = request.body().and_then(reqwest::Body::as_bytes);
    let form = match bytes {
        Some(bytes) if bytes.first() == Some(&b'{') => json_fields(bytes),
        Some(bytes) => form_urlencoded::parse(bytes).into_owned().collect(),
        None => Vec::new(),
    };
    let query = request.url().query_pairs().into_owned();
    let credentials = query
        .chain(form)
        .filter(|(name, _)| is_credential_field(name))
        .map(|(_, value)| value);
    record_sent(credentials);
}

/// The top-level string fields of a JSON object body.
fn json_fields(body: &[u8]) -> Vec<(String, String)> {
    let Ok(serde_json::Value::Object(fields)) = serde_json::from_slice(body) else {
        return Vec::new();
    };
    fields
        .into_iter()
        .filter_map(|(name, value)| match value {
            serde_json::Value::String(value) => Some((name, value)),
            _ => None,
        })
        .collect()
}
