//! The promises `asenet build` makes about the output directory (docs/build.md), each tested
//! the way issue 10 broke it: concurrent builds, builds in separate PID namespaces, a mount
//! inside DIR, files asenet never wrote, `--out .`, leftovers, a DIR whose parent is not
//! writable; and the lock, `--no-wait`, `--check --diff`.

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::output_safety::leftovers;
use crate::support::{files, repo_root, require, scratch_dir, stderr, stdout};

const A: &str = "examples/seed-scenario.toml";
const B: &str = "examples/two-node-gpu.toml";

fn sha256(bytes: &[u8]) -> String {
    asenet::emit::manifest::sha256_hex(bytes)
}

fn asenet_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_asenet")).args(args).current_dir(cwd).stdin(Stdio::null()).output().unwrap()
}

/// `asenet build INPUT --out OUT`, run after `prefix` (`unshare …`, `setpriv …`) if any.
fn build_command(prefix: &[&str], input: &str, out: &Path) -> Command {
    let binary = env!("CARGO_BIN_EXE_asenet");
    let mut command = match prefix.split_first() {
        Some((program, args)) => {
            let mut command = Command::new(program);
            command.args(args).arg(binary);
            command
        }
        None => Command::new(binary),
    };
    command.args(["build", input, "--out", out.to_str().unwrap()]).current_dir(repo_root()).stdin(Stdio::null());
    command
}

fn build(input: &str, out: &Path) -> Output {
    build_command(&[], input, out).output().unwrap()
}

/// DIR holds exactly one complete build of one of `inputs`: its manifest names that input,
/// lists every file but `foreign` with the right hash, and nothing else is there.
fn assert_one_complete_build(out: &Path, inputs: &[&str], foreign: &[&str], round: &str) {
    let mut found = files(out);
    for name in foreign {
        assert!(found.remove(*name).is_some(), "{round}: the user's `{name}` is gone");
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(found.get("manifest.json").unwrap_or_else(|| panic!("{round}: no manifest"))).unwrap();
    let input = manifest["input"]["sha256"].as_str().unwrap();
    let hashes: Vec<String> =
        inputs.iter().map(|input| sha256(&std::fs::read(repo_root().join(input)).unwrap())).collect();
    assert!(hashes.iter().any(|hash| hash == input), "{round}: the manifest names another input");
    let listed: BTreeMap<String, String> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|file| (file["path"].as_str().unwrap().to_owned(), file["sha256"].as_str().unwrap().to_owned()))
        .collect();
    found.remove("manifest.json");
    let there: BTreeMap<String, String> = found.iter().map(|(path, bytes)| (path.clone(), sha256(bytes))).collect();
    assert_eq!(there, listed, "{round}: DIR is not exactly the build its manifest describes");
    assert!(leftovers(out).is_empty(), "{round}: leftovers {:?}", leftovers(out));
}

/// `rounds` rounds of `processes` builds of A and B at once into one DIR holding a user's
/// file; each process started through `prefix`.
fn concurrent_rounds(name: &str, prefix: &[&str], rounds: usize, processes: usize) {
    let out = scratch_dir(name).join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("NOTES.txt"), "the user's").unwrap();
    for round in 0..rounds {
        let children: Vec<_> = (0..processes)
            .map(|n| {
                let input = if (n + round) % 2 == 0 { A } else { B };
                // Without fsync (a test-only switch): a hundred builds in a few seconds; the
                // steps and their order are the same.
                let mut command = build_command(prefix, input, &out);
                command.env("ASENET_TEST_NO_SYNC", "1").stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap()
            })
            .collect();
        for child in children {
            let output = child.wait_with_output().unwrap();
            assert_eq!(output.status.code(), Some(0), "round {round}: {}", stderr(&output));
        }
        assert_one_complete_build(&out, &[A, B], &["NOTES.txt"], &format!("{name} round {round}"));
        let check = build_command(&[], A, &out).arg("--check").output().unwrap();
        let manifest = std::fs::read(out.join("manifest.json")).unwrap();
        let is_a = String::from_utf8_lossy(&manifest).contains(&sha256(&std::fs::read(repo_root().join(A)).unwrap()));
        assert_eq!(check.status.code(), Some(if is_a { 0 } else { 1 }), "{}", stderr(&check));
    }
}

/// Finding 1: concurrent builds of two inputs into one DIR never mix them.
#[test]
fn concurrent_builds_of_two_sites_leave_exactly_one_of_them() {
    concurrent_rounds("concurrent", &[], 10, 8);
}

/// Whether this process may do what only root may (mounts, `chown`, `setpriv`).
fn running_as_root() -> Result<(), String> {
    let is_root = std::fs::metadata("/proc/self").map(|metadata| metadata.uid() == 0).unwrap_or(false);
    if is_root { Ok(()) } else { Err("not running as root".to_owned()) }
}

