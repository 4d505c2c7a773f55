//! The names of fields that hold credentials: what the redaction removes the value of, and
//! what a call's request fields are kept for.

/// Whether a field name looks like it holds a credential (`authToken`, `accessToken`,
/// `X-Plex-Token`, `secret`, `password`, `verificationCode`, `jwt`, `deviceJWT`, `nonce`).
pub(crate) fn is_secret_name(name: &str) -> bool {
    names_secret(name.as_bytes())
}

/// [`is_secret_name`] of a name's bytes, without allocating (the field scan asks it of every
/// word of a text).
pub(super) fn names_secret(name: &[u8]) -> bool {
    let starts_with = |at: usize, word: &[u8]| {
        name.get(at..at + word.len())
            .is_some_and(|part| part.eq_ignore_ascii_case(word))
    };
    // Each word is tried only where its first letter is.
    (0..name.len()).any(|at| match name[at].to_ascii_lowercase() {
        b't' => starts_with(at, b"token"),
        b's' => starts_with(at, b"secret"),
        b'p' => starts_with(at, b"password"),
        b'v' => starts_with(at, b"verificationcode"),
        b'j' => starts_with(at, b"jwt"),
        b'n' => starts_with(at, b"nonce"),
        _ => false,
    })
}

/// Whether a request field carries a credential: a secret-named one, or a PIN or link code.
pub(crate) fn is_credential_field(name: &str) -> bool {
    is_secret_name(name) || matches!(name, "pin" | "code")
}
