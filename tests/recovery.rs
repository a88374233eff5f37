//! Transactional apply under faults: for every position between two renames (and between
//! two staged files, and between two unlinks of tidying up), an injected failure rolls
//! every file back (or, while tidying up, is a warning with exit 0), a kill -9 is recovered
//! by the next command that writes or `integrate recover` (finished or rolled back, and
//! said so) while commands that only read change nothing, a kill during recovery is
//! recovered by the next one, Ctrl-C before the commit point rolls back with exit 130 and
//! after it finishes with exit 0, and a second run at the same time fails at once. Uses the
//! `INTEGRATE_FAULT` test hook documented in src/apply.rs.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command as StdCommand, Output, Stdio};

use common::{copy_tree, integrate, manifest_dir, snapshot, Node};

/// `new` on the mini repo: 2 files created, 4 edited (env, toml, block, record).
const ARGS: &[&str] = &[
    "new",
    "Stripe-Connect",
    "--category",
    "payments",
    "--auth",
    "bearer",
    "--webhooks",
    "--events",
    "a.b,c.d",
    "--yes",
];
const CHANGES: usize = 6;

fn mini_repo() -> tempfile::TempDir {
    let temp = tempfile::tempdir().unwrap();
    copy_tree(
        &manifest_dir().join("tests/fixtures/engine-new/in"),
        temp.path(),
    );
    temp
}

fn run_with_fault(dir: &Path, fault: &str) -> Output {
    integrate(dir)
        .args(ARGS)
        .env("INTEGRATE_FAULT", fault)
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

/// The tree a clean run produces.
fn planned() -> BTreeMap<String, Node> {
    let repo = mini_repo();
    let out = integrate(repo.path()).args(ARGS).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    snapshot(repo.path())
}

fn killed(out: &Output) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        out.status.signal() == Some(9)
    }
    #[cfg(not(unix))]
    {
        !out.status.success()
    }
}

fn temp_files(snap: &BTreeMap<String, Node>) -> Vec<String> {
    snap.keys()
        .filter(|k| k.contains(".integrate-") || k.contains("journal") || k.ends_with("lock"))
        .cloned()
        .collect()
}

