//! The server end to end with a real client: Neovim's built-in LSP client, headless, runs
//! `tests/neovim/init.lua` against the binary (open, diagnostics, code action, apply, save,
//! hover) and writes what it saw to a file read here. `ASENET_NVIM` names the `nvim` to run
//! (default: `nvim` on PATH); `.ci/run` installs Debian's package.

use std::process::Command;

use crate::support::{repo_root, require, scratch_dir};

fn nvim() -> String {
    std::env::var("ASENET_NVIM").unwrap_or_else(|_| "nvim".to_owned())
}

fn nvim_runs() -> Result<(), String> {
    let output = Command::new(nvim()).args(["--headless", "--version"]).output().map_err(|e| e.to_string())?;
    output.status.success().then_some(()).ok_or_else(|| String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
#[ignore = "consumer: needs nvim (apt-get install neovim)"]
fn neovim_opens_fixes_saves_and_hovers() {
    require("nvim", "apt-get install neovim", nvim_runs());
    let dir = scratch_dir("neovim");
    let file = dir.join("device.toml");
    let original = std::fs::read_to_string(repo_root().join("tests/fixtures/ASE208/fires.toml")).unwrap();
    std::fs::write(&file, &original).unwrap();
    let out = dir.join("out.txt");
    let status = Command::new(nvim())
        .args(["--headless", "--clean", "-u"])
        .arg(repo_root().join("tests/neovim/init.lua"))
        .env("ASENET_BIN", env!("CARGO_BIN_EXE_asenet"))
        .env("ASENET_FILE", &file)
        .env("ASENET_OUT", &out)
        .current_dir(&dir)
        .output()
        .expect("nvim runs");
    let seen = std::fs::read_to_string(&out)
        .unwrap_or_else(|_| panic!("nvim wrote no results: {}", String::from_utf8_lossy(&status.stderr)));
    let lines: Vec<&str> = seen.lines().collect();
    assert!(!lines.iter().any(|line| line.starts_with("error")), "{seen}");
    assert_eq!(lines[0], "diagnostic\tASE208\t21\t14", "{seen}");
    assert!(lines.contains(&"action\tquickfix\tclear the host bits: `192.168.20.0/24`"), "{seen}");
    assert!(lines.contains(&"action\tsource.fixAll.asenet\tFix all safe problems (1 fix)"), "{seen}");
    assert!(lines.contains(&"applied\tclear the host bits: `192.168.20.0/24`"), "{seen}");
    assert!(lines.contains(&"diagnostics-after\t0"), "{seen}");
    assert!(lines.contains(&"hover\t- Port3's subnet 192.168.10.0/24"), "{seen}");
    // Saved by Neovim: the file on disk is the file `check --fix` writes.
    let saved = std::fs::read_to_string(&file).unwrap();
    assert_eq!(saved, asenet::fix_all(&original, false).source);
}
