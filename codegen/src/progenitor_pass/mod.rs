//! Stage 3, `progenitor_pass`: progenitor run over its view of the spec (`view`), and every
//! fix to its output made here, on its syntax tree (`fix`). Later stages take its pieces as
//! they are.
//!
//! progenitor is used for what it does well: the types (typify) and the building of each
//! request (URL, path encoding, query, headers, body). The answer is the runtime's: the view
//! declares one success per operation and no error response (the runtime reads error bodies
//! itself, whatever their form), and `fix` turns each of progenitor's methods into a request
//! builder that the public client hands to the runtime with the operation's description.

mod fix;
mod view;

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use proc_macro2::TokenStream;
use quote::quote;

use crate::error::{CodegenError, Refusal};
use crate::ir::{Operation, Plan};

pub(crate) use fix::{ProgenitorOutput, RawMethod};

/// What one run gave: the output, or an operation progenitor cannot generate (the caller
/// leaves it out and runs again).
pub(crate) enum Outcome {
    Generated(ProgenitorOutput),
    Refused(Refusal),
}

/// Runs progenitor over every operation of the plan and fixes its output.
pub(crate) fn run(plan: &Plan) -> Result<Outcome, CodegenError> {
    let settings = settings(plan);
    let full = view::view(plan, None)?;
    let tokens = match catch(|| progenitor::Generator::new(&settings).generate_tokens(&full)) {
        Ok(tokens) => tokens,
        Err(message) => return find_culprit(plan, &settings, message),
    };
    let file: syn::File = syn::parse2(tokens).map_err(|err| CodegenError::Emit {
        file: "the clients".into(),
        message: format!("progenitor's output does not parse: {err}"),
    })?;
    fix::fix(plan, file).map(Outcome::Generated)
}

fn settings(plan: &Plan) -> progenitor::GenerationSettings {
    let mut settings = progenitor::GenerationSettings::default();
    settings
        .with_interface(progenitor::InterfaceStyle::Positional)
        .with_tag(progenitor::TagStyle::Merged)
        // The methods become request builders (see `fix`): no hook is ever called, so
        // progenitor's empty default hooks are enough.
        .with_hooks(progenitor::HooksMode::Optional)
        // Every generated client stores the runtime's per-client settings.
        .with_inner_type(quote!(crate::runtime::Context))
        // Callers compare decoded values (and tests do).
        .with_derive("PartialEq");
    for replacement in &plan.replacements {
        settings.with_replacement(
            &replacement.schema,
            &replacement.rust_type,
            std::iter::empty(),
        );
    }
    settings
}

/// The operation at fault: the last of the shortest run of the plan's first operations that
/// progenitor refuses (found by halving, so that a large spec costs a few runs, not one per
/// operation). A refusal that only a combination of operations causes is put on the operation
/// that completes it.
fn find_culprit(
    plan: &Plan,
    settings: &progenitor::GenerationSettings,
    message: String,
) -> Result<Outcome, CodegenError> {
    let operations: Vec<&Operation> = plan.operations().collect();
    let fails = |count: usize| -> Result<Option<String>, CodegenError> {
        let view = view::view(plan, Some(count))?;
        Ok(catch(|| progenitor::Generator::new(settings).generate_tokens(&view)).err())
    };
    if let Some(message) = fails(0)? {
        return Err(CodegenError::Progenitor {
            culprit: "the spec's components".into(),
            message,
        });
    }
    // Invariant: the first `low` operations pass, the first `high` fail with `failure`.
    let (mut low, mut high, mut failure) = (0, operations.len(), message);
    while high - low > 1 {
        let middle = low + (high - low) / 2;
        match fails(middle)? {
            Some(message) => {
                high = middle;
                failure = message;
            }
            None => low = middle,
        }
    }
    let Some(op) = operations.get(high.saturating_sub(1)) else {
        return Err(CodegenError::Progenitor {
            culprit: "the spec".into(),
            message: failure,
        });
    };
    Ok(Outcome::Refused(Refusal {
        operation: op.id.clone(),
        place: plan.lines.place(op.pointer.as_str()),
        reason: format!("progenitor cannot generate it: {failure}"),
    }))
}

thread_local! {
    /// Set while this thread runs progenitor: its panics are expected, caught and reported.
    static SILENT: Cell<bool> = const { Cell::new(false) };
}

/// progenitor reports several unsupported inputs by panicking. The panic hook is process-wide:
/// one hook is installed, once, that keeps quiet only on a thread inside [`catch`] and hands
/// every other panic to the hook that was there before, so other threads' panics still show.
fn install_quiet_hook() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| std::panic::set_hook(quiet(std::panic::take_hook())));
}

type PanicHook = Box<dyn Fn(&std::panic::PanicHookInfo<'_>) + Sync + Send + 'static>;

/// `previous`, silent on a thread inside [`catch`].
fn quiet(previous: PanicHook) -> PanicHook {
    Box::new(move |info| {
        if !SILENT.with(Cell::get) {
            previous(info);
        }
    })
}

/// Calls into progenitor with its panics caught (and kept off stderr) and reported as messages.
fn catch(
    run: impl FnOnce() -> Result<TokenStream, progenitor::Error>,
) -> Result<TokenStream, String> {
    install_quiet_hook();
    let was_silent = SILENT.with(|silent| silent.replace(true));
    let result = catch_unwind(AssertUnwindSafe(run));
    SILENT.with(|silent| silent.set(was_silent));
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

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[test]
    fn panics_of_other_threads_still_reach_the_hook_that_was_there() {
        let seen: Arc<Mutex<Vec<String>>> = Arc::default();
        let record = Arc::clone(&seen);
        // Set as `install_quiet_hook` sets it, whether it ran already in this process or not.
        std::panic::set_hook(quiet(Box::new(move |info| {
            let message = info.payload().downcast_ref::<&str>().copied();
            let mut record = record.lock().unwrap_or_else(|p| p.into_inner());
            record.push(message.unwrap_or("?").to_string());
        })));
        let result = catch(|| {
            let _ = std::thread::spawn(|| panic!("elsewhere")).join();
            panic!("progenitor's own")
        });
        assert_eq!(result.err().as_deref(), Some("panicked: progenitor's own"));
        let seen = seen.lock().unwrap_or_else(|p| p.into_inner());
        assert_eq!(*seen, ["elsewhere"]);
    }
}
