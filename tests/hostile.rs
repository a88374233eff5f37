//! Hostile input: broken files, broken team templates, paths that try to escape the repo,
//! symlinks, permissions, odd file types, bad service names. Every refused case asserts the
//! exit code, that the message names the file (or the input) and says what is wrong, and
//! that a snapshot of the repo (bytes, permission bits, symlink targets, no extra files) is
//! identical afterwards. The accepted cases prove files keep their line endings, BOM,
//! final-newline state, permission bits and symlinks.
//!
//! Most cases start from tests/fixtures/engine-new/in: a repo with the repo-defined kit
//! `mini` that exercises every editor (env, toml, block at a marker).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{copy_tree, integrate, manifest_dir, Node};

fn mini_repo() -> tempfile::TempDir {
    let temp = tempfile::tempdir().unwrap();
    copy_tree(
        &manifest_dir().join("tests/fixtures/engine-new/in"),
        temp.path(),
    );
    temp
}

fn write(repo: &Path, path: &str, bytes: impl AsRef<[u8]>) {
    let full = repo.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, bytes).unwrap();
}

fn edit_file(repo: &Path, path: &str, from: &str, to: &str) {
    let full = repo.join(path);
    let text = std::fs::read_to_string(&full).unwrap();
    assert!(text.contains(from), "{path} lacks {from:?}");
    std::fs::write(full, text.replacen(from, to, 1)).unwrap();
}

const KIT: &str = ".integrate/kits/mini/kit.toml";
const CLIENT_PATH: &str = "path = \"src/{{service.snake}}/client.py\"";

/// Sets the output path of the kit's client file.
fn client_path(repo: &Path, path: &str) {
    edit_file(repo, KIT, CLIENT_PATH, &format!("path = {path:?}"));
}

#[cfg(unix)]
fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(unix)]
fn symlink(target: impl AsRef<Path>, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

/// Runs `args` in `repo` and asserts: exit code `code`, every needle in stderr, no panic,
/// and the repo (and `outside`, if given) exactly as before. Returns stderr.
fn refused(repo: &Path, args: &[&str], code: i32, needles: &[&str]) -> String {
    refused_around(repo, None, args, code, needles)
}

fn refused_around(
    repo: &Path,
    outside: Option<&Path>,
    args: &[&str],
    code: i32,
    needles: &[&str],
) -> String {
    let before = snapshot(repo);
    let outside_before = outside.map(snapshot);
    let out = integrate(repo)
        .args(args)
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(code), "{args:?}:\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains("error:"), "{stderr}");
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "stderr lacks {needle:?}:\n{stderr}"
        );
    }
    assert_same(&snapshot(repo), &before, &stderr);
    if let (Some(dir), Some(before)) = (outside, outside_before) {
        assert_same(&snapshot(dir), &before, &stderr);
    }
    stderr
}

/// Like `common::snapshot`, but never opens a pipe (reading one would block).
fn snapshot(root: &Path) -> BTreeMap<String, Node> {
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Node>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let rel = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .to_string();
        let meta = std::fs::symlink_metadata(&path).unwrap();
        let mode = mode_of(&meta);
        if meta.file_type().is_symlink() {
            out.insert(rel, Node::Link(std::fs::read_link(&path).unwrap()));
        } else if meta.is_dir() {
            out.insert(rel, Node::Dir { mode });
            walk(root, &path, out);
        } else if meta.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            out.insert(rel, Node::File { bytes, mode });
        } else {
            let bytes = b"(not a regular file)".to_vec();
            out.insert(rel, Node::File { bytes, mode });
        }
    }
}

fn mode_of(meta: &std::fs::Metadata) -> u32 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.permissions().mode() & 0o7777
    }
    #[cfg(not(unix))]
    {
        u32::from(meta.permissions().readonly())
    }
}

fn assert_same(after: &BTreeMap<String, Node>, before: &BTreeMap<String, Node>, context: &str) {
    if after != before {
        let changed: Vec<&String> = after
            .keys()
            .chain(before.keys())
            .filter(|k| after.get(*k) != before.get(*k))
            .collect();
        panic!("the tree changed: {changed:?}\n{context}");
    }
}

fn ok(repo: &Path, args: &[&str]) -> String {
    let out = integrate(repo).args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{args:?}:\n{stderr}");
    stderr
}

const NEW: &[&str] = &["new", "acme", "--yes", "--webhooks"];

// ---------------------------------------------------------------- paths

#[test]
fn output_path_with_dotdot_is_refused() {
    let repo = mini_repo();
    client_path(repo.path(), "../{{service.snake}}/client.py");
    refused(
        repo.path(),
        NEW,
        1,
        &["files/client.py.hbs", "`../acme/client.py` contains `..`"],
    );
    assert!(!repo.path().parent().unwrap().join("acme").exists());
}

#[test]
fn absolute_output_path_is_refused() {
    let repo = mini_repo();
    let target = std::env::temp_dir().join("integrate-hostile-absolute.py");
    client_path(repo.path(), &target.to_string_lossy());
    refused(repo.path(), NEW, 1, &["files/client.py.hbs", "is absolute"]);
    assert!(!target.exists());
}

#[test]
fn drive_letter_output_path_is_refused() {
    let repo = mini_repo();
    client_path(repo.path(), "C:/{{service.snake}}/client.py");
    refused(
        repo.path(),
        NEW,
        1,
        &["files/client.py.hbs", "drive letter"],
    );
}

