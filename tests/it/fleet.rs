//! Fleets end to end: each fleet under `tests/fleet/CODE-fires/` draws its rule, each
//! `CODE-quiet/` fleet is clean, the example fleet is clean; `which`, `free` and `graph`
//! answer from the example fleet. Human and JSON reports are snapshotted.

use std::path::{Path, PathBuf};

use crate::support::{asenet, relative, repo_root, scratch_dir, stderr, stdout};

pub(crate) const EXAMPLE: &str = "examples/fleet/asenet-fleet.toml";

pub(crate) fn fleets() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(repo_root().join("tests/fleet"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// Every code the JSON report of checking the fleet holds, sorted and deduplicated.
fn codes(json: &serde_json::Value) -> Vec<String> {
    let mut codes: Vec<String> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|file| file["diagnostics"].as_array().unwrap().iter())
        .map(|diagnostic| diagnostic["code"].as_str().unwrap().to_owned())
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

fn check_fleet(file: &Path, format: &str) -> std::process::Output {
    asenet(&["check", "--format", format, "--fleet", &relative(file)], b"")
}

#[test]
fn each_fleet_fixture_draws_its_rule_or_nothing() {
    for dir in fleets() {
        let name = dir.file_name().unwrap().to_str().unwrap().to_owned();
        let (code, kind) = name.split_once('-').unwrap();
        let output = check_fleet(&dir.join("asenet-fleet.toml"), "json");
        let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
        let found = codes(&json);
        // `CODE-fires` or `CODE-fires-WHAT`, `CODE-quiet` or `CODE-quiet-WHAT`.
        match kind.split('-').next().unwrap() {
            "fires" => {
                assert_eq!(output.status.code(), Some(1), "{name}: {}", stderr(&output));
                assert!(found.contains(&code.to_owned()), "{name}: found {found:?}");
            }
            "quiet" => {
                assert_eq!(output.status.code(), Some(0), "{name}: {found:?}");
                assert!(found.is_empty(), "{name}: found {found:?}");
            }
            _ => panic!("{name}: a fleet fixture is named CODE-fires or CODE-quiet"),
        }
    }
}

#[test]
fn every_fleet_rule_has_a_firing_and_a_quiet_fleet() {
    let names: Vec<String> =
        fleets().iter().map(|dir| dir.file_name().unwrap().to_string_lossy().into_owned()).collect();
    for rule in asenet::rules::RULES.iter().filter(|rule| rule.is_fleet_rule()) {
        assert!(names.contains(&format!("{}-fires", rule.code)), "{} has no firing fleet", rule.code);
        if !rule.is_input_error() {
            assert!(names.contains(&format!("{}-quiet", rule.code)), "{} has no quiet fleet", rule.code);
        }
    }
}

#[test]
fn fleet_snapshots() {
    for dir in fleets() {
        let name = dir.file_name().unwrap().to_str().unwrap().to_owned();
        let file = dir.join("asenet-fleet.toml");
        insta::assert_snapshot!(format!("fleet-{name}-human"), stderr(&check_fleet(&file, "human")));
        insta::assert_snapshot!(format!("fleet-{name}-json"), stdout(&check_fleet(&file, "json")));
    }
}

#[test]
fn fleet_file_errors_are_all_reported_in_one_run_and_a_broken_device_is_left_out() {
    let output = check_fleet(&repo_root().join("tests/fleet/ASE008-fires/asenet-fleet.toml"), "json");
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    // ASE002 unknown key, ASE003 bad prefix, ASE004 missing device, ASE007 two sites,
    // ASE008 empty glob; ASE102 is device b's own error, reported as `check` does. Both
    // devices take 172.16.43.20-23, but b has an error: no ASE602 from half a fleet.
    assert_eq!(codes(&json), ["ASE002", "ASE003", "ASE004", "ASE007", "ASE008", "ASE102"]);
}

#[test]
fn the_example_fleet_checks_clean_in_every_format() {
    for format in ["human", "json", "sarif", "github"] {
        let output = asenet(&["check", "--format", format, "--fleet", EXAMPLE], b"");
        assert_eq!(output.status.code(), Some(0), "{format}: {}{}", stdout(&output), stderr(&output));
    }
}

#[test]
fn sarif_and_github_carry_fleet_diagnostics() {
    let file = repo_root().join("tests/fleet/ASE602-fires/asenet-fleet.toml");
    let sarif: serde_json::Value = serde_json::from_str(&stdout(&check_fleet(&file, "sarif"))).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|result| result["ruleId"] == "ASE602"), "{results:?}");
    let github = stdout(&check_fleet(&file, "github"));
    assert!(github.contains("title=ASE602"), "{github}");
    assert!(github.contains("file=tests/fleet/ASE602-fires/devices/"), "{github}");
}

