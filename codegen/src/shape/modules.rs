//! `mod.rs`: the modules, the re-export of each client, and the mock module behind its feature.

use quote::{format_ident, quote};

use super::{mock, parse_file};
use crate::error::CodegenError;
use crate::ir::Plan;

/// The generated `mod.rs`.
pub(super) fn mod_file(plan: &Plan) -> Result<syn::File, CodegenError> {
    let modules = plan.clients.iter().map(|client| {
        let module = format_ident!("{}", client.module);
        let name = format_ident!("{}", client.name);
        let doc = format!("The operations served by `{}`.", client.url);
        quote! {
            #[doc = #doc]
            pub mod #module;
            pub use #module::#name;
        }
    });
    let feature = mock::FEATURE;
    let tokens = quote! {
        pub mod types;
        #(#modules)*
        /// Typed [httpmock](https://docs.rs/httpmock) helpers for every operation, for tests
        /// (feature `mock`).
        #[cfg(feature = #feature)]
        pub mod mock;
    };
    parse_file(tokens, "mod.rs")
}