#[test]
fn backslash_output_path_is_refused() {
    let repo = mini_repo();
    client_path(repo.path(), "src\\..\\..\\client.py");
    refused(repo.path(), NEW, 1, &["files/client.py.hbs", "backslash"]);
}

#[test]
fn output_path_inside_git_is_refused() {
    let repo = mini_repo();
    client_path(repo.path(), ".git/hooks/pre-commit");
    refused(repo.path(), NEW, 1, &["files/client.py.hbs", "inside .git"]);
}

#[test]
fn output_path_onto_the_lock_or_journal_is_refused() {
    for path in [".integrate/lock", ".integrate/journal.json"] {
        let repo = mini_repo();
        client_path(repo.path(), path);
        refused(
            repo.path(),
            NEW,
            1,
            &["files/client.py.hbs", "integrate's own lock or journal"],
        );
    }
}

#[test]
fn output_path_escaping_through_an_answer_is_refused() {
    let repo = mini_repo();
    client_path(repo.path(), "{{display_name}}/client.py");
    let args = [NEW, &["--display-name", "../../etc"]].concat();
    refused(
        repo.path(),
        &args,
        1,
        &["`../../etc/client.py` contains `..`"],
    );
}

#[test]
fn edit_path_escaping_through_a_path_setting_is_refused() {
    let repo = mini_repo();
    edit_file(
        repo.path(),
        "integrate.toml",
        "env_file = \".env.example\"",
        "env_file = \"../outside.env\"",
    );
    refused(
        repo.path(),
        NEW,
        1,
        &[KIT, "edits/env.hbs", "`../outside.env` contains `..`"],
    );
    assert!(!repo.path().parent().unwrap().join("outside.env").exists());
}

#[cfg(unix)]
#[test]
fn a_symlinked_folder_leading_outside_is_refused() {
    let repo = mini_repo();
    let outside = tempfile::tempdir().unwrap();
    copy_tree(&repo.path().join("src"), outside.path());
    std::fs::remove_dir_all(repo.path().join("src")).unwrap();
    symlink(outside.path(), &repo.path().join("src"));
    refused_around(
        repo.path(),
        Some(outside.path()),
        NEW,
        1,
        &["`src` is a symlink that leads outside the repo"],
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_file_leading_outside_is_refused() {
    let repo = mini_repo();
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "shared.env", "A=1\n");
    std::fs::remove_file(repo.path().join(".env.example")).unwrap();
    symlink(
        outside.path().join("shared.env"),
        &repo.path().join(".env.example"),
    );
    refused_around(
        repo.path(),
        Some(outside.path()),
        NEW,
        1,
        &[".env.example", "symlink that leads outside the repo"],
    );
}

#[cfg(unix)]
#[test]
fn a_dangling_symlink_where_a_file_goes_is_refused() {
    let repo = mini_repo();
    let outside = tempfile::tempdir().unwrap();
    symlink(
        outside.path().join("nowhere"),
        &repo.path().join("src/acme"),
    );
    refused_around(
        repo.path(),
        Some(outside.path()),
        NEW,
        1,
        &[
            "src/acme",
            "symlink that leads outside the repo (or to nothing)",
        ],
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_refused() {
    let repo = mini_repo();
    std::fs::remove_file(repo.path().join("src/routes.py")).unwrap();
    symlink("routes.py", &repo.path().join("src/routes.py"));
    refused(repo.path(), NEW, 1, &["src/routes.py", "symlink"]);
}

#[cfg(unix)]
#[test]
fn a_record_symlinked_outside_is_not_written_by_new() {
    let repo = mini_repo();
    let outside = tempfile::tempdir().unwrap();
    std::fs::rename(
        repo.path().join("integrate.toml"),
        outside.path().join("integrate.toml"),
    )
    .unwrap();
    symlink(
        outside.path().join("integrate.toml"),
        &repo.path().join("integrate.toml"),
    );
    refused_around(
        repo.path(),
        Some(outside.path()),
        NEW,
        1,
        &["integrate.toml", "symlink that leads outside the repo"],
    );
}

#[cfg(unix)]
#[test]
fn init_does_not_write_through_a_symlink_leading_outside() {
    let repo = mini_repo();
    let outside = tempfile::tempdir().unwrap();
    std::fs::remove_file(repo.path().join("integrate.toml")).unwrap();
    std::fs::create_dir(repo.path().join(".git")).unwrap();
    symlink(
        outside.path().join("integrate.toml"),
        &repo.path().join("integrate.toml"),
    );
    refused_around(
        repo.path(),
        Some(outside.path()),
        &["init", "--kit", "mini", "--yes"],
        1,
        &["integrate.toml", "symlink that leads outside the repo"],
    );
    assert!(!outside.path().join("integrate.toml").exists());
}

// ---------------------------------------------------------------- checks before writing

#[cfg(unix)]
#[test]
fn a_read_only_file_to_edit_is_refused() {
    let repo = mini_repo();
    chmod(&repo.path().join("config/settings.toml"), 0o444);
    refused(
        repo.path(),
        NEW,
        1,
        &["config/settings.toml: is read-only; make it writable"],
    );
}

#[cfg(unix)]
#[test]
fn a_read_only_folder_is_refused() {
    let repo = mini_repo();
    chmod(&repo.path().join("src"), 0o555);
    let stderr = refused(
        repo.path(),
        NEW,
        1,
        &["src/acme/client.py", "folder `src` is not writable"],
    );
    chmod(&repo.path().join("src"), 0o755);
    assert!(stderr.contains("fix its permissions"));
}

#[cfg(unix)]
#[test]
fn a_read_only_repo_root_is_refused() {
    let repo = mini_repo();
    chmod(repo.path(), 0o555);
    let result = std::panic::catch_unwind(|| {
        refused(
            repo.path(),
            NEW,
            1,
            &[".env.example", "folder `.` is not writable"],
        )
    });
    chmod(repo.path(), 0o755);
    result.unwrap();
}

#[test]
fn a_file_where_a_folder_is_needed_is_refused() {
    let repo = mini_repo();
    write(repo.path(), "src/acme", "not a folder\n");
    refused(
        repo.path(),
        NEW,
        1,
        &["src/acme/client.py: `src/acme` is a file, but a folder is needed there"],
    );
}

#[test]
fn a_folder_where_a_file_is_needed_is_refused() {
    let repo = mini_repo();
    std::fs::create_dir_all(repo.path().join("src/acme/client.py")).unwrap();
    refused(
        repo.path(),
        NEW,
        1,
        &["src/acme/client.py: is a folder, but the kit needs a file there"],
    );
}

#[test]
fn a_folder_where_an_edited_file_is_needed_is_refused() {
    let repo = mini_repo();
    std::fs::remove_file(repo.path().join(".env.example")).unwrap();
    std::fs::create_dir(repo.path().join(".env.example")).unwrap();
    refused(repo.path(), NEW, 1, &[".env.example: is a folder"]);
}

#[test]
fn non_utf8_content_to_edit_is_refused_with_its_position() {
    let repo = mini_repo();
    write(repo.path(), ".env.example", b"A=1\nB=\xff\xfe\n");
    refused(
        repo.path(),
        NEW,
        1,
        &[".env.example:2:3: not valid UTF-8", "convert it"],
    );
}

#[cfg(unix)]
#[test]
fn a_pipe_where_a_file_to_edit_is_expected_is_refused_without_blocking() {
    let repo = mini_repo();
    let env = repo.path().join(".env.example");
    std::fs::remove_file(&env).unwrap();
    let c_path = std::ffi::CString::new(env.to_string_lossy().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o644) }, 0);
    refused(
        repo.path(),
        NEW,
        1,
        &[".env.example: is not a regular file"],
    );
}

#[test]
fn a_file_named_like_the_state_folder_is_refused() {
    let repo = tempfile::tempdir().unwrap();
    write(repo.path(), "integrate.toml", "kit = \"django\"\n");
    write(repo.path(), ".integrate", "not a folder\n");
    refused(
        repo.path(),
        NEW,
        1,
        &[".integrate: is not a folder", "move it away"],
    );
}

#[cfg(unix)]
#[test]
fn a_second_run_while_one_holds_the_lock_is_refused() {
    use std::os::unix::io::AsRawFd;
    let repo = mini_repo();
    write(repo.path(), ".integrate/lock", "");
    let holder = std::fs::File::open(repo.path().join(".integrate/lock")).unwrap();
    // SAFETY: flock on a descriptor this test owns.
    assert_eq!(
        unsafe { libc::flock(holder.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) },
        0
    );
    refused(
        repo.path(),
        NEW,
        1,
        &[".integrate/lock", "another integrate run", "wait for it"],
    );
}

#[test]
fn an_io_failure_part_way_is_rolled_back_and_named() {
    let repo = mini_repo();
    let before = snapshot(repo.path());
    let out = integrate(repo.path())
        .args(NEW)
        .env("INTEGRATE_FAULT", "fail-after:3")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(".env.example: injected failure"),
        "{stderr}"
    );
    assert_same(&snapshot(repo.path()), &before, &stderr);
}

