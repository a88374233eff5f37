//! The keyed-lines editor: upserts lines that each name one key, in a dotenv file such as
//! `.env.example` (`KEY=value`) or a pip requirements file (`requests>=2.31`).

use std::borrow::Cow;

use super::text::{append_lines, edit_preserving};

/// How a line names its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// `KEY=value`, optionally `export`ed.
    Dotenv,
    /// A pip requirement: the key is the package name, compared as PEP 503 normalizes it.
    Requirements,
    /// A Bundler `gem "name", ...` line (in or out of a `group` block): the key is the name.
    Gemfile,
}

impl Syntax {
    /// The key `line` names, if any.
    pub fn key(self, line: &str) -> Option<Cow<'_, str>> {
        match self {
            Syntax::Dotenv => line_key(line).map(Cow::Borrowed),
            Syntax::Requirements => requirement_name(line),
            Syntax::Gemfile => gem_name(line).map(Cow::Borrowed),
        }
    }
}

impl Syntax {
    /// Whether an added group of lines is set apart by a blank line (dotenv groups are;
    /// requirements are one list).
    fn separates_blocks(self) -> bool {
        matches!(self, Syntax::Dotenv | Syntax::Gemfile)
    }
}

/// The normalized package name of a requirement line (`Django[bcrypt]>=4` → `django`).
fn requirement_name(line: &str) -> Option<Cow<'_, str>> {
    let line = line.trim();
    if line.is_empty() || line.starts_with(['#', '-']) {
        return None;
    }
    let end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        .unwrap_or(line.len());
    let name = &line[..end];
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return None;
    }
    if name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Some(Cow::Borrowed(name));
    }
    let mut normalized = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            '.' | '_' | '-' if normalized.ends_with('-') => {}
            '.' | '_' | '-' => normalized.push('-'),
            c => normalized.push(c.to_ascii_lowercase()),
        }
    }
    Some(Cow::Owned(normalized))
}

/// The gem a Gemfile line declares (`gem "webmock", group: :test` → `webmock`).
fn gem_name(line: &str) -> Option<&str> {
    let rest = line.trim_start().strip_prefix("gem")?;
    let rest = rest.strip_prefix('(').unwrap_or(rest).trim_start();
    let quote = rest.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let rest = &rest[1..];
    let name = &rest[..rest.find(quote)?];
    (!name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    .then_some(name)
}

/// The key a dotenv line assigns, if it assigns one (`export` prefix allowed).
pub fn line_key(line: &str) -> Option<&str> {
    let line = line.trim_start();
    let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
    let (key, _) = line.split_once('=')?;
    let key = key.trim_end();
    let mut chars = key.chars();
    let first = chars.next()?;
    if (first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        Some(key)
    } else {
        None
    }
}

/// The item of an edit's `kept` list (see [`crate::record`]) saying that the blank line above
/// the block [`upsert`] added was the file's own: it ended with one, so none was put there.
pub const BLANK_LINE: &str = "(blank line)";

/// Whether [`upsert`] of `rendered` into `original` adds a block right after a blank line
/// the file already had (so it puts none of its own before the block).
pub fn reuses_blank_line(syntax: Syntax, original: &str, rendered: &str) -> bool {
    let mut reuses = false;
    let _ = edit_preserving(
        original,
        |body| -> Result<String, std::convert::Infallible> {
            let existing = keys_of(syntax, body.lines());
            reuses = syntax.separates_blocks()
                && !selection(syntax, &existing, rendered).is_empty()
                && !body.is_empty()
                && (body.ends_with("\n\n") || body.trim().is_empty());
            Ok(body.to_string())
        },
    );
    reuses
}

/// Adds every `KEY=value` line of `rendered` whose key `original` does not assign yet.
/// Existing keys keep their values and are never duplicated; comment lines of `rendered`
/// are written only when at least one key is added.
pub fn upsert(syntax: Syntax, original: &str, rendered: &str) -> String {
    let result: Result<String, std::convert::Infallible> = edit_preserving(original, |body| {
        let existing = keys_of(syntax, body.lines());
        let added = selection(syntax, &existing, rendered);
        if added.is_empty() {
            return Ok(body.to_string());
        }
        let mut text = String::new();
        if syntax.separates_blocks()
            && !body.is_empty()
            && !body.ends_with("\n\n")
            && !body.trim().is_empty()
        {
            text.push('\n');
        }
        for line in added {
            text.push_str(line);
            text.push('\n');
        }
        Ok(same_final_newline(body, append_lines(body, &text)))
    });
    match result {
        Ok(text) => text,
        Err(never) => match never {},
    }
}

/// The lines of `rendered` that [`upsert`] adds to a file assigning `existing`: each key not
/// assigned yet, with the comment lines since the previous added key. Empty when no key is new.
fn selection<'a>(syntax: Syntax, existing: &[Cow<str>], rendered: &'a str) -> Vec<&'a str> {
    let mut added = Vec::new();
    let mut pending_comments = Vec::new();
    let mut any_key = false;
    for line in rendered.lines() {
        match syntax.key(line) {
            Some(key)
                if existing.contains(&key)
                    || keys_of(syntax, added.iter().copied()).contains(&key) => {}
            Some(_) => {
                any_key = true;
                added.append(&mut pending_comments);
                added.push(line);
            }
            None if line.trim().is_empty() && !any_key => {}
            None => pending_comments.push(line),
        }
    }
    if !any_key {
        added.clear();
    }
    added
}