#[test]
fn a_clean_run_leaves_no_journal_lock_or_temp_files() {
    let repo = mini_repo();
    let before = snapshot(repo.path());
    let after = planned();
    assert_ne!(before, after);
    assert!(temp_files(&after).is_empty(), "{:?}", temp_files(&after));
    // `init` leaves only .integrate/.gitignore there.
    let bare = tempfile::tempdir().unwrap();
    std::fs::write(bare.path().join(".git"), "").unwrap();
    let out = integrate(bare.path())
        .args(["init", "--kit", "django", "--yes"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let state: Vec<_> = std::fs::read_dir(bare.path().join(".integrate"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(state, [".gitignore"]);
    // A repo without .integrate/ gets none from a run.
    std::fs::remove_dir_all(bare.path().join(".integrate")).unwrap();
    let out = integrate(bare.path()).arg("docs").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!bare.path().join(".integrate").exists());
}

#[test]
fn the_nosync_hook_writes_the_same_tree() {
    let repo = mini_repo();
    let out = run_with_fault(repo.path(), "nosync");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(snapshot(repo.path()), planned());
}

#[test]
fn a_failure_after_any_rename_rolls_every_file_back() {
    for n in 0..=CHANGES {
        let repo = mini_repo();
        let before = snapshot(repo.path());
        let out = run_with_fault(repo.path(), &format!("fail-after:{n}"));
        assert_eq!(out.status.code(), Some(1), "after {n}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("injected failure"),
            "after {n}: {}",
            stderr(&out)
        );
        assert_eq!(snapshot(repo.path()), before, "fail-after:{n}");
    }
}

#[test]
fn a_failure_while_staging_rolls_every_file_back() {
    for n in 0..=CHANGES {
        let repo = mini_repo();
        let before = snapshot(repo.path());
        let out = run_with_fault(repo.path(), &format!("fail-staged:{n}"));
        assert_eq!(out.status.code(), Some(1), "staged {n}: {}", stderr(&out));
        assert_eq!(snapshot(repo.path()), before, "fail-staged:{n}");
    }
}

#[test]
fn a_kill_after_any_rename_is_finished_by_the_next_run() {
    let planned = planned();
    for n in 0..=CHANGES {
        let repo = mini_repo();
        let out = run_with_fault(repo.path(), &format!("kill-after:{n}"));
        assert!(killed(&out), "kill-after:{n}: {:?}", out.status);
        let left = snapshot(repo.path());
        assert!(
            left.contains_key(".integrate/journal.json"),
            "kill-after:{n} left no journal"
        );
        // Commands that only read leave it alone and say what finishes it.
        read_only_commands_refuse(repo.path());
        let next = integrate(repo.path()).arg("recover").output().unwrap();
        assert!(next.status.success(), "{}", stderr(&next));
        assert!(
            stderr(&next).contains("finished its change (6 files as planned"),
            "kill-after:{n}: {}",
            stderr(&next)
        );
        assert!(stderr(&next).contains(".integrate/journal.json"));
        assert_eq!(snapshot(repo.path()), planned, "kill-after:{n}");
    }
}

#[test]
fn a_kill_while_staging_is_rolled_back_by_the_next_run() {
    for n in 0..=CHANGES {
        let repo = mini_repo();
        let before = snapshot(repo.path());
        let out = run_with_fault(repo.path(), &format!("kill-staged:{n}"));
        assert!(killed(&out), "kill-staged:{n}: {:?}", out.status);
        // The same command again: recovers first, then does its work.
        let next = integrate(repo.path())
            .args(ARGS)
            .arg("--dry-run")
            .output()
            .unwrap();
        assert!(next.status.success(), "{}", stderr(&next));
        let text = stderr(&next);
        assert!(
            text.contains("rolled it back (6 files as they were"),
            "{text}"
        );
        assert!(
            text.contains("cleared .integrate/lock left by integrate run"),
            "{text}"
        );
        assert_eq!(snapshot(repo.path()), before, "kill-staged:{n}");
    }
}

#[test]
fn a_kill_during_a_rollback_is_rolled_back_by_the_next_run() {
    for n in 0..=CHANGES {
        for m in [1, 3, CHANGES] {
            let repo = mini_repo();
            let before = snapshot(repo.path());
            let out = run_with_fault(repo.path(), &format!("fail-after:{n},kill-undo:{m}"));
            assert!(
                killed(&out),
                "fail-after:{n},kill-undo:{m}: {:?}",
                out.status
            );
            let next = integrate(repo.path()).args(["recover"]).output().unwrap();
            assert!(next.status.success(), "{}", stderr(&next));
            assert!(
                stderr(&next).contains("rolled it back"),
                "{}",
                stderr(&next)
            );
            assert_eq!(
                snapshot(repo.path()),
                before,
                "fail-after:{n},kill-undo:{m}"
            );
        }
    }
}

#[test]
fn a_killed_init_is_recovered_even_before_integrate_toml_exists() {
    let make = || {
        let repo = mini_repo();
        std::fs::remove_file(repo.path().join("integrate.toml")).unwrap();
        repo
    };
    let clean = make();
    let out = integrate(clean.path())
        .args(["init", "--kit", "mini", "--yes"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let planned = snapshot(clean.path());

    let repo = make();
    let out = integrate(repo.path())
        .args(["init", "--kit", "mini", "--yes"])
        .env("INTEGRATE_FAULT", "kill-after:0")
        .output()
        .unwrap();
    assert!(killed(&out));
    assert!(!repo.path().join("integrate.toml").exists());
    let next = integrate(repo.path())
        .args(["new", "acme", "--yes", "--dry-run"])
        .output()
        .unwrap();
    assert!(
        stderr(&next).contains("finished its change"),
        "{}",
        stderr(&next)
    );
    assert_eq!(snapshot(repo.path()), planned);

    let repo = make();
    let before = snapshot(repo.path());
    let out = integrate(repo.path())
        .args(["init", "--kit", "mini", "--yes"])
        .env("INTEGRATE_FAULT", "kill-staged:1")
        .output()
        .unwrap();
    assert!(killed(&out));
    let next = integrate(repo.path())
        .args(["init", "--kit", "mini", "--yes", "--dry-run"])
        .output()
        .unwrap();
    assert!(next.status.success(), "{}", stderr(&next));
    assert!(
        stderr(&next).contains("rolled it back"),
        "{}",
        stderr(&next)
    );
    assert_eq!(snapshot(repo.path()), before);
}

/// Starts `new` with a pause hook, waits until it pauses, sends `signal`, and returns the
/// exit code.
#[cfg(unix)]
fn interrupt_at(dir: &Path, fault: &str, signal: i32) -> (Option<i32>, String) {
    let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("integrate"))
        .arg("-C")
        .arg(dir)
        .args(["--color", "never"])
        .args(ARGS)
        .env("INTEGRATE_FAULT", fault)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stderr.take().unwrap());
    let mut text = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 {
            panic!("{fault}: never paused: {text}");
        }
        text.push_str(&line);
        if line.contains("test hook: paused") {
            break;
        }
    }
    // SAFETY: signalling our own child.
    unsafe {
        libc::kill(child.id() as i32, signal);
    }
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut reader, &mut rest).unwrap();
    text.push_str(&rest);
    let status = child.wait().unwrap();
    (status.code(), text)
}

#[cfg(unix)]
#[test]
fn ctrl_c_before_the_commit_point_rolls_back_and_exits_130() {
    for fault in ["pause-staged:0", "pause-staged:3", "pause-staged:6"] {
        let repo = mini_repo();
        let before = snapshot(repo.path());
        let (code, text) = interrupt_at(repo.path(), fault, libc::SIGINT);
        assert_eq!(code, Some(130), "{fault}: {text}");
        assert!(
            text.contains("interrupted; every file is as it was"),
            "{text}"
        );
        assert_eq!(snapshot(repo.path()), before, "{fault}");
    }
    let repo = mini_repo();
    let before = snapshot(repo.path());
    let (code, text) = interrupt_at(repo.path(), "pause-staged:2", libc::SIGTERM);
    assert_eq!(code, Some(130), "{text}");
    assert_eq!(snapshot(repo.path()), before);
}

/// Past the commit point every new content is on disk: a signal is noted, the change is
/// finished and reported, and the exit code is 0 (exit 130 would claim nothing changed).
#[cfg(unix)]
#[test]
fn ctrl_c_after_the_commit_point_finishes_the_change_and_exits_0() {
    let planned = planned();
    for (fault, signal) in [
        ("pause-after:0", libc::SIGINT),
        ("pause-after:2", libc::SIGINT),
        ("pause-after:6", libc::SIGINT),
        ("pause-after:3", libc::SIGTERM),
        ("pause-tidy:2", libc::SIGHUP),
    ] {
        let repo = mini_repo();
        let (code, text) = interrupt_at(repo.path(), fault, signal);
        assert_eq!(code, Some(0), "{fault}: {text}");
        assert!(
            text.contains("Created src/stripe_connect/client.py"),
            "{text}"
        );
        assert!(
            text.contains("interrupted after the change was safely on disk"),
            "{text}"
        );
        assert_eq!(snapshot(repo.path()), planned, "{fault}");
    }
}

#[cfg(unix)]
#[test]
fn ctrl_c_before_apply_exits_130_and_removes_the_lock() {
    let repo = mini_repo();
    let before = snapshot(repo.path());
    let (code, text) = interrupt_at(repo.path(), "pause-locked:0", libc::SIGINT);
    assert_eq!(code, Some(130), "{text}");
    assert_eq!(snapshot(repo.path()), before);
    // In a repo without .integrate/, the folder the lock made goes too.
    let bare = tempfile::tempdir().unwrap();
    std::fs::write(bare.path().join("integrate.toml"), "kit = \"django\"\n").unwrap();
    let before = snapshot(bare.path());
    let (code, text) = interrupt_at(bare.path(), "pause-locked:0", libc::SIGINT);
    assert_eq!(code, Some(130), "{text}");
    assert_eq!(snapshot(bare.path()), before);
}

/// Holds `.integrate/lock` of `repo` the way a running integrate does: an exclusive
/// `flock`, with this process's pid in the file.
#[cfg(unix)]
fn hold_lock(repo: &Path) -> std::fs::File {
    use std::io::Write;
    use std::os::unix::io::AsRawFd;
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(repo.join(".integrate/lock"))
        .unwrap();
    // SAFETY: flock on a descriptor this test owns.
    assert_eq!(
        unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) },
        0
    );
    writeln!(file, "{}", std::process::id()).unwrap();
    file
}

