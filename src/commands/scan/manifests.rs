//! Dependency manifests: the packages each declares, with the line it declares them on.
//! Pure: text in, names out.

/// A package registry, told by the manifest that names the package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Registry {
    Pypi,
    Npm,
    Rubygems,
    Crates,
}

/// The kind of manifest at `path` (relative, `/`-separated), if it is one: requirements
/// files (`requirements*.txt`/`.in`, anything `.txt`/`.in` in a `requirements/` folder),
/// `pyproject.toml`, `Pipfile`, `package.json`, `Gemfile`, `Cargo.toml`.
pub fn manifest_kind(path: &str) -> Option<&'static str> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    let in_requirements_dir = path
        .rsplit('/')
        .nth(1)
        .is_some_and(|dir| dir == "requirements" || dir == "reqs");
    if (name.starts_with("requirements") || in_requirements_dir) && (ext == "txt" || ext == "in") {
        Some("requirements")
    } else if name == "pyproject.toml" || name == "Pipfile" {
        Some("pyproject")
    } else if name == "package.json" {
        Some("package.json")
    } else if name == "Gemfile" || name == "gems.rb" {
        Some("Gemfile")
    } else if name == "Cargo.toml" {
        Some("Cargo.toml")
    } else {
        None
    }
}

/// The registry a manifest kind's packages come from.
pub fn registry_of(manifest: &str) -> Registry {
    match manifest {
        "requirements" | "pyproject" => Registry::Pypi,
        "package.json" => Registry::Npm,
        "Gemfile" => Registry::Rubygems,
        _ => Registry::Crates,
    }
}

/// Package names compared the way registries compare them: case-insensitive, with `_` and
/// `.` equal to `-`.
pub fn normalize(name: &str) -> String {
    name.trim().to_ascii_lowercase().replace(['_', '.'], "-")
}

/// The leading package name of a requirement such as `stripe[async]>=7 ; python_version>"3"`.
pub fn requirement_name(spec: &str) -> Option<String> {
    let spec = spec.trim();
    let end = spec
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(spec.len());
    let name = &spec[..end];
    (!name.is_empty()
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric()))
    .then(|| name.to_string())
}

/// `(line, package)` for each dependency a manifest declares.
pub fn packages(manifest: &str, text: &str) -> Vec<(usize, String)> {
    match manifest {
        "requirements" => text
            .lines()
            .enumerate()
            .filter_map(|(index, line)| {
                let line = line.split(" #").next().unwrap_or(line).trim();
                if line.is_empty() || line.starts_with('#') || line.starts_with('-') {
                    return None;
                }
                let spec = line.split_once(" @ ").map(|(n, _)| n).unwrap_or(line);
                requirement_name(spec).map(|name| (index + 1, name))
            })
            .collect(),
        "Gemfile" => text
            .lines()
            .enumerate()
            .filter_map(|(index, line)| {
                let rest = line.trim_start().strip_prefix("gem")?;
                let rest = rest.trim_start().strip_prefix(['(', ' ']).unwrap_or(rest);
                let rest = rest.trim_start();
                let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
                let name = rest[1..].split(quote).next()?;
                (!name.is_empty()).then(|| (index + 1, name.to_string()))
            })
            .collect(),
        "package.json" => {
            let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
                return Vec::new();
            };
            let mut names = Vec::new();
            for table in [
                "dependencies",
                "devDependencies",
                "peerDependencies",
                "optionalDependencies",
            ] {
                if let Some(deps) = value.get(table).and_then(|d| d.as_object()) {
                    names.extend(deps.keys().cloned());
                }
            }
            names
                .into_iter()
                .map(|name| {
                    let needle = format!("\"{name}\"");
                    let line = text
                        .lines()
                        .position(|l| l.contains(&needle) && l.contains(':'))
                        .map_or(1, |i| i + 1);
                    (line, name)
                })
                .collect()
        }
        _ => toml_packages(manifest, text),
    }
}

