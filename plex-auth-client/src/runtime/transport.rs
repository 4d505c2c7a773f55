//! What a transport failure is shown as: one line, without the URL.

use crate::safe_text::redact::MESSAGE_LIMIT;
use crate::safe_text::{inert, truncate_chars};

/// A transport error as one line: reqwest's message and each cause, but not the URL reqwest
/// puts in its message (its query can hold a credential).
pub(crate) fn transport_message(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "cannot connect"
    } else if error.is_body() || error.is_decode() {
        "the answer broke off"
    } else if error.is_redirect() {
        "redirect refused"
    } else {
        "error sending the request"
    };
    let mut message = kind.to_string();
    let mut cause = std::error::Error::source(error);
    while let Some(error) = cause {
        let text = error.to_string();
        if !message.ends_with(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        cause = error.source();
    }
    truncate_chars(&inert(&message), MESSAGE_LIMIT)
}
