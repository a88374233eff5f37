//! The `toml` editor: merges a rendered TOML fragment into a document with toml_edit,
//! adding what is missing and never changing a value that is already there.

use toml_edit::{Array, DocumentMut, Item, Table, Value};

use super::text::edit_preserving;
use super::EditError;

/// Merges `fragment` into `original`: missing tables and keys are added (in sorted position
/// when the table's keys were sorted), existing values are kept, and array members are
/// added when no member of the same name is present.
pub fn merge(original: &str, fragment: &str) -> Result<String, EditError> {
    let fragment: DocumentMut = fragment.parse().map_err(|e| EditError::Fragment {
        message: toml_message(&e),
    })?;
    edit_preserving(original, |body| {
        let mut doc: DocumentMut = body.parse().map_err(|e| syntax_error(body, &e))?;
        let first_new = max_position(doc.as_table()) + 1;
        let mut next = first_new;
        merge_table(doc.as_table_mut(), fragment.as_table(), "", &mut next)?;
        keep_trailer_above_new_tables(&mut doc, first_new);
        Ok(doc.to_string())
    })
}

/// Removes from `original` the keys and array members that `fragment` adds, where they
/// still equal what the fragment wrote; tables left empty by that are removed too.
pub fn unmerge(original: &str, fragment: &str) -> Result<String, EditError> {
    let fragment: DocumentMut = fragment.parse().map_err(|e| EditError::Fragment {
        message: toml_message(&e),
    })?;
    edit_preserving(original, |body| {
        let mut doc: DocumentMut = body.parse().map_err(|e| syntax_error(body, &e))?;
        let mut orphans = Vec::new();
        unmerge_table(doc.as_table_mut(), fragment.as_table(), &mut orphans);
        for (position, comments) in orphans {
            reattach(&mut doc, position, comments);
        }
        Ok(doc.to_string())
    })
}

fn merge_table(
    target: &mut Table,
    source: &Table,
    path: &str,
    next: &mut isize,
) -> Result<(), EditError> {
    let was_sorted = is_sorted(target);
    let mut inserted = false;
    for (key, item) in source.iter() {
        let key_path = if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        };
        match target.get_mut(key) {
            None => {
                let mut item = item.clone();
                match &mut item {
                    Item::Value(value) => value.decor_mut().clear(),
                    Item::Table(table) => {
                        separate_tables(table);
                        place_new_tables(table, next);
                    }
                    _ => {}
                }
                target.insert(key, item);
                if let Some(mut k) = target.key_mut(key) {
                    k.leaf_decor_mut().clear();
                }
                inserted = true;
            }
            Some(existing) => merge_item(existing, item, &key_path, next)?,
        }
    }
    if inserted && was_sorted {
        target.sort_values();
    }
    Ok(())
}

fn merge_item(
    existing: &mut Item,
    source: &Item,
    path: &str,
    next: &mut isize,
) -> Result<(), EditError> {
    match source {
        Item::Table(source_table) => match existing {
            Item::Table(table) => merge_table(table, source_table, path, next),
            Item::Value(Value::InlineTable(inline)) => {
                let mut table = inline.clone().into_table();
                merge_table(&mut table, source_table, path, next)?;
                *inline = table.into_inline_table();
                Ok(())
            }
            other => Err(wrong_type(path, "a table", other)),
        },
        Item::Value(Value::Array(source_array)) => match existing {
            Item::Value(Value::Array(array)) => {
                union(array, source_array);
                Ok(())
            }
            _ => Ok(()),
        },
        _ => Ok(()),
    }
}

/// Comments and blank lines after the last key of a document are its trailer, which
/// toml_edit writes after every table, so tables the merge added would land above them.
/// Moves the trailer to the front of the first added table instead: the original bytes
/// stay in front, in order.
fn keep_trailer_above_new_tables(doc: &mut DocumentMut, first_new: isize) {
    let trailer = doc.trailing().as_str().unwrap_or("").to_string();
    if trailer.is_empty() {
        return;
    }
    let Some(table) = first_header_from(doc.as_table_mut(), first_new) else {
        return;
    };
    let mut prefix = trailer;
    if !prefix.ends_with('\n') {
        prefix.push('\n');
    }
    prefix.push_str(
        table
            .decor()
            .prefix()
            .and_then(|p| p.as_str())
            .unwrap_or(""),
    );
    table.decor_mut().set_prefix(prefix);
    doc.set_trailing("");
}

/// The table with a written header and the lowest position at or above `from`.
fn first_header_from(table: &mut Table, from: isize) -> Option<&mut Table> {
    fn lowest(table: &Table, from: isize) -> Option<isize> {
        table
            .iter()
            .filter_map(|(_, item)| item.as_table())
            .flat_map(|t| {
                let own = t.position().filter(|p| *p >= from && !t.is_implicit());
                own.into_iter().chain(lowest(t, from))
            })
            .min()
    }
    fn find(table: &mut Table, position: isize) -> Option<&mut Table> {
        for (_, item) in table.iter_mut() {
            if let Item::Table(child) = item {
                if child.position() == Some(position) && !child.is_implicit() {
                    return Some(child);
                }
                if let Some(found) = find(child, position) {
                    return Some(found);
                }
            }
        }
        None
    }
    let position = lowest(table, from)?;
    find(table, position)
}

