//! The PIN wait's progress: on a terminal, the code and the time left on one line of stderr,
//! updated in place each second and cleared when the wait ends. Without a terminal, nothing:
//! a log gets no carriage returns.

use std::future::Future;
use std::io::{IsTerminal, Write};
use std::time::Duration;

use tokio::time::Instant;

/// A countdown line on stderr, when stderr is a terminal.
pub(crate) struct Countdown {
    code: String,
    ends: Instant,
    /// The width of the line on screen, to blank what a shorter line leaves.
    shown: usize,
}

impl Countdown {
    /// A countdown to `ends` for `code`; `None` when stderr is not a terminal.
    pub(crate) fn on_terminal(code: &str, ends: Instant) -> Option<Self> {
        std::io::stderr().is_terminal().then(|| Self {
            code: code.to_string(),
            ends,
            shown: 0,
        })
    }

    /// Runs `wait`, redrawing the line each second meanwhile; clears it at the end.
    pub(crate) async fn around<T>(countdown: Option<Self>, wait: impl Future<Output = T>) -> T {
        let Some(mut countdown) = countdown else {
            return wait.await;
        };
        tokio::pin!(wait);
        let mut ticks = tokio::time::interval(Duration::from_secs(1));
        let result = loop {
            tokio::select! {
                result = &mut wait => break result,
                _ = ticks.tick() => countdown.draw(),
            }
        };
        countdown.clear();
        result
    }

    fn draw(&mut self) {
        let left = self.ends.saturating_duration_since(Instant::now());
        let (text, width) = frame(&line(&self.code, left), self.shown);
        self.shown = width;
        write_stderr(&text);
    }

    fn clear(&mut self) {
        if self.shown > 0 {
            write_stderr(&format!("\r{}\r", " ".repeat(self.shown)));
        }
    }
}

/// "plex-auth: waiting for the approval of code ABCD: 14:59 left".
pub(crate) fn line(code: &str, left: Duration) -> String {
    let seconds = left.as_secs();
    format!(
        "plex-auth: waiting for the approval of code {code}: {}:{:02} left",
        seconds / 60,
        seconds % 60
    )
}

/// What redraws `line` over a line `shown` characters wide: a carriage return, the line, and
/// blanks over what is left of the old one; and the new width.
pub(crate) fn frame(line: &str, shown: usize) -> (String, usize) {
    let width = line.chars().count();
    let blanks = shown.saturating_sub(width);
    (format!("\r{line}{}", " ".repeat(blanks)), width)
}

/// Progress is best effort: a line that cannot be written is dropped.
fn write_stderr(text: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(text.as_bytes());
    let _ = stderr.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_shows_the_code_and_minutes_and_seconds_left() {
        assert_eq!(
            line("ABCD", Duration::from_secs(899)),
            "plex-auth: waiting for the approval of code ABCD: 14:59 left"
        );
        assert_eq!(
            line("ABCD", Duration::from_millis(61_900)),
            "plex-auth: waiting for the approval of code ABCD: 1:01 left"
        );
        assert_eq!(
            line("ABCD", Duration::ZERO),
            "plex-auth: waiting for the approval of code ABCD: 0:00 left"
        );
    }

    #[test]
    fn a_frame_returns_to_the_line_start_and_blanks_what_a_shorter_line_leaves() {
        let (first, width) = frame("10:00 left", 0);
        assert_eq!((first.as_str(), width), ("\r10:00 left", 10));
        let (second, width) = frame("9:59 left", width);
        assert_eq!((second.as_str(), width), ("\r9:59 left ", 9));
        let (third, width) = frame("9:58 left", width);
        assert_eq!((third.as_str(), width), ("\r9:58 left", 9));
    }
}