#[test]
fn check_without_files_finds_the_fleet_file_above() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_asenet"))
        .arg("check")
        .current_dir(repo_root().join("examples/fleet/sites/store042"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("../../asenet-fleet.toml: ok") || err.contains("asenet-fleet.toml: ok"), "{err}");
    assert!(err.contains("store043-a.toml: ok"), "{err}");
}

/// `check --fleet --deny-warnings` failed the run on a warning but showed it as a warning:
/// a fleet is now reported as `check` reports files, a denied warning an error in every
/// format (docs/reports.md).
#[test]
fn a_fleet_with_deny_warnings_reports_warnings_as_errors() {
    let dir = scratch_dir("fleet-deny-warnings");
    std::fs::write(dir.join("asenet-fleet.toml"), "[fleet]\ndevices = [\"*.toml\"]\n").unwrap();
    std::fs::copy(repo_root().join("tests/fixtures/ASE202/fires.toml"), dir.join("store.toml")).unwrap();
    let fleet = dir.join("asenet-fleet.toml");
    let fleet = fleet.to_str().unwrap();
    let warned = asenet(&["check", "--fleet", fleet, "--format", "json"], b"");
    assert_eq!(warned.status.code(), Some(0), "{}", stdout(&warned));
    assert!(stdout(&warned).contains("\"severity\": \"warning\""), "{}", stdout(&warned));
    let denied = asenet(&["check", "--fleet", fleet, "--format", "json", "--deny-warnings"], b"");
    assert_eq!(denied.status.code(), Some(1));
    let report = stdout(&denied);
    assert!(report.contains("\"severity\": \"error\"") && !report.contains("\"severity\": \"warning\""), "{report}");
    assert!(report.contains("an error because of `--deny-warnings`"), "{report}");
}

#[test]
fn check_without_files_and_without_a_fleet_exits_2() {
    let output =
        std::process::Command::new(env!("CARGO_BIN_EXE_asenet")).arg("check").current_dir("/").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("asenet-fleet.toml"));
}

