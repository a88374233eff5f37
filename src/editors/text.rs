//! Byte-faithful text handling shared by every editor: BOM, line endings and the
//! final-newline state of the original file survive an edit.

use similar::{ChangeTag, TextDiff};

const BOM: &str = "\u{feff}";

/// Runs `edit` on the LF-normalised body of `original` (without BOM) and maps the result
/// back: lines the edit did not touch keep their original endings, new lines take the
/// file's dominant ending, and a BOM is put back.
pub fn edit_preserving<E>(
    original: &str,
    edit: impl FnOnce(&str) -> Result<String, E>,
) -> Result<String, E> {
    let (bom, body) = match original.strip_prefix(BOM) {
        Some(rest) => (BOM, rest),
        None => ("", original),
    };
    let normalized = body.replace("\r\n", "\n");
    let edited = edit(&normalized)?;
    if edited == normalized {
        return Ok(original.to_string());
    }
    Ok(format!("{bom}{}", restore_line_endings(body, &edited)))
}

/// The line ending most lines of `text` use (`"\n"` when there are none).
pub fn dominant_eol(text: &str) -> &'static str {
    let crlf = text.matches("\r\n").count();
    let lf = text.matches('\n').count() - crlf;
    if crlf > lf {
        "\r\n"
    } else {
        "\n"
    }
}

fn restore_line_endings(original: &str, edited_lf: &str) -> String {
    let eol = dominant_eol(original);
    if eol == "\n" && !original.contains('\r') {
        return edited_lf.to_string();
    }
    let original_lines: Vec<&str> = original.split_inclusive('\n').collect();
    let original_lf: Vec<String> = original_lines
        .iter()
        .map(|l| l.replace("\r\n", "\n"))
        .collect();
    let edited_lines: Vec<&str> = edited_lf.split_inclusive('\n').collect();
    let original_refs: Vec<&str> = original_lf.iter().map(String::as_str).collect();
    let diff = TextDiff::from_slices(&original_refs, &edited_lines);
    let mut out = String::with_capacity(edited_lf.len() + edited_lines.len());
    for op in diff.ops() {
        for change in diff.iter_changes(op) {
            match change.tag() {
                ChangeTag::Equal => {
                    let index = change.old_index().unwrap_or_default();
                    out.push_str(original_lines[index]);
                }
                ChangeTag::Insert => {
                    let line = change.value();
                    match line.strip_suffix('\n') {
                        Some(content) => {
                            out.push_str(content);
                            out.push_str(eol);
                        }
                        None => out.push_str(line),
                    }
                }
                ChangeTag::Delete => {}
            }
        }
    }
    out
}

/// Appends `text` (LF-separated lines, each ending in `\n`) to `body`, first ending the last
/// line of `body` if it has no final newline.
pub fn append_lines(body: &str, text: &str) -> String {
    let mut out = String::with_capacity(body.len() + text.len() + 1);
    out.push_str(body);
    if !body.is_empty() && !body.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add_line(body: &str) -> Result<String, ()> {
        Ok(append_lines(body, "new\n"))
    }

    #[test]
    fn crlf_files_stay_crlf() {
        let out = edit_preserving("a\r\nb\r\n", add_line).unwrap();
        assert_eq!(out, "a\r\nb\r\nnew\r\n");
    }

    #[test]
    fn mixed_endings_keep_each_original_line() {
        let out = edit_preserving("a\r\nb\nc\r\n", add_line).unwrap();
        assert_eq!(out, "a\r\nb\nc\r\nnew\r\n");
    }

    #[test]
    fn bom_is_kept() {
        let out = edit_preserving("\u{feff}a\n", add_line).unwrap();
        assert_eq!(out, "\u{feff}a\nnew\n");
    }

    #[test]
    fn no_change_returns_original_bytes() {
        let out = edit_preserving("a\r\nb", |b| Ok::<_, ()>(b.to_string())).unwrap();
        assert_eq!(out, "a\r\nb");
    }

    #[test]
    fn missing_final_newline_gets_one_before_appended_text() {
        assert_eq!(append_lines("a", "b\n"), "a\nb\n");
        assert_eq!(append_lines("", "b\n"), "b\n");
    }
}
