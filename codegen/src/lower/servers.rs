//! Servers and the clients they declare with `x-rust-client`.
//!
//! A server URL belongs to the client its `x-rust-client` names, declared on any one of its
//! appearances. Several URLs may name one client (a server reached in several address forms):
//! the client's default URL is the first of them in the document. An operation lands on the
//! client of its servers (its own, its path item's, else the document's); all of them must
//! belong to that one client.

use openapiv3::{OpenAPI, Server};

use crate::access::{self, RustClient, SpecOperation};
use crate::error::{CodegenError, Place};
use crate::ir::Client;
use crate::load::LineMap;
use crate::naming::{is_camel_case, is_snake_case};

/// Module names the generated code already uses next to the clients.
const RESERVED_MODULES: [&str; 3] = ["types", "runtime", "mock"];

/// A client declared by servers.
#[derive(Debug, Clone)]
struct DeclaredClient {
    /// Its server URLs as written (may hold `{variables}`), the default first.
    urls: Vec<String>,
    /// The description of the server that declared it first.
    description: Option<String>,
    rust: RustClient,
}

/// The clients the servers declare.
pub(super) struct Clients<'a> {
    lines: &'a LineMap,
    declared: Vec<DeclaredClient>,
    /// The client of the document's servers, if it has any.
    root: Option<usize>,
}

impl<'a> Clients<'a> {
    /// Declares the clients, from every server that declares one, first the document's then
    /// the operations': a declaration may sit on any appearance of a server, whatever the
    /// order of paths. A malformed declaration on an operation's server is that operation's
    /// problem: it is returned with the operation's index, and the others go on.
    pub(super) fn declare(
        spec: &OpenAPI,
        lines: &'a LineMap,
        operations: &[SpecOperation<'_>],
    ) -> Result<(Self, Vec<(usize, CodegenError)>), CodegenError> {
        let mut clients = Self {
            lines,
            declared: Vec::new(),
            root: None,
        };
        for (index, server) in spec.servers.iter().enumerate() {
            clients.declare_server(server, &format!("/servers/{index}"))?;
        }
        let mut failed = Vec::new();
        for (index, op) in operations.iter().enumerate() {
            if let Some((servers, pointer)) = access::operation_servers(op) {
                for (at, server) in servers.iter().enumerate() {
                    if let Err(err) = clients.declare_server(server, &format!("{pointer}/{at}")) {
                        failed.push((index, err));
                        break;
                    }
                }
            }
        }
        if !spec.servers.is_empty() {
            clients.root = Some(clients.client_of(&spec.servers, "/servers")?);
        }
        Ok((clients, failed))
    }

    /// The clients, without operations yet, in the order they were declared.
    pub(super) fn into_clients(self) -> Vec<Client> {
        self.declared
            .into_iter()
            .map(|client| {
                let url = client.urls.first().cloned().unwrap_or_default();
                Client {
                    templated: url.contains('{'),
                    name: client.rust.name,
                    module: client.rust.module,
                    url,
                    description: client.description,
                    operations: Vec::new(),
                }
            })
            .collect()
    }

    fn error(&self, pointer: String, message: String) -> CodegenError {
        CodegenError::Document {
            place: self.lines.place(pointer),
            message,
        }
    }

    /// Registers the client a server declares with `x-rust-client`, and the server's URL as one
    /// of that client's. A server without the extension declares nothing: its URL must be
    /// declared on another appearance.
    fn declare_server(&mut self, server: &Server, pointer: &str) -> Result<(), CodegenError> {
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
        let url = &server.url;
        if let Some(known) = self
            .declared
            .iter()
            .find(|c| c.urls.contains(url) && c.rust != rust)
        {
            return Err(self.error(
                format!("{pointer}/x-rust-client"),
                format!(
                    "server {url} is already declared as client {}",
                    known.rust.name
                ),
            ));
        }
        if let Some(known) = self.declared.iter_mut().find(|c| c.rust == rust) {
            if !known.urls.contains(url) {
                known.urls.push(url.clone());
            }
            return Ok(());
        }
        self.check_names(&rust, pointer)?;
        self.declared.push(DeclaredClient {
            urls: vec![url.clone()],
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
                    rust.name,
                    rust.module,
                    other.urls.first().map(String::as_str).unwrap_or_default()
                ),
            ));
        }
        Ok(())
    }

    /// The one client of a list of servers: each must have one, the same.
    fn client_of(&self, servers: &[Server], pointer: &str) -> Result<usize, CodegenError> {
        let mut found: Option<usize> = None;
        for (index, server) in servers.iter().enumerate() {
            let at = format!("{pointer}/{index}");
            let client = self
                .declared
                .iter()
                .position(|c| c.urls.contains(&server.url))
                .ok_or_else(|| {
                    self.error(
                        at.clone(),
                        format!(
                            "unknown server {}: declare its client with x-rust-client {{ name, \
                             module }} on one of the server's appearances",
                            server.url
                        ),
                    )
                })?;
            match found {
                Some(first) if first != client => {
                    return Err(self.error(
                        at,
                        format!(
                            "the servers of one place must belong to one client: {} is {}'s, \
                             {} is {}'s",
                            servers[0].url,
                            self.declared[first].rust.name,
                            server.url,
                            self.declared[client].rust.name
                        ),
                    ));
                }
                _ => found = Some(client),
            }
        }
        found.ok_or_else(|| self.error(pointer.into(), "no server".into()))
    }

    /// The index of the client serving the operation.
    pub(super) fn serving(&self, op: &SpecOperation<'_>) -> Result<usize, (Place, String)> {
        let documentless = || {
            (
                self.lines.place(op.pointer.as_str()),
                "no server: neither the operation nor the document declares one".to_string(),
            )
        };
        match access::operation_servers(op) {
            None => self.root.ok_or_else(documentless),
            Some((servers, pointer)) => {
                self.client_of(servers, &pointer).map_err(|err| match err {
                    CodegenError::Document { place, message } => (place, message),
                    other => (self.lines.place(op.pointer.as_str()), other.to_string()),
                })
            }
        }
    }
}
