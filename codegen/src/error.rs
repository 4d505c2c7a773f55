//! Why a spec was refused, and where.

use std::fmt;

/// Why a spec was refused. Every variant names the place at fault: a YAML line, a JSON pointer
/// into the document (with its line), or an operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CodegenError {
    /// The text is not valid YAML.
    #[error("spec is not valid YAML{location}: {message}")]
    Yaml {
        /// Where the parser stopped, when it knows.
        location: YamlLocation,
        /// The parser's message.
        message: String,
    },
    /// The document declares an OpenAPI version the generator does not support.
    #[error(
        "unsupported OpenAPI version {found:?} at {place}: OpenAPI 3.0.x and 3.1.x are supported"
    )]
    UnsupportedVersion {
        /// The value of the `openapi` field, or `<missing>`.
        found: String,
        /// Where the version is (`/openapi`).
        place: Place,
    },
    /// An OpenAPI 3.1 document uses constructs that have no OpenAPI 3.0 form.
    #[error("{}", without_30_form(.places))]
    Without30Form {
        /// Each construct: where it is, and its keyword.
        places: Vec<(Place, String)>,
    },
    /// Operations were refused (each with its place and reason), all listed at once.
    #[error("{}", refused(.refusals))]
    Refused {
        /// Every refused operation.
        refusals: Vec<Refusal>,
    },
    /// The document is YAML but not an OpenAPI 3.0 document.
    #[error("spec is not a valid OpenAPI 3.0 document at {place}: {message}")]
    InvalidDocument {
        /// The offending value.
        place: Place,
        /// What is wrong there.
        message: String,
    },
    /// A document-level rule is broken (servers, components).
    #[error("{place}: {message}")]
    Document {
        /// The offending part.
        place: Place,
        /// What is wrong.
        message: String,
    },
    /// progenitor refused or panicked on the spec.
    #[error("progenitor failed on {culprit}: {message}")]
    Progenitor {
        /// The operation at fault when it could be isolated, else what was being generated.
        culprit: String,
        /// progenitor's message or panic payload.
        message: String,
    },
    /// The generated code is not what the generator expects: a generator bug, not a spec
    /// problem.
    #[error("generated code for {file}: {message}")]
    Emit {
        /// The file being produced.
        file: String,
        /// What went wrong.
        message: String,
    },
}

fn without_30_form(places: &[(Place, String)]) -> String {
    let mut text = format!(
        "the OpenAPI 3.1 document uses {} construct(s) without an OpenAPI 3.0 form:",
        places.len()
    );
    for (place, keyword) in places {
        text.push_str(&format!("\n  - `{keyword}` at {place}"));
    }
    text
}

fn refused(refusals: &[Refusal]) -> String {
    let mut text = format!("{} operation(s) refused:", refusals.len());
    for refusal in refusals {
        text.push_str(&format!("\n  - {refusal}"));
    }
    text
}

/// An operation the generator refused, and why. The others are generated without it when the
/// generator is told to keep going.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The operation: its operationId, or its method and path when it has none.
    pub operation: String,
    /// The place at fault, with its line.
    pub place: Place,
    /// Why.
    pub reason: String,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at {}: {}", self.operation, self.place, self.reason)
    }
}

/// A position in the YAML text, 1-based, or nothing when the parser did not report one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct YamlLocation(pub Option<(usize, usize)>);

impl fmt::Display for YamlLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some((line, column)) => write!(f, " at line {line}, column {column}"),
            None => Ok(()),
        }
    }
}

/// A place in the spec: a JSON pointer (RFC 6901) and the YAML line it starts on, when known.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    /// JSON pointer of the place, such as `/paths/~1user/get`.
    pub pointer: String,
    /// The 1-based line of the YAML text the pointed-to node (or its nearest ancestor
    /// written in the text) starts on.
    pub line: Option<usize>,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.pointer)?;
        match self.line {
            Some(line) => write!(f, " (line {line})"),
            None => Ok(()),
        }
    }
}

/// Escapes one JSON pointer segment (RFC 6901).
pub(crate) fn pointer_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}