fn max_position(table: &Table) -> isize {
    table
        .iter()
        .filter_map(|(_, item)| item.as_table())
        .map(|t| t.position().unwrap_or(0).max(max_position(t)))
        .max()
        .unwrap_or(0)
}

/// Gives `table` and the tables under it positions from `next` on, so tables added by the
/// merge are written at the end of the document in the order they were added.
fn place_new_tables(table: &mut Table, next: &mut isize) {
    table.set_position(*next);
    *next += 1;
    for (_, item) in table.iter_mut() {
        if let Item::Table(child) = item {
            place_new_tables(child, next);
        }
    }
}

/// Puts a blank line above every explicit table header in `table`.
fn separate_tables(table: &mut Table) {
    if !table.is_implicit() {
        table.decor_mut().set_prefix("\n");
    }
    for (_, item) in table.iter_mut() {
        if let Item::Table(child) = item {
            separate_tables(child);
        }
    }
}

fn union(array: &mut Array, source: &Array) {
    for value in source.iter() {
        let name = member_name(value);
        if array.iter().any(|v| member_name(v) == name) {
            continue;
        }
        let mut value = value.clone();
        let last_prefix = array
            .iter()
            .last()
            .and_then(|last| last.decor().prefix().and_then(|p| p.as_str()))
            .map(str::to_string);
        let trailing = array.trailing().as_str().unwrap_or("").to_string();
        let prefix = match (last_prefix, trailing.rfind('\n')) {
            (Some(last), Some(nl)) if last.contains('\n') => {
                let indent = &last[last.rfind('\n').map_or(0, |i| i + 1)..];
                array.set_trailing(format!("\n{}", &trailing[nl + 1..]));
                format!("{}{indent}", &trailing[..=nl])
            }
            (Some(last), _) => last,
            (None, _) => String::new(),
        };
        value.decor_mut().set_prefix(prefix);
        value.decor_mut().set_suffix("");
        array.push_formatted(value);
    }
}

/// The name an array member is matched by: a string's leading package name
/// (`requests>=2` → `requests`), or the whole value otherwise.
pub fn member_name(value: &Value) -> String {
    match value {
        Value::String(s) => {
            let s = s.value();
            let end = s
                .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
                .unwrap_or(s.len());
            let name = if end == 0 { s } else { &s[..end] };
            name.to_ascii_lowercase().replace('_', "-")
        }
        other => other.to_string().trim().to_string(),
    }
}

/// Comment lines above a removed table header (such as a file's last comments, which
/// `merge` put there) go above the next table header, or to the end of the document.
fn reattach(doc: &mut DocumentMut, position: isize, comments: String) {
    let mut text = comments
        .trim_end_matches(['\n', '\r', ' ', '\t'])
        .to_string();
    text.push('\n');
    match first_header_from(doc.as_table_mut(), position + 1) {
        Some(table) => {
            let prefix = table
                .decor()
                .prefix()
                .and_then(|p| p.as_str())
                .unwrap_or("");
            let prefix = format!("{text}{prefix}");
            table.decor_mut().set_prefix(prefix);
        }
        None => {
            let trailing = doc.trailing().as_str().unwrap_or("").to_string();
            doc.set_trailing(format!("{trailing}{text}"));
        }
    }
}

fn unmerge_table(target: &mut Table, source: &Table, orphans: &mut Vec<(isize, String)>) {
    for (key, item) in source.iter() {
        let Some(existing) = target.get_mut(key) else {
            continue;
        };
        let remove = match (existing, item) {
            (Item::Table(table), Item::Table(source_table)) => {
                unmerge_table(table, source_table, orphans);
                let empty = table.is_empty();
                let prefix = table
                    .decor()
                    .prefix()
                    .and_then(|p| p.as_str())
                    .unwrap_or("");
                if empty && prefix.contains('#') {
                    orphans.push((
                        table.position().unwrap_or(isize::MAX - 1),
                        prefix.to_string(),
                    ));
                }
                empty
            }
            (Item::Value(Value::Array(array)), Item::Value(Value::Array(source_array))) => {
                let names: Vec<String> = source_array.iter().map(member_name).collect();
                array.retain(|v| !names.contains(&member_name(v)));
                false
            }
            (Item::Value(value), Item::Value(source_value)) => {
                value.to_string().trim() == source_value.to_string().trim()
            }
            _ => false,
        };
        if remove {
            target.remove(key);
        }
    }
}

fn is_sorted(table: &Table) -> bool {
    let keys: Vec<&str> = table
        .iter()
        .filter(|(_, item)| !item.is_table())
        .map(|(k, _)| k)
        .collect();
    !keys.is_empty() && keys.windows(2).all(|w| w[0] <= w[1])
}

