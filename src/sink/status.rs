//! Status, warnings and errors: one line each, on stderr.

use owo_colors::OwoColorize;
use std::io::Write;

/// Status, warnings and errors on stderr.
#[derive(Debug, Clone)]
pub struct Status {
    pub quiet: bool,
    pub verbose: bool,
    color: bool,
}

impl Status {
    /// `color`: whether to colour the prefixes (see `Terminal::stderr_color`).
    pub fn new(quiet: bool, verbose: bool, color: bool) -> Self {
        Self {
            quiet,
            verbose,
            color,
        }
    }

    /// Informational: which engine ran, where a file was written. Hidden by `-q`.
    pub fn note(&self, msg: &str) {
        if !self.quiet {
            self.line("ava", msg, false);
        }
    }

    /// Something the user must know about the answer (fallbacks, lossy input, truncation).
    /// Shown even with `-q`, because hiding it would make the output dishonest.
    pub fn warn(&self, msg: &str) {
        self.line("ava: warning", msg, true);
    }

    pub fn verbose(&self, msg: &str) {
        if self.verbose && !self.quiet {
            self.line("ava", msg, false);
        }
    }

    pub fn error(&self, msg: &str) {
        let mut e = std::io::stderr().lock();
        let _ = if self.color {
            writeln!(e, "{} {msg}", "ava: error:".red().bold())
        } else {
            writeln!(e, "ava: error: {msg}")
        };
    }

    fn line(&self, prefix: &str, msg: &str, warn: bool) {
        let mut e = std::io::stderr().lock();
        let _ = match (self.color, warn) {
            (true, true) => writeln!(e, "{} {msg}", format!("{prefix}:").yellow().bold()),
            (true, false) => writeln!(e, "{} {msg}", format!("{prefix}:").dimmed()),
            _ => writeln!(e, "{prefix}: {msg}"),
        };
    }
}