/// Whether the part of a test that needs root can run; under CI it must.
fn root(what: &str) -> bool {
    crate::support::tool_available(what, running_as_root())
}

/// Finding 2: builds in separate PID namespaces (every one of them is PID 1) neither collide
/// nor delete the user's files.
#[test]
#[ignore = "privileged: needs root and unshare (util-linux)"]
fn builds_in_separate_pid_namespaces_do_not_collide() {
    let works = Command::new("unshare")
        .args(["-pf", "--mount-proc", "true"])
        .stderr(Stdio::piped())
        .output()
        .map_err(|error| error.to_string())
        .and_then(|output| if output.status.success() { Ok(()) } else { Err(stderr(&output)) });
    require("unshare -pf (PID namespaces)", "run as root; apt-get install util-linux", works);
    concurrent_rounds("pid-namespaces", &["unshare", "-pf", "--mount-proc"], 5, 8);
}

/// Unmounts on drop, so that a failing test leaves no mount behind.
struct Mounted(PathBuf);

impl Mounted {
    fn bind(from: &Path, to: &Path) -> Mounted {
        let status = Command::new("mount").arg("--bind").arg(from).arg(to).status().unwrap();
        assert!(status.success(), "mount --bind {} {}", from.display(), to.display());
        Mounted(to.to_path_buf())
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// Finding 3: a mount inside DIR is never emptied; one where artifacts go stops the build.
#[test]
#[ignore = "privileged: needs root (mount --bind)"]
fn a_mount_inside_dir_is_never_written_through() {
    require("mount --bind", "run as root", running_as_root());
    let dir = scratch_dir("mounts");
    let out = dir.join("site").join("out");
    assert_eq!(build(A, &out).status.code(), Some(0));
    let victim = dir.join("victim");
    std::fs::create_dir_all(&victim).unwrap();
    std::fs::write(victim.join("data"), "precious").unwrap();
    std::fs::create_dir_all(out.join("cache")).unwrap();
    let cache = Mounted::bind(&victim, &out.join("cache"));
    let output = build(B, &out);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(std::fs::read_to_string(victim.join("data")).unwrap(), "precious");
    assert_one_complete_build(&out, &[B], &["cache/data"], "mount beside the artifacts");

    // A mount where the artifacts' directory is: exit 2, DIR as it was.
    let other = dir.join("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("data"), "precious too").unwrap();
    let dns = Mounted::bind(&other, &out.join("dns"));
    let before = files(&out);
    let output = build(A, &out);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("is a mount point"), "{}", stderr(&output));
    assert_eq!(files(&out), before);
    assert_eq!(std::fs::read_to_string(other.join("data")).unwrap(), "precious too");
    assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
    drop((dns, cache));
}

/// What must not change about a file asenet never wrote.
fn identity(path: &Path) -> (u32, u32, u32, u64, i64, i64, u64, u64) {
    let metadata = path.symlink_metadata().unwrap();
    (
        metadata.uid(),
        metadata.gid(),
        metadata.mode(),
        metadata.ino(),
        metadata.mtime(),
        metadata.mtime_nsec(),
        metadata.nlink(),
        metadata.blocks(),
    )
}

/// Finding 4: files asenet never wrote keep owner, mode, inode, mtime, links and sparseness;
/// DIR keeps its owner, group, mode and setgid bit.
#[test]
fn files_asenet_never_wrote_are_never_touched() {
    let as_root = root("chown to nobody (root)");
    let out = scratch_dir("foreign").join("out");
    std::fs::create_dir_all(out.join("private")).unwrap();
    std::fs::create_dir_all(out.join("dns")).unwrap();
    std::fs::write(out.join("NOTES.txt"), "mine").unwrap();
    std::fs::hard_link(out.join("NOTES.txt"), out.join("NOTES.link")).unwrap();
    std::fs::write(out.join("private/key"), "secret").unwrap();
    std::fs::write(out.join("dns/extra.zone"), "; mine").unwrap();
    std::fs::File::create(out.join("sparse.img")).unwrap().set_len(1 << 30).unwrap();
    std::os::unix::fs::symlink("NOTES.txt", out.join("notes-link")).unwrap();
    let old = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    std::fs::File::options().write(true).open(out.join("NOTES.txt")).unwrap().set_modified(old).unwrap();
    std::fs::set_permissions(out.join("NOTES.txt"), std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::set_permissions(out.join("private"), std::fs::Permissions::from_mode(0o700)).unwrap();
    if as_root {
        std::os::unix::fs::chown(out.join("NOTES.txt"), Some(65534), Some(65534)).unwrap();
        std::os::unix::fs::chown(&out, Some(0), Some(65534)).unwrap();
    }
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o2775)).unwrap();
    let foreign =
        ["NOTES.txt", "NOTES.link", "private", "private/key", "dns/extra.zone", "sparse.img", "notes-link", ""];
    let before: Vec<_> = foreign.iter().map(|path| identity(&out.join(path))).collect();
    for input in [A, B, A] {
        let output = build(input, &out);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let after: Vec<_> = foreign.iter().map(|path| identity(&out.join(path))).collect();
        for ((path, before), after) in foreign.iter().zip(&before).zip(&after) {
            if path.is_empty() {
                // DIR's mtime moves as entries come and go; the rest may not.
                assert_eq!((before.0, before.1, before.2, before.3), (after.0, after.1, after.2, after.3), "DIR");
            } else {
                assert_eq!(before, after, "`{path}` changed (uid, gid, mode, inode, mtime, nlink, blocks)");
            }
        }
    }
    // The team's group and the setgid bit reach the directories asenet creates.
    let routes = out.join("routes").metadata().unwrap();
    assert_eq!(routes.mode() & 0o2000, 0o2000, "setgid inherited");
    if as_root {
        assert_eq!(routes.gid(), 65534);
        assert_eq!(out.join("routes/routes.txt").metadata().unwrap().gid(), 65534);
    }
}

/// A foreign file where an artifact goes is refused, not overwritten.
#[test]
fn a_foreign_file_where_an_artifact_goes_is_refused() {
    let out = scratch_dir("in-the-way").join("out");
    std::fs::create_dir_all(out.join("dns")).unwrap();
    std::fs::write(out.join("dns/Corefile"), "# the user's own Corefile\n").unwrap();
    let output = build(A, &out);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("dns/Corefile` is not asenet's"), "{}", stderr(&output));
    assert_eq!(std::fs::read_to_string(out.join("dns/Corefile")).unwrap(), "# the user's own Corefile\n");
    assert_eq!(files(&out).len(), 1);
    assert!(leftovers(&out).is_empty());
    // The same bytes as the artifact are adopted, untouched.
    std::fs::remove_file(out.join("dns/Corefile")).unwrap();
    assert_eq!(build(A, &out).status.code(), Some(0));
    std::fs::remove_file(out.join("manifest.json")).unwrap();
    let inode = out.join("dns/Corefile").metadata().unwrap().ino();
    assert_eq!(build(A, &out).status.code(), Some(0));
    assert_eq!(out.join("dns/Corefile").metadata().unwrap().ino(), inode);
    assert_one_complete_build(&out, &[A], &[], "adopted");
}

