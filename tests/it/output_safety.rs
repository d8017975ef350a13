//! What `asenet build` may do to the filesystem, whatever the input and whatever happens
//! during the write: artifacts stay inside `--out` even for names `[lint]` lets through, an
//! interrupted build leaves DIR as it was or complete, and whatever cannot be read or
//! written stops the run with exit 2 and one line saying why.

use std::collections::BTreeMap;
use std::os::unix::fs::FileTypeExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::support::{asenet, build_file, repo_root, scratch_dir, stderr, tree};

const EXAMPLE: &str = "examples/seed-scenario.toml";
const OTHER: &str = "examples/two-node-gpu.toml";

/// Runs `asenet build INPUT --out OUT` with extra environment.
fn build_with(input: &str, out: &Path, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_asenet"));
    command.args(["build", input, "--out", out.to_str().unwrap()]).current_dir(repo_root());
    for (key, value) in env {
        command.env(key, value);
    }
    command.stdin(Stdio::null()).output().unwrap()
}

fn build(input: &str, out: &Path) -> Output {
    build_with(input, out, &[])
}

/// Exit 2, with one line `error: ...` to end stderr.
fn assert_cannot_run(output: &Output, says: &str) {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    let errors: Vec<&str> = err.lines().filter(|line| line.starts_with("error")).collect();
    assert!(errors.len() == 1 && err.ends_with(&format!("{}\n", errors[0])), "one line: {err:?}");
    assert!(errors[0].contains(says), "{err:?} should say {says:?}");
}

/// The paths where two trees differ.
fn differences(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter().filter(|key| a.get(*key) != b.get(*key)).cloned().collect()
}

/// The example with `[lint] allow = ["ASE401"]` and `edit` applied.
fn allowed(edit: impl Fn(&str) -> String) -> String {
    let source = std::fs::read_to_string(repo_root().join(EXAMPLE)).unwrap();
    format!("{}\n[lint]\nallow = [\"ASE401\"]\n", edit(&source))
}

#[test]
fn names_that_would_leave_the_output_directory_are_refused_even_when_allowed() {
    let long = "a".repeat(300);
    let cases: Vec<(&str, String)> = vec![
        (
            "cluster domain `../`",
            allowed(|s| s.replace("iot_edge = true", "iot_edge = true\ncluster_domain = \"../../escaped\"")),
        ),
        (
            "cluster domain absolute",
            allowed(|s| s.replace("iot_edge = true", "iot_edge = true\ncluster_domain = \"/tmp/escaped\"")),
        ),
        (
            "cluster domain NUL",
            allowed(|s| s.replace("iot_edge = true", "iot_edge = true\ncluster_domain = \"a\\u0000b\"")),
        ),
        (
            "cluster domain 300 bytes",
            allowed(|s| s.replace("iot_edge = true", &format!("iot_edge = true\ncluster_domain = \"{long}\""))),
        ),
        ("device name `../`", allowed(|s| s.replace("name = \"seed-gpu\"", "name = \"../../x\""))),
        (
            "device name with a newline",
            allowed(|s| s.replace("name = \"seed-gpu\"", "name = \"x\\nRemove-Item C:\\\\ -Recurse\"")),
        ),
        ("domain `/`", allowed(|s| s.replace("domain = \"contoso.local\"", "domain = \"a/../../b\""))),
        (
            "domain 300 bytes",
            allowed(|s| s.replace("domain = \"contoso.local\"", &format!("domain = \"{long}.local\""))),
        ),
        (
            "vm_interface with a comment",
            allowed(|s| s.replace("iot_edge = true", "iot_edge = true\nvm_interface = \"e#x\"")),
        ),
        ("hostname with a space", allowed(|s| s.replace("hostname = \"ingest\"", "hostname = \"in gest\""))),
    ];
    for (what, source) in cases {
        let checked = asenet::check(&source);
        assert!(!checked.has_errors(), "{what}: [lint] allows ASE401 in `check`: {:?}", checked.diagnostics);
        let refused = asenet::build(&source, &asenet::emit::PreviousManifest::default()).expect_err(what);
        assert!(refused.iter().any(|d| d.code() == "ASE401" && d.is_error()), "{what}: {refused:?}");

        let dir = scratch_dir(&format!("unsafe-{}", what.replace(|c: char| !c.is_ascii_alphanumeric(), "-")));
        let input = dir.join("device.toml");
        std::fs::write(&input, &source).unwrap();
        let out = dir.join("deep/out");
        let output = build(input.to_str().unwrap(), &out);
        assert_eq!(output.status.code(), Some(1), "{what}: {}", stderr(&output));
        assert!(stderr(&output).contains("nothing written"), "{what}: {}", stderr(&output));
        assert_eq!(tree(&dir).keys().collect::<Vec<_>>(), ["device.toml"], "{what}: nothing written anywhere");
    }
}

