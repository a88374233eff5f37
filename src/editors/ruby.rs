//! Just enough of Ruby's syntax to read a Rails routes file: tokens (strings, symbols, hash
//! keys, `%w[]` lists, comments and heredocs skipped) grouped into statements, each knowing
//! whether it opens a block (`do`, a block brace, `class`/`def`/`if`...) or closes one
//! (`end`, `}`). Pure; never fails: text it cannot read becomes tokens that name no route.

/// One token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    /// An identifier or keyword (`post`, `do`, `end`, `Rails`).
    Ident(String),
    /// A string literal; `dynamic` when it interpolates (`"#{x}"`), so its value is unknown.
    Str { text: String, dynamic: bool },
    /// A symbol (`:stripe`, `:"stripe"`).
    Sym(String),
    /// A hash key in the `key:` form (`to:`, `"to":`).
    Key(String),
    /// A `%w[]` or `%i[]` list.
    List(Vec<String>),
    /// `=>`.
    Arrow,
    /// Any other character (`(`, `,`, `.`, `{`, ...).
    Punct(char),
}

/// A token and the 0-based line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub tok: Tok,
    pub line: usize,
}

/// A statement: the tokens of one logical line, split at `;`, after `do`, around block
/// braces and before `end`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub tokens: Vec<Token>,
    /// 0-based line of its first token.
    pub line: usize,
    /// It opens a block (`... do`, `... do |x|`, a block `{`, `class`, `def`, `if` ...).
    pub opens: bool,
    /// It is `end` or a block's closing `}`.
    pub closes: bool,
}

impl Statement {
    /// The identifier the statement starts with (its method or keyword).
    pub fn head(&self) -> Option<&str> {
        match self.tokens.first().map(|t| &t.tok) {
            Some(Tok::Ident(name)) => Some(name),
            _ => None,
        }
    }
}

const OPENING_KEYWORDS: &[&str] = &[
    "class", "module", "def", "if", "unless", "case", "while", "until", "begin", "for",
];