/// Finding 6: `--out` refuses a DIR holding the working directory, the input or a repository.
#[test]
fn out_refuses_the_working_directory_the_input_and_a_repository() {
    let dir = scratch_dir("refused-out");
    let input = dir.join("site.toml");
    std::fs::copy(repo_root().join(A), &input).unwrap();
    let cases: [(&[&str], &str); 3] = [
        (&["build", "site.toml", "--out", "."], "it contains the working directory"),
        (&["build", "site.toml", "--out", ".."], "it contains the working directory"),
        (&["build", "../refused-out/site.toml", "--out", "../refused-out"], "it contains the working directory"),
    ];
    for (args, says) in cases {
        let output = asenet_in(&dir, args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(stderr(&output).contains(says), "{args:?}: {}", stderr(&output));
    }
    let output = asenet_in(&repo_root(), &["build", input.to_str().unwrap(), "--out", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("it contains the input file"), "{}", stderr(&output));
    let repository = dir.join("repo");
    std::fs::create_dir_all(repository.join(".git")).unwrap();
    let output = asenet_in(&repo_root(), &["build", A, "--out", repository.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("`.git`"), "{}", stderr(&output));
    let names: BTreeSet<String> =
        std::fs::read_dir(&dir).unwrap().map(|entry| entry.unwrap().file_name().to_string_lossy().into()).collect();
    assert_eq!(names, BTreeSet::from(["repo".to_owned(), "site.toml".to_owned()]), "nothing written");
    assert_eq!(std::fs::read_dir(&repository).unwrap().count(), 1);
}

/// Findings 5 and 7: a user who owns DIR but not its parent builds; one who may not write
/// where the artifacts go gets exit 2 naming the directory and the permission, and no
/// leftovers.
#[test]
#[ignore = "privileged: needs root and setpriv (util-linux)"]
fn a_dir_writable_without_its_parent_builds_and_permissions_are_named() {
    require("setpriv to `nobody`", "run as root; apt-get install util-linux", running_as_root());
    let dir = scratch_dir("nobody");
    let input = dir.join("site.toml");
    std::fs::copy(repo_root().join(A), &input).unwrap();
    std::fs::set_permissions(&input, std::fs::Permissions::from_mode(0o644)).unwrap();
    let parent = dir.join("team");
    let out = parent.join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::os::unix::fs::chown(&out, Some(65534), Some(65534)).unwrap();
    std::fs::set_permissions(&parent, std::fs::Permissions::from_mode(0o755)).unwrap();
    let nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];
    let output = build_command(&nobody, input.to_str().unwrap(), &out).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(out.join("manifest.json").metadata().unwrap().uid(), 65534);
    assert_one_complete_build(&out, &[A], &[], "nobody");

    // Root rebuilds another site and takes a directory of artifacts for itself; nobody cannot
    // replace what is in it: exit 2 before DIR changes, nothing left behind.
    assert_eq!(build(B, &out).status.code(), Some(0));
    // Root's build made the directories A has not (B's `device/`) root's: give them back, so
    // that `routes` is the one directory nobody may not write.
    let chown = Command::new("chown").args(["-R", "65534:65534"]).arg(&out).status().unwrap();
    assert!(chown.success());
    std::os::unix::fs::chown(out.join("routes"), Some(0), Some(0)).unwrap();
    let before = files(&out);
    let output = build_command(&nobody, input.to_str().unwrap(), &out).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let says = stderr(&output);
    assert!(says.contains("permission denied (asenet needs write and search (x) permission"), "{says}");
    assert!(says.contains(&format!("`{}/routes`", out.display())) && says.contains("it is as it was"), "{says}");
    assert_eq!(files(&out), before);
    assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));

    // A first build where the parent is not writable names the parent.
    let output = build_command(&nobody, input.to_str().unwrap(), &parent.join("new")).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(&format!("write and search (x) permission on the directory `{}`", parent.display()))
    );
}

