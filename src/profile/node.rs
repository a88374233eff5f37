//! Node projects: package.json, the lockfile and package manager, installed versions, and
//! tsconfig files (JSONC, followed through `extends` to local files).

use std::io::BufRead;
use std::path::Path;

use serde_json::{Map, Value};

use super::{is_file, read};

/// The most lines of a lockfile scanned for a version (lockfiles can be very large).
const MAX_LOCK_LINES: usize = 2_000_000;

/// package.json, parsed.
#[derive(Debug, Clone, Default)]
pub struct Package {
    pub json: Map<String, Value>,
}

impl Package {
    /// Reads `root/package.json`; a file that is not a JSON object is an error message.
    pub fn load(root: &Path) -> Result<Option<Package>, String> {
        let Some(text) = read(root, "package.json") else {
            return Ok(None);
        };
        match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(json)) => Ok(Some(Package { json })),
            Ok(_) => Err("is not a JSON object".into()),
            Err(e) => Err(format!(
                "{}:{}: invalid JSON ({e}); fix it and run again",
                e.line(),
                e.column()
            )),
        }
    }

    /// The version range of `name` in dependencies, devDependencies or peerDependencies.
    pub fn range(&self, name: &str) -> Option<&str> {
        ["dependencies", "devDependencies", "peerDependencies"]
            .iter()
            .find_map(|section| self.json.get(*section)?.get(name)?.as_str())
    }

    /// Whether `name` is declared in any dependency section.
    pub fn has(&self, name: &str) -> bool {
        self.range(name).is_some()
    }

    /// The text of script `name`.
    pub fn script(&self, name: &str) -> Option<&str> {
        self.json.get("scripts")?.get(name)?.as_str()
    }
}

/// Whether the shell command `script` runs `tool` as a command word.
pub fn runs(script: &str, tool: &str) -> bool {
    script
        .split(|c: char| c.is_whitespace() || matches!(c, '&' | ';' | '|' | '(' | ')'))
        .any(|word| word == tool || word.ends_with(&format!("/{tool}")))
}

/// The package manager, from the lockfile (else `packageManager`, else npm), and why.
pub fn package_manager(root: &Path, package: &Package) -> (&'static str, String) {
    for (file, manager) in [
        ("pnpm-lock.yaml", "pnpm"),
        ("yarn.lock", "yarn"),
        ("bun.lockb", "bun"),
        ("bun.lock", "bun"),
        ("package-lock.json", "npm"),
        ("npm-shrinkwrap.json", "npm"),
    ] {
        if is_file(root, file) {
            return (manager, file.to_string());
        }
    }
    if let Some(declared) = package.json.get("packageManager").and_then(Value::as_str) {
        for manager in ["pnpm", "yarn", "bun", "npm"] {
            if declared.starts_with(manager) {
                return (manager, "packageManager in package.json".into());
            }
        }
    }
    ("npm", "no lockfile".into())
}

/// A version as (major, minor, patch).
pub type Version = (u64, u64, u64);

/// Parses `1.2.3` (or `1.2`, `1`), ignoring a pre-release or build suffix.
pub fn parse_version(text: &str) -> Option<Version> {
    let core = text.trim().trim_start_matches('v');
    let core = core.split(['-', '+', ' ']).next()?;
    let mut parts = core.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = match parts.next() {
        None | Some("x") | Some("*") => 0,
        Some(p) => p.parse().ok()?,
    };
    let patch = match parts.next() {
        None | Some("x") | Some("*") => 0,
        Some(p) => p.parse().ok()?,
    };
    Some((major, minor, patch))
}

/// The lowest version a semver range admits (`^5.3.0` → 5.3.0, `~5.2.2` → 5.2.2,
/// `>=4.7 <6` → 4.7.0, `5.x` → 5.0.0). `None` for `*`, `latest`, tags, URLs and paths.
pub fn range_floor(range: &str) -> Option<Version> {
    range
        .split("||")
        .filter_map(|alternative| {
            let first = alternative.split_whitespace().next()?;
            let first = first.trim_start_matches(['^', '~', '=', '>', 'v']);
            if first.starts_with('<') {
                return None;
            }
            parse_version(first)
        })
        .min()
}

/// The installed or locked version of `name`, and where it was read: the installed
/// `node_modules/<name>/package.json`, else the lockfile.
pub fn locked_version(root: &Path, name: &str) -> Option<(Version, String)> {
    let installed = format!("node_modules/{name}/package.json");
    if let Some(text) = read(root, &installed) {
        if let Some(version) = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| v.get("version")?.as_str().and_then(parse_version))
        {
            return Some((version, installed));
        }
    }
    if let Some(v) = scan_lock(root, "package-lock.json", |lines| {
        npm_lock_version(lines, name)
    }) {
        return Some((v, "package-lock.json".into()));
    }
    if let Some(v) = scan_lock(root, "pnpm-lock.yaml", |lines| {
        pnpm_lock_version(lines, name)
    }) {
        return Some((v, "pnpm-lock.yaml".into()));
    }
    if let Some(v) = scan_lock(root, "yarn.lock", |lines| yarn_lock_version(lines, name)) {
        return Some((v, "yarn.lock".into()));
    }
    None
}

