//! What the user sees: status lines on stderr, diffs, colors.

use std::io::{IsTerminal, Write};

use similar::{ChangeTag, TextDiff};

use crate::plan::{Action, Plan};

/// Prints `text` and a newline on stdout; a closed pipe (`integrate catalog | head`) is not
/// an error.
pub fn print_line(text: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

/// `text` with every control character, and every Unicode character that moves or hides
/// text (line and paragraph separators, bidirectional overrides and isolates, zero-width
/// marks), written as a Rust-style escape (`\u{1b}`, `\r`), so a path or value from a
/// repo cannot drive the terminal or forge lines. With `keep_newlines`, `\n` stays a line
/// break (for messages of several lines whose parts are escaped already).
pub fn escape_controls(text: &str, keep_newlines: bool) -> String {
    let hides = |c: char| {
        c.is_control()
            || matches!(
                c,
                '\u{200b}'..='\u{200f}'
                    | '\u{2028}'..='\u{202e}'
                    | '\u{2060}'..='\u{2069}'
                    | '\u{feff}'
            )
    };
    if !text
        .chars()
        .any(|c| hides(c) && !(keep_newlines && c == '\n'))
    {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' if keep_newlines => out.push('\n'),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if hides(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
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

    /// A note for the user (control characters escaped, see [`escape_controls`]).
    pub fn note(&self, text: &str) {
        if !self.quiet {
            let text = escape_controls(text, true);
            eprintln!("{} {text}", self.paint("1;36", "note:"));
        }
    }

    /// A warning; shown even with `-q` (control characters escaped).
    pub fn warn(&self, text: &str) {
        let text = escape_controls(text, true);
        eprintln!("{} {text}", self.paint("1;33", "warning:"));
    }

    /// An error; shown even with `-q` (control characters escaped). Every error of the
    /// tool is shown here, once.
    pub fn error(&self, text: &str) {
        let text = escape_controls(text, true);
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

#[cfg(test)]
mod tests {
    use super::escape_controls;

    #[test]
    fn control_and_hiding_characters_are_escaped() {
        assert_eq!(escape_controls("plain `a/b.py`", false), "plain `a/b.py`");
        assert_eq!(
            escape_controls("a\u{1b}[31mb\rc\nd\u{202e}e", false),
            "a\\u{1b}[31mb\\rc\\nd\\u{202e}e"
        );
        assert_eq!(escape_controls("x\ny\u{7}", true), "x\ny\\u{7}");
    }
}
