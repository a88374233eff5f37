//! The wizard's questions, behind a trait so silent and scripted runs are testable.

use std::collections::VecDeque;

use crate::error::{Error, Result};

/// Asks the user one question at a time.
pub trait Prompter {
    /// Picks one of `items`; returns its index.
    fn select(&mut self, prompt: &str, items: &[&str], default: usize) -> Result<usize>;
    /// Free text with a default taken on Enter.
    fn input(&mut self, prompt: &str, default: &str) -> Result<String>;
    /// Yes or no.
    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool>;
}

/// Asks on the terminal with dialoguer (on stderr, so stdout stays clean for `--json`).
pub struct TerminalPrompter {
    theme: dialoguer::theme::ColorfulTheme,
}

impl TerminalPrompter {
    pub fn new() -> Self {
        Self {
            theme: dialoguer::theme::ColorfulTheme::default(),
        }
    }
}

impl Default for TerminalPrompter {
    fn default() -> Self {
        Self::new()
    }
}

fn interrupted(e: dialoguer::Error) -> Error {
    match e {
        dialoguer::Error::IO(io) if io.kind() == std::io::ErrorKind::Interrupted => {
            Error::Interrupted
        }
        dialoguer::Error::IO(io) => Error::io("<terminal>", io),
    }
}

impl Prompter for TerminalPrompter {
    fn select(&mut self, prompt: &str, items: &[&str], default: usize) -> Result<usize> {
        dialoguer::Select::with_theme(&self.theme)
            .with_prompt(prompt)
            .items(items)
            .default(default)
            .interact()
            .map_err(interrupted)
    }

    fn input(&mut self, prompt: &str, default: &str) -> Result<String> {
        let mut input = dialoguer::Input::<String>::with_theme(&self.theme).with_prompt(prompt);
        if !default.is_empty() {
            input = input.default(default.to_string());
        } else {
            input = input.allow_empty(true);
        }
        input.interact_text().map_err(interrupted)
    }

    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool> {
        dialoguer::Confirm::with_theme(&self.theme)
            .with_prompt(prompt)
            .default(default)
            .interact()
            .map_err(interrupted)
    }
}

/// One scripted answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Take the default.
    Enter,
    /// Choose the item with this text, type this text, or answer `y`/`n`.
    Text(String),
}

/// Answers from a script, recording the questions asked.
#[derive(Debug, Default)]
pub struct ScriptedPrompter {
    pub answers: VecDeque<Answer>,
    pub asked: Vec<String>,
}

impl ScriptedPrompter {
    pub fn new(answers: impl IntoIterator<Item = Answer>) -> Self {
        Self {
            answers: answers.into_iter().collect(),
            asked: Vec::new(),
        }
    }

    fn next(&mut self, prompt: &str) -> Result<Answer> {
        self.asked.push(prompt.to_string());
        self.answers
            .pop_front()
            .ok_or_else(|| Error::Other(format!("script has no answer for `{prompt}`")))
    }
}

impl Prompter for ScriptedPrompter {
    fn select(&mut self, prompt: &str, items: &[&str], default: usize) -> Result<usize> {
        match self.next(prompt)? {
            Answer::Enter => Ok(default),
            Answer::Text(text) => items
                .iter()
                .position(|i| *i == text)
                .ok_or_else(|| Error::Other(format!("`{text}` is not a choice of `{prompt}`"))),
        }
    }

    fn input(&mut self, prompt: &str, default: &str) -> Result<String> {
        Ok(match self.next(prompt)? {
            Answer::Enter => default.to_string(),
            Answer::Text(text) => text,
        })
    }

    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool> {
        Ok(match self.next(prompt)? {
            Answer::Enter => default,
            Answer::Text(text) => text.starts_with(['y', 'Y']),
        })
    }
}