#[test]
fn an_unreadable_device_file_exits_2() {
    let dir = std::env::temp_dir().join(format!("asenet-fleet-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("devices")).unwrap();
    std::fs::write(dir.join("asenet-fleet.toml"), "[fleet]\ndevices = [\"devices/*.toml\"]\n").unwrap();
    std::fs::write(dir.join("devices/a.toml"), "[device]\nname = \"a\"\n").unwrap();
    // Tests run as root in CI, where no file mode stops a read: a (sparse) file over the
    // 128 MiB bound cannot be read either.
    let huge = std::fs::File::create(dir.join("devices/b.toml")).unwrap();
    huge.set_len(129 << 20).unwrap();
    let output = asenet(&["check", "--fleet", dir.join("asenet-fleet.toml").to_str().unwrap()], b"");
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("b.toml"), "{}", stderr(&output));
}

#[test]
fn which_finds_owners_across_the_fleet() {
    let human = asenet(&["which", "172.16.43.50", "--fleet", EXAMPLE], b"");
    assert_eq!(human.status.code(), Some(0));
    insta::assert_snapshot!("which-human", stdout(&human));
    let json = asenet(&["which", "10.0.3.3", "--fleet", EXAMPLE, "--format", "json"], b"");
    insta::assert_snapshot!("which-json", stdout(&json));
    let nothing = asenet(&["which", "8.8.8.8", "--fleet", EXAMPLE], b"");
    assert_eq!(nothing.status.code(), Some(1));
    let single = asenet(&["which", "172.16.43.30", "examples/mini-r-site.toml"], b"");
    assert!(stdout(&single).contains("external-pool"), "{}", stdout(&single));
}

/// Virtual networks and BGP peers own addresses too (a VLAN's gateway, its DNS server, a
/// BGP router), and their subnets contain the node VMs that live on them.
#[test]
fn which_knows_virtual_networks_and_bgp_peers() {
    let gateway = asenet(&["which", "10.60.20.1", "examples/vlan-compute-site.toml"], b"");
    assert_eq!(gateway.status.code(), Some(0), "{}", stderr(&gateway));
    insta::assert_snapshot!("which-vlan-gateway-human", stdout(&gateway));
    let dns = asenet(&["which", "10.60.0.53", "examples/vlan-compute-site.toml", "--format", "json"], b"");
    insta::assert_snapshot!("which-vlan-dns-json", stdout(&dns));
    let peer = asenet(&["which", "10.40.10.2", "examples/bgp-site.toml"], b"");
    assert_eq!(peer.status.code(), Some(0), "{}", stderr(&peer));
    insta::assert_snapshot!("which-bgp-peer-human", stdout(&peer));
}

#[test]
fn free_gives_the_lowest_prefixes_nothing_reachable_uses() {
    let lowest = asenet(&["free", "--size", "/24", "--count", "2", "--fleet", EXAMPLE], b"");
    // hq-lan takes 10.0.0.0/16.
    assert_eq!(stdout(&lowest), "10.1.0.0/24\n10.1.1.0/24\n");
    let inside =
        asenet(&["free", "--size", "28", "--in", "192.168.50.0/23", "--site", "store-042", "--fleet", EXAMPLE], b"");
    // store042's site reaches the camera network 192.168.50.0/24.
    assert_eq!(stdout(&inside), "192.168.51.0/28\n");
    let other =
        asenet(&["free", "--size", "28", "--in", "192.168.50.0/23", "--site", "store-043", "--fleet", EXAMPLE], b"");
    assert_eq!(stdout(&other), "192.168.50.0/28\n", "store-043 does not reach the cameras");
    let json = asenet(&["free", "--size", "/16", "--in", "172.16.0.0/12", "--format", "json", "--fleet", EXAMPLE], b"");
    insta::assert_snapshot!("free-json", stdout(&json));
    let full = asenet(&["free", "--size", "/17", "--in", "10.0.0.0/16", "--fleet", EXAMPLE], b"");
    assert_eq!(full.status.code(), Some(1));
}

#[test]
fn graph_draws_the_fleet_and_a_device() {
    let dot = asenet(&["graph", "--fleet", EXAMPLE, "--format", "dot"], b"");
    insta::assert_snapshot!("graph-fleet-dot", stdout(&dot));
    let mermaid = asenet(&["graph", "--fleet", EXAMPLE, "--format", "mermaid"], b"");
    insta::assert_snapshot!("graph-fleet-mermaid", stdout(&mermaid));
    let device = asenet(&["graph", "examples/seed-scenario.toml", "--format", "mermaid"], b"");
    insta::assert_snapshot!("graph-device-mermaid", stdout(&device));
    for (name, example) in [("vlan", "examples/vlan-compute-site.toml"), ("bgp", "examples/bgp-site.toml")] {
        let dot = asenet(&["graph", example, "--format", "dot"], b"");
        assert_eq!(dot.status.code(), Some(0), "{}", stderr(&dot));
        insta::assert_snapshot!(format!("graph-device-{name}-dot"), stdout(&dot));
        let mermaid = asenet(&["graph", example, "--format", "mermaid"], b"");
        insta::assert_snapshot!(format!("graph-device-{name}-mermaid"), stdout(&mermaid));
    }
    let broken = asenet(&["graph", "tests/fixtures/ASE006/fires.toml"], b"");
    assert_eq!(broken.status.code(), Some(1));
}

/// Without Graphviz, `--format svg` exits 2 and says how to install it (the SVG itself is
/// checked through `dot` in `consumers::graphviz`): run with a PATH where no `dot` is.
#[test]
fn graph_svg_without_graphviz_names_the_package() {
    let empty = scratch_dir("no-dot-on-path");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_asenet"))
        .args(["graph", "--fleet", EXAMPLE, "--format", "svg"])
        .current_dir(repo_root())
        .env("PATH", &empty)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("apt-get install graphviz"), "{}", stderr(&output));
    assert!(output.stdout.is_empty(), "{}", stdout(&output));
}