fn wrong_type(path: &str, wanted: &str, found: &Item) -> EditError {
    EditError::WrongType {
        key: path.to_string(),
        wanted: wanted.to_string(),
        found: found.type_name().to_string(),
    }
}

fn toml_message(error: &toml_edit::TomlError) -> String {
    error.message().trim().to_string()
}

fn syntax_error(body: &str, error: &toml_edit::TomlError) -> EditError {
    let (line, column) = match error.span() {
        Some(span) => super::line_col(body, span.start),
        None => (1, 1),
    };
    EditError::Syntax {
        line,
        column,
        message: toml_message(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_a_dependency_keeping_layout_and_comments() {
        let original =
            "[project]\nname = \"app\"\n# deps\ndependencies = [\n    \"django>=5.2\",  # web\n]\n";
        let out = merge(original, "[project]\ndependencies = [\"requests>=2.31\"]\n").unwrap();
        insta::assert_snapshot!(out, @r#"
        [project]
        name = "app"
        # deps
        dependencies = [
            "django>=5.2",  # web
            "requests>=2.31",
        ]
        "#);
        assert_eq!(
            merge(&out, "[project]\ndependencies = [\"requests\"]\n").unwrap(),
            out
        );
    }

    #[test]
    fn never_changes_an_existing_value() {
        let original = "[dependencies]\nreqwest = \"0.11\"\n";
        let out = merge(
            original,
            "[dependencies]\nreqwest = { version = \"0.12\" }\n",
        )
        .unwrap();
        assert_eq!(out, original);
    }

    #[test]
    fn sorted_tables_stay_sorted() {
        let original = "[dependencies]\naxum = \"0.8\"\ntokio = \"1\"\n";
        let out = merge(original, "[dependencies]\nhmac = \"0.12\"\nzstd = \"1\"\n").unwrap();
        assert_eq!(
            out,
            "[dependencies]\naxum = \"0.8\"\nhmac = \"0.12\"\ntokio = \"1\"\nzstd = \"1\"\n"
        );
    }

    #[test]
    fn a_single_key_counts_as_sorted() {
        let out = merge("[dev]\ntower = \"0.5\"\n", "[dev]\ntokio = \"1\"\n").unwrap();
        assert_eq!(out, "[dev]\ntokio = \"1\"\ntower = \"0.5\"\n");
    }

    #[test]
    fn unsorted_tables_get_new_keys_at_the_end() {
        let original = "[dependencies]\ntokio = \"1\"\naxum = \"0.8\"\n";
        let out = merge(original, "[dependencies]\nhmac = \"0.12\"\n").unwrap();
        assert_eq!(
            out,
            "[dependencies]\ntokio = \"1\"\naxum = \"0.8\"\nhmac = \"0.12\"\n"
        );
    }

    #[test]
    fn adds_new_tables_and_keeps_crlf() {
        let original = "# settings\r\n[server]\r\nport = 8080\r\n";
        let out = merge(
            original,
            "[integrations.stripe]\nbase_url = \"https://x\"\n",
        )
        .unwrap();
        assert_eq!(
            out,
            "# settings\r\n[server]\r\nport = 8080\r\n\r\n[integrations.stripe]\r\nbase_url = \"https://x\"\r\n"
        );
        assert_eq!(
            unmerge(&out, "[integrations.stripe]\nbase_url = \"https://x\"\n").unwrap(),
            original
        );
    }

    #[test]
    fn syntax_errors_carry_a_position() {
        let err = merge("a = 1\nb = \n", "x = 1\n").unwrap_err();
        assert!(matches!(err, EditError::Syntax { line: 2, .. }), "{err:?}");
    }

    #[test]
    fn a_key_of_the_wrong_type_is_an_error() {
        let err = merge("integrations = 3\n", "[integrations.stripe]\na = 1\n").unwrap_err();
        assert!(matches!(err, EditError::WrongType { .. }), "{err:?}");
    }

    #[test]
    fn comments_at_the_end_stay_above_added_tables() {
        let original = "[dependencies]\naxum = \"0.8\"\n# zlib = \"1\"";
        let out = merge(original, "[integrations.acme]\na = 1\n").unwrap();
        assert_eq!(
            out,
            "[dependencies]\naxum = \"0.8\"\n# zlib = \"1\"\n\n[integrations.acme]\na = 1\n"
        );
        assert_eq!(merge(&out, "[integrations.acme]\na = 1\n").unwrap(), out);
        assert_eq!(
            unmerge(&out, "[integrations.acme]\na = 1\n").unwrap(),
            "[dependencies]\naxum = \"0.8\"\n# zlib = \"1\"\n"
        );
    }

    #[test]
    fn inline_tables_are_merged_into() {
        let out = merge("dev = { a = 1 }\n", "[dev]\nb = 2\n").unwrap();
        assert_eq!(out, "dev = { a = 1, b = 2 }\n");
    }
}