fn scan_lock(
    root: &Path,
    rel: &str,
    find: impl FnOnce(&mut dyn Iterator<Item = String>) -> Option<Version>,
) -> Option<Version> {
    let path = root.join(rel);
    if !std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let file = std::fs::File::open(path).ok()?;
    let mut lines = std::io::BufReader::new(file)
        .lines()
        .map_while(|l| l.ok())
        .take(MAX_LOCK_LINES);
    find(&mut lines)
}

/// `"node_modules/<name>": { ... "version": "x" }` of package-lock.json v2/v3, or the v1
/// `"dependencies": { "<name>": { "version": "x" } }`.
fn npm_lock_version(lines: &mut dyn Iterator<Item = String>, name: &str) -> Option<Version> {
    let v2 = format!("\"node_modules/{name}\": {{");
    let v1 = format!("\"{name}\": {{");
    let mut inside = false;
    for line in lines {
        let trimmed = line.trim();
        if trimmed == v2 || (trimmed == v1 && line.starts_with("    \"")) {
            inside = true;
            continue;
        }
        if inside {
            if let Some(rest) = trimmed.strip_prefix("\"version\": \"") {
                return parse_version(rest.trim_end_matches([',', '"']));
            }
            if trimmed.starts_with('}') {
                inside = false;
            }
        }
    }
    None
}

/// `typescript@5.3.3:` / `/typescript@5.3.3:` / `/typescript/4.7.4:` package keys of
/// pnpm-lock.yaml.
fn pnpm_lock_version(lines: &mut dyn Iterator<Item = String>, name: &str) -> Option<Version> {
    let prefixes = [
        format!("{name}@"),
        format!("/{name}@"),
        format!("/{name}/"),
        format!("'{name}@"),
        format!("'/{name}@"),
    ];
    for line in lines {
        if !line.starts_with("  ") || line.starts_with("   ") {
            continue;
        }
        let key = line.trim();
        for prefix in &prefixes {
            if let Some(rest) = key.strip_prefix(prefix.as_str()) {
                let version = rest.split([':', '(', '\'']).next().unwrap_or_default();
                if let Some(v) = parse_version(version) {
                    return Some(v);
                }
            }
        }
    }
    None
}

/// `typescript@^5.3.0:` followed by `  version "5.3.3"` in yarn.lock (v1 and berry).
fn yarn_lock_version(lines: &mut dyn Iterator<Item = String>, name: &str) -> Option<Version> {
    let mut inside = false;
    for line in lines {
        if !line.starts_with(' ') && !line.trim().is_empty() {
            let key = line.trim_start_matches('"');
            inside = key.starts_with(&format!("{name}@"));
            continue;
        }
        if inside {
            let trimmed = line.trim();
            if let Some(rest) = trimmed
                .strip_prefix("version ")
                .or_else(|| trimmed.strip_prefix("version: "))
            {
                return parse_version(rest.trim_matches('"'));
            }
        }
    }
    None
}

/// The `compilerOptions` that apply to `file` (a tsconfig), with the chain of local files
/// `extends` followed (the file's own options win). Returns the merged options and the
/// files read, or an error message naming the file that does not parse.
pub fn tsconfig(root: &Path, file: &str) -> Result<(Map<String, Value>, Vec<String>), String> {
    let mut chain: Vec<(String, Map<String, Value>)> = Vec::new();
    let mut next = Some(file.to_string());
    while let Some(current) = next.take() {
        if chain.len() >= 8 || chain.iter().any(|(f, _)| *f == current) {
            break;
        }
        let Some(text) = read(root, &current) else {
            break;
        };
        let json = parse_jsonc(&text).map_err(|e| format!("{current}: {e}"))?;
        let Value::Object(json) = json else {
            return Err(format!("{current}: is not a JSON object"));
        };
        let options = json
            .get("compilerOptions")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        // `extends` naming a local file (a package name is not followed).
        let extends = match json.get("extends") {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Array(list)) => list.last().and_then(Value::as_str).map(str::to_string),
            _ => None,
        };
        chain.push((current.clone(), options));
        if let Some(target) = extends.filter(|e| e.starts_with('.')) {
            let dir = current.rsplit_once('/').map_or("", |(d, _)| d);
            let mut joined = normalize(&super::join(dir, &target));
            if !joined.ends_with(".json") && !is_file(root, &joined) {
                joined.push_str(".json");
            }
            next = Some(joined);
        }
    }
    let files = chain.iter().map(|(f, _)| f.clone()).collect();
    let mut merged = Map::new();
    for (_, options) in chain.into_iter().rev() {
        for (key, value) in options {
            merged.insert(key, value);
        }
    }
    Ok((merged, files))
}