#[cfg(unix)]
#[test]
fn a_second_run_at_the_same_time_fails_at_once() {
    let repo = mini_repo();
    let holder = hold_lock(repo.path());
    let before = snapshot(repo.path());
    let started = std::time::Instant::now();
    let out = integrate(repo.path()).args(ARGS).output().unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(1));
    let text = stderr(&out);
    assert!(text.contains(".integrate/lock"), "{text}");
    assert!(
        text.contains(&format!(
            "another integrate run (pid {})",
            std::process::id()
        )),
        "{text}"
    );
    assert!(text.contains("wait for it to finish"), "{text}");
    assert_eq!(snapshot(repo.path()), before);
    // Reading commands are not blocked.
    integrate(repo.path())
        .args(["kits", "list"])
        .assert()
        .success();
    drop(holder);
    let out = integrate(repo.path()).args(ARGS).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_lock_left_by_a_dead_process_is_cleared_with_a_note() {
    let repo = mini_repo();
    let mut gone = StdCommand::new("true").spawn().unwrap();
    gone.wait().unwrap();
    std::fs::write(
        repo.path().join(".integrate/lock"),
        format!("{}\n", gone.id()),
    )
    .unwrap();
    let out = integrate(repo.path()).args(ARGS).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains(&format!(
        "cleared .integrate/lock left by integrate run {}, which is no longer running",
        gone.id()
    )));
    assert_eq!(snapshot(repo.path()), planned());
}

