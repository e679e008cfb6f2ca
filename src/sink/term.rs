//! Which standard streams are terminals. This is the one place ava asks: everything that
//! behaves differently for a person watching than for a pipe (streaming, colour, progress
//! bars, the REPL, the entity report's format) reads the answer from here.

use is_terminal::IsTerminal;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Terminal {
    pub stdin: bool,
    pub stdout: bool,
    pub stderr: bool,
}

impl Terminal {
    pub fn detect() -> Self {
        Self {
            stdin: std::io::stdin().is_terminal(),
            stdout: std::io::stdout().is_terminal(),
            stderr: std::io::stderr().is_terminal(),
        }
    }

    /// A person at a keyboard watching the answers: the REPL is interactive, answers stream.
    pub fn interactive(&self) -> bool {
        self.stdin && self.stdout
    }
}

/// Colour is used only on a terminal, and never when `NO_COLOR` is set (no-color.org).
pub fn color_allowed() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}
