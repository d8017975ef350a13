//! `asenet build`: every artifact of every example snapshotted; determinism; the output
//! directory written atomically, never on errors, stale files removed, foreign files kept;
//! `--check`; zone serials.

use std::collections::BTreeMap;
use std::path::Path;

use asenet::emit::PreviousManifest;

use crate::support::{asenet, build_file, examples, files, relative, repo_root, scratch_dir, snapshot_each, stderr};

const EXAMPLE: &str = "examples/seed-scenario.toml";
const BROKEN: &str = "tests/fixtures/ASE203/fires.toml";

fn build(input: &str, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["build", input, "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    asenet(&args, b"")
}

#[test]
fn every_artifact_of_every_example_is_snapshotted() {
    snapshot_each(&repo_root().join("examples"), &examples(), |path| {
        for file in build_file(path) {
            insta::assert_snapshot!(file.path.replace('/', "__"), file.contents);
        }
    });
}

#[test]
fn every_example_builds_every_artifact() {
    for path in examples() {
        let files: Vec<String> = build_file(&path).into_iter().map(|file| file.path).collect();
        let mut expected = vec![
            "kubernetes/services.yaml",
            "manifest.json",
            "metallb/configmap.yaml",
            "metallb/ipaddresspool.yaml",
            "routes/apply-routes.ps1",
            "routes/master.ip",
            "routes/master.json",
            "routes/remove-routes.ps1",
            "routes/routes.txt",
            "routes/worker1.ip",
            "routes/worker1.json",
            "dns/Corefile",
        ];
        let network = asenet::check(&std::fs::read_to_string(&path).unwrap()).network.unwrap();
        if network.kubernetes.unwrap().nodes.len() == 3 {
            expected.extend(["routes/worker2.ip", "routes/worker2.json"]);
        }
        for expected in expected {
            assert!(files.iter().any(|file| file == expected), "{}: no {expected} in {files:?}", relative(&path));
        }
        let zones = files.iter().filter(|file| file.starts_with("dns/") && file.ends_with(".zone")).count();
        assert_eq!(zones, 2, "{}: a cluster zone and a site zone", relative(&path));
        let mut sorted = files.clone();
        sorted.sort();
        assert_eq!(files, sorted, "artifacts come sorted by path");
    }
}

#[test]
fn two_builds_give_identical_bytes() {
    for path in examples() {
        let name = path.file_stem().unwrap().to_str().unwrap();
        let (first, second) = (scratch_dir(&format!("twice-{name}-a")), scratch_dir(&format!("twice-{name}-b")));
        let input = relative(&path);
        assert_eq!(build(&input, &first, &[]).status.code(), Some(0));
        assert_eq!(build(&input, &second, &[]).status.code(), Some(0));
        let (first_tree, second_tree) = (files(&first), files(&second));
        assert!(first_tree.len() > 10, "{input}: {:?}", first_tree.keys());
        assert_eq!(first_tree, second_tree, "{input}");
        // A rebuild into the same directory changes nothing either, zone serials included.
        assert_eq!(build(&input, &first, &[]).status.code(), Some(0));
        assert_eq!(files(&first), second_tree, "{input}: rebuilt in place");
    }
}

#[test]
fn the_manifest_lists_every_file_with_its_sha256_and_the_input() {
    use sha2::{Digest, Sha256};
    let hex = |bytes: &[u8]| Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect::<String>();
    let out = scratch_dir("manifest");
    assert_eq!(build(EXAMPLE, &out, &[]).status.code(), Some(0));
    let files = files(&out);
    let manifest: serde_json::Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
    assert_eq!(manifest["tool"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(manifest["input"]["sha256"], hex(&std::fs::read(repo_root().join(EXAMPLE)).unwrap()));
    let listed: BTreeMap<String, String> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|file| (file["path"].as_str().unwrap().to_owned(), file["sha256"].as_str().unwrap().to_owned()))
        .collect();
    let written: BTreeMap<String, String> = files
        .iter()
        .filter(|(path, _)| *path != "manifest.json")
        .map(|(path, bytes)| (path.clone(), hex(bytes)))
        .collect();
    assert_eq!(listed, written);
}

#[test]
fn check_passes_after_a_build_and_catches_every_kind_of_drift() {
    let out = scratch_dir("check");
    assert_eq!(build(EXAMPLE, &out, &["--check"]).status.code(), Some(1), "nothing built yet");
    assert!(!out.join("manifest.json").exists(), "--check writes nothing");
    assert_eq!(build(EXAMPLE, &out, &[]).status.code(), Some(0));
    let clean = build(EXAMPLE, &out, &["--check"]);
    assert_eq!(clean.status.code(), Some(0), "{}", stderr(&clean));

    let zone = out.join("dns/seed-gpu.contoso.local.zone");
    let edited = std::fs::read_to_string(&zone).unwrap().replace("192.168.10.41", "192.168.10.42");
    std::fs::write(&zone, &edited).unwrap();
    std::fs::remove_file(out.join("routes/worker1.ip")).unwrap();
    std::fs::write(out.join("routes/worker9.json"), "{}").unwrap(); // not asenet's: ignored
    let before = files(&out);
    let drift = build(EXAMPLE, &out, &["--check"]);
    assert_eq!(drift.status.code(), Some(1));
    let report = stderr(&drift);
    assert!(report.contains("dns/seed-gpu.contoso.local.zone: differs"), "{report}");
    assert!(report.contains("routes/worker1.ip: missing"), "{report}");
    assert!(!report.contains("worker9"), "{report}");
    assert_eq!(files(&out), before, "--check writes nothing");

    // A file that the previous build wrote and this one would not is stale.
    let without_domain = scratch_dir("check-input").join("site.toml");
    let source = std::fs::read_to_string(repo_root().join(EXAMPLE)).unwrap();
    std::fs::write(
        &without_domain,
        source.replace("domain = \"contoso.local\"\n", "").replace("hostname = \"ingest\"\n", ""),
    )
    .unwrap();
    assert_eq!(build(EXAMPLE, &out, &[]).status.code(), Some(0));
    let stale = build(without_domain.to_str().unwrap(), &out, &["--check"]);
    assert_eq!(stale.status.code(), Some(1));
    assert!(stderr(&stale).contains("dns/Corefile: stale"), "{}", stderr(&stale));
}

#[test]
fn a_config_with_errors_leaves_dir_untouched() {
    // DIR's parent belongs to this test alone: other tests' staging directories would
    // otherwise show up in the leftovers check below while they build.
    let out = scratch_dir("errors").join("out");
    assert_eq!(build(EXAMPLE, &out, &[]).status.code(), Some(0));
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let before = files(&out);
    let failed = build(BROKEN, &out, &[]);
    assert_eq!(failed.status.code(), Some(1));
    assert!(stderr(&failed).contains("ASE203"), "{}", stderr(&failed));
    assert_eq!(files(&out), before);
    let parent = out.parent().unwrap();
    let _ = parent;
    let leftovers = crate::support::leftovers(&out);
    assert!(leftovers.is_empty(), "no staging directory is left: {leftovers:?}");

    let fresh = scratch_dir("errors-fresh").join("out");
    assert_eq!(build(BROKEN, &fresh, &[]).status.code(), Some(1));
    assert!(!fresh.exists(), "a failed first build creates nothing");
}

#[test]
fn stale_artifacts_are_removed_and_foreign_files_survive() {
    let out = scratch_dir("stale");
    assert_eq!(build(EXAMPLE, &out, &[]).status.code(), Some(0));
    std::fs::write(out.join("README.site"), "kept").unwrap();
    std::fs::write(out.join("dns/extra.zone"), "kept too").unwrap();
    let two_node = "examples/two-node-gpu.toml";
    assert_eq!(build(two_node, &out, &[]).status.code(), Some(0));
    let files = files(&out);
    assert_eq!(files["README.site"], b"kept");
    assert_eq!(files["dns/extra.zone"], b"kept too");
    assert!(!files.contains_key("dns/seed-gpu.contoso.local.zone"), "{:?}", files.keys());
    assert!(files.contains_key("dns/plant-07.plant07.fabrikam.com.zone"));
    assert!(files.contains_key("routes/worker2.json"));
    let expected: Vec<String> = build_file(&repo_root().join(two_node)).into_iter().map(|file| file.path).collect();
    let mut owned: Vec<&String> =
        files.keys().filter(|path| *path != "README.site" && *path != "dns/extra.zone").collect();
    owned.sort();
    assert_eq!(owned, expected.iter().collect::<Vec<_>>());
}

#[test]
fn zone_serials_stay_while_records_stay_and_grow_when_they_change() {
    let source = std::fs::read_to_string(repo_root().join(EXAMPLE)).unwrap();
    let serial = |files: &[asenet::emit::OutputFile], zone: &str| -> u64 {
        let manifest = files.iter().find(|file| file.path == "manifest.json").unwrap();
        let manifest: serde_json::Value = serde_json::from_str(&manifest.contents).unwrap();
        let zones = manifest["zones"].as_array().unwrap();
        let serial = zones.iter().find(|z| z["path"] == format!("dns/{zone}.zone")).unwrap()["serial"].as_u64();
        let text = &files.iter().find(|file| file.path == format!("dns/{zone}.zone")).unwrap().contents;
        assert!(text.contains(&format!("( {} ", serial.unwrap())), "the zone carries the manifest's serial");
        serial.unwrap()
    };
    let previous_of = |files: &[asenet::emit::OutputFile]| {
        PreviousManifest::parse(&files.iter().find(|file| file.path == "manifest.json").unwrap().contents).unwrap()
    };
    let first = asenet::build(&source, &PreviousManifest::default()).unwrap().files;
    assert_eq!((serial(&first, "cluster.local"), serial(&first, "seed-gpu.contoso.local")), (1, 1));
    let same = asenet::build(&source, &previous_of(&first)).unwrap().files;
    assert_eq!(same, first);
    let renamed = source.replace("hostname = \"ingest\"", "hostname = \"video\"");
    let second = asenet::build(&renamed, &previous_of(&same)).unwrap().files;
    assert_eq!((serial(&second, "cluster.local"), serial(&second, "seed-gpu.contoso.local")), (1, 2));
    let third = asenet::build(&source, &previous_of(&second)).unwrap().files;
    assert_eq!(serial(&third, "seed-gpu.contoso.local"), 3, "going back is a change too");
}

#[test]
fn build_exits_2_when_it_cannot_run() {
    let dir = scratch_dir("cannot");
    let file = dir.join("a-file");
    std::fs::write(&file, "").unwrap();
    let not_a_dir = build(EXAMPLE, &file, &[]);
    assert_eq!(not_a_dir.status.code(), Some(2));
    assert!(stderr(&not_a_dir).contains("it is not a directory"), "{}", stderr(&not_a_dir));
    assert_eq!(build("no/such.toml", &dir.join("out"), &[]).status.code(), Some(2));
    let out = dir.join("garbled");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("manifest.json"), "{ not json").unwrap();
    let garbled = build(EXAMPLE, &out, &[]);
    assert_eq!(garbled.status.code(), Some(2));
    assert!(stderr(&garbled).contains("move it away to build afresh"), "{}", stderr(&garbled));
    assert_eq!(asenet(&["build", EXAMPLE], b"").status.code(), Some(2), "--out is required");
}

/// Issue 24, finding 3: every `routes/<node>.ip` said "run `ip -batch master.ip` inside it"
/// while docs/artifacts.md says the `.ip` files are not for the device's VMs (the device
/// sets their routes): the file now says what it is for.
#[test]
fn ip_files_do_not_send_the_operator_into_the_devices_vms() {
    for path in crate::support::examples() {
        for file in crate::support::build_file(&path).iter().filter(|file| file.path.ends_with(".ip")) {
            let header: String = file.contents.lines().take_while(|line| line.starts_with('#')).collect();
            assert!(!header.contains("inside it"), "{}: {header}", file.path);
            assert!(
                header.contains("apply-routes.ps1"),
                "{} does not say how the device gets its routes: {header}",
                file.path
            );
        }
    }
}

#[test]
fn services_carry_the_written_selector_and_the_metallb_annotation_only() {
    let path = repo_root().join("tests/fixtures/ASE003/quiet-selector.toml");
    let files = build_file(&path);
    let services = files.iter().find(|file| file.path == "kubernetes/services.yaml").unwrap();
    insta::assert_snapshot!(services.contents);
    assert!(!services.contents.contains("loadBalancerIP:"), "the deprecated field is not written");
    assert!(services.contents.contains("metallb.universe.tf/loadBalancerIPs"));

    // Without a selector, none is invented.
    let without = std::fs::read_to_string(&path).unwrap().replace("selector = {", "# selector = {");
    let built = asenet::build(&without, &asenet::emit::PreviousManifest::default()).unwrap();
    let services = built.files.iter().find(|file| file.path == "kubernetes/services.yaml").unwrap();
    assert!(!services.contents.contains("selector"), "{}", services.contents);
}
