//! The `block` editor: inserts a rendered block, fenced by comments so it is found again,
//! above a marker line (taking its indentation) or at the end of a file.

use super::text::{append_lines, edit_preserving};
use super::EditError;

/// Where a block goes when its marker is absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MarkerMissing {
    /// The edit fails and names the marker.
    #[default]
    Error,
    /// The block is appended at the end of the file.
    End,
}

/// One block edit.
#[derive(Debug, Clone)]
pub struct Block<'a> {
    /// Fence key, e.g. `stripe urls`.
    pub key: &'a str,
    /// Line-comment prefix of the file's language.
    pub comment: &'a str,
    /// The block's lines, LF-separated.
    pub body: &'a str,
    /// Text of the marker line the block goes above.
    pub marker: Option<&'a str>,
    pub marker_missing: MarkerMissing,
    /// A line (compared trimmed) that a new block goes above, at the start of the
    /// top-level statement holding it (`try:` around an indented import); tried before the
    /// marker. Empty or absent: no such line.
    pub before: Option<&'a str>,
}

impl Block<'_> {
    fn begin(&self) -> String {
        format!("{} >>> integrate {}", self.comment, self.key)
    }
    fn end(&self) -> String {
        format!("{} <<< integrate {}", self.comment, self.key)
    }

    /// The block's lines between its fences, each indented by `indent`.
    pub(crate) fn fenced(&self, indent: &str) -> String {
        let mut out = format!("{indent}{}\n", self.begin());
        for line in self.body.lines() {
            if line.trim().is_empty() {
                out.push('\n');
            } else {
                out.push_str(indent);
                out.push_str(line);
                out.push('\n');
            }
        }
        out.push_str(&format!("{indent}{}\n", self.end()));
        out
    }
}

/// Inserts or refreshes `block` in `original`.
pub fn upsert(original: &str, block: &Block) -> Result<String, EditError> {
    edit_preserving(original, |body| {
        let lines: Vec<&str> = body.split_inclusive('\n').collect();
        if let Some((start, end)) = find_fence(&lines, block)? {
            let indent = leading_ws(lines[start]);
            let mut out: String = lines[..start].concat();
            out.push_str(&block.fenced(indent));
            let rest = lines[end + 1..].concat();
            if !lines[end].ends_with('\n') {
                out.pop();
            }
            out.push_str(&rest);
            return Ok(out);
        }
        if let Some(at) = anchor(&lines, block.before, block.comment) {
            let mut out: String = lines[..at].concat();
            out.push_str(&block.fenced(""));
            out.push_str(&lines[at..].concat());
            return Ok(out);
        }
        let marker_at = match block.marker {
            Some(marker) => {
                let hits: Vec<usize> = lines
                    .iter()
                    .enumerate()
                    .filter(|(_, l)| l.contains(marker))
                    .map(|(i, _)| i)
                    .collect();
                match hits.as_slice() {
                    [] if block.marker_missing == MarkerMissing::End => None,
                    [] => {
                        return Err(EditError::MissingMarker {
                            marker: marker.to_string(),
                        })
                    }
                    [one] => Some(*one),
                    [first, second, ..] => {
                        return Err(EditError::DuplicateMarker {
                            marker: marker.to_string(),
                            first: first + 1,
                            second: second + 1,
                        })
                    }
                }
            }
            None => None,
        };
        Ok(match marker_at {
            Some(index) => {
                let indent = leading_ws(lines[index]);
                let mut out: String = lines[..index].concat();
                out.push_str(&block.fenced(indent));
                out.push_str(&lines[index..].concat());
                out
            }
            None => append_lines(body, &block.fenced("")),
        })
    })
}

/// The line a new block goes above for `before`: the first line equal to it (trimmed), or
/// the unindented line opening the statement that holds it, and above the comment lines
/// right over that statement (they speak of it).
fn anchor(lines: &[&str], before: Option<&str>, comment: &str) -> Option<usize> {
    let before = before.map(str::trim).filter(|b| !b.is_empty())?;
    let mut at = lines.iter().position(|l| l.trim() == before)?;
    while at > 0 && (lines[at].starts_with([' ', '\t']) || lines[at].trim().is_empty()) {
        at -= 1;
    }
    let fence = |line: &str| line.contains(">>> integrate ") || line.contains("<<< integrate ");
    while at > 0 && lines[at - 1].starts_with(comment) && !fence(lines[at - 1]) {
        at -= 1;
    }
    Some(at)
}

/// Removes the fenced block of `block.key`, if present.
pub fn remove(original: &str, block: &Block) -> Result<String, EditError> {
    edit_preserving(original, |body| {
        let lines: Vec<&str> = body.split_inclusive('\n').collect();
        Ok(match find_fence(&lines, block)? {
            Some((start, end)) => {
                let mut out: String = lines[..start].concat();
                out.push_str(&lines[end + 1..].concat());
                out
            }
            None => body.to_string(),
        })
    })
}

