//! Which standard streams are terminals, and whether to colour them. This is the one place
//! ava asks: everything that behaves differently for a person watching than for a pipe
//! (streaming, colour, progress bars, the REPL, the entity report's format) reads the answer
//! from here.

use is_terminal::IsTerminal;

/// `--color`: colour on a terminal (unless `NO_COLOR` is set), always, or never.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Terminal {
    pub stdin: bool,
    pub stdout: bool,
    pub stderr: bool,
    pub color: ColorChoice,
}

impl Terminal {
    pub fn detect(color: ColorChoice) -> Self {
        Self {
            stdin: std::io::stdin().is_terminal(),
            stdout: std::io::stdout().is_terminal(),
            stderr: std::io::stderr().is_terminal(),
            color,
        }
    }

    /// A person at a keyboard watching the answers: the REPL is interactive, answers stream.
    pub fn interactive(&self) -> bool {
        self.stdin && self.stdout
    }

    /// Whether to colour what goes to stdout.
    pub fn stdout_color(&self) -> bool {
        self.colored(self.stdout)
    }

    /// Whether to colour what goes to stderr.
    pub fn stderr_color(&self) -> bool {
        self.colored(self.stderr)
    }

    /// Columns of the terminal stdout is, for `--side-by-side`: `COLUMNS` when set (shells
    /// set it; tests and users can too), else the terminal's own size. `None` when stdout is
    /// not a terminal.
    pub fn stdout_width(&self) -> Option<usize> {
        if !self.stdout {
            return None;
        }
        std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<usize>().ok())
            .filter(|&c| c > 0)
            .or_else(|| {
                terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| usize::from(w.0))
            })
    }

    fn colored(&self, tty: bool) -> bool {
        match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            // no-color.org: NO_COLOR turns colour off unless the user asks for it explicitly.
            ColorChoice::Auto => tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }
}