#[test]
fn a_disk_full_while_staging_is_rolled_back_and_named() {
    let repo = mini_repo();
    let before = snapshot(repo.path());
    let out = integrate(repo.path())
        .args(NEW)
        .env("INTEGRATE_FAULT", "fail-staged:2")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("src/acme/webhook.py"), "{stderr}");
    assert_same(&snapshot(repo.path()), &before, &stderr);
}

#[test]
fn a_journal_that_cannot_be_written_stops_before_any_file_changes() {
    let repo = mini_repo();
    std::fs::create_dir(repo.path().join(".integrate/journal.json.tmp")).unwrap();
    refused(repo.path(), NEW, 1, &[".integrate/journal.json"]);
}

#[test]
fn a_generated_file_with_other_content_is_a_conflict() {
    let repo = mini_repo();
    write(repo.path(), "src/acme/client.py", "# mine\n");
    refused(
        repo.path(),
        NEW,
        1,
        &["src/acme/client.py", "--force", "nothing was written"],
    );
}

// ---------------------------------------------------------------- malformed files

#[test]
fn a_toml_syntax_error_names_file_line_and_column() {
    let repo = mini_repo();
    write(repo.path(), "config/settings.toml", "[server]\nport = \n");
    refused(
        repo.path(),
        NEW,
        1,
        &[
            "config/settings.toml: 2:8: TOML syntax error",
            "fix the file",
        ],
    );
}

#[test]
fn a_toml_key_of_the_wrong_type_is_named() {
    let repo = mini_repo();
    write(repo.path(), "config/settings.toml", "integrations = 3\n");
    refused(
        repo.path(),
        NEW,
        1,
        &[
            "config/settings.toml: `integrations` is integer, but the kit needs a table there",
            "rename or remove that key",
        ],
    );
}

