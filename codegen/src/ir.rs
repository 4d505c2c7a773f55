//! The generator's IR: the spec as the generated code needs it, typed, built once by `lower`
//! and read by every later stage (progenitor's view, the clients, the operation tables, the
//! options and constructors, the mocks, the docs).

use std::fmt;

use openapiv3::OpenAPI;

use crate::load::LineMap;

/// The header the token travels in, lower-cased: the only scheme the client answers with it.
pub(crate) const TOKEN_HEADER: &str = "x-plex-token";

/// Everything the later stages generate from.
#[derive(Debug)]
pub(crate) struct Plan {
    /// The spec, for progenitor's view of it.
    pub spec: OpenAPI,
    /// Where its nodes are written.
    pub lines: LineMap,
    /// The clients, in the order their servers first appear; each holds its operations.
    pub clients: Vec<Client>,
    /// Component schemas a hand-written type stands for (`x-rust-replacement`).
    pub replacements: Vec<Replacement>,
}

impl Plan {
    /// Every operation, client by client.
    pub fn operations(&self) -> impl Iterator<Item = &Operation> {
        self.clients.iter().flat_map(|client| &client.operations)
    }

    /// Leaves out the operation `id` (refused after lowering), and a client left without
    /// operations.
    pub fn remove(&mut self, id: &str) {
        for client in &mut self.clients {
            client.operations.retain(|op| op.id != id);
        }
        self.clients.retain(|client| !client.operations.is_empty());
    }
}

/// `x-rust-replacement`: a component schema and the Rust type path standing for it.
#[derive(Debug, Clone)]
pub(crate) struct Replacement {
    pub schema: String,
    pub rust_type: String,
}

/// A generated client: one per server of the spec.
#[derive(Debug)]
pub(crate) struct Client {
    /// Rust type name of the public client, from `x-rust-client.name`.
    pub name: String,
    /// Module holding it, from `x-rust-client.module`.
    pub module: String,
    /// The server URL as written (may hold `{variables}`): the client's default.
    pub url: String,
    /// The server's description.
    pub description: Option<String>,
    /// Whether the URL has variables: then a caller must give the base URL.
    pub templated: bool,
    /// Its operations, in spec order.
    pub operations: Vec<Operation>,
}

/// One operation and everything the generator derives from it.
#[derive(Debug)]
pub(crate) struct Operation {
    /// The spec's operationId, or `METHOD /path` for an operation without one.
    pub id: String,
    /// The Rust names derived from it.
    pub names: OperationNames,
    pub method: HttpMethod,
    /// The path template, such as `/pins/{pinID}`.
    pub path: String,
    /// JSON pointer of the operation.
    pub pointer: String,
    /// Its place among the spec's operations (`access::operations`), for progenitor's view.
    pub spec_index: usize,
    pub summary: Option<String>,
    pub description: Option<String>,
    /// `x-rust-example`: Rust code calling the operation on a `client`.
    pub example: Option<String>,
    /// Whether the operation sends the token (in [`TOKEN_HEADER`], the only header it goes in).
    pub sends_token: bool,
    /// The media types of the `Accept` header the operation sends instead of the client's
    /// `application/json`, for a success that is not JSON; empty otherwise.
    pub accept: Vec<String>,
    /// The parameters the caller gives, in the order of the generated method's arguments
    /// (progenitor's order: path parameters as in the path, then query parameters by name,
    /// then header parameters by name).
    pub parameters: Vec<Parameter>,
    pub body: Option<RequestBody>,
    pub success: Success,
    /// Declared error responses, in spec order.
    pub errors: Vec<ErrorResponse>,
    /// Checks the runtime makes before sending.
    pub rules: Vec<FieldRule>,
}

impl Operation {
    /// The optional parameters that go into the operation's options struct: all of its
    /// optional query and header parameters when there are two or more, else none.
    pub fn options(&self) -> Vec<&Parameter> {
        let optional: Vec<&Parameter> = self
            .parameters
            .iter()
            .filter(|p| !p.required && p.location != ParameterLocation::Path)
            .collect();
        if optional.len() >= 2 {
            optional
        } else {
            Vec::new()
        }
    }
}

/// The Rust names of an operation.
#[derive(Debug, Clone)]
pub(crate) struct OperationNames {
    /// Snake case: the method (`get_token_details`).
    pub method: String,
    /// Pascal case: the prefix of its types (`GetTokenDetails`).
    pub pascal: String,
    /// Upper case: its operation static (`GET_TOKEN_DETAILS`).
    pub constant: String,
}

