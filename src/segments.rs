//! Splitting a large template at top level, so each piece compiles on its own.
//!
//! handlebars records the line and column of every element by rescanning the template from
//! its first byte, which makes compiling quadratic in the template's size; for the kits'
//! larger templates that was most of a run's time. Rendering the pieces one after another
//! gives the same text as rendering the whole, because a piece only ends after a newline
//! where no block is open and no whitespace control (`~`) reaches across.

/// One piece: its text and the number of lines before it in the whole template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece<'t> {
    pub text: &'t str,
    pub line_offset: usize,
}

/// Splits `text` into pieces of at least `target` bytes (the last may be smaller). Returns
/// the whole text as one piece when it is small or uses constructs that span pieces
/// (raw blocks, inline partials) or that this scanner does not understand.
pub fn split(text: &str, target: usize) -> Vec<Piece<'_>> {
    let whole = vec![Piece {
        text,
        line_offset: 0,
    }];
    if text.len() < target * 2 || text.contains("{{{{") || text.contains("{{#*inline") {
        return whole;
    }
    let Some(cuts) = cut_points(text, target) else {
        return whole;
    };
    let mut pieces = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    let mut line_offset = 0;
    for cut in cuts.into_iter().chain(std::iter::once(text.len())) {
        if cut <= start {
            continue;
        }
        let piece = &text[start..cut];
        pieces.push(Piece {
            text: piece,
            line_offset,
        });
        line_offset += piece.matches('\n').count();
        start = cut;
    }
    pieces
}

/// Byte offsets just after a newline where a piece may end, at least `target` bytes apart.
fn cut_points(text: &str, target: usize) -> Option<Vec<usize>> {
    let bytes = text.as_bytes();
    let mut cuts = Vec::new();
    let mut depth: usize = 0;
    let mut last_cut = 0;
    // Whether the text since the last tag is whitespace only and that tag ended with `~}}`.
    let mut trimmed_after = false;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"{{") {
            let (end, kind) = tag_end(text, i)?;
            match kind {
                Tag::Open => depth += 1,
                Tag::Close => depth = depth.checked_sub(1)?,
                Tag::Other => {}
            }
            trimmed_after = text[..end].ends_with("~}}") || text[..end].ends_with("~}}}");
            i = end;
            continue;
        }
        let byte = bytes[i];
        if !byte.is_ascii_whitespace() {
            trimmed_after = false;
        }
        i += 1;
        if byte == b'\n'
            && depth == 0
            && !trimmed_after
            && i - last_cut >= target
            && i < bytes.len()
        {
            let rest = &text[i..];
            let next_tag_trims = rest
                .trim_start_matches([' ', '\t', '\n', '\r'])
                .starts_with("{{~");
            if !next_tag_trims {
                cuts.push(i);
                last_cut = i;
            }
        }
    }
    (depth == 0).then_some(cuts)
}

/// What a tag does to block nesting.
pub enum Tag {
    Open,
    Close,
    Other,
}

