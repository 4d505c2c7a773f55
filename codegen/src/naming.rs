//! Names the generated code uses, derived from the spec's names: the one place that decides
//! how an operationId becomes a constant, a method or a matched progenitor item.

/// Letters and digits only, lower-cased: how names are compared across naming styles, since
/// progenitor renames operationIds (`post-users-sign-in-data` → `post_users_sign_in_data`,
/// `PostUsersSignInDataWhen`).
pub(crate) fn normalize(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Whether two names are the same once normalized.
pub(crate) fn same(a: &str, b: &str) -> bool {
    normalize(a) == normalize(b)
}

/// `post-users-sign-in-data` → `POST_USERS_SIGN_IN_DATA`, `getTokenDetails` → `GET_TOKEN_DETAILS`.
pub(crate) fn constant_name(id: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in id.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && previous_lower {
                out.push('_');
            }
            out.push(c.to_ascii_uppercase());
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            if !out.ends_with('_') && !out.is_empty() {
                out.push('_');
            }
            previous_lower = false;
        }
    }
    out
}

/// The Rust method name of an operation, as progenitor derives it: `getTokenDetails` →
/// `get_token_details`.
pub(crate) fn method_name(id: &str) -> String {
    constant_name(id).to_ascii_lowercase()
}

/// The static holding a field's compiled pattern: `GET_PIN` + `code` → `GET_PIN_CODE_PATTERN`.
pub(crate) fn pattern_static(operation_constant: &str, field: &str) -> String {
    format!("{operation_constant}_{}_PATTERN", constant_name(field))
}

/// A Rust type name in CamelCase: an ASCII capital then letters and digits.
pub(crate) fn is_camel_case(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
}

/// A Rust module name in snake case.
pub(crate) fn is_snake_case(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_progenitors_conversion() {
        assert_eq!(
            constant_name("post-users-sign-in-data"),
            "POST_USERS_SIGN_IN_DATA"
        );
        assert_eq!(constant_name("getTokenDetails"), "GET_TOKEN_DETAILS");
        assert_eq!(method_name("getPin2Code"), "get_pin2_code");
        assert_eq!(pattern_static("GET_PIN", "code"), "GET_PIN_CODE_PATTERN");
        assert!(same(
            "PostUsersSignInDataWhen",
            "post-users-sign-in-data-when"
        ));
        assert!(is_camel_case("InvalidToken") && !is_camel_case("invalid_token"));
        assert!(is_snake_case("plex_tv") && !is_snake_case("PlexTv"));
    }
}