/// The tokens of `text`, with `;` and line ends as `Punct(';')` / `Punct('\n')`.
pub fn tokens(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut line = 0;
    let mut i = 0;
    let mut heredocs: Vec<(String, bool)> = Vec::new();
    let at_line_start = |i: usize| i == 0 || chars[i - 1] == '\n';
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => {
                out.push(Token {
                    tok: Tok::Punct('\n'),
                    line,
                });
                line += 1;
                i += 1;
                // Heredoc bodies start on the next line and end at their terminator line.
                for (terminator, _) in std::mem::take(&mut heredocs) {
                    while i < chars.len() {
                        let end = chars[i..]
                            .iter()
                            .position(|&c| c == '\n')
                            .map_or(chars.len(), |p| i + p);
                        let current: String = chars[i..end].iter().collect();
                        i = (end + 1).min(chars.len());
                        line += 1;
                        if current.trim() == terminator {
                            break;
                        }
                    }
                }
            }
            ' ' | '\t' | '\r' => i += 1,
            '\\' if chars.get(i + 1) == Some(&'\n') => {
                i += 2;
                line += 1;
            }
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '=' if at_line_start(i) && chars[i..].starts_with(&['=', 'b', 'e', 'g', 'i', 'n']) => {
                // =begin ... =end
                while i < chars.len() {
                    let end = chars[i..]
                        .iter()
                        .position(|&c| c == '\n')
                        .map_or(chars.len(), |p| i + p);
                    let done = chars[i..end].starts_with(&['=', 'e', 'n', 'd']);
                    i = end;
                    if done || i >= chars.len() {
                        break;
                    }
                    i += 1;
                    line += 1;
                }
            }
            '"' | '\'' | '`' => {
                let start_line = line;
                let (text, dynamic, next, lines) = quoted(&chars, i + 1, c, c);
                i = next;
                line += lines;
                let tok = if chars.get(i) == Some(&':') && chars.get(i + 1) != Some(&':') {
                    i += 1;
                    Tok::Key(text)
                } else {
                    Tok::Str { text, dynamic }
                };
                out.push(Token {
                    tok,
                    line: start_line,
                });
            }
            '%' if percent_literal(&chars, i).is_some() => {
                let (kind, open) = percent_literal(&chars, i).expect("checked");
                let close = closing(open);
                let start = i + if kind.is_some() { 3 } else { 2 };
                let (text, dynamic, next, lines) = quoted(&chars, start, open, close);
                let tok = match kind {
                    Some('w' | 'W' | 'i' | 'I') => {
                        Tok::List(text.split_whitespace().map(str::to_string).collect())
                    }
                    Some('s') => Tok::Sym(text),
                    _ => Tok::Str { text, dynamic },
                };
                out.push(Token { tok, line });
                line += lines;
                i = next;
            }
            '<' if chars.get(i + 1) == Some(&'<') && heredoc_start(&chars, i + 2).is_some() => {
                let (terminator, next) = heredoc_start(&chars, i + 2).expect("checked");
                heredocs.push((terminator, true));
                out.push(Token {
                    tok: Tok::Str {
                        text: String::new(),
                        dynamic: true,
                    },
                    line,
                });
                i = next;
            }
            ':' if chars.get(i + 1) == Some(&':') => {
                out.push(Token {
                    tok: Tok::Punct(':'),
                    line,
                });
                out.push(Token {
                    tok: Tok::Punct(':'),
                    line,
                });
                i += 2;
            }
            ':' if matches!(chars.get(i + 1), Some('"' | '\'')) => {
                let quote = chars[i + 1];
                let (text, _, next, lines) = quoted(&chars, i + 2, quote, quote);
                out.push(Token {
                    tok: Tok::Sym(text),
                    line,
                });
                line += lines;
                i = next;
            }
            ':' if chars.get(i + 1).is_some_and(|c| is_ident_start(*c)) => {
                let end = ident_end(&chars, i + 1);
                out.push(Token {
                    tok: Tok::Sym(chars[i + 1..end].iter().collect()),
                    line,
                });
                i = end;
            }
            '=' if chars.get(i + 1) == Some(&'>') => {
                out.push(Token {
                    tok: Tok::Arrow,
                    line,
                });
                i += 2;
            }
            c if is_ident_start(c) => {
                let end = ident_end(&chars, i);
                let name: String = chars[i..end].iter().collect();
                i = end;
                let key = chars.get(i) == Some(&':')
                    && chars.get(i + 1) != Some(&':')
                    && !name.ends_with('?');
                if key {
                    i += 1;
                    out.push(Token {
                        tok: Tok::Key(name),
                        line,
                    });
                } else {
                    out.push(Token {
                        tok: Tok::Ident(name),
                        line,
                    });
                }
            }
            c if c.is_ascii_digit() => {
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                out.push(Token {
                    tok: Tok::Ident("0".into()),
                    line,
                });
            }
            c => {
                out.push(Token {
                    tok: Tok::Punct(c),
                    line,
                });
                i += 1;
            }
        }
    }
    out
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || c == '@' || c == '$'
}

fn ident_end(chars: &[char], mut i: usize) -> usize {
    while i < chars.len() && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '@' | '$')) {
        i += 1;
    }
    if i < chars.len() && matches!(chars[i], '?' | '!') && chars.get(i + 1) != Some(&'=') {
        i += 1;
    }
    i
}

/// `%w[`, `%i(`, `%(`...: the kind letter (if any) and the opening delimiter.
fn percent_literal(chars: &[char], i: usize) -> Option<(Option<char>, char)> {
    let next = *chars.get(i + 1)?;
    let delimiter = |c: char| matches!(c, '(' | '[' | '{' | '<' | '|' | '!' | '/');
    if delimiter(next) {
        return Some((None, next));
    }
    let open = *chars.get(i + 2)?;
    (matches!(next, 'w' | 'W' | 'i' | 'I' | 'q' | 'Q' | 's') && delimiter(open))
        .then_some((Some(next), open))
}

fn closing(open: char) -> char {
    match open {
        '(' => ')',
        '[' => ']',
        '{' => '}',
        '<' => '>',
        other => other,
    }
}

/// The text of a literal starting after its opening delimiter at `i`: its content, whether
/// it interpolates, the index after the closing delimiter and the line ends it spans.
fn quoted(chars: &[char], mut i: usize, open: char, close: char) -> (String, bool, usize, usize) {
    let mut text = String::new();
    let mut dynamic = false;
    let mut lines = 0;
    let mut depth = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            lines += 1;
        }
        if c == '\\' && i + 1 < chars.len() {
            if chars[i + 1] == '\n' {
                lines += 1;
            }
            text.push(chars[i + 1]);
            i += 2;
            continue;
        }
        if c == '#' && chars.get(i + 1) == Some(&'{') && open != '\'' {
            dynamic = true;
            let mut braces = 0;
            i += 1;
            while i < chars.len() {
                match chars[i] {
                    '{' => braces += 1,
                    '}' => {
                        braces -= 1;
                        if braces == 0 {
                            break;
                        }
                    }
                    '\n' => lines += 1,
                    _ => {}
                }
                i += 1;
            }
            i += 1;
            continue;
        }
        if c == close && depth == 0 {
            return (text, dynamic, i + 1, lines);
        }
        if open != close {
            if c == open {
                depth += 1;
            } else if c == close {
                depth -= 1;
            }
        }
        text.push(c);
        i += 1;
    }
    (text, dynamic, i, lines)
}

