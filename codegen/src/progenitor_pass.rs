//! Stage 4, `progenitor_pass`: progenitor's view of the spec, and progenitor run once for the
//! client code and once for the httpmock helpers.
//!
//! The view differs from the spec in two ways:
//! - error responses become raw `application/octet-stream` bodies: Plex answers errors in JSON,
//!   XML or HTML whatever the spec says, so the runtime reads them itself (and progenitor would
//!   reject a body that is not the declared JSON without keeping its status);
//! - `pattern`, `minLength` and `maxLength` are removed from schemas: the runtime checks request
//!   fields against them before sending (the rules table), and responses must decode
//!   tolerantly.
//!
//! The mock pass also leaves out statuses that have no reason phrase (Plex's 498): progenitor's
//! httpmock generator names each `then` method after it and panics without one.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;

use openapiv3::{
    AdditionalProperties, MediaType, OpenAPI, Operation as SpecOp, Parameter,
    ParameterSchemaOrContent, PathItem, ReferenceOr, Response, Schema, SchemaKind, StatusCode,
    StringFormat, StringType, Type, VariantOrUnknownOrEmpty,
};
use proc_macro2::TokenStream;
use quote::quote;

use crate::access;
use crate::error::CodegenError;
use crate::plan::{Operation, Plan};

/// What progenitor produced for the spec.
pub(crate) struct ProgenitorOutput {
    /// The clients' code: a `types` module, the raw `Client` and its methods, a prelude.
    pub client: syn::File,
    /// The httpmock helpers (`operations` module, `MockServerExt`).
    pub mock: syn::File,
}

/// Runs progenitor over every operation of the plan.
pub(crate) fn run(plan: &Plan) -> Result<ProgenitorOutput, CodegenError> {
    let settings = settings(plan);
    let full = view(plan, None)?;
    let client = match catch(|| progenitor::Generator::new(&settings).generate_tokens(&full)) {
        Ok(tokens) => tokens,
        Err(message) => return Err(find_culprit(plan, &settings, message)),
    };
    // The client code came from the same view, so progenitor's panics on unsupported input
    // were reported there; this catch only keeps a panic from escaping.
    let mock_view = without_unnamed_statuses(full);
    let mock = catch(|| progenitor::Generator::new(&settings).httpmock(&mock_view, "crate"))
        .map_err(|message| CodegenError::Progenitor {
            culprit: "the mock module".into(),
            message,
        })?;
    Ok(ProgenitorOutput {
        client: parse(client, "the clients")?,
        mock: parse(mock, "mock.rs")?,
    })
}

fn parse(tokens: TokenStream, what: &str) -> Result<syn::File, CodegenError> {
    syn::parse2(tokens).map_err(|err| CodegenError::Emit {
        file: what.into(),
        message: format!("progenitor's output does not parse: {err}"),
    })
}

fn settings(plan: &Plan) -> progenitor::GenerationSettings {
    let mut settings = progenitor::GenerationSettings::default();
    settings
        .with_interface(progenitor::InterfaceStyle::Positional)
        .with_tag(progenitor::TagStyle::Merged)
        .with_hooks(progenitor::HooksMode::Expected)
        // Every generated client stores the runtime's per-client settings.
        .with_inner_type(quote!(crate::runtime::Context))
        // Callers compare decoded values (and tests do).
        .with_derive("PartialEq");
    for (schema, path) in &plan.replacements {
        settings.with_replacement(schema, path, std::iter::empty());
    }
    settings
}

/// Re-runs progenitor one operation at a time so the error names the operation at fault.
fn find_culprit(
    plan: &Plan,
    settings: &progenitor::GenerationSettings,
    message: String,
) -> CodegenError {
    for op in plan.clients.iter().flat_map(|c| &c.operations) {
        let single = match view(plan, Some(op)) {
            Ok(single) => single,
            Err(err) => return err,
        };
        if let Err(message) =
            catch(|| progenitor::Generator::new(settings).generate_tokens(&single))
        {
            return CodegenError::Progenitor {
                culprit: format!(
                    "operation {:?} at {}",
                    op.id,
                    plan.lines.place(op.pointer.as_str())
                ),
                message,
            };
        }
    }
    CodegenError::Progenitor {
        culprit: "the spec".into(),
        message,
    }
}

// progenitor reports several unsupported inputs by panicking. The panic hook is process-wide,
// so silencing it is serialised.
static PANIC_HOOK: Mutex<()> = Mutex::new(());

/// Calls into progenitor with its panics caught (and kept off stderr) and reported as messages.
fn catch(
    run: impl FnOnce() -> Result<TokenStream, progenitor::Error>,
) -> Result<TokenStream, String> {
    let _guard = PANIC_HOOK
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = catch_unwind(AssertUnwindSafe(run));
    std::panic::set_hook(previous);
    match result {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(err)) => Err(err.to_string()),
        Err(payload) => Err(payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .map(|message| format!("panicked: {message}"))
            .unwrap_or_else(|| "panicked".into())),
    }
}

/// The document progenitor generates from: every operation, or only `only`.
fn view(plan: &Plan, only: Option<&Operation>) -> Result<OpenAPI, CodegenError> {
    let mut spec = plan.spec.clone();
    for (path, item) in spec.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, slot) in operation_slots(item) {
            let kept = only.is_none_or(|op| op.path == *path && op.method == method);
            match slot {
                Some(operation) if kept => rewrite_operation(operation, &plan.spec),
                _ => *slot = None,
            }
        }
    }
    spec.paths.paths.retain(|_, item| {
        item.as_item()
            .is_some_and(|item| item.iter().next().is_some())
    });
    if let Some(components) = &mut spec.components {
        components.schemas.values_mut().for_each(strip_reference);
        for response in components.responses.values_mut() {
            if let ReferenceOr::Item(response) = response {
                strip_content(response.content.values_mut());
            }
        }
    }
    // Re-read: a schema left with only `allOf` (its `minLength` removed) must read as an
    // `allOf` again, as it does when written so.
    serde_json::to_value(&spec)
        .and_then(serde_json::from_value)
        .map_err(|err| CodegenError::Emit {
            file: "the progenitor view".into(),
            message: format!("the view of the spec does not round-trip: {err}"),
        })
}