/// Where `pair` (two ASCII bytes, such as `{{`) next occurs in `text` at or after `from`.
/// Faster than `str::find` with a two-byte pattern: it jumps between the first bytes.
pub fn find_pair(text: &str, from: usize, pair: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let [first, second] = *pair.as_bytes() else {
        return text[from..].find(pair).map(|i| from + i);
    };
    let mut i = from;
    while let Some(found) = text.get(i..)?.find(char::from(first)) {
        let at = i + found;
        if bytes.get(at + 1) == Some(&second) {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// The end of the tag starting at `start` and whether it opens or closes a block.
pub fn tag_end(text: &str, start: usize) -> Option<(usize, Tag)> {
    let rest = &text[start..];
    if let Some(comment) = rest
        .strip_prefix("{{!--")
        .or_else(|| rest.strip_prefix("{{~!--"))
    {
        let close = find_pair(comment, 0, "--")?;
        let after = &comment[close..];
        let end = find_pair(after, 0, "}}")? + 2;
        return Some((
            start + (rest.len() - comment.len()) + close + end,
            Tag::Other,
        ));
    }
    let close = find_pair(rest, 0, "}}")?;
    let mut end = close + 2;
    let triple = rest.starts_with("{{{") || rest.starts_with("{{~{");
    if triple && rest[end..].starts_with('}') {
        end += 1;
    }
    let inner = rest[2..close].trim_start_matches(['{', '~']).trim_start();
    let kind = match inner.chars().next() {
        Some('#') | Some('^') => Tag::Open,
        Some('/') => Tag::Close,
        _ => Tag::Other,
    };
    Some((start + end, kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(pieces: &[Piece]) -> String {
        pieces.iter().map(|p| p.text).collect()
    }

    #[test]
    fn finds_pairs_after_single_bytes() {
        assert_eq!(find_pair("a{b{{c", 0, "{{"), Some(3));
        assert_eq!(find_pair("a{b{{c", 4, "{{"), None);
        assert_eq!(find_pair("é}}", 0, "}}"), Some(2));
        assert_eq!(find_pair("{", 0, "{{"), None);
    }

    #[test]
    fn small_templates_stay_whole() {
        assert_eq!(split("a\nb\n", 100).len(), 1);
    }

    #[test]
    fn cuts_only_at_top_level_after_a_newline() {
        let text = "aaaa\n{{#if x}}\nbbbb\ncccc\n{{/if}}\ndddd\neeee\nffff\n";
        let pieces = split(text, 4);
        assert_eq!(joined(&pieces), text);
        for piece in &pieces {
            assert_eq!(
                piece.text.matches("{{#if").count(),
                piece.text.matches("{{/if").count(),
                "{pieces:?}"
            );
            assert!(piece.text.ends_with('\n'));
        }
        assert!(pieces.len() > 2, "{pieces:?}");
        assert_eq!(pieces[1].line_offset, 1);
    }

    #[test]
    fn whitespace_control_is_never_split() {
        let text = "aaaa {{x~}}\n\nbbbb\ncccc\n  {{~y}}\ndddd\n";
        for piece in split(text, 1) {
            assert!(
                !piece.text.starts_with("bbbb") && !piece.text.starts_with("  {{~y"),
                "{piece:?}"
            );
        }
    }

    #[test]
    fn comments_with_braces_are_skipped() {
        let text = "{{!-- {{#if}} --}}\naaaa\nbbbb\ncccc\ndddd\n";
        assert_eq!(joined(&split(text, 4)), text);
        assert!(split(text, 4).len() > 1);
    }

    #[test]
    fn unbalanced_or_raw_templates_stay_whole() {
        assert_eq!(split("{{#if a}}\naaaa\nbbbb\ncccc\n", 2).len(), 1);
        assert_eq!(
            split("{{{{raw}}}}\naaaa\n{{{{/raw}}}}\nbbbb\ncccc\n", 2).len(),
            1
        );
    }
}

/// Lines of a template that hold only raw text, lifted out so handlebars never parses
/// them: each becomes `{{__raw N}}` (N counted from `first_index`) and renders back
/// verbatim. handlebars' parser costs about a thousand instructions per byte of raw text,
/// and templates are mostly raw text. A line stays in place when it is blank, touches a
/// tag or comment, or borders whitespace control (`~`).
pub fn lift_raw_lines(text: &str, first_index: usize) -> (String, Vec<String>) {
    if text.contains("{{{{") {
        return (text.to_string(), Vec::new());
    }
    let bytes = text.as_bytes();
    // For each byte: inside a tag or comment?
    let mut in_tag = vec![false; bytes.len()];
    let mut trims_after = Vec::new();
    let mut trims_before = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"{{") {
            let Some((end, _)) = tag_end(text, i) else {
                return (text.to_string(), Vec::new());
            };
            in_tag[i..end].iter_mut().for_each(|b| *b = true);
            if text[i..end].starts_with("{{~") {
                trims_before.push(i);
            }
            if text[..end].ends_with("~}}") || text[..end].ends_with("~}}}") {
                trims_after.push(end);
            }
            i = end;
        } else {
            i += 1;
        }
    }
    let mut out = String::with_capacity(text.len() / 4);
    let mut lifted: Vec<String> = Vec::new();
    // The run of liftable lines being collected, and the line ending after its last line.
    let mut run: Option<(String, &str)> = None;
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let end = start + line.len();
        let content = line.strip_suffix('\n').unwrap_or(line);
        let content = content.strip_suffix('\r').unwrap_or(content);
        let content_end = start + content.len();
        let liftable = !content.trim().is_empty()
            && !content.contains("{{")
            && !content.contains("}}")
            && !content.contains('\\')
            && !in_tag[start..end].iter().any(|b| *b)
            && !trims_after
                .iter()
                .any(|t| *t <= start && text[*t..start].trim().is_empty())
            && !trims_before
                .iter()
                .any(|t| *t >= content_end && text[content_end..*t].trim().is_empty());
        let ending = &line[content.len()..];
        if liftable {
            run = Some(match run.take() {
                Some((mut lines, previous_ending)) => {
                    lines.push_str(previous_ending);
                    lines.push_str(content);
                    (lines, ending)
                }
                None => (content.to_string(), ending),
            });
        } else {
            flush(&mut run, &mut out, &mut lifted, first_index);
            out.push_str(line);
        }
        start = end;
    }
    flush(&mut run, &mut out, &mut lifted, first_index);
    (out, lifted)
}

fn flush(
    run: &mut Option<(String, &str)>,
    out: &mut String,
    lifted: &mut Vec<String>,
    first_index: usize,
) {
    if let Some((lines, ending)) = run.take() {
        out.push_str(&format!("{{{{__raw {}}}}}", first_index + lifted.len()));
        out.push_str(ending);
        lifted.push(lines);
    }
}

#[cfg(test)]
mod lift_tests {
    use super::*;

    #[test]
    fn raw_lines_are_lifted_and_tag_lines_kept() {
        let (out, lifted) =
            lift_raw_lines("def f():\n    {{x}}\n\n    a = 1\r\n    return a\r\n", 7);
        assert_eq!(out, "{{__raw 7}}\n    {{x}}\n\n{{__raw 8}}\r\n");
        assert_eq!(lifted, ["def f():", "    a = 1\r\n    return a"]);
    }

    #[test]
    fn lines_inside_multiline_tags_and_near_whitespace_control_stay() {
        let text = "{{#if (eq\n  a b)}}\nx\n{{/if}}\n{{y~}}\n  z\nw  \n  {{~v}}\n";
        let (out, lifted) = lift_raw_lines(text, 0);
        assert!(out.contains("  a b)}}"), "{out}");
        assert_eq!(lifted, ["x"]);
    }
}