/// A run killed right after creating the lock, before writing its pid, leaves an empty
/// lock file; with a pid-file lock that blocked every later run. The OS lock dies with the
/// process.
#[test]
fn a_run_killed_right_after_taking_the_lock_never_blocks_the_next() {
    let planned = planned();
    let repo = mini_repo();
    std::fs::write(repo.path().join(".integrate/lock"), "").unwrap();
    let out = integrate(repo.path()).args(ARGS).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(snapshot(repo.path()), planned);

    let repo = mini_repo();
    let out = run_with_fault(repo.path(), "kill-locked:0");
    assert!(killed(&out), "{:?}", out.status);
    assert!(repo.path().join(".integrate/lock").exists());
    let out = integrate(repo.path()).args(ARGS).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(snapshot(repo.path()), planned);
}

#[test]
fn two_runs_started_together_never_mix() {
    let repo = mini_repo();
    let planned = planned();
    let spawn = || {
        StdCommand::new(assert_cmd::cargo::cargo_bin("integrate"))
            .arg("-C")
            .arg(repo.path())
            .args(ARGS)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let children: Vec<_> = (0..4).map(|_| spawn()).collect();
    let outputs: Vec<_> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    for out in &outputs {
        let code = out.status.code();
        assert!(
            code == Some(0) || (code == Some(1) && stderr(out).contains(".integrate/lock")),
            "{code:?}: {}",
            stderr(out)
        );
    }
    assert!(outputs.iter().any(|o| o.status.success()));
    assert_eq!(snapshot(repo.path()), planned);
}

#[test]
fn a_damaged_journal_stops_every_command_with_its_name() {
    let repo = mini_repo();
    std::fs::write(
        repo.path().join(".integrate/journal.json"),
        "{\"version\": 1,",
    )
    .unwrap();
    let before = snapshot(repo.path());
    let out = integrate(repo.path()).args(ARGS).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stderr(&out);
    assert!(text.contains(".integrate/journal.json:1:"), "{text}");
    assert!(text.contains("delete it"), "{text}");
    assert_eq!(snapshot(repo.path()), before);
}

#[test]
fn a_journal_naming_files_outside_the_repo_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("victim.txt"), "keep\n").unwrap();
    let repo = mini_repo();
    let journal = serde_json::json!({
        "version": 1,
        "pid": 1,
        "dirs": [],
        "entries": [{
            "path": "../victim.txt",
            "target": "../victim.txt",
            "staged": null,
            "backup": "../.integrate-1-0-0.orig",
        }],
    });
    std::fs::write(
        repo.path().join(".integrate/journal.json"),
        journal.to_string(),
    )
    .unwrap();
    let before = snapshot(repo.path());
    let out = integrate(repo.path()).args(ARGS).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(".integrate/journal.json"),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot(repo.path()), before);
    assert_eq!(
        std::fs::read_to_string(outside.path().join("victim.txt")).unwrap(),
        "keep\n"
    );
}

