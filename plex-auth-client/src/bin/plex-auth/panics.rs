//! A panic is a bug, and is reported as one: one line naming where it happened, never its
//! message (it can quote any value, a secret included) nor a backtrace, whatever
//! `RUST_BACKTRACE` says. `main` then exits with code 1.

use std::any::Any;
use std::io::Write;

use crate::exit;

/// Replaces the default panic report (message and backtrace) with one line.
pub(crate) fn install_hook() {
    std::panic::set_hook(Box::new(|info| {
        // Writing goes through one handle that ends the program on a closed stdout; a `print!`
        // somewhere else would panic on it instead, and ends the same way here.
        if is_closed_stdout(info.payload()) {
            std::process::exit(exit::CLOSED_STDOUT.into());
        }
        let place = info
            .location()
            .map(|at| format!(" at {}:{}", at.file(), at.line()))
            .unwrap_or_default();
        let mut stderr = std::io::stderr().lock();
        let _ = writeln!(
            stderr,
            "plex-auth: error: internal error{place}; this is a bug, please report it"
        );
    }));
}

/// Whether a panic is std's `print!` failing on a closed stdout.
fn is_closed_stdout(payload: &(dyn Any + Send)) -> bool {
    let message = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or_default();
    message.starts_with("failed printing to stdout")
        && message.contains(&std::io::Error::from(std::io::ErrorKind::BrokenPipe).to_string())
}