/// The lines not dropped, joined.
fn kept_lines(lines: &[&str], drop: &[bool]) -> String {
    lines
        .iter()
        .zip(drop)
        .filter(|(_, d)| !**d)
        .map(|(l, _)| *l)
        .collect()
}

/// `edited` with the final-newline state of `body`: a file that did not end in a newline
/// still does not, so `remove` can give back its exact bytes.
fn same_final_newline(body: &str, mut edited: String) -> String {
    if !body.is_empty() && !body.ends_with('\n') && edited.ends_with('\n') {
        edited.pop();
    }
    edited
}

/// The keys `lines` name, in order.
pub fn keys_of<'a>(syntax: Syntax, lines: impl Iterator<Item = &'a str>) -> Vec<Cow<'a, str>> {
    lines.filter_map(|l| syntax.key(l)).collect()
}

/// The keys `rendered` assigns, in order.
pub fn keys(syntax: Syntax, rendered: &str) -> Vec<String> {
    rendered
        .lines()
        .filter_map(|l| syntax.key(l))
        .map(Cow::into_owned)
        .collect()
}

/// Marks the lines of `lines` that [`upsert`] of `rendered` wrote: the keys of `rendered`
/// except `kept`, with the comment lines of `rendered` just above them. Returns the marks
/// and the first marked line.
fn mark(
    syntax: Syntax,
    lines: &[&str],
    rendered: &str,
    kept: &[String],
) -> (Vec<bool>, Option<usize>) {
    let ours: Vec<Cow<str>> = rendered
        .lines()
        .filter_map(|l| syntax.key(l))
        .filter(|k| !kept.iter().any(|kept| kept == k))
        .collect();
    let comments: Vec<&str> = rendered
        .lines()
        .filter(|l| syntax.key(l).is_none() && !l.trim().is_empty())
        .collect();
    let mut marked = vec![false; lines.len()];
    let mut first: Option<usize> = None;
    for (index, line) in lines.iter().enumerate() {
        if !syntax.key(line).is_some_and(|k| ours.contains(&k)) {
            continue;
        }
        marked[index] = true;
        let mut top = index;
        while top > 0
            && !marked[top - 1]
            && comments.contains(&lines[top - 1].trim_end_matches('\n'))
        {
            top -= 1;
            marked[top] = true;
        }
        first = Some(first.map_or(top, |f: usize| f.min(top)));
    }
    (marked, first)
}

/// Undoes [`upsert`]: removes the lines of the keys `rendered` assigns, except those in
/// `kept` (keys the file had before), together with the comment lines of `rendered` written
/// just above them and the blank line `upsert` put before the first of them (none when
/// `kept` holds [`BLANK_LINE`]).
pub fn remove(syntax: Syntax, original: &str, rendered: &str, kept: &[String]) -> String {
    let result: Result<String, std::convert::Infallible> = edit_preserving(original, |body| {
        let lines: Vec<&str> = body.split_inclusive('\n').collect();
        let (mut drop, first) = mark(syntax, &lines, rendered, kept);
        let Some(first) = first else {
            return Ok(body.to_string());
        };
        // The blank line upsert put between the file and the block: above it (unless it was
        // the file's own), or (when the block opened the file) the one that later blocks put
        // below it.
        let own = kept.iter().any(|k| k == BLANK_LINE);
        let blank_before = first > 0 && lines[first - 1].trim().is_empty();
        if !syntax.separates_blocks() {
            // Requirements are one list: upsert put no blank line.
        } else if blank_before && !own {
            drop[first - 1] = true;
        } else if first == 0 {
            if let Some(next) = (0..lines.len()).find(|i| !drop[*i]) {
                if lines[next].trim().is_empty() {
                    drop[next] = true;
                }
            }
        }
        Ok(same_final_newline(body, kept_lines(&lines, &drop)))
    });
    match result {
        Ok(text) => text,
        Err(never) => match never {},
    }
}