/// The first and last line of `block`'s fence in `lines`, if present.
pub(crate) fn find_fence(
    lines: &[&str],
    block: &Block,
) -> Result<Option<(usize, usize)>, EditError> {
    let begin = block.begin();
    let end = block.end();
    let Some(start) = lines.iter().position(|l| l.trim() == begin) else {
        return Ok(None);
    };
    match lines[start..].iter().position(|l| l.trim() == end) {
        Some(offset) => Ok(Some((start, start + offset))),
        None => Err(EditError::UnclosedFence {
            fence: begin,
            line: start + 1,
        }),
    }
}

fn leading_ws(line: &str) -> &str {
    let trimmed = line.trim_start_matches([' ', '\t']);
    &line[..line.len() - trimmed.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block<'a>(body: &'a str, marker: Option<&'a str>) -> Block<'a> {
        Block {
            key: "stripe urls",
            comment: "#",
            body,
            marker,
            marker_missing: MarkerMissing::Error,
            before: None,
        }
    }

    #[test]
    fn goes_above_the_marker_with_its_indentation() {
        let original = "urls = [\n    # integrate:urls\n]\n";
        let out = upsert(original, &block("path(a),\n", Some("integrate:urls"))).unwrap();
        insta::assert_snapshot!(out, @r"
        urls = [
            # >>> integrate stripe urls
            path(a),
            # <<< integrate stripe urls
            # integrate:urls
        ]
        ");
    }

    #[test]
    fn second_run_changes_nothing_and_new_body_replaces_old() {
        let b = block("x = 1\n", None);
        let once = upsert("a\n", &b).unwrap();
        assert_eq!(upsert(&once, &b).unwrap(), once);
        let changed = upsert(&once, &block("x = 2\n", None)).unwrap();
        assert_eq!(
            changed,
            "a\n# >>> integrate stripe urls\nx = 2\n# <<< integrate stripe urls\n"
        );
    }

    #[test]
    fn missing_and_duplicate_markers_are_errors() {
        let b = block("x\n", Some("integrate:urls"));
        assert!(matches!(
            upsert("a\n", &b),
            Err(EditError::MissingMarker { .. })
        ));
        let twice = "# integrate:urls\n# integrate:urls\n";
        assert!(matches!(
            upsert(twice, &b),
            Err(EditError::DuplicateMarker {
                first: 1,
                second: 2,
                ..
            })
        ));
        let end = Block {
            marker_missing: MarkerMissing::End,
            before: None,
            ..b
        };
        assert!(upsert("a", &end).unwrap().starts_with("a\n# >>>"));
    }

    #[test]
    fn before_goes_above_the_statement_and_its_comments() {
        let original = "A = 1\n\n# Local overrides.\ntry:\n    from .local_settings import *  # noqa\nexcept ImportError:\n    pass\n";
        let mut b = block("B = 2", Some("integrate:settings"));
        b.marker_missing = MarkerMissing::End;
        b.before = Some("  from .local_settings import *  # noqa ");
        let once = upsert(original, &b).unwrap();
        assert_eq!(
            once,
            "A = 1\n\n# >>> integrate stripe urls\nB = 2\n# <<< integrate stripe urls\n# Local overrides.\ntry:\n    from .local_settings import *  # noqa\nexcept ImportError:\n    pass\n"
        );
        assert_eq!(upsert(&once, &b).unwrap(), once);
        let mut second = block("C = 3", None);
        second.key = "other settings";
        second.marker_missing = MarkerMissing::End;
        second.before = b.before;
        let twice = upsert(&once, &second).unwrap();
        assert!(twice.contains("# <<< integrate stripe urls\n# >>> integrate other settings\nC = 3\n# <<< integrate other settings\n# Local overrides.\n"), "{twice}");
        assert_eq!(
            remove(&remove(&twice, &second).unwrap(), &b).unwrap(),
            original
        );
        b.before = Some("from .absent import *");
        assert!(upsert(original, &b)
            .unwrap()
            .ends_with("# <<< integrate stripe urls\n"));
    }

    #[test]
    fn remove_restores_the_original() {
        let original = "a\r\n    # integrate:urls\r\nb";
        let b = block("x\n\ny\n", Some("integrate:urls"));
        let added = upsert(original, &b).unwrap();
        assert!(added.contains("    x\r\n\r\n    y\r\n"));
        assert_eq!(remove(&added, &b).unwrap(), original);
    }

    #[test]
    fn unclosed_fence_is_an_error() {
        let b = block("x\n", None);
        let broken = "# >>> integrate stripe urls\nx\n";
        assert!(matches!(
            upsert(broken, &b),
            Err(EditError::UnclosedFence { line: 1, .. })
        ));
    }
}
