//! The answer of `exchangeJWTToken`, read under either name plex.tv is documented to use.

use serde::{Deserialize, Deserializer, Serialize};

use crate::Secret;

/// A plex.tv JWT as `exchangeJWTToken` answers it: `{"auth_token": …}` in Plex's documentation
/// and python-plexapi, `{"authToken": …}` in the Plex SDK family's schema. Both are read; when
/// a body carries both, `auth_token` wins. It serializes as `auth_token`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExchangedToken {
    /// The plex.tv JWT: the `X-Plex-Token` of later calls.
    pub auth_token: Secret,
}

impl<'de> Deserialize<'de> for ExchangedToken {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Unknown fields are ignored, as in every other answer.
        #[derive(Deserialize)]
        struct Either {
            auth_token: Option<Secret>,
            #[serde(rename = "authToken")]
            auth_token_camel: Option<Secret>,
        }
        let either = Either::deserialize(deserializer)?;
        either
            .auth_token
            .or(either.auth_token_camel)
            .map(|auth_token| Self { auth_token })
            .ok_or_else(|| serde::de::Error::missing_field("auth_token"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_either_name_and_prefers_the_documented_one() {
        let snake: ExchangedToken = serde_json::from_str(r#"{"auth_token":"a"}"#).unwrap();
        assert_eq!(snake.auth_token.expose(), "a");
        let camel: ExchangedToken =
            serde_json::from_str(r#"{"authToken":"b","clientIdentifier":"c"}"#).unwrap();
        assert_eq!(camel.auth_token.expose(), "b");
        let both: ExchangedToken =
            serde_json::from_str(r#"{"authToken":"b","auth_token":"a"}"#).unwrap();
        assert_eq!(both.auth_token.expose(), "a");
        let null_then_camel: ExchangedToken =
            serde_json::from_str(r#"{"auth_token":null,"authToken":"b"}"#).unwrap();
        assert_eq!(null_then_camel.auth_token.expose(), "b");
        let error = serde_json::from_str::<ExchangedToken>(r#"{"jwt":"x"}"#).unwrap_err();
        assert!(
            error.to_string().contains("missing field `auth_token`"),
            "{error}"
        );
        assert_eq!(
            serde_json::to_string(&snake).unwrap(),
            r#"{"auth_token":"a"}"#
        );
        assert_eq!(
            format!("{snake:?}"),
            "ExchangedToken { auth_token: Secret(<redacted>) }"
        );
    }
}