#[test]
fn a_nested_toml_key_of_the_wrong_type_is_named() {
    let repo = mini_repo();
    write(
        repo.path(),
        "config/settings.toml",
        "[integrations]\nacme = \"x\"\n",
    );
    refused(
        repo.path(),
        NEW,
        1,
        &["config/settings.toml: `integrations.acme` is string"],
    );
}

#[test]
fn an_array_of_tables_where_a_table_is_needed_is_named() {
    let repo = mini_repo();
    write(
        repo.path(),
        "config/settings.toml",
        "[[dependencies]]\nname = \"x\"\n",
    );
    refused(
        repo.path(),
        NEW,
        1,
        &["config/settings.toml: `dependencies` is array of tables"],
    );
}

#[test]
fn a_missing_marker_is_named() {
    let repo = mini_repo();
    write(repo.path(), "src/routes.py", "routes = []\n");
    refused(
        repo.path(),
        NEW,
        1,
        &[
            "src/routes.py: marker `integrate:routes` not found",
            "add a line",
        ],
    );
}

#[test]
fn a_duplicate_marker_is_named_with_both_lines() {
    let repo = mini_repo();
    write(
        repo.path(),
        "src/routes.py",
        "a = 1\n# integrate:routes\nb = 2\n# integrate:routes\n",
    );
    refused(
        repo.path(),
        NEW,
        1,
        &["src/routes.py: marker `integrate:routes` appears more than once (lines 2 and 4); keep exactly one"],
    );
}

#[test]
fn an_unclosed_fence_is_named_with_its_line() {
    let repo = mini_repo();
    write(
        repo.path(),
        "src/routes.py",
        "routes = [\n    # >>> integrate acme route\n    # integrate:routes\n]\n",
    );
    refused(
        repo.path(),
        NEW,
        1,
        &["src/routes.py: line 2: `# >>> integrate acme route` has no matching end line"],
    );
}

#[test]
fn a_broken_record_names_line_and_column() {
    let repo = mini_repo();
    write(repo.path(), "integrate.toml", "kit = \"mini\"\n[paths\n");
    refused(repo.path(), NEW, 1, &["integrate.toml:2:", "fix the file"]);
}

#[test]
fn a_record_with_a_kit_of_the_wrong_type_is_named() {
    let repo = mini_repo();
    write(repo.path(), "integrate.toml", "kit = 3\n");
    refused(
        repo.path(),
        NEW,
        1,
        &["integrate.toml: `kit` must be a string"],
    );
}

#[test]
fn a_record_with_paths_of_the_wrong_type_is_named() {
    let repo = mini_repo();
    write(repo.path(), "integrate.toml", "kit = \"mini\"\npaths = 3\n");
    refused(
        repo.path(),
        NEW,
        1,
        &["integrate.toml: `paths` must be a table"],
    );
    write(
        repo.path(),
        "integrate.toml",
        "kit = \"mini\"\n[paths]\nenv_file = 3\n",
    );
    refused(
        repo.path(),
        NEW,
        1,
        &["integrate.toml: `paths.env_file` must be a string"],
    );
}

#[test]
fn a_record_that_is_not_utf8_is_named() {
    let repo = mini_repo();
    write(repo.path(), "integrate.toml", b"kit = \"mini\"\n\xff\n");
    refused(repo.path(), NEW, 1, &["integrate.toml: not UTF-8"]);
}

#[test]
fn a_broken_kit_manifest_names_line_and_column() {
    let repo = mini_repo();
    edit_file(repo.path(), KIT, "name = \"mini\"", "name = \"mini");
    refused(repo.path(), NEW, 1, &[".integrate/kits/mini/kit.toml:1:"]);
    let repo = mini_repo();
    edit_file(repo.path(), KIT, "kind = \"env\"", "kind = \"yaml\"");
    refused(
        repo.path(),
        NEW,
        1,
        &[
            ".integrate/kits/mini/kit.toml:21:8",
            "unknown variant `yaml`",
        ],
    );
}

// ---------------------------------------------------------------- team templates

#[test]
fn an_unknown_variable_in_an_override_names_file_line_and_column() {
    let repo = mini_repo();
    write(
        repo.path(),
        ".integrate/kits/mini/files/client.py.hbs",
        "# ok\nx = {{service.snake}}\ny = {{nope}}\n",
    );
    refused(
        repo.path(),
        NEW,
        1,
        &[".integrate/kits/mini/files/client.py.hbs:3:5: template error: unknown variable `nope`"],
    );
}

#[test]
fn an_unknown_helper_in_an_override_names_file_line_and_column() {
    let repo = mini_repo();
    write(
        repo.path(),
        ".integrate/kits/mini/files/client.py.hbs",
        "a\n{{shout service.name}}\n",
    );
    refused(
        repo.path(),
        NEW,
        1,
        &[".integrate/kits/mini/files/client.py.hbs:2:1", "shout"],
    );
}

#[test]
fn an_unknown_partial_in_an_override_names_file_line_and_column() {
    let repo = mini_repo();
    write(
        repo.path(),
        ".integrate/kits/mini/files/client.py.hbs",
        "a\n  {{> nope}}\n",
    );
    refused(
        repo.path(),
        NEW,
        1,
        &[".integrate/kits/mini/files/client.py.hbs:2:3", "nope"],
    );
}

#[test]
fn a_handlebars_syntax_error_in_an_override_names_the_file() {
    let repo = mini_repo();
    write(
        repo.path(),
        ".integrate/kits/mini/files/client.py.hbs",
        "{{#if webhooks}}\nx\n",
    );
    refused(
        repo.path(),
        NEW,
        1,
        &[
            ".integrate/kits/mini/files/client.py.hbs:",
            "template error",
        ],
    );
}