#[cfg(unix)]
#[test]
fn permission_bits_of_replaced_files_survive_rollback_and_success() {
    use std::os::unix::fs::PermissionsExt;
    let repo = mini_repo();
    let routes = repo.path().join("src/routes.py");
    std::fs::set_permissions(&routes, std::fs::Permissions::from_mode(0o754)).unwrap();
    let env = repo.path().join(".env.example");
    std::fs::set_permissions(&env, std::fs::Permissions::from_mode(0o600)).unwrap();
    let before = snapshot(repo.path());
    let out = run_with_fault(repo.path(), "fail-after:5");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(snapshot(repo.path()), before);
    let out = integrate(repo.path()).args(ARGS).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode(&routes), 0o754);
    assert_eq!(mode(&env), 0o600);
}

#[test]
fn remove_is_transactional_too() {
    let added = || {
        let repo = mini_repo();
        let out = integrate(repo.path()).args(ARGS).output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        repo
    };
    const REMOVE: &[&str] = &["remove", "stripe-connect"];
    let clean = added();
    let out = integrate(clean.path()).args(REMOVE).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let removed = snapshot(clean.path());
    assert!(!removed.contains_key("src/stripe_connect"));
    for n in 0..=CHANGES {
        let repo = added();
        let before = snapshot(repo.path());
        let out = integrate(repo.path())
            .args(REMOVE)
            .env("INTEGRATE_FAULT", format!("fail-after:{n}"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert_eq!(snapshot(repo.path()), before, "remove fail-after:{n}");

        let out = integrate(repo.path())
            .args(REMOVE)
            .env("INTEGRATE_FAULT", format!("kill-after:{n}"))
            .output()
            .unwrap();
        assert!(killed(&out), "remove kill-after:{n}");
        read_only_commands_refuse(repo.path());
        let next = integrate(repo.path()).args(["recover"]).output().unwrap();
        assert!(
            stderr(&next).contains("finished its change"),
            "{}",
            stderr(&next)
        );
        assert_eq!(snapshot(repo.path()), removed, "remove kill-after:{n}");
    }
    let repo = added();
    let before = snapshot(repo.path());
    let out = integrate(repo.path())
        .args(REMOVE)
        .env("INTEGRATE_FAULT", "kill-staged:4")
        .output()
        .unwrap();
    assert!(killed(&out));
    let next = integrate(repo.path()).args(["recover"]).output().unwrap();
    assert!(
        stderr(&next).contains("rolled it back"),
        "{}",
        stderr(&next)
    );
    assert_eq!(snapshot(repo.path()), before);
}

/// After a power loss, a file whose data never reached the disk can be empty even though
/// its name did: recovery checks every new content against the journal's hash and rolls
/// back instead of finishing with a damaged file.
#[test]
fn content_lost_in_a_power_cut_is_rolled_back_not_finished() {
    let journal_entry = |repo: &Path, index: usize, field: &str| -> String {
        let text = std::fs::read_to_string(repo.join(".integrate/journal.json")).unwrap();
        let journal: serde_json::Value = serde_json::from_str(&text).unwrap();
        journal["entries"][index][field]
            .as_str()
            .unwrap()
            .to_string()
    };
    // A staged file still waiting to be renamed, and a created file already renamed.
    for (index, field) in [(4, "staged"), (0, "target")] {
        let repo = mini_repo();
        let before = snapshot(repo.path());
        let out = run_with_fault(repo.path(), "kill-after:2");
        assert!(killed(&out));
        let damaged = journal_entry(repo.path(), index, field);
        std::fs::write(repo.path().join(&damaged), "").unwrap();
        let next = integrate(repo.path()).args(["recover"]).output().unwrap();
        assert!(next.status.success(), "{}", stderr(&next));
        assert!(
            stderr(&next).contains("rolled it back"),
            "{}",
            stderr(&next)
        );
        assert_eq!(snapshot(repo.path()), before, "{damaged} emptied");
    }
}

#[cfg(unix)]
#[test]
fn ctrl_c_in_the_wizard_exits_130_and_leaves_the_repo_as_it_was() {
    use expectrl::Eof;
    for answers in [0, 2] {
        let repo = mini_repo();
        let before = snapshot(repo.path());
        let mut cmd = StdCommand::new(assert_cmd::cargo::cargo_bin("integrate"));
        cmd.arg("-C")
            .arg(repo.path())
            .args(["--color", "never", "new", "acme"]);
        cmd.env("TERM", "xterm");
        let mut session = expectrl::session::Session::spawn(cmd).expect("spawn in a pty");
        session.set_expect_timeout(Some(std::time::Duration::from_secs(20)));
        session.expect("Category").unwrap();
        if answers > 0 {
            session.send("\r").unwrap();
            session.expect("Auth style").unwrap();
            session.send("\r").unwrap();
            session.expect("Base URL").unwrap();
        }
        session.send("\x03").unwrap();
        session.expect(Eof).unwrap();
        let status = format!("{:?}", session.get_process().wait().unwrap());
        assert!(status.contains(", 130)"), "{status}");
        assert_eq!(snapshot(repo.path()), before, "after {answers} answers");
    }
}

/// Every command that only reads, run on a repo with a change pending: exit 1, the
/// journal named with `integrate recover` as what finishes it, and not a byte changed.
fn read_only_commands_refuse(repo: &Path) {
    let before = snapshot(repo);
    for args in [
        &["list"][..],
        &["list", "--json"],
        &["doctor"],
        &["docs", "--check"],
        &["scan"],
        &["catalog"],
        &["kits", "list"],
    ] {
        let out = integrate(repo).args(args).output().unwrap();
        let text = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {text}");
        assert!(text.contains(".integrate/journal.json"), "{args:?}: {text}");
        assert!(text.contains("integrate recover"), "{args:?}: {text}");
        assert_eq!(snapshot(repo), before, "{args:?} changed the repo");
    }
}

/// `remove` on a repo where `new` ran: 2 files deleted, 4 edited.
const REMOVE: &[&str] = &["remove", "stripe-connect"];

fn added() -> tempfile::TempDir {
    let repo = mini_repo();
    let out = integrate(repo.path()).args(ARGS).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    repo
}

fn removed() -> BTreeMap<String, Node> {
    let repo = added();
    let out = integrate(repo.path()).args(REMOVE).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    snapshot(repo.path())
}

/// Makes a fresh repo for one case.
type Make<'a> = &'a dyn Fn() -> tempfile::TempDir;
/// A snapshot of a repo.
type Tree = BTreeMap<String, Node>;

/// The unlinks of tidying up: one per backup (4 edited files for `new`; 2 deleted and 4
/// edited for `remove`), then the journal, the marker and the temp journal.
const NEW_TIDY: usize = 4 + 3;
const REMOVE_TIDY: usize = 6 + 3;

#[test]
fn a_kill_at_every_unlink_of_tidying_up_is_finished_by_the_next_run() {
    let planned = planned();
    let removed = removed();
    let cases: [(Make, &[&str], usize, &Tree); 2] = [
        (&mini_repo, ARGS, NEW_TIDY, &planned),
        (&added, REMOVE, REMOVE_TIDY, &removed),
    ];
    for (make, args, unlinks, expected) in cases {
        for n in 1..=unlinks {
            let repo = make();
            let out = integrate(repo.path())
                .args(args)
                .env("INTEGRATE_FAULT", format!("kill-tidy:{n}"))
                .output()
                .unwrap();
            assert!(killed(&out), "{args:?} kill-tidy:{n}: {}", stderr(&out));
            let next = integrate(repo.path()).arg("recover").output().unwrap();
            assert!(
                next.status.success(),
                "{args:?} kill-tidy:{n}: {}",
                stderr(&next)
            );
            assert_eq!(&snapshot(repo.path()), expected, "{args:?} kill-tidy:{n}");
            // And once more: nothing left to do.
            let again = integrate(repo.path()).arg("recover").output().unwrap();
            assert!(
                stderr(&again).contains("nothing to recover"),
                "{}",
                stderr(&again)
            );
        }
    }
}

#[test]
fn a_failure_while_tidying_up_is_a_warning_and_exit_0() {
    let planned = planned();
    for n in [1, 4, 5] {
        let repo = mini_repo();
        let out = run_with_fault(repo.path(), &format!("fail-tidy:{n}"));
        let text = stderr(&out);
        assert_eq!(out.status.code(), Some(0), "fail-tidy:{n}: {text}");
        assert!(
            text.contains("warning: every file was written, but tidying up failed"),
            "{text}"
        );
        assert!(
            text.contains("Created src/stripe_connect/client.py"),
            "{text}"
        );
        // The change stands; the next command that writes tidies up.
        let next = integrate(repo.path()).arg("recover").output().unwrap();
        assert!(next.status.success(), "{}", stderr(&next));
        assert_eq!(snapshot(repo.path()), planned, "fail-tidy:{n}");
    }
}

/// Recovery is idempotent at every step: a kill after any of its renames or unlinks is
/// recovered by the next run, which ends exactly before or exactly after the change.
#[test]
fn a_kill_at_every_step_of_recovery_is_recovered_by_the_next() {
    let planned = planned();
    let removed = removed();
    // (make, args, fault that leaves a journal, expected after recovery).
    let before_new = snapshot(mini_repo().path());
    let before_remove = snapshot(added().path());
    let cases: Vec<(Make, &[&str], String, &Tree)> = vec![
        (&mini_repo, ARGS, "kill-after:3".into(), &planned),
        (&mini_repo, ARGS, "kill-after:0".into(), &planned),
        (&mini_repo, ARGS, "kill-staged:6".into(), &before_new),
        (
            &mini_repo,
            ARGS,
            "fail-after:4,kill-undo:2".into(),
            &before_new,
        ),
        (&added, REMOVE, "kill-after:2".into(), &removed),
        (&added, REMOVE, "kill-after:6".into(), &removed),
        (&added, REMOVE, "kill-tidy:3".into(), &removed),
        (&added, REMOVE, "kill-staged:6".into(), &before_remove),
    ];
    for (make, args, fault, expected) in cases {
        for step in 1..=16 {
            let repo = make();
            let out = integrate(repo.path())
                .args(args)
                .env("INTEGRATE_FAULT", &fault)
                .output()
                .unwrap();
            assert!(killed(&out), "{fault}: {}", stderr(&out));
            let out = integrate(repo.path())
                .arg("recover")
                .env("INTEGRATE_FAULT", format!("kill-recover:{step}"))
                .output()
                .unwrap();
            let stopped = killed(&out);
            assert!(stopped || step > 1, "{fault}: recovery has no step 1");
            if !stopped {
                // Fewer steps than `step`: recovery finished.
                assert!(
                    out.status.success(),
                    "{fault} recover:{step}: {}",
                    stderr(&out)
                );
            }
            let next = integrate(repo.path()).arg("recover").output().unwrap();
            assert!(
                next.status.success(),
                "{fault} recover:{step}: {}",
                stderr(&next)
            );
            assert_eq!(
                &snapshot(repo.path()),
                expected,
                "{fault} kill-recover:{step}"
            );
            if !stopped {
                break;
            }
        }
    }
}
