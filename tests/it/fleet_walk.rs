//! Walking a fleet's tree (docs/fleet.md, "Which files are the fleet's"): links out of the
//! fleet's directory, aliases, loops, FIFOs. Each test was first run against main 42ff951's
//! binary (`ASENET_BIN`), where it failed: a directory link read files outside the fleet
//! and printed their lines, an alias drew ASE601/ASE602 against itself, a self-loop read
//! each device dozens of times, two loops ran for a minute.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use crate::support::{repo_root, scratch_dir};
use crate::writer::{binary, output_within};

fn err(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A copy of `examples/fleet` (one fleet file, three devices below `sites/`).
fn fleet(name: &str) -> PathBuf {
    let dir = scratch_dir(name);
    let copy = Command::new("cp").arg("-r").arg(repo_root().join("examples/fleet/.")).arg(&dir).status().unwrap();
    assert!(copy.success());
    dir
}

/// `asenet check --format json` of the fleet in `dir`, killed after 30 s (`None`).
fn check(dir: &Path) -> Option<(Output, serde_json::Value)> {
    let output = output_within(
        Command::new(binary()).args(["check", "--format", "json"]).current_dir(dir),
        Duration::from_secs(30),
    )?;
    let report = serde_json::from_slice(&output.stdout).unwrap_or(serde_json::Value::Null);
    Some((output, report))
}

/// The device files the report lists (not the fleet file), and every code it draws.
fn summary(report: &serde_json::Value) -> (Vec<String>, Vec<String>) {
    let files = report["files"].as_array().map(Vec::as_slice).unwrap_or_default();
    let paths = files
        .iter()
        .map(|file| file["path"].as_str().unwrap().to_owned())
        .filter(|path| !path.ends_with("asenet-fleet.toml"))
        .collect();
    let codes = files
        .iter()
        .flat_map(|file| file["diagnostics"].as_array().cloned().unwrap_or_default())
        .map(|diagnostic| diagnostic["code"].as_str().unwrap().to_owned())
        .collect();
    (paths, codes)
}

/// What the untouched example fleet reports, checked in a directory of its own (`name`).
fn clean_fleet(name: &str) -> (Vec<String>, Vec<String>) {
    let (output, report) = check(&fleet(&format!("{name}-clean"))).expect("the example fleet checks");
    assert_eq!(output.status.code(), Some(0), "{}", err(&output));
    summary(&report)
}

#[test]
fn a_directory_link_out_of_the_fleet_is_not_read() {
    let dir = fleet("walk-link-out");
    let clean = clean_fleet("walk-link-out");
    let outside = scratch_dir("walk-link-out-secrets");
    std::fs::write(outside.join("secret.toml"), "api_token = \"hunter2-secret\"\n").unwrap();
    std::os::unix::fs::symlink(&outside, dir.join("sites/elsewhere")).unwrap();
    let (output, report) = check(&dir).expect("finishes");
    let everything = String::from_utf8_lossy(&output.stdout).into_owned() + &err(&output);
    assert!(!everything.contains("hunter2"), "a file outside the fleet was read and printed: {everything}");
    assert!(err(&output).contains("sites/elsewhere` is a symbolic link to"), "{}", err(&output));
    assert_eq!(summary(&report), clean);
}

#[test]
fn an_alias_of_a_device_file_is_read_once() {
    let dir = fleet("walk-alias");
    let clean = clean_fleet("walk-alias");
    let device = std::fs::read_dir(dir.join("sites/store042")).unwrap().next().unwrap().unwrap().path();
    std::os::unix::fs::symlink(&device, dir.join("sites/store042/zz-alias.toml")).unwrap();
    std::fs::hard_link(&device, dir.join("sites/store042/zz-hard.toml")).unwrap();
    let (output, report) = check(&dir).expect("finishes");
    assert_eq!(output.status.code(), Some(0), "one device read twice draws ASE601/ASE602: {}", err(&output));
    assert_eq!(summary(&report), clean);
    assert!(err(&output).contains("zz-alias.toml` is the same file as"), "{}", err(&output));
}

#[test]
fn loops_are_walked_once_and_quickly() {
    let dir = fleet("walk-loops");
    let clean = clean_fleet("walk-loops");
    std::os::unix::fs::symlink(".", dir.join("sites/self")).unwrap();
    std::os::unix::fs::symlink("..", dir.join("sites/store042/up")).unwrap();
    std::os::unix::fs::symlink("../store042", dir.join("sites/store043/over")).unwrap();
    let start = Instant::now();
    let (output, report) = check(&dir).expect("loops made asenet run for more than 30 s");
    assert!(start.elapsed() < Duration::from_secs(20), "{:?}", start.elapsed());
    assert_eq!(output.status.code(), Some(0), "{}", err(&output));
    assert_eq!(summary(&report), clean);
}

#[test]
fn a_fifo_that_a_glob_matches_is_named_and_never_opened() {
    let dir = fleet("walk-fifo");
    let clean = clean_fleet("walk-fifo");
    assert!(Command::new("mkfifo").arg(dir.join("sites/store043/pipe.toml")).status().unwrap().success());
    let (output, report) = check(&dir).expect("a FIFO made asenet hang");
    assert_eq!(output.status.code(), Some(0), "{}", err(&output));
    assert!(err(&output).contains("pipe.toml` is not a regular file"), "{}", err(&output));
    assert_eq!(summary(&report), clean);
}

/// Issue 21 finding 9: `graph --format svg` waited forever on a hung `dot`, and read all a
/// runaway one wrote. A fake `dot` first on PATH: one that never answers, one that writes
/// without end. The limits are shortened for the test (1 s, 1 MiB).
#[test]
fn graph_svg_stops_a_hung_or_endless_dot() {
    let bin = scratch_dir("walk-fake-dot");
    for (name, script) in [("hung", "#!/bin/sh\nexec sleep 600\n"), ("endless", "#!/bin/sh\nexec cat /dev/zero\n")] {
        let dir = bin.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("dot"), script).unwrap();
        std::fs::set_permissions(dir.join("dot"), std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        let path = format!("{}:{}", dir.display(), std::env::var("PATH").unwrap_or_default());
        let output = output_within(
            Command::new(binary())
                .args(["graph", "--fleet", "examples/fleet/asenet-fleet.toml", "--format", "svg"])
                .current_dir(repo_root())
                .env("PATH", path)
                .env("ASENET_TEST_DOT_TIMEOUT_MS", "1000")
                .env("ASENET_TEST_DOT_LIMIT", "1048576"),
            Duration::from_secs(30),
        )
        .unwrap_or_else(|| panic!("{name}: asenet waited on `dot` for 30 s"));
        assert_eq!(output.status.code(), Some(2), "{name}: {}", err(&output));
        let expected = if name == "hung" { "did not finish in 1 s" } else { "wrote more than 1 MiB" };
        assert!(err(&output).contains(expected), "{name}: {}", err(&output));
        assert!(output.stdout.is_empty(), "{name}: no partial SVG");
    }
}