#[test]
fn an_unknown_variable_in_an_edit_template_names_it() {
    let repo = mini_repo();
    write(
        repo.path(),
        ".integrate/kits/mini/edits/env.hbs",
        "# {{display_name}}\n{{nope.x}}\n",
    );
    refused(
        repo.path(),
        NEW,
        1,
        &[".integrate/kits/mini/edits/env.hbs:2:1: template error: unknown variable `nope.x`"],
    );
}

#[test]
fn an_unknown_variable_in_a_path_template_names_the_manifest() {
    let repo = mini_repo();
    client_path(repo.path(), "src/{{nope}}/client.py");
    refused(
        repo.path(),
        NEW,
        1,
        &[".integrate/kits/mini/kit.toml", "unknown variable `nope`"],
    );
}

// ---------------------------------------------------------------- names

fn name_refused(language: &str, name: &str, needles: &[&str]) {
    let repo = mini_repo();
    if language != "python" {
        edit_file(
            repo.path(),
            KIT,
            "language = \"python\"",
            &format!("language = {language:?}"),
        );
    }
    refused(repo.path(), &["new", name, "--yes"], 2, needles);
}

#[test]
fn reserved_words_of_each_kit_language_are_refused_with_a_suggestion() {
    name_refused(
        "python",
        "class",
        &["`class` would give the identifier `class`, a reserved word in Python; try `class-api`"],
    );
    name_refused(
        "ruby",
        "end",
        &["identifier `end`", "Ruby", "try `end-api`"],
    );
    name_refused(
        "ruby",
        "Kernel",
        &["identifier `Kernel`", "Ruby", "try `kernel-api`"],
    );
    name_refused(
        "typescript",
        "interface",
        &["identifier `interface`", "TypeScript/JavaScript"],
    );
    name_refused(
        "typescript",
        "promise",
        &["identifier `Promise`", "TypeScript/JavaScript"],
    );
    name_refused("rust", "crate", &["identifier `crate`", "Rust"]);
    name_refused("rust", "Self", &["identifier `self`", "Rust"]);
}

#[test]
fn a_leading_digit_is_refused_with_a_suggestion() {
    name_refused(
        "python",
        "3scale",
        &["`3scale` must start with a letter; try `service-3scale`"],
    );
    name_refused(
        "python",
        "_2fa",
        &["must start with a letter; try `service-2fa`"],
    );
}

#[test]
fn separators_and_path_pieces_are_refused() {
    name_refused(
        "python",
        "acme/billing",
        &["`acme/billing` contains a path separator"],
    );
    name_refused("python", "..\\acme", &["path separator or `..`"]);
    name_refused("python", "__", &["the service name is empty"]);
    name_refused("python", "a\u{7}b", &["`a\\u{7}b` contains `\\u{7}`"]);
    name_refused("python", "acme;rm", &["contains `;`", "(e.g. `acme-rm`)"]);
}

#[test]
fn unicode_names_are_refused_with_an_ascii_suggestion() {
    name_refused("python", "café", &["`café` contains `é`", "(e.g. `cafe`)"]);
    name_refused("python", "Zürich Pay", &["(e.g. `zurich-pay`)"]);
    name_refused("python", "支付", &["`支付` contains `支`"]);
}

#[test]
fn windows_device_names_are_refused() {
    name_refused(
        "python",
        "CON",
        &["identifier `con`", "Windows file names", "try `con-api`"],
    );
    name_refused("rust", "com1", &["identifier `com1`", "Windows file names"]);
}

#[test]
fn overlong_names_are_refused() {
    let long = "a".repeat(41);
    name_refused(
        "python",
        &long,
        &["is too long (41 characters, at most 40)"],
    );
}

