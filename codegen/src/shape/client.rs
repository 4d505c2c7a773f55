//! `<client>.rs`: the public client (`facade`), its operations' descriptions (`table`), and
//! progenitor's raw client with this client's request builders, kept private in `mod raw`.

use quote::quote;

use super::{emit_error, facade, parse_file, table};
use crate::error::CodegenError;
use crate::ir::Client;
use crate::progenitor_pass::ProgenitorOutput;

/// One client's file.
pub(super) fn client_file(
    client: &Client,
    output: &ProgenitorOutput,
) -> Result<syn::File, CodegenError> {
    let file_name = format!("{}.rs", client.module);
    let mut methods = Vec::new();
    let mut raw_methods = Vec::new();
    for op in &client.operations {
        let raw = output
            .methods
            .get(&op.names.method)
            .ok_or_else(|| emit_error(&file_name, format!("no request builder for {}", op.id)))?;
        methods.push(facade::method(client, op, raw, &file_name)?);
        raw_methods.push(&raw.function);
    }
    let facade = facade::client_type(client, &methods);
    let statics = client.operations.iter().map(table::operation_static);
    let support = &output.support;
    let tokens = quote! {
        use super::types;
        #facade
        #(#statics)*
        /// progenitor's client for these operations: each method builds the request of one
        /// operation, which the public client hands to the runtime.
        #[allow(clippy::all, dead_code, missing_docs, unused_imports)]
        mod raw {
            use super::types;
            #(#support)*
            impl Client {
                #(#raw_methods)*
            }
        }
    };
    parse_file(tokens, &file_name)
}
