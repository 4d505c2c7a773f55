//! Names the generated code uses, derived from the spec's names: the one place that decides
//! how an operationId, a parameter or a property becomes a Rust identifier.
//!
//! The rule, applied to every name (operations, parameters, properties):
//! 1. The name is cut into words at every character that is not an ASCII letter or digit, and
//!    where a lower-case letter or a digit is followed by a capital (`getTokenDetails` → get,
//!    Token, Details; `post-users-sign-in-data` → post, users, sign, in, data).
//! 2. A run of capitals is one word (`pinID` → pin, ID), together with a single lower-case
//!    letter that follows it (`includeIPv6` → include, IPv6; `IDs` → IDs); when two or more
//!    lower-case letters follow, its last capital starts the next word (`HTTPServer` → HTTP,
//!    Server). Digits stay with the word before them (`pin2Code` → pin2, Code).
//! 3. The comparison symbols some APIs put in names are spelled out as words, so that
//!    `viewedAt>` and `viewedAt<` stay distinct: `>` gt, `<` lt, `=` eq, `!` not.
//! 4. Snake case (methods, parameters, fields) joins the lower-cased words with `_`
//!    (`include_ipv6`, `pin_id`); Pascal case (types) capitalises each word
//!    (`GetServerResources`); constants join the upper-cased words with `_`.
//! 5. A Rust keyword gets a trailing `_` (`type` → `type_`); a name starting with a digit gets
//!    a leading `_`; a name without letters or digits is `value`.
//!
//! Names that are still equal after this (`guid` and `Guid`) are told apart by [`distinct`].

/// Rust's keywords, strict and reserved, as they would come out of the snake case rule.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// The words of a name, as rule 1 to 3 of the module documentation cut them.
pub(crate) fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    let flush = |current: &mut String, words: &mut Vec<String>| {
        if !current.is_empty() {
            words.push(std::mem::take(current));
        }
    };
    for (index, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            flush(&mut current, &mut words);
            let symbol = match c {
                '>' => Some("gt"),
                '<' => Some("lt"),
                '=' => Some("eq"),
                '!' => Some("not"),
                _ => None,
            };
            words.extend(symbol.map(str::to_owned));
            continue;
        }
        if let Some(&previous) = current.chars().last().as_ref()
            && c.is_ascii_uppercase()
        {
            let next_lower = |offset: usize| {
                chars
                    .get(index + offset)
                    .is_some_and(|next| next.is_ascii_lowercase())
            };
            let starts_word = previous.is_ascii_lowercase()
                || previous.is_ascii_digit()
                || (previous.is_ascii_uppercase() && next_lower(1) && next_lower(2));
            if starts_word {
                flush(&mut current, &mut words);
            }
        }
        current.push(c);
    }
    flush(&mut current, &mut words);
    words
}

/// `getTokenDetails` → `get_token_details`, `includeIPv6` → `include_ipv6`, `type` → `type_`.
pub(crate) fn snake_case(name: &str) -> String {
    let joined = words(name)
        .iter()
        .map(|word| word.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_");
    identifier(joined)
}

/// `get-server-resources` → `GetServerResources`, `IPv6` → `Ipv6`.
pub(crate) fn pascal_case(name: &str) -> String {
    let joined: String = words(name)
        .iter()
        .map(|word| {
            let lower = word.to_ascii_lowercase();
            let mut chars = lower.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect();
    identifier(joined)
}

/// `post-users-sign-in-data` → `POST_USERS_SIGN_IN_DATA`.
pub(crate) fn constant_case(name: &str) -> String {
    snake_case(name).trim_end_matches('_').to_ascii_uppercase()
}

/// Makes a joined name a valid identifier (rule 5).
fn identifier(joined: String) -> String {
    if joined.is_empty() {
        return "value".into();
    }
    if joined.starts_with(|c: char| c.is_ascii_digit()) {
        return format!("_{joined}");
    }
    if KEYWORDS.contains(&joined.as_str()) {
        return format!("{joined}_");
    }
    joined
}

/// Names made distinct: the first of equal names keeps its name, the next ones get `_2`, `_3`…
/// in the order given (the spec's order, so the result is deterministic). A suffixed name that
/// is itself taken moves on to the next number.
pub(crate) fn distinct(names: Vec<String>) -> Vec<String> {
    let mut taken: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let mut candidate = name.clone();
        let mut number = 2;
        while taken.contains(&candidate) {
            candidate = format!("{}_{number}", name.trim_end_matches('_'));
            number += 1;
        }
        taken.insert(candidate.clone());
        out.push(candidate);
    }
    out
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
    fn words_split_at_case_changes_and_keep_acronyms_whole() {
        for (name, snake) in [
            ("getTokenDetails", "get_token_details"),
            ("post-users-sign-in-data", "post_users_sign_in_data"),
            ("getTokenByPinId", "get_token_by_pin_id"),
            ("pinID", "pin_id"),
            ("includeIPv6", "include_ipv6"),
            ("IPv6", "ipv6"),
            ("includeHttps", "include_https"),
            ("HTTPServer", "http_server"),
            ("APIKey", "api_key"),
            ("myURLs", "my_urls"),
            ("getPin2Code", "get_pin2_code"),
            ("X-Plex-Token", "x_plex_token"),
            ("MediaContainer", "media_container"),
            ("type", "type_"),
            ("self", "self_"),
            ("2fa", "_2fa"),
            ("viewedAt>", "viewed_at_gt"),
            ("viewedAt<", "viewed_at_lt"),
            ("__", "value"),
            ("é", "value"),
        ] {
            assert_eq!(snake_case(name), snake, "{name}");
        }
    }

    #[test]
    fn pascal_and_constant_cases_use_the_same_words() {
        assert_eq!(pascal_case("get-server-resources"), "GetServerResources");
        assert_eq!(pascal_case("getTokenDetails"), "GetTokenDetails");
        assert_eq!(pascal_case("includeIPv6"), "IncludeIpv6");
        assert_eq!(
            constant_case("post-users-sign-in-data"),
            "POST_USERS_SIGN_IN_DATA"
        );
        assert_eq!(constant_case("type"), "TYPE");
    }

    #[test]
    fn equal_names_get_numbered_in_order() {
        let names = ["guid", "guid", "guid_2", "guid"]
            .map(String::from)
            .to_vec();
        assert_eq!(distinct(names), ["guid", "guid_2", "guid_2_2", "guid_3"]);
        assert_eq!(
            distinct(["type_", "type_"].map(String::from).to_vec()),
            ["type_", "type_2"]
        );
    }

    #[test]
    fn case_checks() {
        assert!(is_camel_case("InvalidToken") && !is_camel_case("invalid_token"));
        assert!(is_snake_case("plex_tv") && !is_snake_case("PlexTv"));
    }
}
