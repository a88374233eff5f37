//! Pure text-to-text editors for existing files. None of them does I/O.

pub mod block;
pub mod env;
pub mod json;
pub mod routes;
pub mod ruby;
pub mod rust;
pub mod text;
pub mod toml;

/// Why an edit could not be made. The caller adds the file name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("marker `{marker}` not found; add a line containing `{marker}` where integrate should insert code")]
    MissingMarker { marker: String },
    #[error(
        "marker `{marker}` appears more than once (lines {first} and {second}); keep exactly one"
    )]
    DuplicateMarker {
        marker: String,
        first: usize,
        second: usize,
    },
    #[error("line {line}: `{fence}` has no matching end line; restore or delete the fenced block")]
    UnclosedFence { fence: String, line: usize },
    #[error("{line}:{column}: TOML syntax error: {message}; fix the file and run again")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{line}:{column}: JSON syntax error: {message}; fix the file and run again")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("`{key}` is {found}, but the kit needs {wanted} there; rename or remove that key")]
    WrongType {
        key: String,
        wanted: String,
        found: String,
    },
    #[error("found no safe place for `{call}`: {reason}; add the line `{call}` to the Router your app serves (after its layers, before `.with_state(..)`), then run `integrate init` again")]
    NoRouter { call: String, reason: String },
    #[error("the kit's rendered TOML fragment is invalid: {message}")]
    Fragment { message: String },
    #[error("line {line}: `{route}`{within} already {what}, the path of the webhook route integrate adds; remove or rename that route, or add the integration with --no-webhooks")]
    RouteTaken {
        line: usize,
        route: String,
        within: String,
        what: String,
    },
    #[error("no `routes.draw do ... end` block with its `end` on a line of its own; integrate adds routes inside the app's draw block: write it over several lines, or set `paths.routes_file` in integrate.toml to the file that has it")]
    NoDrawBlock,
}

/// 1-based line and column of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}
