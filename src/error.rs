//! The one error type of the tool, and its exit codes.

use std::path::PathBuf;

use crate::editors::EditError;
use crate::names::NameError;

/// Everything that can go wrong, each variant saying what to do next.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Name(#[from] NameError),
    #[error("missing value for {flag}: pass {flag} (or --yes to take the defaults); no terminal to ask on")]
    MissingInput { flag: String },
    #[error("{0}")]
    Usage(String),
    #[error(
        "no integrate.toml in {} or any parent folder; run `integrate init` first",
        shown(dir)
    )]
    NoRecord { dir: PathBuf },
    #[error("{}: {source}", shown(path))]
    Edit { path: PathBuf, source: EditError },
    #[error("{}:{line}:{column}: {message}", shown(path))]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}: {message}", shown(path))]
    Invalid { path: PathBuf, message: String },
    /// A value outside its set (a category, auth style or scheme) in a file: a usage error
    /// wherever it is written.
    #[error("{}:{line}:{column}: {message}", shown(path))]
    Value {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{location}: template error: {message}")]
    Template { location: String, message: String },
    #[error("{}", conflict_message(files))]
    Conflict { files: Vec<String> },
    #[error("{}: {source}", shown(path))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("interrupted; every file is as it was")]
    Interrupted,
    #[error("{}", busy_message(path, *pid))]
    Busy { path: PathBuf, pid: Option<u32> },
    #[error("{0}")]
    Other(String),
}

/// A path for a message: every control character escaped, newlines too (see
/// [`crate::output::escape_controls`]), since a path is one line.
fn shown(path: &std::path::Path) -> String {
    crate::output::escape_controls(&path.display().to_string(), false)
}

fn conflict_message(files: &[String]) -> String {
    let mut message = String::from("these files exist with other content, so nothing was written:");
    for file in files {
        message.push_str("\n  ");
        message.push_str(&crate::output::escape_controls(file, false));
    }
    message.push_str("\nrun again with --force to overwrite them (only them)");
    message
}

fn busy_message(path: &std::path::Path, pid: Option<u32>) -> String {
    let who = match pid {
        Some(pid) => format!("another integrate run (pid {pid})"),
        None => "another integrate run".to_string(),
    };
    format!(
        "{}: {who} is changing this repo; wait for it to finish, or delete {} if no integrate is running",
        shown(path),
        shown(path)
    )
}

impl Error {
    /// The process exit code for this error: 2 for usage and missing input, 130 for an
    /// interrupt, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Name(_) | Error::MissingInput { .. } | Error::Usage(_) | Error::Value { .. } => {
                2
            }
            Error::Interrupted => 130,
            _ => 1,
        }
    }

    /// A parse error in `text` (the content of `path`) at byte range `span`, reported as
    /// line and column.
    pub fn parse_at(
        path: impl Into<PathBuf>,
        text: &str,
        span: Option<std::ops::Range<usize>>,
        message: String,
    ) -> Self {
        let (line, column) = span
            .map(|s| crate::editors::line_col(text, s.start))
            .unwrap_or((1, 1));
        Error::Parse {
            path: path.into(),
            line,
            column,
            message,
        }
    }

    /// A value outside its set in `text` (the content of `path`) at byte range `span`.
    pub fn value_at(
        path: impl Into<PathBuf>,
        text: &str,
        span: Option<std::ops::Range<usize>>,
        message: String,
    ) -> Self {
        let (line, column) = span
            .map(|s| crate::editors::line_col(text, s.start))
            .unwrap_or((1, 1));
        Error::Value {
            path: path.into(),
            line,
            column,
            message,
        }
    }

    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
