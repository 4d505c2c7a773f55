//! Parameters written as OpenAPI says, from any value that serializes: a path segment, query
//! pairs, a header value, for each `style` and `explode` (RFC 6570, as OpenAPI 3 uses it). A
//! value that is `null` (an unset field) is not sent.
//!
//! Path segments are refused when they would change the path the request goes to: empty, `.`
//! or `..` (`/home/users/../switch` is `/home/switch`); every value is percent-encoded, `/`,
//! `\` (which http URLs read as `/`) and the delimiters of the style included.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

/// Why a parameter cannot be written: a request builder reports it as progenitor's
/// `InvalidRequest`, which the call turns into `ErrorKind::InvalidInput`.
#[derive(Debug)]
pub struct BuildError(String);

impl<E> From<BuildError> for progenitor_client::Error<E> {
    fn from(error: BuildError) -> Self {
        progenitor_client::Error::InvalidRequest(error.0)
    }
}

/// How a list or an object is written (OpenAPI's `style`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Path, header: `a,b`.
    Simple,
    /// Path: `.a.b`.
    Label,
    /// Path: `;name=a,b`.
    Matrix,
    /// Query: `name=a&name=b` (exploded) or `name=a,b`.
    Form,
    /// Query: `name=a b`.
    SpaceDelimited,
    /// Query: `name=a|b`.
    PipeDelimited,
    /// Query: `name[key]=value`.
    DeepObject,
}

/// A value as scalars: nothing (null), one, a list, or an object's entries.
enum Shape {
    Absent,
    One(String),
    List(Vec<String>),
    Entries(Vec<(String, String)>),
}

fn shape<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<Shape, BuildError> {
    let value = serde_json::to_value(value)
        .map_err(|error| BuildError(format!("parameter `{name}` does not serialize: {error}")))?;
    Ok(match value {
        Value::Null => Shape::Absent,
        Value::Array(items) => Shape::List(items.iter().filter_map(scalar).collect()),
        Value::Object(entries) => Shape::Entries(
            entries
                .iter()
                .filter_map(|(key, value)| Some((key.clone(), scalar(value)?)))
                .collect(),
        ),
        other => Shape::One(scalar(&other).unwrap_or_default()),
    })
}

/// One value as text: a string as it is, a number or a boolean as JSON writes it, a nested
/// list or object as JSON; `None` for null.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        other => Some(other.to_string()),
    }
}

/// Percent-encodes a value for a path segment: progenitor's path set, plus `\` and the
/// delimiters of the path styles.
fn encoded(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for piece in progenitor_client::encode_path(value).chars() {
        match piece {
            '\\' => out.push_str("%5C"),
            ',' => out.push_str("%2C"),
            ';' => out.push_str("%3B"),
            '=' => out.push_str("%3D"),
            other => out.push(other),
        }
    }
    out
}

/// The path segment of the parameter `name`, written in `style` and percent-encoded; refused
/// when empty, `.` or `..`, or when the value is null.
pub fn path_segment<T: Serialize + ?Sized>(
    name: &'static str,
    value: &T,
    style: Style,
    explode: bool,
) -> Result<String, BuildError> {
    let pairs = |entries: &[(String, String)], between: &str| -> Vec<String> {
        entries
            .iter()
            .map(|(key, value)| format!("{}{between}{}", encoded(key), encoded(value)))
            .collect()
    };
    let segment = match (shape(name, value)?, style) {
        (Shape::Absent, _) => String::new(),
        (Shape::One(text), Style::Label) => format!(".{}", encoded(&text)),
        (Shape::One(text), Style::Matrix) => format!(";{name}={}", encoded(&text)),
        (Shape::One(text), _) => encoded(&text),
        (Shape::List(items), style) => {
            let items: Vec<String> = items.iter().map(|item| encoded(item)).collect();
            match (style, explode) {
                (Style::Label, true) => format!(".{}", items.join(".")),
                (Style::Label, false) => format!(".{}", items.join(",")),
                (Style::Matrix, true) => items.iter().fold(String::new(), |mut out, item| {
                    let _ = write!(out, ";{name}={item}");
                    out
                }),
                (Style::Matrix, false) => format!(";{name}={}", items.join(",")),
                _ => items.join(","),
            }
        }
        (Shape::Entries(entries), style) => match (style, explode) {
            (Style::Label, true) => format!(".{}", pairs(&entries, "=").join(".")),
            (Style::Label, false) => format!(".{}", pairs(&entries, ",").join(",")),
            (Style::Matrix, true) => format!(";{}", pairs(&entries, "=").join(";")),
            (Style::Matrix, false) => format!(";{name}={}", pairs(&entries, ",").join(",")),
            (_, true) => pairs(&entries, "=").join(","),
            (_, false) => pairs(&entries, ",").join(","),
        },
    };
    let problem = match segment.as_str() {
        "" => "must not be empty",
        "." | ".." => "must not be `.` or `..`",
        _ => return Ok(segment),
    };
    Err(BuildError(format!(
        "path parameter `{name}` {problem}: it would change the path the request goes to"
    )))
}