/// After `<<`: a heredoc's terminator (`<<~EOS`, `<<-"EOS"`) and the index after it.
fn heredoc_start(chars: &[char], mut i: usize) -> Option<(String, usize)> {
    if matches!(chars.get(i), Some('~' | '-')) {
        i += 1;
    }
    let quote = chars.get(i).copied().filter(|c| matches!(c, '"' | '\''));
    if quote.is_some() {
        i += 1;
    }
    let start = i;
    while i < chars.len() && (chars[i].is_ascii_uppercase() || chars[i] == '_') {
        i += 1;
    }
    if i == start {
        return None;
    }
    let name: String = chars[start..i].iter().collect();
    if let Some(q) = quote {
        if chars.get(i) != Some(&q) {
            return None;
        }
        i += 1;
    }
    Some((name, i))
}

/// The statements of `text`.
pub fn statements(text: &str) -> Vec<Statement> {
    let tokens = tokens(text);
    let mut out = Vec::new();
    let mut current: Vec<Token> = Vec::new();
    // Open groupers inside the current statement: '(' '[' and hash or lambda '{'.
    let mut groups: Vec<char> = Vec::new();
    // Braces of blocks open around the current statement (so `}` closes one).
    let mut block_braces = 0usize;
    let mut i = 0;
    let finish = |current: &mut Vec<Token>, out: &mut Vec<Statement>, opens: bool| {
        if current.is_empty() {
            return;
        }
        let tokens = std::mem::take(current);
        let line = tokens[0].line;
        let keyword_opens = matches!(&tokens[0].tok, Tok::Ident(k) if OPENING_KEYWORDS.contains(&k.as_str()))
            && !tokens.iter().any(|t| t.tok == Tok::Ident("end".into()))
            && !endless_def(&tokens);
        out.push(Statement {
            tokens,
            line,
            opens: opens || keyword_opens,
            closes: false,
        });
    };
    while i < tokens.len() {
        let token = &tokens[i];
        let prev = current.last().map(|t| &t.tok);
        match &token.tok {
            Tok::Punct('\n') | Tok::Punct(';') if groups.is_empty() => {
                let continues = matches!(
                    prev,
                    Some(Tok::Punct(',' | '.' | '\\' | '+' | '|' | '&')) | Some(Tok::Arrow)
                ) || next_starts_with_dot(&tokens, i);
                if !continues || token.tok == Tok::Punct(';') {
                    finish(&mut current, &mut out, false);
                }
                i += 1;
            }
            Tok::Punct('\n') => i += 1,
            Tok::Punct(c @ ('(' | '[')) => {
                groups.push(*c);
                current.push(token.clone());
                i += 1;
            }
            Tok::Punct(')' | ']') => {
                groups.pop();
                current.push(token.clone());
                i += 1;
            }
            Tok::Punct('{') => {
                let is_block = groups.is_empty()
                    && match prev {
                        Some(Tok::Punct(')')) => true,
                        Some(Tok::Ident(name)) => {
                            current.len() == 1 && name != "lambda" && name != "proc"
                        }
                        _ => false,
                    };
                current.push(token.clone());
                i += 1;
                if is_block {
                    i = skip_block_params(&tokens, i, &mut current);
                    block_braces += 1;
                    finish(&mut current, &mut out, true);
                } else {
                    groups.push('{');
                }
            }
            Tok::Punct('}') if groups.last() == Some(&'{') => {
                groups.pop();
                current.push(token.clone());
                i += 1;
            }
            Tok::Punct('}') if groups.is_empty() && block_braces > 0 => {
                finish(&mut current, &mut out, false);
                block_braces -= 1;
                out.push(Statement {
                    tokens: vec![token.clone()],
                    line: token.line,
                    opens: false,
                    closes: true,
                });
                i += 1;
            }
            Tok::Ident(word)
                if word == "do" && groups.is_empty() && prev != Some(&Tok::Punct('.')) =>
            {
                current.push(token.clone());
                i = skip_block_params(&tokens, i + 1, &mut current);
                let loop_do = matches!(current.first().map(|t| &t.tok), Some(Tok::Ident(k)) if matches!(k.as_str(), "while" | "until" | "for"));
                finish(&mut current, &mut out, !loop_do);
            }
            Tok::Ident(word)
                if word == "end" && groups.is_empty() && prev != Some(&Tok::Punct('.')) =>
            {
                finish(&mut current, &mut out, false);
                out.push(Statement {
                    tokens: vec![token.clone()],
                    line: token.line,
                    opens: false,
                    closes: true,
                });
                i += 1;
            }
            _ => {
                current.push(token.clone());
                i += 1;
            }
        }
    }
    finish(&mut current, &mut out, false);
    out
}

