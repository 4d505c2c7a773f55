//! An account's file: one JSON document, read without ever quoting what it holds.
//!
//! ```json
//! {"format": 1, "id": 12345, "uuid": "212acf24b07315e5", "name": "alice",
//!  "email": "alice@example.com", "clientIdentifier": "…", "kind": "legacy", "token": "…"}
//! ```
//!
//! `clientIdentifier`, the installation the account signed in as, may be absent (files written
//! before it was kept): the caller then uses its own.
//!
//! A JWT account has `"kind": "jwt"` and its device key's private JWK in `deviceKey`.

use std::io;

use serde_json::{Value, json};

use super::{KeptAccount, KeptCredential};
use crate::{DeviceKey, Secret};

/// The version of the layout written; a file of another version is refused, not guessed at.
const FORMAT: i64 = 1;

/// The file's text for `account`.
pub(super) fn write(account: &KeptAccount) -> Secret {
    let mut document = json!({
        "format": FORMAT,
        "id": account.id,
        "uuid": account.uuid,
        "name": account.name,
        "email": account.email,
    });
    if let Some(client_identifier) = &account.client_identifier {
        document["clientIdentifier"] = client_identifier.as_str().into();
    }
    match &account.credential {
        KeptCredential::Legacy(token) => {
            document["kind"] = "legacy".into();
            document["token"] = token.expose().into();
        }
        KeptCredential::Jwt { token, key } => {
            document["kind"] = "jwt".into();
            document["token"] = token.expose().into();
            // Kept as an object, not as a string of JSON.
            document["deviceKey"] = key.private_jwk();
        }
    }
    Secret::new(format!("{document:#}\n"))
}

/// The account in `bytes`; an error says what is wrong, never what the file holds.
pub(super) fn read(bytes: &[u8]) -> io::Result<KeptAccount> {
    let invalid = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_string());
    // serde_json's syntax errors name a line and column, never the text.
    let document: Value = serde_json::from_slice(bytes).map_err(|_| invalid("it is not JSON"))?;
    if document.get("format").and_then(Value::as_i64) != Some(FORMAT) {
        return Err(invalid("it is not a format 1 account file"));
    }
    let text = |field: &str| document.get(field).and_then(Value::as_str);
    let id = document
        .get("id")
        .and_then(Value::as_i64)
        .ok_or_else(|| invalid("it has no numeric `id`"))?;
    let uuid = text("uuid").ok_or_else(|| invalid("it has no `uuid`"))?;
    let name = text("name").ok_or_else(|| invalid("it has no `name`"))?;
    let token = text("token")
        .filter(|token| is_token(token))
        .map(Secret::new)
        .ok_or_else(|| invalid("it holds no token (printable ASCII without spaces)"))?;
    let credential = match text("kind") {
        Some("legacy") => KeptCredential::Legacy(token),
        Some("jwt") => {
            let jwk = document
                .get("deviceKey")
                .filter(|jwk| jwk.is_object())
                .ok_or_else(|| invalid("its JWT has no `deviceKey`"))?;
            let key = DeviceKey::from_bytes(jwk.to_string().as_bytes())
                .map_err(|err| invalid(&format!("its `deviceKey`: {err}")))?;
            KeptCredential::Jwt { token, key }
        }
        _ => return Err(invalid("its `kind` is neither `legacy` nor `jwt`")),
    };
    Ok(KeptAccount {
        id,
        uuid: uuid.to_string(),
        name: name.to_string(),
        email: text("email").map(str::to_string),
        client_identifier: text("clientIdentifier").map(str::to_string),
        credential,
    })
}

/// Whether `token` can be kept and sent in a header: printable ASCII, no space.
pub(super) fn is_token(token: &str) -> bool {
    !token.is_empty() && token.bytes().all(|byte| byte.is_ascii_graphic())
}
