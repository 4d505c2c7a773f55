//! The PIN wait's progress: on a terminal, the code and the time left on one line of stderr,
//! updated in place each second and cleared when the wait ends. Without a terminal, nothing:
//! a log gets no carriage returns. The line never reaches the terminal's last column: a line
//! that wraps cannot be redrawn in place.

use std::future::Future;
use std::io::{IsTerminal, Write};
use std::time::Duration;

use tokio::time::Instant;

/// The widest line drawn when the terminal's width is unknown: one less than 80 columns.
const DEFAULT_WIDTH: usize = 79;

/// A countdown line on stderr, when stderr is a terminal.
pub(crate) struct Countdown {
    /// The short PIN's code; `None` for a strong PIN, whose code is in the URL shown above
    /// and too long for the line.
    code: Option<String>,
    ends: Instant,
    /// The widest line drawn.
    width: usize,
    /// The width of the line on screen, to blank what a shorter line leaves.
    shown: usize,
}

impl Countdown {
    /// A countdown to `ends`, showing `code` when given; `None` when stderr is not a terminal.
    pub(crate) fn on_terminal(code: Option<&str>, ends: Instant) -> Option<Self> {
        std::io::stderr().is_terminal().then(|| Self {
            code: code.map(str::to_string),
            ends,
            width: line_width(std::env::var("COLUMNS").ok().as_deref()),
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
        let (text, width) = frame(&line(self.code.as_deref(), left, self.width), self.shown);
        self.shown = width;
        write_stderr(&text);
    }

    fn clear(&mut self) {
        if self.shown > 0 {
            write_stderr(&format!("\r{}\r", " ".repeat(self.shown)));
        }
    }
}

/// "plex-auth: waiting for the approval of code ABCD: 14:59 left" (without the code: "… for
/// the approval: 29:59 left"), cut to `width` characters.
pub(crate) fn line(code: Option<&str>, left: Duration, width: usize) -> String {
    let seconds = left.as_secs();
    let what = match code {
        Some(code) => format!(" of code {code}"),
        None => String::new(),
    };
    let line = format!(
        "plex-auth: waiting for the approval{what}: {}:{:02} left",
        seconds / 60,
        seconds % 60
    );
    line.chars().take(width).collect()
}

/// The widest line that does not wrap: one less than the terminal's columns (`COLUMNS`, when
/// the shell exports it), else [`DEFAULT_WIDTH`].
fn line_width(columns: Option<&str>) -> usize {
    columns
        .and_then(|columns| columns.trim().parse::<usize>().ok())
        .filter(|columns| *columns > 1)
        .map_or(DEFAULT_WIDTH, |columns| columns - 1)
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
        let line = |code, left| line(code, left, DEFAULT_WIDTH);
        assert_eq!(
            line(Some("ABCD"), Duration::from_secs(899)),
            "plex-auth: waiting for the approval of code ABCD: 14:59 left"
        );
        assert_eq!(
            line(Some("ABCD"), Duration::from_millis(61_900)),
            "plex-auth: waiting for the approval of code ABCD: 1:01 left"
        );
        assert_eq!(
            line(Some("ABCD"), Duration::ZERO),
            "plex-auth: waiting for the approval of code ABCD: 0:00 left"
        );
        assert_eq!(
            line(None, Duration::from_secs(1799)),
            "plex-auth: waiting for the approval: 29:59 left"
        );
    }

    #[test]
    fn the_line_never_wraps_an_80_column_terminal_whatever_the_code() {
        let longest = Duration::from_secs(1800);
        for length in [25, 128] {
            let code = "X".repeat(length);
            let drawn = line(Some(&code), longest, line_width(None));
            assert!(drawn.chars().count() <= 79, "{length}: {drawn}");
        }
        assert_eq!(line_width(Some("40")), 39);
        assert!(line(Some("ABCD"), longest, line_width(Some("40"))).len() <= 39);
        for unusable in [None, Some(""), Some("wide"), Some("0"), Some("1")] {
            assert_eq!(line_width(unusable), DEFAULT_WIDTH, "{unusable:?}");
        }
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
