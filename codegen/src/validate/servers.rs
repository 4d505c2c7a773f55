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

    /// Registers the client a server object declares, or checks it against the one its URL
    /// already has.
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
        if let Some(known) = self.declared.iter().find(|c| c.url == *url) {
            return match declared {
                Some(declared) if declared != known.rust => Err(self.error(
                    format!("{pointer}/x-rust-client"),
                    format!(
                        "server {url} is already declared as client {}",
                        known.rust.name
                    ),
                )),
                _ => Ok(()),
            };
        }
        let Some(rust) = declared else {
            return Err(self.error(
                pointer.into(),
                format!(
                    "unknown server {url}: declare its client with x-rust-client {{ name, module }} \
                     where the server first appears"
                ),
            ));
        };
        self.check_names(&rust, pointer)?;
        self.declared.push(DeclaredClient {
            url: url.clone(),
            description: server.description.clone(),
            rust,
        });
        Ok(())
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

    /// Checks that the operation resolves to exactly one server, declaring its client.
    pub(super) fn serve(
        &mut self,
        checker: &Checker<'_>,
        has_root: bool,
    ) -> Result<(), CodegenError> {
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
                .declare(server, &format!("{pointer}/0"))
                .map_err(|err| checker.error(pointer.clone(), document_message(err))),
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

/// A server error reported against an operation keeps the server's own place in its text.
fn document_message(err: CodegenError) -> String {
    err.to_string()
}
