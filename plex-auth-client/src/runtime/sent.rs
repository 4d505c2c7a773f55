//! What one call sent that a server could echo back: its tokens and its credential fields,
//! kept by the call itself so that the redaction of a failure knows them.

use bytes::Bytes;
use reqwest::header::HeaderValue;

use crate::safe_text::redact::is_credential_field;

/// The credentials one call sent. Kept as what went out (the token's header value is
/// reference-counted; the query and a form body are copied only when there is one): they are
/// read as text only when a failure is redacted.
#[derive(Default)]
pub(super) struct Sent {
    /// Every token the call sent: a 498 resend sends a second one, and the second answer can
    /// echo the first.
    tokens: Vec<HeaderValue>,
    query: Option<String>,
    form: Option<Bytes>,
}

impl Sent {
    /// What `request`, about to be sent with `token`, carries.
    pub(super) fn of(request: &reqwest::Request, token: Option<&HeaderValue>) -> Self {
        Self {
            tokens: token.cloned().into_iter().collect(),
            query: request.url().query().map(str::to_owned),
            // A body held in memory; a stream (none of the generated requests) is not kept.
            form: request
                .body()
                .and_then(reqwest::Body::as_bytes)
                .map(Bytes::copy_from_slice),
        }
    }

    /// A token a token source gave the call, as it was sent; the ones sent before stay.
    pub(super) fn add_token(&mut self, token: &HeaderValue) {
        self.tokens.push(token.clone());
    }

    /// Whether the call sent a password: a form or JSON body field, or a query parameter,
    /// named `password` in any letter case (a sign-in).
    pub(super) fn sends_password(&self) -> bool {
        let is_password = |name: &str| name.eq_ignore_ascii_case("password");
        let query = self.query.as_deref().is_some_and(|query| {
            form_urlencoded::parse(query.as_bytes()).any(|(name, _)| is_password(&name))
        });
        let body = self.form.as_deref().is_some_and(|body| {
            if body.first() == Some(&b'{') {
                json_fields(body).iter().any(|(name, _)| is_password(name))
            } else {
                form_urlencoded::parse(body).any(|(name, _)| is_password(&name))
            }
        });
        query || body
    }

    /// Every credential sent, as text: the tokens (those that are text), and the values of the
    /// query parameters, form fields and top-level string fields of a JSON body named like
    /// credentials (a password, a verification code, a PIN, a device JWT).
    pub(super) fn secrets(&self) -> Vec<String> {
        let tokens = self
            .tokens
            .iter()
            .filter_map(|token| token.to_str().ok())
            .map(str::to_owned);
        let query = self
            .query
            .as_deref()
            .map(|query| form_urlencoded::parse(query.as_bytes()));
        let body = self.form.as_deref();
        let json = body.filter(|body| body.first() == Some(&b'{'));
        let form = body.filter(|_| json.is_none()).map(form_urlencoded::parse);
        let fields = query
            .into_iter()
            .flatten()
            .chain(form.into_iter().flatten())
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .chain(json.map(json_fields).into_iter().flatten())
            .filter(|(name, _)| is_credential_field(name))
            .map(|(_, value)| value);
        tokens.chain(fields).collect()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_and_credential_fields_are_the_secrets() {
        let url = reqwest::Url::parse("http://localhost/x?pin=1234&uuid=u").unwrap();
        let mut request = reqwest::Request::new(reqwest::Method::POST, url);
        *request.body_mut() = Some("login=a&password=p%40ss&verificationCode=123456".into());
        let token = HeaderValue::from_static("tok");
        let secrets = Sent::of(&request, Some(&token)).secrets();
        assert_eq!(secrets, ["tok", "1234", "p@ss", "123456"]);
        *request.body_mut() = Some(r#"{"jwt":"a.b.c","jwk":{"x":"public"},"strong":true}"#.into());
        assert_eq!(Sent::of(&request, None).secrets(), ["1234", "a.b.c"]);
        assert!(Sent::default().secrets().is_empty());
    }

    #[test]
    fn a_token_added_by_a_resend_keeps_the_first() {
        let url = reqwest::Url::parse("http://localhost/x").unwrap();
        let request = reqwest::Request::new(reqwest::Method::GET, url);
        let mut sent = Sent::default();
        sent.add_token(&HeaderValue::from_static("expired-jwt"));
        sent.add_token(&HeaderValue::from_static("renewed-jwt"));
        assert_eq!(sent.secrets(), ["expired-jwt", "renewed-jwt"]);
        let first = HeaderValue::from_static("first");
        let mut sent = Sent::of(&request, Some(&first));
        sent.add_token(&HeaderValue::from_static("second"));
        assert_eq!(sent.secrets(), ["first", "second"]);
    }

    #[test]
    fn a_password_is_sent_by_a_sign_in_only() {
        let url = reqwest::Url::parse("http://localhost/users/signin").unwrap();
        let mut request = reqwest::Request::new(reqwest::Method::POST, url);
        *request.body_mut() = Some("login=a&Password=p".into());
        assert!(Sent::of(&request, None).sends_password());
        *request.body_mut() = Some(r#"{"password":"p"}"#.into());
        assert!(Sent::of(&request, None).sends_password());
        *request.body_mut() = Some(r#"{"jwt":"a.b.c"}"#.into());
        assert!(!Sent::of(&request, None).sends_password());
        *request.body_mut() = Some("login=a&passwordHint=x".into());
        assert!(!Sent::of(&request, None).sends_password());
        assert!(!Sent::default().sends_password());
    }
}
