//! Service names: validation and the identifier forms each target language needs.

use heck::{
    ToKebabCase, ToLowerCamelCase, ToPascalCase, ToShoutySnakeCase, ToSnakeCase, ToTitleCase,
};
use serde::Serialize;

/// Longest accepted service name, in characters of its snake form.
pub const MAX_LEN: usize = 40;

/// A validated service name with its derived forms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceName {
    /// Canonical id (kebab case): `stripe-connect`.
    pub name: String,
    pub snake: String,
    pub kebab: String,
    pub pascal: String,
    pub camel: String,
    pub shouty: String,
    pub title: String,
}

/// Why a service name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("the service name is empty; pass a name such as `stripe`")]
    Empty,
    #[error(
        "`{0}` contains a path separator or `..`; pass the service's name only, e.g. `stripe`"
    )]
    Path(String),
    #[error("`{name}` contains `{ch}`, which cannot be part of an identifier; use letters, digits, spaces, `-` or `_`{hint}")]
    BadChar {
        name: String,
        /// The first offending character, control characters escaped.
        ch: String,
        hint: String,
    },
    #[error("`{0}` must start with a letter; try `{1}`")]
    LeadingDigit(String, String),
    #[error("`{name}` is too long ({len} characters, at most {MAX_LEN}); use a shorter name")]
    TooLong { name: String, len: usize },
    #[error("`{name}` would give the identifier `{ident}`, a reserved word in {language}; try `{suggestion}`")]
    Reserved {
        name: String,
        ident: String,
        language: String,
        suggestion: String,
    },
}

impl ServiceName {
    /// Parses `raw` as typed by the user. `language` selects the reserved words to refuse
    /// (`python`, `ruby`, `typescript`, `rust`; anything else checks none).
    pub fn parse(raw: &str, language: &str) -> Result<Self, NameError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(NameError::Empty);
        }
        if trimmed.contains(['/', '\\']) || trimmed.contains("..") {
            return Err(NameError::Path(shown(trimmed)));
        }
        if let Some(ch) = trimmed
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ' ' | '.')))
        {
            let ascii: String = trimmed.chars().map(fold_ascii).collect();
            let hint = match ascii_suggestion(&ascii) {
                Some(s) => format!(" (e.g. `{s}`)"),
                None => String::new(),
            };
            return Err(NameError::BadChar {
                name: shown(trimmed),
                ch: shown(&ch.to_string()),
                hint,
            });
        }
        let spaced = trimmed.replace('.', " ");
        let snake = spaced.to_snake_case();
        if snake.is_empty() {
            return Err(NameError::Empty);
        }
        if !snake.starts_with(|c: char| c.is_ascii_alphabetic()) {
            let fixed = format!("service-{}", snake.to_kebab_case());
            return Err(NameError::LeadingDigit(trimmed.to_string(), fixed));
        }
        if snake.len() > MAX_LEN {
            return Err(NameError::TooLong {
                name: trimmed.to_string(),
                len: snake.len(),
            });
        }
        let name = Self::from_snake(&snake);
        if let Some(ident) = name.reserved_in(language) {
            return Err(NameError::Reserved {
                name: trimmed.to_string(),
                ident,
                language: language_label(language).to_string(),
                suggestion: format!("{}-api", name.kebab),
            });
        }
        if is_windows_device(&name.snake) {
            return Err(NameError::Reserved {
                name: trimmed.to_string(),
                ident: name.snake.clone(),
                language: "Windows file names (the folder could not be checked out there)"
                    .to_string(),
                suggestion: format!("{}-api", name.kebab),
            });
        }
        Ok(name)
    }

    fn from_snake(snake: &str) -> Self {
        Self {
            name: snake.to_kebab_case(),
            snake: snake.to_string(),
            kebab: snake.to_kebab_case(),
            pascal: snake.to_pascal_case(),
            camel: snake.to_lower_camel_case(),
            shouty: snake.to_shouty_snake_case(),
            title: snake.to_title_case(),
        }
    }

    /// The first derived identifier that is a reserved word of `language`.
    fn reserved_in(&self, language: &str) -> Option<String> {
        let words = reserved_words(language);
        [&self.snake, &self.camel, &self.pascal]
            .into_iter()
            .find(|ident| words.contains(&ident.as_str()))
            .cloned()
    }
}