#[test]
fn a_link_where_artifacts_go_stops_the_build_and_leads_nothing_out() {
    let dir = scratch_dir("foreign-link");
    let outside = dir.join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    let out = dir.join("site").join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::os::unix::fs::symlink(outside.join("passwd"), out.join("manifest.json.lnk")).unwrap();
    for (link, target) in
        [("dns", outside.clone()), ("kubernetes", outside.join("services")), ("manifest.json", outside.join("m"))]
    {
        std::os::unix::fs::symlink(&target, out.join(link)).unwrap();
        let before = tree(&out);
        assert_cannot_run(&build(EXAMPLE, &out), "is a symbolic link");
        assert!(tree(&outside).is_empty(), "{link}: nothing written through it: {:?}", tree(&outside).keys());
        assert_eq!(tree(&out), before, "{link}: DIR is as it was");
        assert!(leftovers(&out).is_empty(), "{link}: {:?}", leftovers(&out));
        std::fs::remove_file(out.join(link)).unwrap();
    }
    assert_eq!(build(EXAMPLE, &out).status.code(), Some(0));
    assert!(out.join("manifest.json.lnk").symlink_metadata().unwrap().file_type().is_symlink(), "others are kept");
    assert!(out.join("dns/cluster.local.zone").is_file());
}

#[test]
fn a_fifo_in_the_output_directory_is_left_alone_and_never_read() {
    let dir = scratch_dir("fifo");
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let fifo = out.join("notes.pipe");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let output = build(EXAMPLE, &out);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(), "a foreign FIFO is not asenet's");
    // Where an artifact goes, and the previous manifest, are read only when regular files.
    let fresh = dir.join("fresh");
    std::fs::create_dir_all(&fresh).unwrap();
    assert!(Command::new("mkfifo").arg(fresh.join("manifest.json")).status().unwrap().success());
    assert_cannot_run(&build(EXAMPLE, &fresh), "not a regular file");
    std::fs::remove_file(fresh.join("manifest.json")).unwrap();
    assert!(Command::new("mkfifo").arg(fresh.join("dns")).status().unwrap().success());
    assert_cannot_run(&build(EXAMPLE, &fresh), "is not a directory");
}

pub use crate::support::leftovers;

/// `tree` without a dead build's staging directory.
fn tree_without_staging(out: &Path) -> BTreeMap<String, Vec<u8>> {
    tree(out).into_iter().filter(|(path, _)| !path.starts_with(".asenet-build-")).collect()
}

#[test]
fn an_interrupted_build_is_finished_by_the_next_and_leaves_nothing_behind() {
    let dir = scratch_dir("interrupted");
    let out = dir.join("out");
    assert_eq!(build(EXAMPLE, &out).status.code(), Some(0));
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let old = tree(&out);
    let complete = {
        let fresh = scratch_dir("interrupted-complete").join("out");
        std::fs::create_dir_all(&fresh).unwrap();
        std::fs::write(fresh.join("notes.txt"), "mine").unwrap();
        std::fs::copy(out.join("manifest.json"), fresh.join("manifest.json")).unwrap();
        assert_eq!(build(OTHER, &fresh).status.code(), Some(0));
        tree(&fresh)
    };
    assert_ne!(old, complete);
    // Every file differs between the two sites but `notes.txt` and the cluster's Corefile.
    let files = build_file(&repo_root().join(OTHER)).len();

    // Killed while staging: DIR is as it was, but for the dead build's staging directory,
    // which the next build (of either input) removes.
    for n in [0, files / 2, files] {
        let point = format!("kill-staged:{n}");
        let killed = build_with(OTHER, &out, &[("ASENET_TEST_FAULT", &point)]);
        assert_eq!(killed.status.code(), None, "{point}: the build was killed");
        assert_eq!(differences(&tree_without_staging(&out), &old), Vec::<String>::new(), "{point}: as it was");
        assert_eq!(leftovers(&out).len(), 1, "{point}: {:?}", leftovers(&out));
        assert_eq!(build(EXAMPLE, &out).status.code(), Some(0));
        assert!(leftovers(&out).is_empty(), "{point}: the next build cleans up: {:?}", leftovers(&out));
        assert_eq!(differences(&tree(&out), &old), Vec::<String>::new());
    }
    // Killed while placing: no manifest describes the mixed tree; the next build of the old
    // input gets exactly the old tree back, zone serials included (the dead build's journal
    // says which new files are asenet's, and it kept the old manifest).
    for n in [0, files / 2, files - 1] {
        let point = format!("kill-placed:{n}");
        let killed = build_with(OTHER, &out, &[("ASENET_TEST_FAULT", &point)]);
        assert_eq!(killed.status.code(), None, "{point}");
        assert!(!out.join("manifest.json").exists(), "{point}: no manifest while the tree is mixed");
        assert_eq!(build(EXAMPLE, &out).status.code(), Some(0));
        assert!(leftovers(&out).is_empty(), "{point}: {:?}", leftovers(&out));
        assert_eq!(differences(&tree(&out), &old), Vec::<String>::new(), "{point}");
    }
    // Killed once the new manifest is in: the tree it describes is complete, the old input's
    // stale files are still there, and the next build removes them.
    let killed = build_with(OTHER, &out, &[("ASENET_TEST_FAULT", "kill-committed")]);
    assert_eq!(killed.status.code(), None);
    let stale = differences(&tree_without_staging(&out), &complete);
    assert!(!stale.is_empty() && stale.iter().all(|path| old.contains_key(path)), "{stale:?}");
    assert_eq!(build(OTHER, &out).status.code(), Some(0));
    assert!(leftovers(&out).is_empty());
    assert_eq!(differences(&tree(&out), &complete), Vec::<String>::new());

    // A write that fails (a full disk) cleans up after itself and exits 2.
    let before = tree(&out);
    let failed = build_with(EXAMPLE, &out, &[("ASENET_TEST_FAULT", "fail-staged:3")]);
    assert_cannot_run(&failed, "it is as it was");
    assert!(stderr(&failed).contains("no space left"), "{}", stderr(&failed));
    assert_eq!(differences(&tree(&out), &before), Vec::<String>::new());
    assert!(leftovers(&out).is_empty());

    // A first build that fails creates nothing; one killed midway leaves DIR without a
    // manifest, which the next build completes.
    let first = dir.join("first").join("out");
    let failed = build_with(OTHER, &first, &[("ASENET_TEST_FAULT", "fail-staged:5")]);
    assert_eq!(failed.status.code(), Some(2));
    assert!(!first.exists(), "{:?}", tree(first.parent().unwrap()));
    let killed = build_with(OTHER, &first, &[("ASENET_TEST_FAULT", "kill-staged:5")]);
    assert_eq!(killed.status.code(), None);
    assert!(!first.join("manifest.json").exists());
    assert_eq!(build(OTHER, &first).status.code(), Some(0));
    assert!(leftovers(&first).is_empty());
    let written: Vec<String> = tree(&first).into_keys().filter(|path| !path.ends_with('/')).collect();
    let expected: Vec<String> = build_file(&repo_root().join(OTHER)).into_iter().map(|file| file.path).collect();
    assert_eq!(written, expected);
}

