//! Reading one top-level table of a large TOML file without parsing the rest of it.

/// The lines of `text` under the table headers `[key]`, `[key.…]` and `[[key.…]]`, in
/// order: a TOML document holding just the table `key` (empty when there is none). Meant
/// for the built-in files, whose every table header starts a line.
pub fn section(text: &str, key: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in text.split_inclusive('\n') {
        if line.starts_with('[') {
            let name = line.trim_start_matches('[');
            let name = name[..name.find(']').unwrap_or(name.len())].trim();
            inside = name == key
                || name
                    .strip_prefix(key)
                    .is_some_and(|rest| rest.starts_with('.'));
        }
        if inside {
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_the_table_and_its_subtables_only() {
        let text = "# c\n[a]\nx = 1\n[a.env]\ny = 2\n[ab]\nz = 3\n[[a.list]]\nw = 4\n[b]\n";
        assert_eq!(
            section(text, "a"),
            "[a]\nx = 1\n[a.env]\ny = 2\n[[a.list]]\nw = 4\n"
        );
        assert_eq!(section(text, "c"), "");
    }
}