/// `spec` without the responses whose status has no reason phrase: a mock answers those
/// through httpmock's own builder (`into_inner()`).
fn without_unnamed_statuses(mut spec: OpenAPI) -> OpenAPI {
    for item in spec.paths.paths.values_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (_, operation) in operation_slots(item) {
            if let Some(operation) = operation {
                operation
                    .responses
                    .responses
                    .retain(|status, _| match status {
                        StatusCode::Code(code) => http::StatusCode::from_u16(*code)
                            .ok()
                            .and_then(|status| status.canonical_reason())
                            .is_some(),
                        StatusCode::Range(_) => true,
                    });
            }
        }
    }
    spec
}

fn operation_slots(item: &mut PathItem) -> [(&'static str, &mut Option<SpecOp>); 8] {
    [
        ("get", &mut item.get),
        ("put", &mut item.put),
        ("post", &mut item.post),
        ("delete", &mut item.delete),
        ("options", &mut item.options),
        ("head", &mut item.head),
        ("patch", &mut item.patch),
        ("trace", &mut item.trace),
    ]
}

fn rewrite_operation(operation: &mut SpecOp, spec: &OpenAPI) {
    for parameter in operation.parameters.iter_mut() {
        let ReferenceOr::Item(
            Parameter::Query { parameter_data, .. }
            | Parameter::Header { parameter_data, .. }
            | Parameter::Path { parameter_data, .. }
            | Parameter::Cookie { parameter_data, .. },
        ) = parameter
        else {
            continue;
        };
        if let ParameterSchemaOrContent::Schema(schema) = &mut parameter_data.format {
            strip_reference(schema);
        }
    }
    if let Some(ReferenceOr::Item(body)) = &mut operation.request_body {
        strip_content(body.content.values_mut());
    }
    let responses = &mut operation.responses;
    if let Some(default) = &mut responses.default {
        *default = raw_error(default, spec);
    }
    for (status, response) in responses.responses.iter_mut() {
        let success = match status {
            StatusCode::Code(code) => (200..300).contains(code),
            StatusCode::Range(range) => *range == 2,
        };
        if !success {
            *response = raw_error(response, spec);
        } else if let ReferenceOr::Item(response) = response {
            strip_content(response.content.values_mut());
        }
    }
}

/// An error response as progenitor sees it: its description over raw bytes.
fn raw_error(response: &ReferenceOr<Response>, spec: &OpenAPI) -> ReferenceOr<Response> {
    let description = access::resolve_response(spec, response)
        .map(|r| r.description.clone())
        .unwrap_or_default();
    let binary = Schema {
        schema_data: Default::default(),
        schema_kind: SchemaKind::Type(Type::String(StringType {
            format: VariantOrUnknownOrEmpty::Item(StringFormat::Binary),
            ..Default::default()
        })),
    };
    let media = MediaType {
        schema: Some(ReferenceOr::Item(binary)),
        ..Default::default()
    };
    ReferenceOr::Item(Response {
        description,
        content: [("application/octet-stream".to_string(), media)]
            .into_iter()
            .collect(),
        ..Default::default()
    })
}

fn strip_content<'a>(content: impl Iterator<Item = &'a mut MediaType>) {
    for media in content {
        if let Some(schema) = &mut media.schema {
            strip_reference(schema);
        }
    }
}

fn strip_reference(schema: &mut ReferenceOr<Schema>) {
    if let ReferenceOr::Item(schema) = schema {
        strip(schema);
    }
}

fn strip_boxed(schema: &mut ReferenceOr<Box<Schema>>) {
    if let ReferenceOr::Item(schema) = schema {
        strip(schema);
    }
}

/// Removes string constraints from a schema and every schema inside it.
fn strip(schema: &mut Schema) {
    match &mut schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => {
            string.pattern = None;
            string.min_length = None;
            string.max_length = None;
        }
        SchemaKind::Type(Type::Object(object)) => {
            object.properties.values_mut().for_each(strip_boxed);
            if let Some(AdditionalProperties::Schema(inner)) = &mut object.additional_properties {
                strip_reference(inner);
            }
        }
        SchemaKind::Type(Type::Array(array)) => array.items.iter_mut().for_each(strip_boxed),
        SchemaKind::OneOf { one_of: list }
        | SchemaKind::AllOf { all_of: list }
        | SchemaKind::AnyOf { any_of: list } => list.iter_mut().for_each(strip_reference),
        SchemaKind::Not { not } => strip_reference(not),
        SchemaKind::Any(any) => {
            any.pattern = None;
            any.min_length = None;
            any.max_length = None;
            any.properties.values_mut().for_each(strip_boxed);
            any.items.iter_mut().for_each(strip_boxed);
            if let Some(AdditionalProperties::Schema(inner)) = &mut any.additional_properties {
                strip_reference(inner);
            }
            for list in [&mut any.one_of, &mut any.all_of, &mut any.any_of] {
                list.iter_mut().for_each(strip_reference);
            }
            any.not.iter_mut().for_each(|not| strip_reference(not));
        }
        SchemaKind::Type(_) => {}
    }
}
