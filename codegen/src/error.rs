use std::fmt;

/// Why a spec was refused. Every variant names the place at fault: a YAML line, a JSON pointer
/// into the document, or an operation.
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
        "unsupported OpenAPI version {found:?} at /openapi: only OpenAPI 3.0.x is supported \
         (progenitor 0.15 rejects 3.1; write nullable: true instead of type lists)"
    )]
    UnsupportedVersion {
        /// The value of the `openapi` field, or `<missing>`.
        found: String,
    },
    /// The document is YAML but not an OpenAPI 3.0 document.
    #[error("spec is not a valid OpenAPI 3.0 document at {pointer}: {message}")]
    InvalidDocument {
        /// JSON pointer of the offending value.
        pointer: String,
        /// What is wrong there.
        message: String,
    },
    /// An operation has no `operationId`; the generated method is named from it.
    #[error("operation at {pointer} has no operationId")]
    MissingOperationId {
        /// JSON pointer of the operation.
        pointer: String,
    },
    /// Two operations share an `operationId`.
    #[error("duplicate operationId {operation:?} at {first} and {second}")]
    DuplicateOperationId {
        /// The shared id.
        operation: String,
        /// JSON pointer of the first operation.
        first: String,
        /// JSON pointer of the second operation.
        second: String,
    },
    /// A rule of the generator is broken by one operation.
    #[error("operation {operation:?} ({pointer}): {message}")]
    Operation {
        /// The operation's id.
        operation: String,
        /// JSON pointer of the offending part.
        pointer: String,
        /// What is wrong.
        message: String,
    },
    /// A document-level rule is broken (servers, components).
    #[error("{pointer}: {message}")]
    Document {
        /// JSON pointer of the offending part.
        pointer: String,
        /// What is wrong.
        message: String,
    },
    /// progenitor refused or panicked on the spec.
    #[error("progenitor failed on {culprit}: {message}")]
    Progenitor {
        /// The operation at fault when it could be isolated, else the client being generated.
        culprit: String,
        /// progenitor's message or panic payload.
        message: String,
    },
    /// The generated tokens did not parse as Rust: a generator bug, not a spec problem.
    #[error("generated code for {file} does not parse as Rust: {message}")]
    Emit {
        /// The file being produced.
        file: String,
        /// The parser's message.
        message: String,
    },
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

/// Escapes one JSON pointer segment (RFC 6901).
pub(crate) fn pointer_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}