/// `text` with control characters escaped, for messages.
fn shown(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// The ASCII letters a Latin letter with diacritics is usually written as (`é` → `e`,
/// `ß` → `ss`); other non-ASCII characters become a space.
fn fold_ascii(c: char) -> String {
    if c.is_ascii() {
        return c.to_string();
    }
    const FOLDS: &[(&str, &str)] = &[
        ("àáâãäåāăą", "a"),
        ("ÀÁÂÃÄÅĀĂĄ", "A"),
        ("çćĉċč", "c"),
        ("ÇĆĈĊČ", "C"),
        ("ďđð", "d"),
        ("ĎĐÐ", "D"),
        ("èéêëēĕėęě", "e"),
        ("ÈÉÊËĒĔĖĘĚ", "E"),
        ("ĝğġģ", "g"),
        ("ĜĞĠĢ", "G"),
        ("ĥħ", "h"),
        ("ĤĦ", "H"),
        ("ìíîïĩīĭįı", "i"),
        ("ÌÍÎÏĨĪĬĮİ", "I"),
        ("ĵ", "j"),
        ("Ĵ", "J"),
        ("ķ", "k"),
        ("Ķ", "K"),
        ("ĺļľŀł", "l"),
        ("ĹĻĽĿŁ", "L"),
        ("ñńņň", "n"),
        ("ÑŃŅŇ", "N"),
        ("òóôõöøōŏő", "o"),
        ("ÒÓÔÕÖØŌŎŐ", "O"),
        ("ŕŗř", "r"),
        ("ŔŖŘ", "R"),
        ("śŝşš", "s"),
        ("ŚŜŞŠ", "S"),
        ("ţťŧ", "t"),
        ("ŢŤŦ", "T"),
        ("ùúûüũūŭůűų", "u"),
        ("ÙÚÛÜŨŪŬŮŰŲ", "U"),
        ("ŵ", "w"),
        ("Ŵ", "W"),
        ("ýÿŷ", "y"),
        ("ÝŸŶ", "Y"),
        ("źżž", "z"),
        ("ŹŻŽ", "Z"),
        ("æ", "ae"),
        ("Æ", "Ae"),
        ("œ", "oe"),
        ("Œ", "Oe"),
        ("ß", "ss"),
        ("þ", "th"),
        ("Þ", "Th"),
    ];
    FOLDS
        .iter()
        .find(|(from, _)| from.contains(c))
        .map_or_else(|| " ".to_string(), |(_, to)| to.to_string())
}

/// `con`, `nul`, `com1`, ...: names Windows refuses for files and folders.
fn is_windows_device(snake: &str) -> bool {
    matches!(snake, "con" | "prn" | "aux" | "nul")
        || ["com", "lpt"].iter().any(|prefix| {
            snake
                .strip_prefix(prefix)
                .is_some_and(|n| n.len() == 1 && n != "0" && n.chars().all(|c| c.is_ascii_digit()))
        })
}

fn ascii_suggestion(ascii: &str) -> Option<String> {
    let cleaned: String = ascii
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let kebab = cleaned.to_kebab_case();
    (!kebab.is_empty()).then_some(kebab)
}

fn language_label(language: &str) -> &str {
    match language {
        "python" => "Python",
        "ruby" => "Ruby",
        "typescript" => "TypeScript/JavaScript",
        "rust" => "Rust",
        other => other,
    }
}

/// Reserved words of a kit's language, as identifiers a service name must not become.
pub fn reserved_words(language: &str) -> &'static [&'static str] {
    match language {
        "python" => &[
            "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
            "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
            "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
            "return", "try", "while", "with", "yield", "match", "case", "type", "django",
            "requests", "test", "tests", "settings",
        ],
        "ruby" => &[
            "BEGIN",
            "END",
            "alias",
            "and",
            "begin",
            "break",
            "case",
            "class",
            "def",
            "defined",
            "do",
            "else",
            "elsif",
            "end",
            "ensure",
            "false",
            "for",
            "if",
            "in",
            "module",
            "next",
            "nil",
            "not",
            "or",
            "redo",
            "rescue",
            "retry",
            "return",
            "self",
            "super",
            "then",
            "true",
            "undef",
            "unless",
            "until",
            "when",
            "while",
            "yield",
            "Object",
            "Kernel",
            "Module",
            "Class",
            "String",
            "Integer",
            "Hash",
            "Array",
            "Net",
            "Rails",
            "Application",
            "ApplicationController",
            "Webhooks",
            "Integrations",
        ],
        "typescript" => &[
            "break",
            "case",
            "catch",
            "class",
            "const",
            "continue",
            "debugger",
            "default",
            "delete",
            "do",
            "else",
            "enum",
            "export",
            "extends",
            "false",
            "finally",
            "for",
            "function",
            "if",
            "import",
            "in",
            "instanceof",
            "new",
            "null",
            "return",
            "super",
            "switch",
            "this",
            "throw",
            "true",
            "try",
            "typeof",
            "var",
            "void",
            "while",
            "with",
            "implements",
            "interface",
            "let",
            "package",
            "private",
            "protected",
            "public",
            "static",
            "yield",
            "await",
            "arguments",
            "eval",
            "types",
            "factory",
            "Object",
            "Function",
            "Error",
            "Promise",
            "Request",
            "Response",
            "Headers",
        ],
        "rust" => &[
            "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn",
            "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
            "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
            "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become",
            "box", "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual",
            "yield", "try", "gen", "std", "core", "alloc",
        ],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_of_a_service_is_the_same_service() {
        let forms = [
            "stripe-connect",
            "Stripe Connect",
            "stripe_connect",
            "StripeConnect",
            "Stripe-Connect",
        ];
        for raw in forms {
            let n = ServiceName::parse(raw, "python").unwrap();
            assert_eq!(n.name, "stripe-connect", "{raw}");
            assert_eq!(n.snake, "stripe_connect");
            assert_eq!(n.pascal, "StripeConnect");
            assert_eq!(n.camel, "stripeConnect");
            assert_eq!(n.shouty, "STRIPE_CONNECT");
            assert_eq!(n.title, "Stripe Connect");
        }
        assert_eq!(
            ServiceName::parse("Foo-Bar", "python").unwrap(),
            ServiceName::parse("foo_bar", "python").unwrap()
        );
    }

    #[test]
    fn bad_names_are_refused_with_a_reason() {
        assert_eq!(ServiceName::parse("  ", "python"), Err(NameError::Empty));
        assert!(matches!(
            ServiceName::parse("../etc", "python"),
            Err(NameError::Path(_))
        ));
        assert!(matches!(
            ServiceName::parse("a/b", "python"),
            Err(NameError::Path(_))
        ));
        assert!(
            matches!(ServiceName::parse("3scale", "python"), Err(NameError::LeadingDigit(_, s)) if s == "service-3scale")
        );
        let err = ServiceName::parse("café", "python").unwrap_err();
        assert!(err.to_string().contains("(e.g. `cafe`)"), "{err}");
        let err = ServiceName::parse("Straße Pay", "python").unwrap_err();
        assert!(err.to_string().contains("(e.g. `strasse-pay`)"), "{err}");
        let err = ServiceName::parse("a\u{1b}b", "python").unwrap_err();
        assert!(
            err.to_string().contains("`a\\u{1b}b` contains `\\u{1b}`"),
            "{err}"
        );
        assert!(matches!(
            ServiceName::parse(&"a".repeat(41), "python"),
            Err(NameError::TooLong { .. })
        ));
    }

    #[test]
    fn reserved_words_depend_on_the_kit_language() {
        let err = ServiceName::parse("class", "python").unwrap_err();
        assert_eq!(
            err.to_string(),
            "`class` would give the identifier `class`, a reserved word in Python; try `class-api`"
        );
        assert!(ServiceName::parse("lambda", "ruby").is_ok());
        assert!(ServiceName::parse("crate", "rust").is_err());
        assert!(ServiceName::parse("Interface", "typescript").is_err());
        for device in ["con", "NUL", "com1", "lpt9"] {
            let err = ServiceName::parse(device, "rust").unwrap_err();
            assert!(err.to_string().contains("Windows file names"), "{err}");
        }
        assert!(ServiceName::parse("com", "rust").is_ok());
        assert!(ServiceName::parse("com10", "rust").is_ok());
    }
}