#[test]
fn unwritable_outputs_exit_2_with_one_line() {
    let dir = scratch_dir("unwritable");
    let file = dir.join("a-file");
    std::fs::write(&file, "").unwrap();
    assert_cannot_run(&build(EXAMPLE, &file), "it is not a directory");
    assert_cannot_run(&build(EXAMPLE, &file.join("out")), "not a directory");
    // Root may write anywhere the permission bits forbid; /proc refuses everyone.
    assert_cannot_run(&build(EXAMPLE, Path::new("/proc/asenet-out")), "cannot write `/proc/asenet-out`");
    assert_cannot_run(&build(EXAMPLE, Path::new("/proc/self/asenet/out")), "/proc/self/asenet/out");
    assert_cannot_run(&build(EXAMPLE, Path::new("/")), "");
}

#[test]
fn unreadable_inputs_exit_2_with_one_line() {
    let dir = scratch_dir("unreadable");
    let file = dir.join("a-file");
    std::fs::write(&file, "").unwrap();
    let under_a_file = file.join("device.toml");
    let zero = dir.join("zero.toml");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    for (input, says) in [
        (under_a_file.to_str().unwrap(), "not a directory"),
        ("/proc/self/mem", "cannot read `/proc/self/mem`"),
        (dir.to_str().unwrap(), "it is a directory"),
        (zero.to_str().unwrap(), "larger than 128 MiB"),
    ] {
        assert_cannot_run(&asenet(&["check", input], b""), says);
        assert_cannot_run(&build(input, &dir.join("out")), says);
    }
    assert!(!dir.join("out").exists());
}

#[test]
fn a_reader_that_went_away_is_no_crash() {
    let dir = scratch_dir("broken-pipe");
    let gone = || {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        writer
    };
    for args in [&["rules"][..], &["explain", "ASE101"], &["check", "--format", "json", EXAMPLE]] {
        let output = Command::new(env!("CARGO_BIN_EXE_asenet"))
            .args(args)
            .current_dir(repo_root())
            .stdout(gone())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", stderr(&output));
        assert!(!stderr(&output).contains("panicked"), "{args:?}: {}", stderr(&output));
    }
    // Nobody reads stderr: the build still happens, whole.
    let out = dir.join("out");
    let status = Command::new(env!("CARGO_BIN_EXE_asenet"))
        .args(["build", "tests/fixtures/ASE202/fires.toml", "--out", out.to_str().unwrap()])
        .current_dir(repo_root())
        .stderr(gone())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    assert!(out.join("manifest.json").is_file());
}