#[test]
fn accepted_spellings_show_the_derived_identifiers() {
    let repo = mini_repo();
    let out = integrate(repo.path())
        .args(["new", "Stripe Connect", "--yes", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let service = &report["inputs"]["service"];
    assert_eq!(service["name"], "stripe-connect");
    assert_eq!(service["snake"], "stripe_connect");
    assert_eq!(service["pascal"], "StripeConnect");
    assert_eq!(service["camel"], "stripeConnect");
    assert_eq!(service["shouty"], "STRIPE_CONNECT");
}

// ---------------------------------------------------------------- files as they were

fn lines_kept(before: &str, after: &str) {
    // Every original line, with its own ending, is still there in order.
    let mut rest = after;
    for line in before.split_inclusive('\n') {
        let at = rest
            .find(line)
            .unwrap_or_else(|| panic!("line {line:?} lost:\n{after:?}"));
        rest = &rest[at + line.len()..];
    }
}

#[test]
fn crlf_files_stay_crlf_and_keep_every_byte() {
    let repo = mini_repo();
    let env = "\u{feff}DEBUG=1\r\nSTRIPE_CONNECT_API_KEY=keep-me\r\n";
    let settings = "# settings\r\n[server]\r\nport = 8080   # the port\r\n\r\n[dependencies]\r\naxum = \"0.8\"\r\n";
    let routes = "routes = [\r\n    route(\"/health\", health),\r\n    # integrate:routes\r\n]\r\n";
    write(repo.path(), ".env.example", env);
    write(repo.path(), "config/settings.toml", settings);
    write(repo.path(), "src/routes.py", routes);
    ok(repo.path(), NEW);
    for (path, before) in [
        (".env.example", env),
        ("config/settings.toml", settings),
        ("src/routes.py", routes),
    ] {
        let after = std::fs::read_to_string(repo.path().join(path)).unwrap();
        assert_ne!(after, before, "{path}");
        assert_eq!(
            after.matches('\n').count(),
            after.matches("\r\n").count(),
            "{path}: {after:?}"
        );
        lines_kept(before, &after);
    }
    let env_after = std::fs::read_to_string(repo.path().join(".env.example")).unwrap();
    assert!(env_after.starts_with(env), "{env_after:?}");
}

#[test]
fn mixed_line_endings_are_kept_line_by_line() {
    let repo = mini_repo();
    let routes = "routes = [\r\n    route(\"/health\", health),\n    # integrate:routes\r\n]\n";
    write(repo.path(), "src/routes.py", routes);
    ok(repo.path(), NEW);
    let after = std::fs::read_to_string(repo.path().join("src/routes.py")).unwrap();
    lines_kept(routes, &after);
    assert!(after.starts_with("routes = [\r\n    route(\"/health\", health),\n"));
    assert!(
        after.ends_with("    # integrate:routes\r\n]\n"),
        "{after:?}"
    );
}

#[test]
fn bom_and_missing_final_newline_are_kept() {
    let repo = mini_repo();
    let settings = "\u{feff}[server]\nport = 1";
    let routes = "routes = [\n    # integrate:routes\n]";
    write(repo.path(), "config/settings.toml", settings);
    write(repo.path(), "src/routes.py", routes);
    ok(repo.path(), NEW);
    let settings_after = std::fs::read_to_string(repo.path().join("config/settings.toml")).unwrap();
    assert!(
        settings_after.starts_with("\u{feff}[server]\nport = 1\n"),
        "{settings_after:?}"
    );
    let routes_after = std::fs::read_to_string(repo.path().join("src/routes.py")).unwrap();
    assert!(
        routes_after.ends_with("    # integrate:routes\n]"),
        "{routes_after:?}"
    );
    assert!(routes_after.starts_with("routes = [\n    # >>> integrate acme route\n"));
}

#[cfg(unix)]
#[test]
fn permission_bits_of_edited_files_are_kept() {
    use std::os::unix::fs::PermissionsExt;
    let repo = mini_repo();
    chmod(&repo.path().join("src/routes.py"), 0o750);
    chmod(&repo.path().join(".env.example"), 0o600);
    ok(repo.path(), NEW);
    let mode = |p: &str| {
        std::fs::metadata(repo.path().join(p))
            .unwrap()
            .permissions()
            .mode()
            & 0o7777
    };
    assert_eq!(mode("src/routes.py"), 0o750);
    assert_eq!(mode(".env.example"), 0o600);
}

#[cfg(unix)]
#[test]
fn owner_and_group_of_edited_files_are_kept_when_running_as_root() {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: no arguments, no side effects.
    if unsafe { libc::geteuid() } != 0 {
        return;
    }
    let repo = mini_repo();
    let routes = repo.path().join("src/routes.py");
    std::os::unix::fs::chown(&routes, Some(4321), Some(4322)).unwrap();
    ok(repo.path(), NEW);
    let meta = std::fs::metadata(&routes).unwrap();
    assert_eq!((meta.uid(), meta.gid()), (4321, 4322));
    assert!(std::fs::read_to_string(&routes)
        .unwrap()
        .contains("acme.webhook"));
}

#[cfg(unix)]
#[test]
fn a_symlinked_file_inside_the_repo_is_followed_and_stays_a_link() {
    let repo = mini_repo();
    let shared = repo.path().join("env/shared.env");
    std::fs::create_dir(repo.path().join("env")).unwrap();
    std::fs::rename(repo.path().join(".env.example"), &shared).unwrap();
    symlink("env/shared.env", &repo.path().join(".env.example"));
    ok(repo.path(), NEW);
    let link = repo.path().join(".env.example");
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        PathBuf::from("env/shared.env")
    );
    assert!(std::fs::read_to_string(&shared)
        .unwrap()
        .contains("ACME_API_KEY="));
    // Nothing else appeared beside either name.
    let names: Vec<String> = std::fs::read_dir(repo.path().join("env"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(names, ["shared.env"]);
}

#[cfg(unix)]
#[test]
fn a_symlinked_folder_inside_the_repo_is_followed_and_stays_a_link() {
    let repo = mini_repo();
    std::fs::rename(repo.path().join("src"), repo.path().join("lib")).unwrap();
    symlink("lib", &repo.path().join("src"));
    ok(repo.path(), NEW);
    assert!(std::fs::symlink_metadata(repo.path().join("src"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(repo.path().join("lib/acme/client.py").is_file());
    assert!(std::fs::read_to_string(repo.path().join("lib/routes.py"))
        .unwrap()
        .contains("acme.webhook"));
}

// ---------------------------------------------------------------- trust (issue 10, item 4)

/// A fake `.git` with a config and HEAD whose bytes a test can check.
fn fake_git(repo: &Path) {
    write(repo, ".git/config", "[core]\n\tbare = false\n");
    write(repo, ".git/HEAD", "ref: refs/heads/main\n");
}

/// Sets `[paths] env_file` in the record.
fn env_file_setting(repo: &Path, path: &str) {
    edit_file(
        repo,
        "integrate.toml",
        "env_file = \".env.example\"",
        &format!("env_file = {path:?}"),
    );
}

#[cfg(unix)]
#[test]
fn new_never_writes_git_config_through_a_symlink() {
    let repo = mini_repo();
    fake_git(repo.path());
    symlink(".git", &repo.path().join("g"));
    env_file_setting(repo.path(), "g/config");
    refused(
        repo.path(),
        NEW,
        1,
        &["g/config", "`g` is a symlink into .git"],
    );
    // Linked deeper, or through a chain of links, it is the same.
    let repo = mini_repo();
    fake_git(repo.path());
    symlink(".git", &repo.path().join("g"));
    symlink("g", &repo.path().join("chain"));
    env_file_setting(repo.path(), "chain/config");
    refused(repo.path(), NEW, 1, &["chain/config", "symlink into .git"]);
}

#[test]
fn git_in_any_case_is_refused() {
    for path in [".GIT/config", ".Git/config", "sub/.git/config"] {
        let repo = mini_repo();
        fake_git(repo.path());
        env_file_setting(repo.path(), path);
        refused(repo.path(), NEW, 1, &[path, "inside .git"]);
    }
    let repo = mini_repo();
    client_path(repo.path(), ".GIT/hooks/pre-commit");
    refused(repo.path(), NEW, 1, &["files/client.py.hbs", "inside .git"]);
}

/// The record lists `g/HEAD` (`g` → `.git`) among the integration's files with the hash
/// of `.git/HEAD`, as a hostile commit could: `remove` must not delete it, and `doctor`
/// must not read it.
#[cfg(unix)]
#[test]
fn remove_never_deletes_git_files_named_by_the_record() {
    let repo = mini_repo();
    ok(repo.path(), NEW);
    fake_git(repo.path());
    symlink(".git", &repo.path().join("g"));
    let head_hash = {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(b"ref: refs/heads/main\n");
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        format!("sha256:{hex}")
    };
    for (shown, recorded) in [("g/HEAD", "g/HEAD"), (".GIT/HEAD", ".GIT/HEAD")] {
        let text = std::fs::read_to_string(repo.path().join("integrate.toml")).unwrap();
        let hostile = text
            .replacen("files = [\n", &format!("files = [\n  \"{recorded}\",\n"), 1)
            .replacen(
                "[integrations.acme.hashes]\n",
                &format!("[integrations.acme.hashes]\n\"{recorded}\" = \"{head_hash}\"\n"),
                1,
            );
        assert_ne!(hostile, text);
        write(repo.path(), "integrate.toml", &hostile);
        refused(repo.path(), &["remove", "acme"], 1, &[shown, ".git"]);
        write(repo.path(), "integrate.toml", &text);
    }
    assert!(repo.path().join(".git/HEAD").exists());
}

#[cfg(unix)]
#[test]
fn a_template_symlinked_outside_the_repo_is_not_read() {
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "secret", "TOP SECRET\n");
    let repo = mini_repo();
    let template = repo.path().join(".integrate/kits/mini/files/client.py.hbs");
    std::fs::remove_file(&template).unwrap();
    symlink(outside.path().join("secret"), &template);
    refused_around(
        repo.path(),
        Some(outside.path()),
        NEW,
        1,
        &[
            ".integrate/kits/mini/files/client.py.hbs",
            "symlink that leads outside the repo",
        ],
    );
}

#[cfg(unix)]
#[test]
fn a_kit_folder_linked_elsewhere_is_not_read() {
    let outside = tempfile::tempdir().unwrap();
    let repo = mini_repo();
    let kit = repo.path().join(".integrate/kits/mini");
    copy_tree(&kit, outside.path());
    std::fs::remove_dir_all(&kit).unwrap();
    symlink(outside.path(), &kit);
    refused_around(
        repo.path(),
        Some(outside.path()),
        NEW,
        1,
        &[
            ".integrate/kits/mini",
            "symlink that leads outside the repo",
        ],
    );
}

/// A recorded file that is a FIFO: `doctor`, `list` and `remove` finish (reading a FIFO
/// would wait for a writer forever) and change nothing.
#[cfg(unix)]
#[test]
fn a_recorded_path_naming_a_fifo_never_blocks() {
    let repo = mini_repo();
    ok(repo.path(), NEW);
    let client = repo.path().join("src/acme/client.py");
    std::fs::remove_file(&client).unwrap();
    let c_path = std::ffi::CString::new(client.to_string_lossy().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o644) }, 0);
    refused(
        repo.path(),
        &["remove", "acme"],
        1,
        &["src/acme/client.py", "not a regular file"],
    );
    for args in [&["doctor"][..], &["list"]] {
        let before = snapshot(repo.path());
        let out = integrate(repo.path())
            .args(args)
            .timeout(std::time::Duration::from_secs(20))
            .output()
            .unwrap();
        // Finished by itself (a timeout leaves no exit code), naming the file.
        assert!(out.status.code().is_some(), "{args:?} hung");
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(
            text.contains("src/acme/client.py") || args == ["list"],
            "{text}"
        );
        assert_same(&snapshot(repo.path()), &before, &text);
    }
}

#[test]
fn a_file_to_edit_over_the_size_limit_is_refused() {
    let repo = mini_repo();
    let mut big = std::fs::read(repo.path().join(".env.example")).unwrap();
    big.resize(9 * 1024 * 1024, b'#');
    big.push(b'\n');
    write(repo.path(), ".env.example", &big);
    refused(repo.path(), NEW, 1, &[".env.example", "larger than 8 MiB"]);
}

#[test]
fn partials_that_include_each_other_are_an_error_not_a_crash() {
    let repo = mini_repo();
    write(
        repo.path(),
        ".integrate/kits/mini/files/client.py.hbs",
        "x\n{{> partials/a}}\n",
    );
    write(
        repo.path(),
        ".integrate/kits/mini/partials/a.hbs",
        "a {{> partials/b}}",
    );
    write(
        repo.path(),
        ".integrate/kits/mini/partials/b.hbs",
        "b {{> partials/a}}",
    );
    refused(
        repo.path(),
        NEW,
        1,
        &[
            "partials/a",
            "includes itself (files/client.py → partials/a → partials/b → partials/a)",
        ],
    );
    // Through an inline partial, too.
    write(
        repo.path(),
        ".integrate/kits/mini/files/client.py.hbs",
        "{{#*inline \"loop\"}}again {{> loop}}{{/inline}}{{> loop}}\n",
    );
    refused(repo.path(), NEW, 1, &["`loop` includes itself"]);
}

#[test]
fn a_rendered_file_over_the_size_limit_is_an_error() {
    let repo = mini_repo();
    // Each level includes the one below twice: 2^14 copies of 1 KiB is 16 MiB.
    write(
        repo.path(),
        ".integrate/kits/mini/partials/p0.hbs",
        "x".repeat(1024),
    );
    for level in 1..=14 {
        let below = level - 1;
        write(
            repo.path(),
            &format!(".integrate/kits/mini/partials/p{level}.hbs"),
            format!("{{{{> partials/p{below}}}}}{{{{> partials/p{below}}}}}"),
        );
    }
    write(
        repo.path(),
        ".integrate/kits/mini/files/client.py.hbs",
        "{{> partials/p14}}\n",
    );
    refused(
        repo.path(),
        NEW,
        1,
        &["files/client.py.hbs", "renders more than 8 MiB"],
    );
}

#[test]
fn control_characters_in_paths_are_escaped_in_errors() {
    let repo = mini_repo();
    // A kit file whose name holds ESC, BEL, LF and CR, and whose content is not UTF-8.
    write(
        repo.path(),
        ".integrate/kits/mini/files/a\u{1b}[2J\u{1b}]0;pwned\u{7}\nerror: fake\r.hbs",
        b"\xff\xfe",
    );
    let text = refused(repo.path(), NEW, 1, &["\\u{1b}[2J", "\\n", "\\r"]);
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "raw control characters in {text:?}"
    );
    assert!(!text.contains("\nerror: fake"), "{text}");
    // A service name with one is escaped as well (and refused as a name).
    let out = integrate(repo.path())
        .args(["new", "acme\u{1b}[31m", "--yes"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(!text.contains('\u{1b}'), "{text:?}");
}

// ---------------------------------------------------------------- journals from elsewhere

/// A journal committed in a cloned repo, as integrate 0.1 wrote them: it names `.env` as
/// a file the change created.
fn planted_journal(repo: &Path, version: u32, target: &str, hash: Option<&str>) {
    let journal = serde_json::json!({
        "version": version,
        "pid": 1,
        "dirs": [],
        "entries": [{
            "path": target,
            "target": target,
            "staged": ".integrate-1-0-0.new",
            "backup": null,
            "hash": hash,
            "before": null,
        }],
    });
    write(repo, ".integrate/journal.json", journal.to_string());
}

#[test]
fn a_journal_committed_in_a_clone_never_deletes_anything() {
    let fake = format!("sha256:{}", "0".repeat(64));
    for (version, hash) in [(1, None), (2, Some(fake.as_str()))] {
        let repo = mini_repo();
        write(repo.path(), ".env", "SECRET=mine\n");
        planted_journal(repo.path(), version, ".env", hash);
        // Commands that only read leave it alone.
        for args in [
            &["list"][..],
            &["doctor"],
            &["docs", "--check"],
            &["scan"],
            &["catalog"],
        ] {
            refused(
                repo.path(),
                args,
                1,
                &[".integrate/journal.json", "integrate recover"],
            );
        }
        // Commands that write, and `recover`, refuse it whole, naming it.
        for args in [&["recover"][..], NEW] {
            refused(
                repo.path(),
                args,
                1,
                &[".integrate/journal.json", "changed nothing", "delete it"],
            );
        }
        assert_eq!(
            std::fs::read_to_string(repo.path().join(".env")).unwrap(),
            "SECRET=mine\n"
        );
    }
}

#[test]
fn a_journal_whose_hashes_do_not_match_is_refused_whole() {
    let repo = mini_repo();
    write(repo.path(), ".env", "SECRET=mine\n");
    // The right hash of a file it did not write, and one it could have: `.env` still
    // does not hold it.
    let hash = {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(b"SOMETHING ELSE\n");
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        format!("sha256:{hex}")
    };
    planted_journal(repo.path(), 2, ".env", Some(&hash));
    refused(
        repo.path(),
        &["recover"],
        1,
        &[
            ".integrate/journal.json",
            "`.env` does not hold what integrate wrote or backed up there",
            "delete it",
        ],
    );
}

#[cfg(unix)]
#[test]
fn a_journal_naming_git_files_is_refused() {
    for target in [".git/HEAD", ".GIT/HEAD", "g/HEAD"] {
        let repo = mini_repo();
        fake_git(repo.path());
        symlink(".git", &repo.path().join("g"));
        planted_journal(
            repo.path(),
            2,
            target,
            Some(&format!("sha256:{}", "0".repeat(64))),
        );
        refused(
            repo.path(),
            &["recover"],
            1,
            &[".integrate/journal.json", target, ".git"],
        );
    }
}
