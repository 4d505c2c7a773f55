//! The plex-auth code generator: an OpenAPI spec in, the Rust source of `plex-auth-client`'s
//! generated modules out. Built for the project's own spec (`spec/plex-auth.yaml`), it also
//! reads specs nobody shaped for it, such as Plex's published OpenAPI description.
//!
//! [`generate`] is a straight pipeline; each stage is a module with one job, hands a named
//! value to the next, and calls nothing of the stages after it nor before it:
//!
//! 1. `load`: YAML text → typed `openapiv3::OpenAPI` + a map from JSON pointer to YAML line,
//!    so every error names its line; an OpenAPI 3.1 document is rewritten as 3.0 first
//!    (`load::downgrade` lists what is rewritten and what is refused);
//! 2. `lower`: the rules below checked while the IR is built → `ir::Plan`: clients holding
//!    their operations, each with its typed method, path, parameters (with their Rust names and
//!    styles), body, success, error responses (with their `ErrorKind`s) and field rules. One
//!    IR, read by every later stage. An operation that breaks a rule is refused by itself;
//! 3. `progenitor_pass`: progenitor run once over its view of the IR (one success per
//!    operation, no error bodies, parameters under their Rust names), its panics caught and the
//!    operation at fault found and refused; then every fix to its output, on its syntax tree:
//!    each operation method becomes a request builder (paired with its operation by exact name)
//!    whose path, query and headers are written from the IR, `api-version` and `Client::new`
//!    go, type fields follow the naming rule → `ProgenitorOutput`;
//! 4. `shape`: the files, assembled from the IR and those pieces: `types.rs` (the schemas, the
//!    options structs, the request constructors), one file per client (its public facade,
//!    its operations' statics, the raw client), `mod.rs`, and `mock.rs` (shaped from the IR);
//! 5. `render`: prettyplease and the do-not-edit header naming the spec → [`GeneratedFile`]s.
//!
//! `ir` holds the IR's types, `naming` the name conversions (its documentation states the
//! naming rule), `access` the typed reads of the spec, `syntax` small readings of syntax
//! trees. The output is deterministic: the same spec gives the same bytes.
//!
//! A call of the generated client carries its operation: the public method builds the request
//! and passes it, with the operation's static description, to the runtime
//! (`crate::runtime::json`, `empty`, `bytes` or `text`), which checks, sends and reads it.
//! Nothing is looked up by name and no hook of progenitor's is called.
//!
//! # What a spec may hold
//!
//! Refused for the whole document, each naming its place and line: text that is not YAML; an
//! OpenAPI version other than 3.0.x or 3.1.x; a 3.1 construct without a 3.0 form (every one
//! listed); no operation; a malformed `x-rust-client` or `x-rust-replacement`; document
//! servers of several clients.
//!
//! Refused per operation (every refused operation is listed, in one run; with
//! [`Options::keep_going`] the others are generated): a duplicate `operationId`; a server
//! without a client; a `$ref` that does not resolve; a required cookie parameter; a parameter
//! given by `content`; a header parameter that is a list or an object; `deepObject` on what is
//! not an object; a path parameter the path does not name, or a path variable no parameter
//! declares; a request body that is not JSON, a form or `text/plain` (`multipart/form-data`
//! is refused); successes that disagree on their body; security requirements none of which
//! the client can satisfy; a `pattern` regex-lite cannot compile; a malformed
//! `x-error-kinds`; and anything progenitor itself cannot generate (its reason quoted).
//!
//! Accepted, and how:
//! - servers: `x-rust-client: { name, module }` on any appearance of a server URL; several
//!   URLs may name one client (its default is the first); module names `types`, `runtime` and
//!   `mock` are reserved;
//! - operations without `operationId` are named `METHOD /path` (errors, docs) and
//!   `method_path_words` in Rust (`get_library_sections_section_id`);
//! - `$ref` parameters, request bodies and responses; path-level parameters;
//! - the headers the client sends itself ([`CLIENT_HEADERS`]: its identity, `Accept`, the
//!   token) are never asked of the caller, as parameters or as `apiKey` schemes; the token
//!   goes in `X-Plex-Token` only; the first security requirement the client can satisfy is
//!   used, an empty one means no token;
//! - parameters of any style: lists and objects in paths (`simple`, `label`, `matrix`) and
//!   queries (`form`, `spaceDelimited`, `pipeDelimited`, `deepObject`), with `explode`;
//! - error responses in any form (read raw by the runtime); successes: `2xx` codes, `2XX`,
//!   `default` when nothing else is, or none (any 2xx answers `()`), decoded as JSON, read as
//!   bytes (binary, XML) or text, or not read (no schema); several successes that agree;
//! - `format: date`, `date-time`, `time`, `duration` and `uuid` stay strings: what the server
//!   sent is kept as it is, and the caller parses it with the crate of its choice;
//! - a `pattern` on a query parameter or form field compiles with regex-lite, the engine the
//!   client checks it with before sending (`minLength` and `required` are checked there too;
//!   `required` only on single values: an object or a list is written under other keys, or not
//!   at all when empty, and its Rust type already asks for it). Form fields are checked only
//!   when the body goes out as a form: a body that also declares JSON is sent as JSON;
//! - extensions: `x-rust-replacement` (a Rust type stands for a component schema),
//!   `x-rust-example` (the method doc's example), `x-error-kinds` (declared error statuses →
//!   `ErrorKind` variants, linked from the method docs).
//!
//! # The generated public API
//!
//! - names follow the naming rule of `naming` (`include_ipv6`, `pin_id`, `type_`); names
//!   still equal are numbered (`guid`, `guid_2`; parameters in the method's order, fields in
//!   the order of their wire names), wire names kept. Operations are numbered when their
//!   type names would meet (`get_a_2` and `get_a2` are both `GetA2`), or their options struct
//!   would take a schema's name; parameters named `options`, `body`, `request`, `new`,
//!   `into_inner` or `default` are numbered too (the generated code uses those names itself);
//! - an operation's arguments are its path parameters (in path order), its query
//!   parameters (by name), its body, its header parameters (by name); an operation with two
//!   or more optional query or header parameters takes those in one `<Operation>Options`
//!   struct (`Default`, `#[non_exhaustive]`, one setter per parameter) as its last argument;
//! - the struct of a request body gets `new(required fields…)` and a setter per optional
//!   field;
//! - a path segment that would be empty, `.` or `..` is refused before sending with
//!   `ErrorKind::InvalidInput`; every path value is percent-encoded, `/` and `\` included.
//!
mod access;
mod error;
mod ir;
mod load;
mod lower;
mod naming;
mod progenitor_pass;
mod render;
mod shape;
mod syntax;