/// The query pairs of the parameter `name`, written in `style`; none for a null value.
pub fn query_pairs<T: Serialize + ?Sized>(
    name: &str,
    value: &T,
    style: Style,
    explode: bool,
) -> Result<Vec<(String, String)>, BuildError> {
    let delimiter = match style {
        Style::SpaceDelimited => " ",
        Style::PipeDelimited => "|",
        _ => ",",
    };
    Ok(match shape(name, value)? {
        Shape::Absent => Vec::new(),
        Shape::One(text) => vec![(name.to_string(), text)],
        Shape::List(items) if explode && style == Style::Form => items
            .into_iter()
            .map(|item| (name.to_string(), item))
            .collect(),
        Shape::List(items) => vec![(name.to_string(), items.join(delimiter))],
        Shape::Entries(entries) if style == Style::DeepObject => entries
            .into_iter()
            .map(|(key, value)| (format!("{name}[{key}]"), value))
            .collect(),
        Shape::Entries(entries) if explode && style == Style::Form => entries,
        Shape::Entries(entries) => {
            let flat: Vec<String> = entries
                .into_iter()
                .flat_map(|(key, value)| [key, value])
                .collect();
            vec![(name.to_string(), flat.join(delimiter))]
        }
    })
}

/// Adds the query pairs of the parameter `name` to the request's URL.
pub fn add_query<T: Serialize + ?Sized>(
    request: &mut reqwest::Request,
    name: &str,
    value: &T,
    style: Style,
    explode: bool,
) -> Result<(), BuildError> {
    let pairs = query_pairs(name, value, style, explode)?;
    if !pairs.is_empty() {
        let mut query = request.url_mut().query_pairs_mut();
        for (key, value) in &pairs {
            query.append_pair(key, value);
        }
    }
    Ok(())
}

/// The header value of a parameter: one value, or a list or an object written in the simple
/// style (`a,b`; `k,v,k,v`); `None` for a null value.
pub fn header_text<T: Serialize + ?Sized>(
    name: &str,
    value: &T,
) -> Result<Option<String>, BuildError> {
    Ok(match shape(name, value)? {
        Shape::Absent => None,
        Shape::One(text) => Some(text),
        Shape::List(items) => Some(items.join(",")),
        Shape::Entries(entries) => Some(
            entries
                .into_iter()
                .flat_map(|(key, value)| [key, value])
                .collect::<Vec<_>>()
                .join(","),
        ),
    })
}