/// Removes the lines of the keys `rendered` assigns, except `kept`, with the comment lines
/// of `rendered` just above them — for taking some keys out of a block that stays (no
/// separator line is touched).
pub fn remove_lines(syntax: Syntax, original: &str, rendered: &str, kept: &[String]) -> String {
    let result: Result<String, std::convert::Infallible> = edit_preserving(original, |body| {
        let lines: Vec<&str> = body.split_inclusive('\n').collect();
        let (drop, _) = mark(syntax, &lines, rendered, kept);
        Ok(same_final_newline(body, kept_lines(&lines, &drop)))
    });
    match result {
        Ok(text) => text,
        Err(never) => match never {},
    }
}

/// Rewrites, in place, the lines [`upsert`] of `rendered` wrote (keys except `kept`, with
/// their comments) as `upsert` would write them now. For `remove`: a key that another
/// integration's block held, and that this one's render also assigns, passes to this block
/// with this render's value, as if the other had never been added. Without such lines,
/// this is [`upsert`].
pub fn rechunk(syntax: Syntax, original: &str, rendered: &str, kept: &[String]) -> String {
    let result: Result<String, std::convert::Infallible> = edit_preserving(original, |body| {
        let lines: Vec<&str> = body.split_inclusive('\n').collect();
        let (marked, first) = mark(syntax, &lines, rendered, kept);
        let Some(first) = first else {
            return Ok(body.to_string());
        };
        let existing: Vec<Cow<str>> = lines
            .iter()
            .zip(&marked)
            .filter(|(_, m)| !**m)
            .filter_map(|(l, _)| syntax.key(l))
            .collect();
        let mut out: String = lines[..first].concat();
        for line in selection(syntax, &existing, rendered) {
            out.push_str(line);
            out.push('\n');
        }
        for (line, m) in lines.iter().zip(&marked).skip(first) {
            if !m {
                out.push_str(line);
            }
        }
        Ok(same_final_newline(body, out))
    });
    match result {
        Ok(text) if text == original => upsert(syntax, original, rendered),
        Ok(text) => text,
        Err(never) => match never {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upsert(original: &str, rendered: &str) -> String {
        super::upsert(Syntax::Dotenv, original, rendered)
    }
    fn remove(original: &str, rendered: &str, kept: &[String]) -> String {
        super::remove(Syntax::Dotenv, original, rendered, kept)
    }
    fn rechunk(original: &str, rendered: &str, kept: &[String]) -> String {
        super::rechunk(Syntax::Dotenv, original, rendered, kept)
    }
    fn reuses_blank_line(original: &str, rendered: &str) -> bool {
        super::reuses_blank_line(Syntax::Dotenv, original, rendered)
    }

    #[test]
    fn requirements_are_keyed_by_normalized_package_name() {
        let rs = Syntax::Requirements;
        let original = "# app\nDjango==5.0  # web\nPillow_SIMD>=9\n-r base.txt\n";
        let added = super::upsert(rs, original, "requests>=2.31\ndjango>=4\npillow-simd\n");
        assert_eq!(added, format!("{original}requests>=2.31\n"));
        assert_eq!(
            super::remove(
                rs,
                &added,
                "requests>=2.31\ndjango>=4\n",
                &["django".into()]
            ),
            original
        );
        assert_eq!(
            keys(
                rs,
                "Foo.Bar[x]>=1; python_version<'3.12'\n--hash=sha256:x\n"
            ),
            ["foo-bar"]
        );
        assert_eq!(
            super::upsert(rs, "requests\n", "Requests>=2.31\n"),
            "requests\n"
        );
    }

    #[test]
    fn gems_are_keyed_by_name_in_or_out_of_groups() {
        let gf = Syntax::Gemfile;
        let original = "source \"https://rubygems.org\"\n\ngem 'rails', '~> 6.1'\n\ngroup :development, :test do\n  gem(\"rspec-rails\")\n  # gem \"webmock\"\nend\n";
        let rendered = "# Used by the integrations' tests (integrate)\ngem \"webmock\", group: :test, require: false\ngem \"rspec-rails\", group: :test\n";
        let added = super::upsert(gf, original, rendered);
        assert_eq!(
            added,
            format!("{original}\n# Used by the integrations' tests (integrate)\ngem \"webmock\", group: :test, require: false\n")
        );
        assert_eq!(super::upsert(gf, &added, rendered), added);
        assert_eq!(
            super::remove(gf, &added, rendered, &["rspec-rails".into()]),
            original
        );
        assert_eq!(
            keys(gf, "gemspec\ngem \"a.b-c_d\"\ngems \"x\"\n"),
            ["a.b-c_d"]
        );
    }

    const BLOCK: &str = "# Stripe\nSTRIPE_API_KEY=your-key\nSTRIPE_WEBHOOK_SECRET=whsec\n";

    #[test]
    fn appends_missing_keys_with_their_comment() {
        let out = upsert("DEBUG=1\n", BLOCK);
        assert_eq!(
            out,
            "DEBUG=1\n\n# Stripe\nSTRIPE_API_KEY=your-key\nSTRIPE_WEBHOOK_SECRET=whsec\n"
        );
    }

    #[test]
    fn never_touches_an_existing_value_or_duplicates_a_key() {
        let original = "STRIPE_API_KEY=mine\n";
        let out = upsert(original, BLOCK);
        assert_eq!(
            out,
            "STRIPE_API_KEY=mine\n\n# Stripe\nSTRIPE_WEBHOOK_SECRET=whsec\n"
        );
        assert_eq!(upsert(&out, BLOCK), out);
    }

    #[test]
    fn nothing_to_add_leaves_bytes_alone() {
        let original = "export STRIPE_API_KEY = x\r\nSTRIPE_WEBHOOK_SECRET=y";
        assert_eq!(upsert(original, BLOCK), original);
    }

    #[test]
    fn file_without_final_newline_gets_the_key_on_its_own_line() {
        let added = upsert("A=1", "# S\nB=2\n");
        assert_eq!(added, "A=1\n\n# S\nB=2");
        assert_eq!(remove(&added, "# S\nB=2\n", &[]), "A=1");
        let twice = upsert(&added, "# T\nC=3\n");
        assert_eq!(twice, "A=1\n\n# S\nB=2\n\n# T\nC=3");
        assert_eq!(
            remove(&twice, "# S\nB=2\n", &[]),
            upsert("A=1", "# T\nC=3\n")
        );
    }

    #[test]
    fn crlf_and_bom_are_kept() {
        assert_eq!(
            upsert("\u{feff}A=1\r\n", "B=2\n"),
            "\u{feff}A=1\r\n\r\nB=2\r\n"
        );
    }

    #[test]
    fn empty_file_gets_no_leading_blank_line() {
        assert_eq!(upsert("", "# S\nB=2\n"), "# S\nB=2\n");
    }

    #[test]
    fn line_key_rejects_comments_and_garbage() {
        assert_eq!(line_key("# A=1"), None);
        assert_eq!(line_key("1A=1"), None);
        assert_eq!(line_key("  export A_B =1"), Some("A_B"));
    }

    #[test]
    fn remove_undoes_upsert_exactly() {
        for original in ["DEBUG=1\n", "", "\u{feff}A=1\r\n", "A=1\n\n# Other\nB=2\n"] {
            let added = upsert(original, BLOCK);
            assert_eq!(remove(&added, BLOCK, &[]), original, "{original:?}");
        }
        let kept = upsert("STRIPE_API_KEY=mine\n", BLOCK);
        assert_eq!(
            remove(&kept, BLOCK, &["STRIPE_API_KEY".to_string()]),
            "STRIPE_API_KEY=mine\n"
        );
        // A key two blocks share passes to the one that stays, with its value.
        let a = "# A\nKIND=a\nA_KEY=\n";
        let b = "# B\nKIND=b\nB_KEY=\n";
        let both = upsert(&upsert("X=1\n", a), b);
        let left = rechunk(&remove(&both, a, &[]), b, &[]);
        assert_eq!(left, upsert("X=1\n", b));
        let first = upsert(&upsert("", BLOCK), "# Acme\nACME_KEY=\n");
        assert_eq!(
            remove(&first, BLOCK, &[]),
            upsert("", "# Acme\nACME_KEY=\n")
        );
        let twice = upsert(&upsert("A=1\n", BLOCK), "# Acme\nACME_KEY=\n");
        assert_eq!(
            remove(&twice, BLOCK, &[]),
            upsert("A=1\n", "# Acme\nACME_KEY=\n")
        );
    }

    #[test]
    fn a_blank_line_the_file_ended_with_stays_on_remove() {
        for original in ["A=1\n\n", "A=1\r\n\r\n", "\n", "\u{feff}A=1\n\n\n"] {
            assert!(reuses_blank_line(original, BLOCK), "{original:?}");
            let added = upsert(original, BLOCK);
            let kept = [BLANK_LINE.to_string()];
            assert_eq!(remove(&added, BLOCK, &kept), original, "{original:?}");
        }
        for original in [
            "",
            "A=1\n",
            "A=1",
            "STRIPE_API_KEY=x\nSTRIPE_WEBHOOK_SECRET=\n\n",
        ] {
            assert!(!reuses_blank_line(original, BLOCK), "{original:?}");
        }
    }
}
