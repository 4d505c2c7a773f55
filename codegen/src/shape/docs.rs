//! The docs of the public clients and their methods.

use std::fmt::Write as _;

use crate::ir::{Client, ErrorResponse, Operation, ParameterLocation, SuccessBody, ValueShape};

/// The client type's doc: its server and its operations.
pub(super) fn client_doc(client: &Client) -> String {
    let mut doc = format!("Client for the operations served by `{}`", client.url);
    match &client.description {
        Some(description) => doc.push_str(&format!(": {}\n", description.trim_end())),
        None => doc.push_str(".\n"),
    }
    doc.push_str("\nOperations:\n");
    for op in &client.operations {
        let method = &op.names.method;
        let summary = op.summary.as_deref().unwrap_or(&op.id);
        let _ = writeln!(doc, "- [`{method}`]({}::{method}): {summary}", client.name);
    }
    doc.push_str(
        "\nCloning is cheap: clones share the connection pool. Every request carries the client \
         identity headers and `Accept: application/json`.",
    );
    doc
}

/// The doc of `builder`.
pub(super) fn constructor_doc(client: &Client) -> String {
    let url = &client.url;
    if client.templated {
        format!(
            "Starts a client for a server at `server_url` (the spec's server is `{url}`).\n\n\
             The URL is checked when the builder builds."
        )
    } else {
        format!(
            "Starts a client for `{url}`; [`ClientBuilder::base_url`](crate::ClientBuilder::base_url) \
             points it elsewhere (a proxy, a test server)."
        )
    }
}

/// An operation method's doc: summary, description, request, errors, example.
pub(super) fn method_doc(client: &Client, op: &Operation) -> String {
    let mut doc = String::new();
    if let Some(summary) = &op.summary {
        let _ = write!(doc, "{}.\n\n", summary.trim_end());
    }
    if let Some(description) = &op.description {
        let _ = write!(doc, "{}\n\n", description.trim_end());
    }
    let token = if op.sends_token {
        " with the client's token"
    } else {
        ", without a token"
    };
    let _ = write!(
        doc,
        "Sends `{} {}` (operation `{}`){token}.\n\n",
        op.method, op.path, op.id
    );
    request_doc(&mut doc, op);
    doc.push_str("# Errors\n\nFails with [`crate::Error`].");
    if !op.errors.is_empty() {
        doc.push_str(" Declared error responses:\n");
        for line in error_lines(&op.errors) {
            doc.push_str(&line);
        }
    }
    doc.push_str(
        "\nAny other status, a body that does not decode, a transport failure or a timeout is \
         reported too; [`Error::kind`](crate::Error::kind) tells them apart.\n",
    );
    if let Some(example) = &op.example {
        example_doc(&mut doc, client, op, example);
    }
    doc
}

/// The parameters as spec'd, the options struct, the path checks, and a success without a
/// body.
fn request_doc(doc: &mut String, op: &Operation) {
    if !op.parameters.is_empty() {
        let parameters: Vec<String> = op
            .parameters
            .iter()
            .map(|p| {
                let required = if p.required { "required" } else { "optional" };
                let rust = if p.rust_name == p.wire_name {
                    String::new()
                } else {
                    format!(" as `{}`", p.rust_name)
                };
                format!(
                    "`{}`{rust} ({}, `{}`, {required})",
                    p.wire_name, p.location, p.schema
                )
            })
            .collect();
        let _ = write!(doc, "Parameters: {}.\n\n", parameters.join(", "));
    }
    let options = op.options();
    if !options.is_empty() {
        let names: Vec<String> = options
            .iter()
            .map(|p| format!("`{}`", p.wire_name))
            .collect();
        let _ = write!(
            doc,
            "The optional parameters ({}) are given in `options`: \
             [`{}Options`](super::types::{}Options).\n\n",
            names.join(", "),
            op.names.pascal,
            op.names.pascal
        );
    }
    let path_checked: Vec<String> = op
        .parameters
        .iter()
        .filter(|p| p.location == ParameterLocation::Path && !p.schema.is_scalar_non_text())
        .map(|p| format!("`{}`", p.wire_name))
        .collect();
    if !path_checked.is_empty() {
        let _ = write!(
            doc,
            "A path parameter ({}) whose segment would be empty, `.` or `..` is refused before \
             sending ([`InvalidInput`](crate::ErrorKind::InvalidInput)): it would change the \
             path the request goes to.\n\n",
            path_checked.join(", ")
        );
    }
    let styled: Vec<String> = op
        .parameters
        .iter()
        .filter(|p| p.shape != ValueShape::Scalar)
        .map(|p| {
            let explode = if p.explode { ", exploded" } else { "" };
            format!("`{}` (style {}{explode})", p.wire_name, p.style)
        })
        .collect();
    if !styled.is_empty() {
        let _ = write!(
            doc,
            "Lists and objects are written in their OpenAPI style: {}.\n\n",
            styled.join(", ")
        );
    }
    let statuses: Vec<String> = op
        .success
        .statuses
        .iter()
        .map(ToString::to_string)
        .collect();
    let statuses = if statuses.is_empty() {
        "any 2xx".to_string()
    } else {
        statuses.join(", ")
    };
    let accept = if op.accept.is_empty() {
        "application/octet-stream".to_string()
    } else {
        op.accept.join(", ")
    };
    match op.success.body {
        SuccessBody::Empty => {
            let _ = write!(
                doc,
                "A success ({statuses}) is answered without a body read: the response holds \
                 `()`.\n\n"
            );
        }
        SuccessBody::Bytes => {
            let _ = write!(
                doc,
                "A success ({statuses}) answers bytes (sent with `Accept: {accept}`), read up \
                 to the client's size limit.\n\n"
            );
        }
        SuccessBody::Text => {
            let _ = write!(
                doc,
                "A success ({statuses}) answers text (sent with `Accept: {accept}`): a body \
                 that is not UTF-8 is a decode error.\n\n"
            );
        }
        SuccessBody::Json => {}
    }
}