/// One build at a time: a second waits, saying so after a second; `--no-wait` exits 2 at once.
#[test]
fn a_second_build_waits_for_the_lock_or_exits_2_with_no_wait() {
    let out = scratch_dir("lock").join("out");
    assert_eq!(build(A, &out).status.code(), Some(0));
    let held = std::fs::File::open(&out).unwrap();
    held.lock().unwrap();
    let started = Instant::now();
    let output = build_command(&[], B, &out).arg("--no-wait").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("is locked by another build"), "{}", stderr(&output));
    assert!(started.elapsed() < Duration::from_secs(1));
    let waiting = build_command(&[], B, &out).stderr(Stdio::piped()).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(1300));
    assert_one_complete_build(&out, &[A], &[], "while the lock is held");
    held.unlock().unwrap();
    let output = waiting.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(stderr(&output).contains("waiting for another asenet build to release"), "{}", stderr(&output));
    assert_one_complete_build(&out, &[B], &[], "after the wait");
}

/// `--check` names files as the user gave DIR, and `--diff` shows what differs.
#[test]
fn check_names_paths_as_given_and_diff_shows_the_change() {
    let dir = scratch_dir("check-diff");
    let input = dir.join("site.toml");
    std::fs::copy(repo_root().join(A), &input).unwrap();
    assert_eq!(asenet_in(&dir, &["build", "site.toml", "--out", "out"]).status.code(), Some(0));
    let corefile = dir.join("out/dns/Corefile");
    let text = std::fs::read_to_string(&corefile).unwrap();
    std::fs::write(&corefile, text.replace("errors", "errors\n    log")).unwrap();
    let output = asenet_in(&dir, &["build", "site.toml", "--out", "out", "--check"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("\nout/dns/Corefile: differs\n"), "{}", stderr(&output));
    assert!(!stderr(&output).contains(dir.to_str().unwrap()), "no absolute path: {}", stderr(&output));
    assert_eq!(stdout(&output), "", "no diff unless asked");
    let output = asenet_in(&dir, &["build", "site.toml", "--out", "out", "--check", "--diff"]);
    assert_eq!(output.status.code(), Some(1));
    let diff = stdout(&output);
    assert!(diff.starts_with("--- a/out/dns/Corefile\n+++ b/out/dns/Corefile\n@@ "), "{diff}");
    assert!(diff.contains("\n-    log\n"), "{diff}");
    assert_eq!(
        diff.lines()
            .filter(|line| line.starts_with(['-', '+']) && !line.starts_with("---") && !line.starts_with("+++"))
            .count(),
        1,
        "{diff}"
    );
    std::fs::remove_file(dir.join("out/routes/routes.txt")).unwrap();
    let output = asenet_in(&dir, &["build", "site.toml", "--out", "out", "--check", "--diff"]);
    assert!(stdout(&output).contains("--- /dev/null\n+++ b/out/routes/routes.txt\n"), "{}", stdout(&output));
    assert_eq!(
        asenet_in(&dir, &["build", "site.toml", "--out", "out", "--diff"]).status.code(),
        Some(2),
        "--diff needs --check"
    );
}
