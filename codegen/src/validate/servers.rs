//! Servers and the clients they declare with `x-rust-client`.

use openapiv3::Server;

use super::operation::Checker;
use crate::access::{self, RustClient};
use crate::error::CodegenError;
use crate::load::LineMap;
use crate::naming::{is_camel_case, is_snake_case};

/// Module names the generated code already uses next to the clients.
const RESERVED_MODULES: [&str; 3] = ["types", "runtime", "mock"];

/// A client declared by a server.
#[derive(Debug, Clone)]
pub(crate) struct DeclaredClient {
    /// The server URL as written (may hold `{variables}`).
    pub url: String,
    /// The server's description.
    pub description: Option<String>,
    /// Its `x-rust-client`.
    pub rust: RustClient,
}

/// The clients declared so far.
pub(super) struct Clients<'a> {
    lines: &'a LineMap,
    declared: Vec<DeclaredClient>,
}

impl<'a> Clients<'a> {
    pub(super) fn new(lines: &'a LineMap) -> Self {
        Self {
            lines,
            declared: Vec::new(),
        }
    }

    pub(super) fn into_declared(self) -> Vec<DeclaredClient> {
        self.declared
    }

    fn error(&self, pointer: String, message: String) -> CodegenError {
        CodegenError::Document {
            place: self.lines.place(pointer),
            message,
        }
    }

    /// Registers the client a server object declares with `x-rust-client`, or checks the
    /// declaration against the client its URL already has. A server without the extension
    /// declares nothing: its URL must be declared on another appearance.
    pub(super) fn declare(&mut self, server: &Server, pointer: &str) -> Result<(), CodegenError> {
        let url = &server.url;
        let declared = access::extension::<RustClient>(server.extensions.get("x-rust-client"))
            .transpose()
            .map_err(|message| {
                self.error(
                    format!("{pointer}/x-rust-client"),
                    format!("x-rust-client must be {{ name, module }}: {message}"),
                )
            })?;
        let Some(rust) = declared else {
            return Ok(());
        };
        if let Some(known) = self.declared.iter().find(|c| c.url == *url) {
            if rust != known.rust {
                return Err(self.error(
                    format!("{pointer}/x-rust-client"),
                    format!(
                        "server {url} is already declared as client {}",
                        known.rust.name
                    ),
                ));
            }
            return Ok(());
        }
        self.check_names(&rust, pointer)?;
        self.declared.push(DeclaredClient {
            url: url.clone(),
            description: server.description.clone(),
            rust,
        });
        Ok(())
    }

    /// Checks that a server's URL has a client.
    pub(super) fn known(&self, server: &Server, pointer: &str) -> Result<(), CodegenError> {
        if self.declared.iter().any(|c| c.url == server.url) {
            return Ok(());
        }
        Err(self.error(
            pointer.into(),
            format!(
                "unknown server {}: declare its client with x-rust-client {{ name, module }} on \
                 one of the server's appearances",
                server.url
            ),
        ))
    }

    fn check_names(&self, rust: &RustClient, pointer: &str) -> Result<(), CodegenError> {
        for (key, valid) in [
            ("name", is_camel_case(&rust.name)),
            ("module", is_snake_case(&rust.module)),
        ] {
            if !valid {
                return Err(self.error(
                    format!("{pointer}/x-rust-client/{key}"),
                    format!("x-rust-client.{key} must be a Rust identifier of the right case"),
                ));
            }
        }
        if RESERVED_MODULES.contains(&rust.module.as_str()) {
            return Err(self.error(
                format!("{pointer}/x-rust-client/module"),
                format!("module name {} is reserved", rust.module),
            ));
        }
        if let Some(other) = self
            .declared
            .iter()
            .find(|c| c.rust.name == rust.name || c.rust.module == rust.module)
        {
            return Err(self.error(
                format!("{pointer}/x-rust-client"),
                format!(
                    "client {} (module {}) clashes with the client of {}",
                    rust.name, rust.module, other.url
                ),
            ));
        }
        Ok(())
    }

    /// Declares the client of an operation's own server, when it carries `x-rust-client`.
    pub(super) fn declare_operation(&mut self, checker: &Checker<'_>) -> Result<(), CodegenError> {
        match access::operation_servers(checker.op) {
            Some((servers, pointer)) => servers
                .iter()
                .enumerate()
                .try_for_each(|(index, server)| self.declare(server, &format!("{pointer}/{index}")))
                .map_err(|err| against(checker, err)),
            None => Ok(()),
        }
    }

    /// Checks that the operation resolves to exactly one server with a client.
    pub(super) fn serve(&self, checker: &Checker<'_>, has_root: bool) -> Result<(), CodegenError> {
        let Some((servers, pointer)) = access::operation_servers(checker.op) else {
            if has_root {
                return Ok(());
            }
            return Err(checker.error(
                checker.op.pointer.clone(),
                "no server: neither the operation nor the document declares one",
            ));
        };
        match servers {
            [server] => self
                .known(server, &format!("{pointer}/0"))
                .map_err(|err| against(checker, err)),
            _ => Err(checker.error(
                pointer,
                format!(
                    "exactly one server per operation is supported, found {}",
                    servers.len()
                ),
            )),
        }
    }
}

/// A server error reported against the operation whose server it is.
fn against(checker: &Checker<'_>, err: CodegenError) -> CodegenError {
    match err {
        CodegenError::Document { place, message } => CodegenError::Operation {
            operation: checker.id.into(),
            place,
            message,
        },
        other => other,
    }
}