/// One line per distinct description: `` - `400`, `401` ([`Kind`](crate::ErrorKind::Kind)): … ``.
fn error_lines(errors: &[ErrorResponse]) -> Vec<String> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for error in errors {
        let description = first_paragraph(&error.description);
        let status = status_with_kinds(error);
        match groups.iter_mut().find(|(d, _)| *d == description) {
            Some((_, statuses)) => statuses.push(status),
            None => groups.push((description, vec![status])),
        }
    }
    groups
        .into_iter()
        .map(|(description, statuses)| format!("- {}: {description}\n", statuses.join(", ")))
        .collect()
}

fn status_with_kinds(error: &ErrorResponse) -> String {
    if error.kinds.is_empty() {
        return format!("`{}`", error.status);
    }
    let links: Vec<String> = error
        .kinds
        .iter()
        .map(|kind| format!("[`{kind}`](crate::ErrorKind::{kind})"))
        .collect();
    format!("`{}` ({})", error.status, links.join(", "))
}

/// The first paragraph of a description, on one line.
fn first_paragraph(description: &str) -> String {
    let paragraph = description.split("\n\n").next().unwrap_or_default();
    paragraph.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn example_doc(doc: &mut String, client: &Client, op: &Operation, example: &str) {
    let builder = if client.templated {
        format!(
            "plex_auth_client::{}::builder(\"http://192.168.1.10:32400\", identity)",
            client.name
        )
    } else {
        format!("plex_auth_client::{}::builder(identity)", client.name)
    };
    let token = if op.sends_token {
        ".token(\"<YOUR_PLEX_TOKEN>\")"
    } else {
        ""
    };
    doc.push_str("\n# Example\n\n```no_run\n");
    doc.push_str("# async fn example() -> Result<(), Box<dyn std::error::Error>> {\n");
    // One identifier per installation, kept from run to run: a new one is a new device.
    doc.push_str(
        "// One identifier per installation, kept in the application's config folder.\n\
         let id = plex_auth_client::load_or_create_client_identifier(\n    \
         \"/home/me/.config/my-app/client-identifier\",\n)?;\n\
         let identity = plex_auth_client::ClientIdentity::new(id, \"My App\", \"1.0.0\")\n    \
         .platform(\"Linux\")\n    .device(\"Server\");\n",
    );
    let _ = writeln!(doc, "let client = {builder}{token}.build()?;");
    doc.push_str(example.trim_end());
    doc.push_str("\n# Ok(())\n# }\n```\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(status: u16, description: &str, kinds: &[&str]) -> ErrorResponse {
        ErrorResponse {
            status: crate::ir::ResponseStatus::Code(status),
            description: description.into(),
            kinds: kinds.iter().map(|k| k.to_string()).collect(),
        }
    }

    #[test]
    fn statuses_sharing_a_description_share_a_line_and_link_their_kinds() {
        let lines = error_lines(&[
            error(400, "Envelope.\n\nMore.", &[]),
            error(401, "Envelope.", &["InvalidToken", "LockedOut"]),
            error(404, "Not  found.", &[]),
        ]);
        assert_eq!(
            lines,
            [
                "- `400`, `401` ([`InvalidToken`](crate::ErrorKind::InvalidToken), \
                 [`LockedOut`](crate::ErrorKind::LockedOut)): Envelope.\n",
                "- `404`: Not found.\n",
            ]
        );
    }
}
