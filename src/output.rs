//! What the user sees: status lines on stderr, diffs, colors.

use std::io::{IsTerminal, Write};

use similar::{ChangeTag, TextDiff};

use crate::plan::{Action, Plan};

/// Prints `text` and a newline on stdout; a closed pipe (`integrate catalog | head`) is not
/// an error.
pub fn print_line(text: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

/// `--color` choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Prints status lines (to stderr) and diffs (to stdout).
#[derive(Debug, Clone, Copy)]
pub struct Reporter {
    pub quiet: bool,
    pub color: bool,
}

impl Reporter {
    pub fn new(quiet: bool, choice: ColorChoice) -> Self {
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
            }
        };
        Self { quiet, color }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// A right-aligned verb and its subject, like cargo's `   Compiling foo`.
    pub fn status(&self, verb: &str, subject: &str) {
        if self.quiet {
            return;
        }
        eprintln!("{} {subject}", self.paint("1;32", &format!("{verb:>12}")));
    }

    /// A note for the user.
    pub fn note(&self, text: &str) {
        if !self.quiet {
            eprintln!("{} {text}", self.paint("1;36", "note:"));
        }
    }

    /// A warning; shown even with `-q`.
    pub fn warn(&self, text: &str) {
        eprintln!("{} {text}", self.paint("1;33", "warning:"));
    }

    /// An error; shown even with `-q`.
    pub fn error(&self, text: &str) {
        eprintln!("{} {text}", self.paint("1;31", "error:"));
    }

    /// One status line per change of `plan`, in past tense when `done`.
    pub fn plan_summary(&self, plan: &Plan, done: bool) {
        for change in &plan.changes {
            let verb = match (change.action, done) {
                (Action::Create, true) => "Created",
                (Action::Edit, true) => "Edited",
                (Action::Overwrite, true) => "Overwrote",
                (Action::Delete, true) => "Deleted",
                (Action::Create, false) => "Would create",
                (Action::Edit, false) => "Would edit",
                (Action::Overwrite, false) => "Would overwrite",
                (Action::Delete, false) => "Would delete",
            };
            self.status(verb, &change.path);
        }
    }

    /// Prints `plan` as a unified diff on stdout.
    pub fn diff(&self, plan: &Plan) {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(self.diff_text(plan).as_bytes());
    }

    /// `plan` as a unified diff.
    pub fn diff_text(&self, plan: &Plan) -> String {
        let mut text = String::new();
        for change in &plan.changes {
            let before = change.before.as_deref().unwrap_or("");
            let after = change.after.as_deref().unwrap_or("");
            let old = if change.before.is_some() {
                format!("a/{}", change.path)
            } else {
                "/dev/null".to_string()
            };
            let new = if change.after.is_some() {
                format!("b/{}", change.path)
            } else {
                "/dev/null".to_string()
            };
            let diff = TextDiff::from_lines(before, after);
            text.push_str(&self.paint("1", &format!("--- {old}\n+++ {new}\n")));
            for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
                text.push_str(&self.paint("36", &format!("{}\n", hunk.header())));
                for change in hunk.iter_changes() {
                    let (sign, code) = match change.tag() {
                        ChangeTag::Delete => ("-", "31"),
                        ChangeTag::Insert => ("+", "32"),
                        ChangeTag::Equal => (" ", ""),
                    };
                    let mut line = format!("{sign}{}", change.value());
                    if change.missing_newline() {
                        line.push_str("\n\\ No newline at end of file\n");
                    }
                    text.push_str(&if code.is_empty() {
                        line
                    } else {
                        self.paint(code, &line)
                    });
                }
            }
        }
        text
    }
}