/// Dependencies of pyproject.toml / Pipfile (PEP 621, dependency groups, Poetry) and
/// Cargo.toml (every dependencies table, renamed packages by their real name).
fn toml_packages(manifest: &str, text: &str) -> Vec<(usize, String)> {
    let Ok(doc) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    let mut names: Vec<String> = Vec::new();
    let keys_of = |value: Option<&toml::Value>, names: &mut Vec<String>, cargo: bool| {
        if let Some(table) = value.and_then(|v| v.as_table()) {
            for (key, spec) in table {
                let real = if cargo {
                    spec.get("package").and_then(|p| p.as_str()).unwrap_or(key)
                } else {
                    key
                };
                names.push(real.to_string());
            }
        }
    };
    let specs_of = |value: Option<&toml::Value>, names: &mut Vec<String>| {
        if let Some(list) = value.and_then(|v| v.as_array()) {
            names.extend(
                list.iter()
                    .filter_map(|v| v.as_str())
                    .filter_map(requirement_name),
            );
        }
    };
    if manifest == "Cargo.toml" {
        for table in ["dependencies", "dev-dependencies", "build-dependencies"] {
            keys_of(doc.get(table), &mut names, true);
        }
        if let Some(targets) = doc.get("target").and_then(|t| t.as_table()) {
            for target in targets.values() {
                for table in ["dependencies", "dev-dependencies", "build-dependencies"] {
                    keys_of(target.get(table), &mut names, true);
                }
            }
        }
        keys_of(
            doc.get("workspace").and_then(|w| w.get("dependencies")),
            &mut names,
            true,
        );
    } else {
        let project = doc.get("project");
        specs_of(project.and_then(|p| p.get("dependencies")), &mut names);
        if let Some(optional) = project
            .and_then(|p| p.get("optional-dependencies"))
            .and_then(|o| o.as_table())
        {
            for list in optional.values() {
                specs_of(Some(list), &mut names);
            }
        }
        if let Some(groups) = doc.get("dependency-groups").and_then(|g| g.as_table()) {
            for list in groups.values() {
                specs_of(Some(list), &mut names);
            }
        }
        let poetry = doc.get("tool").and_then(|t| t.get("poetry"));
        for table in ["dependencies", "dev-dependencies"] {
            keys_of(poetry.and_then(|p| p.get(table)), &mut names, false);
        }
        if let Some(groups) = poetry
            .and_then(|p| p.get("group"))
            .and_then(|g| g.as_table())
        {
            for group in groups.values() {
                keys_of(group.get("dependencies"), &mut names, false);
            }
        }
        for table in ["packages", "dev-packages"] {
            keys_of(doc.get(table), &mut names, false);
        }
    }
    names
        .into_iter()
        .map(|name| (toml_line(text, &name), name))
        .collect()
}

/// The first line that declares `name`: as a key (`name = `, `name.workspace`,
/// `[dependencies.name]`) or as the start of a quoted requirement.
fn toml_line(text: &str, name: &str) -> usize {
    let wanted = normalize(name);
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with('#') {
            continue;
        }
        let header = trimmed
            .strip_prefix('[')
            .map(|h| h.trim_end_matches(']').rsplit('.').next().unwrap_or(""));
        let key = trimmed
            .split(['=', '.'])
            .next()
            .map(|k| k.trim().trim_matches('"'));
        if header.is_some_and(|h| normalize(h) == wanted)
            || (header.is_none()
                && trimmed.contains('=')
                && key.is_some_and(|k| normalize(k) == wanted))
        {
            return index + 1;
        }
        for quoted in trimmed.split(['"', '\'']).skip(1).step_by(2) {
            if requirement_name(quoted).is_some_and(|n| normalize(&n) == wanted) {
                return index + 1;
            }
        }
    }
    1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirement_lines_give_names() {
        let text =
            "# deps\nstripe==7.0  # payments\n-r base.txt\ntwilio[async]>=9\nboto3 @ https://x\n";
        let names: Vec<(usize, String)> = packages("requirements", text);
        assert_eq!(
            names,
            vec![
                (2, "stripe".to_string()),
                (4, "twilio".to_string()),
                (5, "boto3".to_string())
            ]
        );
    }

    #[test]
    fn gemfile_and_toml_lines() {
        let gems = packages(
            "Gemfile",
            "source 'x'\ngem 'stripe', '~> 12'\n  gem(\"twilio-ruby\")\n",
        );
        assert_eq!(gems, vec![(2, "stripe".into()), (3, "twilio-ruby".into())]);
        let cargo = "[package]\nname = \"app\"\n\n[dependencies]\nserde = \"1\"\nstripe = { package = \"async-stripe\", version = \"0.39\" }\n\n[dependencies.aws-sdk-s3]\nversion = \"1\"\n";
        let names = packages("Cargo.toml", cargo);
        assert!(
            names.contains(&(6, "async-stripe".to_string())),
            "{names:?}"
        );
        assert!(names.contains(&(8, "aws-sdk-s3".to_string())), "{names:?}");
        let py = "[project]\nname = \"stripe-shop\"\ndependencies = [\n  \"Django>=5\",\n  \"stripe>=7\",\n]\n[tool.poetry.dependencies]\ntwilio = \"^9\"\n";
        let names = packages("pyproject", py);
        assert!(names.contains(&(5, "stripe".to_string())), "{names:?}");
        assert!(names.contains(&(8, "twilio".to_string())), "{names:?}");
    }
}