/// Adds the header parameter `name` to the request; a value that cannot be a header value (a
/// newline) is refused, without being quoted.
pub fn add_header<T: Serialize + ?Sized>(
    request: &mut reqwest::Request,
    name: &'static str,
    value: &T,
) -> Result<(), BuildError> {
    let Some(text) = header_text(name, value)? else {
        return Ok(());
    };
    let header = reqwest::header::HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| BuildError(format!("`{name}` is not a header name")))?;
    let value = reqwest::header::HeaderValue::from_str(&text).map_err(|_| {
        BuildError(format!(
            "header parameter `{name}` holds a character that is not allowed in a header"
        ))
    })?;
    request.headers_mut().append(header, value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn refused(result: Result<String, BuildError>) -> String {
        match result {
            Err(BuildError(message)) => message,
            Ok(segment) => panic!("not refused: {segment:?}"),
        }
    }

    #[test]
    fn path_segments_follow_the_styles() {
        let list = vec!["a", "b,c"];
        let object: BTreeMap<&str, i64> = [("x", 1), ("y", 2)].into();
        for (style, explode, value, expected) in [
            (Style::Simple, false, serde_json::json!("5"), "5"),
            (Style::Simple, false, serde_json::json!(list), "a,b%2Cc"),
            (Style::Simple, true, serde_json::json!(object), "x=1,y=2"),
            (Style::Simple, false, serde_json::json!(object), "x,1,y,2"),
            (Style::Label, false, serde_json::json!(list), ".a,b%2Cc"),
            (Style::Label, true, serde_json::json!(list), ".a.b%2Cc"),
            (Style::Matrix, false, serde_json::json!(list), ";id=a,b%2Cc"),
            (
                Style::Matrix,
                true,
                serde_json::json!(list),
                ";id=a;id=b%2Cc",
            ),
            (Style::Matrix, true, serde_json::json!(object), ";x=1;y=2"),
            (
                Style::Simple,
                false,
                serde_json::json!("a/b\\..?#"),
                "a%2Fb%5C..%3F%23",
            ),
            (Style::Simple, false, serde_json::json!(7), "7"),
            (Style::Simple, false, serde_json::json!("..."), "..."),
        ] {
            assert_eq!(
                path_segment("id", &value, style, explode).unwrap(),
                expected,
                "{style:?} {explode} {value}"
            );
        }
    }

    #[test]
    fn path_segments_that_would_change_the_path_are_refused_by_name() {
        for value in ["", ".", ".."] {
            let message = refused(path_segment("uuid", value, Style::Simple, false));
            assert!(
                message.starts_with("path parameter `uuid` must"),
                "{message}"
            );
        }
        let empty: Vec<String> = Vec::new();
        assert!(refused(path_segment("ids", &empty, Style::Simple, false)).contains("empty"));
        assert!(refused(path_segment("id", &(), Style::Simple, false)).contains("empty"));
        // A backslash is encoded: the URL keeps one segment.
        let segment = path_segment("uuid", "..\\", Style::Simple, false).unwrap();
        let url = reqwest::Url::parse(&format!("http://h/home/users/{segment}/switch")).unwrap();
        assert_eq!(url.path(), "/home/users/..%5C/switch");
    }

    #[test]
    fn query_pairs_follow_the_styles() {
        let list = vec![1, 2];
        let object: BTreeMap<&str, &str> = [("a", "x"), ("b", "y")].into();
        let pairs = |value: serde_json::Value, style, explode| -> Vec<(String, String)> {
            query_pairs("f", &value, style, explode).unwrap()
        };
        let owned = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert_eq!(
            pairs(serde_json::json!(list), Style::Form, true),
            owned(&[("f", "1"), ("f", "2")])
        );
        assert_eq!(
            pairs(serde_json::json!(list), Style::Form, false),
            owned(&[("f", "1,2")])
        );
        assert_eq!(
            pairs(serde_json::json!(list), Style::PipeDelimited, false),
            owned(&[("f", "1|2")])
        );
        assert_eq!(
            pairs(serde_json::json!(object), Style::DeepObject, true),
            owned(&[("f[a]", "x"), ("f[b]", "y")])
        );
        assert_eq!(
            pairs(serde_json::json!(object), Style::Form, true),
            owned(&[("a", "x"), ("b", "y")])
        );
        assert_eq!(
            pairs(serde_json::json!(true), Style::Form, true),
            owned(&[("f", "true")])
        );
        assert!(pairs(serde_json::Value::Null, Style::Form, true).is_empty());
    }

    #[test]
    fn a_header_value_that_is_not_one_is_refused_without_its_value() {
        let url = reqwest::Url::parse("http://h/").unwrap();
        let mut request = reqwest::Request::new(reqwest::Method::GET, url);
        add_header(&mut request, "x-session", "a\nb").unwrap_err();
        add_header(&mut request, "x-session", &vec![1, 2]).unwrap();
        assert_eq!(request.headers()["x-session"], "1,2");
    }
}