/// `a/./b/../c` as `a/c`; `None`-free: leading `..` are kept.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// Parses JSON with comments and trailing commas (tsconfig's JSONC).
pub fn parse_jsonc(text: &str) -> Result<Value, String> {
    let clean = strip_jsonc(text.strip_prefix('\u{feff}').unwrap_or(text));
    serde_json::from_str(&clean)
        .map_err(|e| format!("{}:{}: invalid JSON: {e}", e.line(), e.column()))
}

/// `text` with `//` and `/* */` comments blanked (newlines kept, so positions stay) and
/// commas before a closing `}` or `]` removed.
fn strip_jsonc(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    // Index in `out` of the last comma outside strings, while only blanks followed it.
    let mut pending_comma: Option<usize> = None;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'"' {
            let start = i;
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                if bytes[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i = (i + 1).min(bytes.len());
            out.push_str(&text[start..i]);
            pending_comma = None;
            continue;
        }
        if c == b'/' && bytes.get(i + 1) == Some(&b'/') {
            while i < bytes.len() && bytes[i] != b'\n' {
                out.push(' ');
                i += 1;
            }
            continue;
        }
        if c == b'/' && bytes.get(i + 1) == Some(&b'*') {
            out.push_str("  ");
            i += 2;
            while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                out.push(if bytes[i] == b'\n' { '\n' } else { ' ' });
                i += 1;
            }
            if i < bytes.len() {
                out.push_str("  ");
                i += 2;
            }
            continue;
        }
        match c {
            b',' => {
                pending_comma = Some(out.len());
                out.push(',');
            }
            b'}' | b']' => {
                if let Some(at) = pending_comma.take() {
                    out.replace_range(at..at + 1, " ");
                }
                out.push(c as char);
            }
            b' ' | b'\t' | b'\r' | b'\n' => out.push(c as char),
            _ => {
                pending_comma = None;
                // Copy one whole UTF-8 character.
                let len = utf8_len(c);
                out.push_str(&text[i..(i + len).min(text.len())]);
                i += len;
                continue;
            }
        }
        i += 1;
    }
    out
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonc_comments_and_trailing_commas() {
        let text = "{\n  // a comment, with a comma,\n  \"a\": \"x // not a comment\", /* block\n */ \"b\": [1, 2,],\n}\n";
        let value = parse_jsonc(text).unwrap();
        assert_eq!(value["a"], "x // not a comment");
        assert_eq!(value["b"], serde_json::json!([1, 2]));
        assert!(parse_jsonc("{\"a\": }").unwrap_err().starts_with("1:"));
    }

    #[test]
    fn range_floors() {
        assert_eq!(range_floor("^5.3.0"), Some((5, 3, 0)));
        assert_eq!(range_floor("~5.2.2"), Some((5, 2, 2)));
        assert_eq!(range_floor(">=4.7 <6"), Some((4, 7, 0)));
        assert_eq!(range_floor("5.x"), Some((5, 0, 0)));
        assert_eq!(range_floor("4.7.4"), Some((4, 7, 4)));
        assert_eq!(range_floor("^4.9 || ^5.1"), Some((4, 9, 0)));
        assert_eq!(range_floor("latest"), None);
        assert_eq!(range_floor("*"), None);
        assert_eq!(parse_version("5.4.0-beta"), Some((5, 4, 0)));
    }

    #[test]
    fn lockfile_versions() {
        let npm = "{\n  \"packages\": {\n    \"node_modules/typescript\": {\n      \"version\": \"5.3.3\",\n      \"dev\": true\n    }\n  }\n}\n";
        let mut lines = npm.lines().map(str::to_string);
        assert_eq!(npm_lock_version(&mut lines, "typescript"), Some((5, 3, 3)));
        let pnpm = "packages:\n\n  /typescript@4.7.4:\n    resolution: {}\n";
        let mut lines = pnpm.lines().map(str::to_string);
        assert_eq!(pnpm_lock_version(&mut lines, "typescript"), Some((4, 7, 4)));
        let pnpm9 = "packages:\n\n  typescript@5.4.5:\n    resolution: {}\n";
        let mut lines = pnpm9.lines().map(str::to_string);
        assert_eq!(pnpm_lock_version(&mut lines, "typescript"), Some((5, 4, 5)));
        let yarn = "\"typescript@^5.3.0\", typescript@~5.3:\n  version \"5.3.3\"\n";
        let mut lines = yarn.lines().map(str::to_string);
        assert_eq!(yarn_lock_version(&mut lines, "typescript"), Some((5, 3, 3)));
    }

    #[test]
    fn tsconfig_extends_a_local_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("tsconfig.base.json"),
            "{ \"compilerOptions\": { \"target\": \"es5\", \"lib\": [\"dom\"], } }",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("tsconfig.json"),
            "{\n // app\n \"extends\": \"./tsconfig.base\", \"compilerOptions\": { \"lib\": [\"esnext\"] } }",
        )
        .unwrap();
        let (options, files) = tsconfig(dir.path(), "tsconfig.json").unwrap();
        assert_eq!(options["target"], "es5");
        assert_eq!(options["lib"], serde_json::json!(["esnext"]));
        assert_eq!(files, ["tsconfig.json", "tsconfig.base.json"]);
    }
}