/// An HTTP method of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HttpMethod {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl HttpMethod {
    /// Every method with its spelling in a path item, in openapiv3's order.
    pub const ALL: [(HttpMethod, &'static str); 8] = [
        (HttpMethod::Get, "get"),
        (HttpMethod::Put, "put"),
        (HttpMethod::Post, "post"),
        (HttpMethod::Delete, "delete"),
        (HttpMethod::Options, "options"),
        (HttpMethod::Head, "head"),
        (HttpMethod::Patch, "patch"),
        (HttpMethod::Trace, "trace"),
    ];

    /// From a path item's key (`get`).
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .find(|(_, name)| *name == key)
            .map(|(method, _)| *method)
    }

    /// As sent (`GET`).
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
        }
    }
}

impl fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The status a response is declared for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum ResponseStatus {
    /// One status, such as `201`.
    Code(u16),
    /// A class, such as `4XX` (the digit is 4).
    Range(u8),
    /// `default`: any status not declared otherwise.
    Default,
}

impl ResponseStatus {
    /// From a key of `responses` as written: `201`, `4XX` (or `4xx`), `default`.
    pub fn parse(key: &str) -> Option<Self> {
        if key == "default" {
            return Some(ResponseStatus::Default);
        }
        match key.as_bytes() {
            [class @ b'1'..=b'5', b'X' | b'x', b'X' | b'x'] => {
                Some(ResponseStatus::Range(class - b'0'))
            }
            [b'1'..=b'5', b'0'..=b'9', b'0'..=b'9'] => key.parse().ok().map(ResponseStatus::Code),
            _ => None,
        }
    }

    /// Whether the status is a success: a 2xx code or the `2XX` class.
    pub fn is_success(self) -> bool {
        matches!(
            self,
            ResponseStatus::Code(200..=299) | ResponseStatus::Range(2)
        )
    }
}

impl fmt::Display for ResponseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResponseStatus::Code(code) => write!(f, "{code}"),
            ResponseStatus::Range(class) => write!(f, "{class}XX"),
            ResponseStatus::Default => f.write_str("default"),
        }
    }
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParameterLocation {
    Path,
    Query,
    Header,
}

impl fmt::Display for ParameterLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ParameterLocation::Path => "path",
            ParameterLocation::Query => "query",
            ParameterLocation::Header => "header",
        })
    }
}

/// A parameter the caller gives.
#[derive(Debug, Clone)]
pub(crate) struct Parameter {
    /// Its name on the wire.
    pub wire_name: String,
    /// Its name in Rust (the argument, the options field, the mock matcher).
    pub rust_name: String,
    pub location: ParameterLocation,
    pub required: bool,
    /// What its schema is.
    pub schema: SchemaKind,
    /// Its schema as declared (a `$ref` kept), for progenitor's view.
    pub declared: openapiv3::ReferenceOr<openapiv3::Schema>,
    /// Whether its value is one value, a list or an object.
    pub shape: ValueShape,
    /// How its value is written (OpenAPI `style`).
    pub style: ParameterStyle,
    /// OpenAPI `explode`.
    pub explode: bool,
    /// The spec's description.
    pub description: Option<String>,
}

/// Whether a parameter's value is one value, a list or an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ValueShape {
    Scalar,
    Array,
    Object,
}

/// OpenAPI's `style` of a parameter: how a list or an object is written in a path segment or a
/// query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParameterStyle {
    /// Path: `a,b`.
    Simple,
    /// Path: `.a.b`.
    Label,
    /// Path: `;name=a,b`.
    Matrix,
    /// Query: `name=a&name=b` (explode) or `name=a,b`.
    Form,
    /// Query: `name=a%20b`.
    SpaceDelimited,
    /// Query: `name=a|b`.
    PipeDelimited,
    /// Query: `name[key]=value`.
    DeepObject,
}

impl fmt::Display for ParameterStyle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ParameterStyle::Simple => "simple",
            ParameterStyle::Label => "label",
            ParameterStyle::Matrix => "matrix",
            ParameterStyle::Form => "form",
            ParameterStyle::SpaceDelimited => "spaceDelimited",
            ParameterStyle::PipeDelimited => "pipeDelimited",
            ParameterStyle::DeepObject => "deepObject",
        })
    }
}