pub mod golden;

pub use error::{CodegenError, Place, Refusal, YamlLocation};

/// How the first line of every generated file starts: a file that starts otherwise was not
/// generated, and is never replaced nor removed by `cargo xtask codegen`.
pub const GENERATED_MARK: &str = "// @generated by `cargo xtask codegen`";

/// The header every generated file starts with, naming the spec it was generated from (a path
/// relative to the repository root for the project's own spec).
pub fn generated_header(source: &str) -> String {
    format!(
        "{GENERATED_MARK} from {source}. Do not edit this file by hand:\n\
         // change the spec (or the generator in codegen/) and run `cargo xtask codegen` again.\n"
    )
}

/// The headers every request of a generated client carries by itself: the client's identity
/// (`ClientIdentity`), `Accept`, and the token. A header parameter or an `apiKey` scheme for
/// one of them is satisfied by the client, not asked of the caller. Lower case. (`accepts` is
/// how Plex's published spec names its `Accept` parameter.)
pub const CLIENT_HEADERS: &[&str] = &[
    "accept",
    "accepts",
    "x-plex-token",
    "x-plex-client-identifier",
    "x-plex-product",
    "x-plex-version",
    "x-plex-platform",
    "x-plex-platform-version",
    "x-plex-device",
    "x-plex-device-name",
    "x-plex-model",
    "x-plex-device-vendor",
    "x-plex-marketplace",
];

/// The project's own spec, as [`generate`] names it in file headers.
pub const OWN_SPEC: &str = "spec/plex-auth.yaml";

/// One generated file, with its path relative to `plex-auth-client/src/generated/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the generated directory, with `/` separators.
    pub path: String,
    /// The file's full text, header included.
    pub contents: String,
}

/// How [`generate_with`] runs.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// The spec's name in the files' headers.
    pub source: &'a str,
    /// Generate the accepted operations when others are refused (listed in
    /// [`Generated::refused`]), instead of refusing the spec.
    pub keep_going: bool,
}

/// What [`generate_with`] made.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The files, for the accepted operations.
    pub files: Vec<GeneratedFile>,
    /// The operations left out, each with its place and reason (only with `keep_going`).
    pub refused: Vec<Refusal>,
    /// How many operations the spec declares.
    pub operations: usize,
    /// How many operations were generated (those of path items given by `$ref`, refused, are
    /// in [`Generated::refused`] but not in [`Generated::operations`]).
    pub accepted: usize,
}

/// Generates the client's source files from the project's spec text: strict (any refused
/// operation refuses the spec), with [`OWN_SPEC`] in the headers.
///
/// # Errors
/// See [`generate_with`].
pub fn generate(spec_text: &str) -> Result<Vec<GeneratedFile>, CodegenError> {
    let options = Options {
        source: OWN_SPEC,
        keep_going: false,
    };
    generate_with(spec_text, options).map(|generated| generated.files)
}

/// Generates the client's source files from a spec's text.
///
/// # Errors
/// Returns a [`CodegenError`] naming the problem and where it is when the spec is not valid
/// YAML, not OpenAPI 3.0 or 3.1, or breaks a rule of the document (see the crate
/// documentation). An operation that breaks a rule is refused by itself: every refused
/// operation is listed in one [`CodegenError::Refused`], or, with `keep_going`, in
/// [`Generated::refused`] while the others are generated. Never panics on bad input:
/// progenitor's panics are caught and reported against the operation at fault.
pub fn generate_with(spec_text: &str, options: Options<'_>) -> Result<Generated, CodegenError> {
    let loaded = load::load(spec_text)?;
    let operations = access::operations(&loaded.spec).len();
    let lower::Lowered {
        mut plan,
        mut refused,
    } = lower::lower(loaded)?;
    let output = loop {
        if plan.operations().next().is_none() {
            refused.sort_by_key(|r| r.place.line);
            return Err(CodegenError::Refused { refusals: refused });
        }
        match progenitor_pass::run(&plan)? {
            progenitor_pass::Outcome::Generated(output) => break output,
            progenitor_pass::Outcome::Refused(refusal) => {
                plan.remove(&refusal.operation);
                refused.push(refusal);
            }
        }
    };
    refused.sort_by_key(|r| r.place.line);
    if !refused.is_empty() && !options.keep_going {
        return Err(CodegenError::Refused { refusals: refused });
    }
    let shaped = shape::shape(&plan, &output)?;
    Ok(Generated {
        files: render::render(shaped, options.source),
        refused,
        operations,
        accepted: plan.operations().count(),
    })
}