/// `schemas/asenet-fleet.schema.json` is what the code generates, and its keys are the
/// reader's (`consumers::json_schema` validates the fleet files against it).
#[test]
fn fleet_schema_file_matches_the_reader() {
    let path = repo_root().join("schemas/asenet-fleet.schema.json");
    let expected = asenet::fleet::schema::json_schema();
    if std::fs::read_to_string(&path).ok().as_deref() != Some(expected.as_str()) {
        if std::env::var_os("ASENET_UPDATE_GENERATED").is_some() {
            std::fs::write(&path, &expected).unwrap();
        } else {
            panic!("schemas/asenet-fleet.schema.json is stale: run `ASENET_UPDATE_GENERATED=1 cargo test`");
        }
    }
    let schema: serde_json::Value = serde_json::from_str(&expected).unwrap();
    for (table, keys) in asenet::fleet::schema::keys() {
        let properties = match table {
            "" => &schema["properties"],
            "fleet" => &schema["properties"]["fleet"]["properties"],
            other => &schema["properties"][other]["items"]["properties"],
        };
        let mut found: Vec<&str> = properties.as_object().unwrap().keys().map(String::as_str).collect();
        let mut keys = keys.to_vec();
        found.sort_unstable();
        keys.sort_unstable();
        assert_eq!(found, keys, "table `{table}`");
    }
}

#[test]
fn a_device_files_lint_table_moves_the_fleet_diagnostics_in_it() {
    let dir = std::env::temp_dir().join(format!("asenet-fleet-lint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fixture = repo_root().join("tests/fleet/ASE602-fires");
    std::fs::copy(fixture.join("asenet-fleet.toml"), dir.join("asenet-fleet.toml")).unwrap();
    std::fs::create_dir_all(dir.join("devices")).unwrap();
    for name in ["a.toml", "b.toml"] {
        let source = std::fs::read_to_string(fixture.join("devices").join(name)).unwrap();
        std::fs::write(dir.join("devices").join(name), format!("{source}\n[lint]\nallow = [\"ASE602\"]\n")).unwrap();
    }
    let output = asenet(&["check", "--fleet", dir.join("asenet-fleet.toml").to_str().unwrap()], b"");
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn a_virtual_networks_address_space_is_a_subnet_of_its_device() {
    let fleet = "tests/fleet/ASE603-quiet-vlan/asenet-fleet.toml";
    // fab-north's camera VLAN takes 10.70.10.0/24; none of its ports is there.
    let north =
        asenet(&["free", "--size", "/24", "--in", "10.70.10.0/23", "--site", "fabrikam-north", "--fleet", fleet], b"");
    assert_eq!(stdout(&north), "10.70.11.0/24\n", "{}", stderr(&north));
    // In the other plant fab-east's own pod CIDR, 10.70.0.0/16, takes the whole span.
    let east =
        asenet(&["free", "--size", "/24", "--in", "10.70.10.0/23", "--site", "fabrikam-east", "--fleet", fleet], b"");
    assert_eq!(east.status.code(), Some(1));
}

/// Issue 24, finding 12: the fleet graph did not mark what `check` reports (ASE602, ASE603)
/// nor show the ranges that collide; edge labels fell back to a serif font; the device graph
/// left ClusterIP services out.
#[test]
fn the_graph_marks_what_check_found_in_one_font_with_every_service() {
    let dot = |args: &[&str]| stdout(&asenet(args, b""));
    let overlap = dot(&["graph", "--fleet", "tests/fleet/ASE602-fires/asenet-fleet.toml", "--format", "dot"]);
    assert!(overlap.contains("ASE602"), "{overlap}");
    assert!(overlap.contains("node IP range 172.16.43"), "the colliding range is not drawn: {overlap}");
    let reaches = dot(&["graph", "--fleet", "tests/fleet/ASE603-fires/asenet-fleet.toml", "--format", "dot"]);
    assert!(reaches.contains("ASE603") && reaches.contains("pod CIDR"), "{reaches}");
    for drawing in [&overlap, &reaches] {
        assert!(drawing.contains("edge [fontname=\"Helvetica\""), "edge labels have no font: {drawing}");
    }
    let device = dot(&["graph", "examples/seed-scenario.toml", "--format", "dot"]);
    assert!(device.contains("service cameras/inference"), "the ClusterIP service is missing: {device}");
}