impl ParameterStyle {
    /// The runtime's name of the style (`crate::runtime::Style::<name>`).
    pub fn runtime_name(self) -> &'static str {
        match self {
            ParameterStyle::Simple => "Simple",
            ParameterStyle::Label => "Label",
            ParameterStyle::Matrix => "Matrix",
            ParameterStyle::Form => "Form",
            ParameterStyle::SpaceDelimited => "SpaceDelimited",
            ParameterStyle::PipeDelimited => "PipeDelimited",
            ParameterStyle::DeepObject => "DeepObject",
        }
    }
}

/// What a schema is, in short: for docs, and to know whether a value is text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SchemaKind {
    String,
    Integer,
    Number,
    Boolean,
    Array,
    Object,
    /// No type, or a combination (`oneOf`…).
    Any,
    /// A component, by name.
    Component(String),
}

impl SchemaKind {
    /// Whether the value is a number or a boolean: written with digits and letters only, it
    /// can never be empty nor a dot segment.
    pub fn is_scalar_non_text(&self) -> bool {
        matches!(
            self,
            SchemaKind::Integer | SchemaKind::Number | SchemaKind::Boolean
        )
    }
}

impl fmt::Display for SchemaKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SchemaKind::String => "string",
            SchemaKind::Integer => "integer",
            SchemaKind::Number => "number",
            SchemaKind::Boolean => "boolean",
            SchemaKind::Array => "array",
            SchemaKind::Object => "object",
            SchemaKind::Any => "any",
            SchemaKind::Component(name) => name,
        })
    }
}

/// How a request body is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyMedia {
    /// `application/x-www-form-urlencoded`.
    Form,
    /// JSON.
    Json,
    /// Text (`text/plain`), sent as a `String`.
    Text,
}

/// The request body.
#[derive(Debug, Clone)]
pub(crate) struct RequestBody {
    pub media: BodyMedia,
    /// The object schema it is, when it is one, for the request type's constructor.
    pub object: Option<ObjectShape>,
}

/// What the constructor of an object schema's type needs to know.
#[derive(Debug, Clone, Default)]
pub(crate) struct ObjectShape {
    /// Wire names of the required properties.
    pub required: Vec<String>,
}

/// What a success answers.
#[derive(Debug, Clone)]
pub(crate) struct Success {
    /// The declared success statuses (at least one).
    pub statuses: Vec<ResponseStatus>,
    pub body: SuccessBody,
}

impl Success {
    /// The status named in docs and mocks: the first declared.
    pub fn first(&self) -> ResponseStatus {
        self.statuses
            .first()
            .copied()
            .unwrap_or(ResponseStatus::Code(200))
    }
}

/// The body of a success.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SuccessBody {
    /// No content, or content without a schema: the call answers `()`.
    Empty,
    /// JSON, decoded into the schema's type.
    Json,
    /// Binary (an image, a segment) or XML: the call answers the bytes.
    Bytes,
    /// Text (subtitles, a playlist): the call answers a `String`.
    Text,
}

/// A declared error response.
#[derive(Debug, Clone)]
pub(crate) struct ErrorResponse {
    pub status: ResponseStatus,
    pub description: String,
    /// The `ErrorKind` variants it produces (`x-error-kinds`).
    pub kinds: Vec<String>,
}

/// Where a checked request field travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldLocation {
    Query,
    Form,
}

/// A check the runtime makes on a request field before anything is sent.
#[derive(Debug, Clone)]
pub(crate) struct FieldRule {
    pub location: FieldLocation,
    pub name: String,
    pub required: bool,
    pub min_length: Option<usize>,
    pub pattern: Option<String>,
    /// JSON pointer of the schema the constraints are written in, for errors.
    pub schema_pointer: String,
}

#[cfg(test)]
mod tests {
    use super::ResponseStatus;

    #[test]
    fn statuses_parse_as_written_in_responses() {
        assert_eq!(
            ResponseStatus::parse("401"),
            Some(ResponseStatus::Code(401))
        );
        assert_eq!(ResponseStatus::parse("4XX"), Some(ResponseStatus::Range(4)));
        assert_eq!(ResponseStatus::parse("4xx"), Some(ResponseStatus::Range(4)));
        assert_eq!(
            ResponseStatus::parse("default"),
            Some(ResponseStatus::Default)
        );
        for bad in ["", "40", "4011", "600", "6XX", "x01", "Default", "+01"] {
            assert_eq!(ResponseStatus::parse(bad), None, "{bad}");
        }
    }
}
