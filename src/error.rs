//! One error type for the library; the binary maps each variant to a documented exit code.

use std::path::PathBuf;
use thiserror::Error;

/// Exit codes, shared by `--help`, README and tests. BSD sysexits where one fits.
pub mod exit {
    pub const OK: i32 = 0;
    /// Some inputs of a batch failed; the others were written.
    pub const PARTIAL: i32 = 1;
    pub const USAGE: i32 = 2;
    /// Every answer was written, but parts of some could not be verified against their
    /// source; they are flagged on stderr and in `--json` (`--best-effort` exits 0).
    pub const UNVERIFIED: i32 = 3;
    /// `ava audit verify`: the audit log's chain is broken (a record edited, removed,
    /// reordered or torn); the first broken record is named on stderr.
    pub const AUDIT_BROKEN: i32 = 4;
    /// Refused by the network policy: the request would have gone to an endpoint the policy
    /// does not allow; nothing was sent, no connection was made.
    pub const POLICY: i32 = 5;
    pub const DATA: i32 = 65;
    pub const NO_INPUT: i32 = 66;
    pub const UNAVAILABLE: i32 = 69;
    pub const SOFTWARE: i32 = 70;
    pub const CANT_CREATE: i32 = 73;
    pub const IO: i32 = 74;
    pub const TEMP_FAIL: i32 = 75;
    pub const CONFIG: i32 = 78;
    pub const NO_PERM: i32 = 77;
    pub const INTERRUPTED: i32 = 130;
    /// SIGTERM (128 + 15, as a shell reports a process killed by it).
    pub const TERMINATED: i32 = 143;
}

#[derive(Debug, Error)]
pub enum Error {
    #[error("{0}")]
    Usage(String),

    #[error("{path}: no such file")]
    InputNotFound { path: PathBuf },
    #[error("{path}: is a directory, not a file")]
    InputIsDirectory { path: PathBuf },
    #[error("{path}: cannot read: {source}")]
    InputUnreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{name}: {reason}")]
    BadInput { name: String, reason: String },

    #[error("template {name:?}: {reason}")]
    Template { name: String, reason: String },
    #[error("{file}:{line}: {reason}")]
    TemplateSyntax {
        file: String,
        line: usize,
        reason: String,
    },

    /// `file` says where the setting came from: a config file (with its line when known),
    /// "env AVA_…", "profile NAME" or a flag.
    #[error("{file}: {reason}")]
    Config { file: String, reason: String },

    #[error("{0}")]
    EngineUnavailable(String),
    #[error("{0}")]
    CredentialsRejected(String),
    #[error("{0}")]
    TemporaryFailure(String),
    /// The answer was cut off; whatever arrived is already on stdout.
    #[error("answer cut off: {0}")]
    Truncated(String),
    #[error("{0}")]
    Engine(String),
    #[error("{0}")]
    InvalidOutput(String),
    /// The document cannot be processed within the model's window, even in parts.
    #[error("{0}")]
    DoesNotFit(String),
    /// The model started repeating itself and was stopped; the answer is unusable as it is.
    #[error("{0}")]
    Repetition(String),

    #[error("{path}: cannot write: {source}")]
    Output {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("interrupted")]
    Interrupted,
    /// The network policy forbids where the request would go. Raised before any connection
    /// (or name lookup) is made.
    #[error("{0}")]
    PolicyRefused(String),
    /// The audit log's chain does not verify.
    #[error("{0}")]
    AuditBroken(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl Error {
    /// Stdout was closed by its reader (`ava … | head -1`): the end of the job, not a failure
    /// to report.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }

    pub fn exit_code(&self) -> i32 {
        use Error::*;
        match self {
            Usage(_) | Template { .. } | TemplateSyntax { .. } => exit::USAGE,
            InputNotFound { .. } | InputIsDirectory { .. } | InputUnreadable { .. } => {
                exit::NO_INPUT
            }
            BadInput { .. } => exit::DATA,
            Config { .. } => exit::CONFIG,
            EngineUnavailable(_) => exit::UNAVAILABLE,
            CredentialsRejected(_) => exit::NO_PERM,
            TemporaryFailure(_) => exit::TEMP_FAIL,
            Truncated(_) => exit::TEMP_FAIL,
            Engine(_) => exit::UNAVAILABLE,
            InvalidOutput(_) | Repetition(_) => exit::DATA,
            DoesNotFit(_) => exit::DATA,
            Output { .. } => exit::CANT_CREATE,
            Interrupted => exit::INTERRUPTED,
            PolicyRefused(_) => exit::POLICY,
            AuditBroken(_) => exit::AUDIT_BROKEN,
            Io(e) if e.kind() == std::io::ErrorKind::BrokenPipe => exit::OK,
            Io(_) => exit::IO,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