/// Whether `tokens` is an endless method definition (`def ready? = true`), which opens no
/// block.
fn endless_def(tokens: &[Token]) -> bool {
    if tokens[0].tok != Tok::Ident("def".into()) {
        return false;
    }
    let mut depth = 0i32;
    for token in tokens {
        match token.tok {
            Tok::Punct('(') => depth += 1,
            Tok::Punct(')') => depth -= 1,
            Tok::Punct('=') if depth == 0 => return true,
            _ => {}
        }
    }
    false
}

/// Whether the next non-blank line starts with `.` (a method chain continues).
fn next_starts_with_dot(tokens: &[Token], i: usize) -> bool {
    tokens[i + 1..]
        .iter()
        .find(|t| t.tok != Tok::Punct('\n'))
        .is_some_and(|t| t.tok == Tok::Punct('.') && tokens[i].tok == Tok::Punct('\n'))
}

/// Takes `|params|` after a `do` or block brace into `current`; returns the index after.
fn skip_block_params(tokens: &[Token], mut i: usize, current: &mut Vec<Token>) -> usize {
    if tokens.get(i).map(|t| &t.tok) != Some(&Tok::Punct('|')) {
        return i;
    }
    current.push(tokens[i].clone());
    i += 1;
    while i < tokens.len() {
        current.push(tokens[i].clone());
        i += 1;
        if tokens[i - 1].tok == Tok::Punct('|') || tokens[i - 1].tok == Tok::Punct('\n') {
            break;
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heads(text: &str) -> Vec<(String, bool, bool)> {
        statements(text)
            .iter()
            .map(|s| (s.head().unwrap_or("?").to_string(), s.opens, s.closes))
            .collect()
    }

    #[test]
    fn strings_symbols_keys_and_lists() {
        let toks: Vec<Tok> = tokens(r#"post "/a/#{x}" => 'b#c', :as => :d, on: %i[member] # "e""#)
            .into_iter()
            .map(|t| t.tok)
            .collect();
        assert_eq!(
            toks,
            vec![
                Tok::Ident("post".into()),
                Tok::Str {
                    text: "/a/".into(),
                    dynamic: true
                },
                Tok::Arrow,
                Tok::Str {
                    text: "b#c".into(),
                    dynamic: false
                },
                Tok::Punct(','),
                Tok::Sym("as".into()),
                Tok::Arrow,
                Tok::Sym("d".into()),
                Tok::Punct(','),
                Tok::Key("on".into()),
                Tok::List(vec!["member".into()]),
            ]
        );
    }

    #[test]
    fn blocks_open_and_close() {
        let text = "Rails.application.routes.draw do\n  namespace :a do post :b end\n  scope(path: 'x') { get 'y' }\n  class C\n    def m?(r) = r\n    def n(a = 1)\n    end\n  end\n  post 'z', constraints: { host: 'h' },\n    to: 'z#z'\nend\n";
        assert_eq!(
            heads(text),
            vec![
                ("Rails".into(), true, false),
                ("namespace".into(), true, false),
                ("post".into(), false, false),
                ("end".into(), false, true),
                ("scope".into(), true, false),
                ("get".into(), false, false),
                ("?".into(), false, true),
                ("class".into(), true, false),
                ("def".into(), false, false),
                ("def".into(), true, false),
                ("end".into(), false, true),
                ("end".into(), false, true),
                ("post".into(), false, false),
                ("end".into(), false, true),
            ]
        );
    }

    #[test]
    fn heredocs_and_comments_are_skipped() {
        let text = "x = <<~EOS\n  end do\nEOS\n=begin\nend\n=end\npost 'a' # do\n";
        assert_eq!(
            heads(text),
            vec![("x".into(), false, false), ("post".into(), false, false)]
        );
    }
}
