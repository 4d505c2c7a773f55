//! Servers and the clients they declare with `x-rust-client`.

use openapiv3::Server;

use openapiv3::OpenAPI;

use crate::access::{self, RustClient, SpecOperation};
use crate::error::CodegenError;
use crate::ir::Client;
use crate::load::LineMap;
use crate::naming::{is_camel_case, is_snake_case};

/// Module names the generated code already uses next to the clients.
const RESERVED_MODULES: [&str; 3] = ["types", "runtime", "mock"];

/// A client declared by a server.
#[derive(Debug, Clone)]
struct DeclaredClient {
    /// The server URL as written (may hold `{variables}`).
    pub url: String,
    /// The server's description.
    pub description: Option<String>,
    /// Its `x-rust-client`.
    pub rust: RustClient,
}

/// The clients the servers declare.
pub(super) struct Clients<'a> {
    lines: &'a LineMap,
    declared: Vec<DeclaredClient>,
    /// Whether the document has a root server (operations without servers of their own land
    /// on its client).
    has_root: bool,
}

impl<'a> Clients<'a> {
    /// Declares the clients, from every server that declares one first, so that the
    /// declaration may sit on any appearance of a server, whatever the order of paths.
    pub(super) fn declare(
        spec: &OpenAPI,
        lines: &'a LineMap,
        operations: &[SpecOperation<'_>],
        ids: &[&str],
    ) -> Result<Self, CodegenError> {
        let mut clients = Self {
            lines,
            declared: Vec::new(),
            has_root: false,
        };
        let root = match spec.servers.as_slice() {
            [] => None,
            [root] => Some(root),
            _ => {
                return Err(CodegenError::Document {
                    place: lines.place("/servers/1"),
                    message: "only one root server is supported: each server becomes one client"
                        .into(),
                });
            }
        };
        if let Some(root) = root {
            clients.declare_server(root, "/servers/0")?;
            clients.has_root = true;
        }
        for (op, id) in operations.iter().zip(ids) {
            clients.declare_operation(op, id)?;
        }
        if let Some(root) = root {
            clients.known(root, "/servers/0")?;
        }
        Ok(clients)
    }

    /// The clients, without operations yet, in the order their servers first appear.
    pub(super) fn into_clients(self) -> Vec<Client> {
        self.declared
            .into_iter()
            .map(|client| Client {
                templated: client.url.contains('{'),
                name: client.rust.name,
                module: client.rust.module,
                url: client.url,
                description: client.description,
                operations: Vec::new(),
            })
            .collect()
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
    fn declare_server(&mut self, server: &Server, pointer: &str) -> Result<(), CodegenError> {
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
    fn known(&self, server: &Server, pointer: &str) -> Result<(), CodegenError> {
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
    fn declare_operation(&mut self, op: &SpecOperation<'_>, id: &str) -> Result<(), CodegenError> {
        match access::operation_servers(op) {
            Some((servers, pointer)) => servers
                .iter()
                .enumerate()
                .try_for_each(|(index, server)| {
                    self.declare_server(server, &format!("{pointer}/{index}"))
                })
                .map_err(|err| against(id, err)),
            None => Ok(()),
        }
    }

    /// The index of the client serving the operation: the one of its own server, else the
    /// root server's.
    pub(super) fn serving(&self, op: &SpecOperation<'_>, id: &str) -> Result<usize, CodegenError> {
        let error = |pointer: String, message: String| CodegenError::Operation {
            operation: id.into(),
            place: self.lines.place(pointer),
            message,
        };
        let url = match access::operation_servers(op) {
            None if self.has_root => None,
            None => {
                return Err(error(
                    op.pointer.clone(),
                    "no server: neither the operation nor the document declares one".into(),
                ));
            }
            Some((servers, pointer)) => match servers {
                [server] => {
                    self.known(server, &format!("{pointer}/0"))
                        .map_err(|err| against(id, err))?;
                    Some(server.url.as_str())
                }
                _ => {
                    return Err(error(
                        pointer,
                        format!(
                            "exactly one server per operation is supported, found {}",
                            servers.len()
                        ),
                    ));
                }
            },
        };
        // The root server's client is the first declared.
        let index = match url {
            Some(url) => self.declared.iter().position(|client| client.url == url),
            None => Some(0),
        };
        index.ok_or_else(|| {
            error(
                op.pointer.clone(),
                "internal: no client for the server".into(),
            )
        })
    }
}

/// A server error reported against the operation whose server it is.
fn against(id: &str, err: CodegenError) -> CodegenError {
    match err {
        CodegenError::Document { place, message } => CodegenError::Operation {
            operation: id.into(),
            place,
            message,
        },
        other => other,
    }
}
