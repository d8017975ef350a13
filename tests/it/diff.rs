//! `asenet diff` through the binary: each class on a realistic before/after pair of
//! `tests/diff/` (store.toml and one change of it), files, standard input, `REV:PATH` and
//! `--git REV` in a throwaway git repository, `--fail-on`, exit 2 on errors, `--emit`.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::support::{asenet, repo_root, scratch_dir, stderr, stdout};

const BASE: &str = "tests/diff/store.toml";

fn pair(scenario: &str, format: &str) -> Output {
    asenet(&["diff", BASE, &format!("tests/diff/{scenario}.toml"), "--format", format], b"")
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).expect("diff --format json prints JSON")
}

/// `class` of the plan and `(class, section, what)` of each change.
fn summary(scenario: &str) -> (serde_json::Value, Vec<(String, String, String)>) {
    let output = pair(scenario, "json");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let plan = json(&output);
    let changes = changes(&plan);
    (plan["class"].clone(), changes)
}

/// `(class, section, what)` of each change of a JSON plan.
fn changes(plan: &serde_json::Value) -> Vec<(String, String, String)> {
    let text = |change: &serde_json::Value, key: &str| change[key].as_str().unwrap().to_owned();
    let changes = plan["changes"].as_array().unwrap().iter();
    changes.map(|change| (text(change, "class"), text(change, "section"), text(change, "what"))).collect()
}

fn triple(class: &str, section: &str, what: &str) -> (String, String, String) {
    (class.to_owned(), section.to_owned(), what.to_owned())
}

#[test]
fn each_scenario_is_snapshotted_in_every_format() {
    for scenario in [
        "added-service",
        "grown-pool",
        "route-metric",
        "moved-pod-cidr",
        "renamed-hostname",
        "renamed-service",
        "reordered",
    ] {
        for format in ["human", "markdown", "json"] {
            let output = pair(scenario, format);
            assert_eq!(output.status.code(), Some(0), "{scenario} {format}: {}", stderr(&output));
            insta::assert_snapshot!(format!("diff_{scenario}_{format}"), stdout(&output));
        }
    }
}

#[test]
fn an_added_service_is_applies_live_and_the_allocations_it_moves_are_disruptive() {
    let (class, changes) = summary("added-service");
    assert_eq!(class, "disruptive");
    assert!(changes.contains(&triple("applies-live", "service", "added")));
    assert!(changes.contains(&triple("disruptive", "service", "external IP")));
    let plan = json(&pair("added-service", "json"));
    let moved = plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|change| change["subject"] == "shop/api" && change["what"] == "external IP")
        .expect("shop/api's external IP moves");
    assert_eq!((moved["before"].as_str(), moved["after"].as_str()), (Some("192.168.10.42"), Some("192.168.10.43")));
    assert_eq!(moved["cause"], "because `shop/web` was added before it");
    assert!(moved["help"].as_str().unwrap().contains("load_balancer_ip = \"192.168.10.42\""));
}

#[test]
fn pinning_the_moved_address_as_the_help_says_keeps_it() {
    let added = std::fs::read_to_string(repo_root().join("tests/diff/added-service.toml")).unwrap();
    let pinned = added.replacen("name = \"api\"\n", "name = \"api\"\nload_balancer_ip = \"192.168.10.42\"\n", 1);
    let output = asenet(&["diff", BASE, "-", "--format", "json"], pinned.as_bytes());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let plan = json(&output);
    let external_moves = plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|change| change["what"] == "external IP")
        .map(|change| change["subject"].as_str().unwrap().to_owned())
        .collect::<Vec<_>>();
    assert_eq!(external_moves, Vec::<String>::new(), "shop/web takes the next free address instead");
}

#[test]
fn each_class_has_its_scenario() {
    assert_eq!(
        summary("grown-pool"),
        ("applies-live".into(), vec![triple("applies-live", "kubernetes", "external service IPs grown")])
    );
    assert_eq!(summary("route-metric"), ("reapply".into(), vec![triple("reapply", "route", "metric")]));
    assert_eq!(summary("renamed-hostname"), ("reapply".into(), vec![triple("reapply", "dns", "renamed")]));
    assert_eq!(summary("moved-pod-cidr"), ("redeploy".into(), vec![triple("redeploy", "kubernetes", "pod CIDR")]));
    assert_eq!(summary("renamed-service"), ("disruptive".into(), vec![triple("disruptive", "service", "renamed")]));
}

#[test]
fn a_reordered_file_with_the_same_meaning_is_an_empty_plan() {
    let (class, changes) = summary("reordered");
    assert_eq!(class, serde_json::Value::Null);
    assert!(changes.is_empty());
    let same = asenet(&["diff", BASE, BASE, "--fail-on", "applies-live"], b"");
    assert_eq!(same.status.code(), Some(0));
    assert_eq!(stdout(&same), format!("{BASE} → {BASE}: no change (both mean the same)\n"));
}

#[test]
fn a_changed_route_gets_exactly_its_remove_and_add_commands() {
    let plan = json(&pair("route-metric", "json"));
    assert_eq!(
        plan["files"][0]["commands"],
        serde_json::json!([
            "Remove-HcsNetRoute -InterfaceAlias \"Port3\" -DestinationPrefix \"192.168.20.0/24\"",
            "Add-HcsNetRoute -InterfaceAlias \"Port3\" -DestinationPrefix \"192.168.20.0/24\" -NextHop \"192.168.10.1\" -RouteMetric 50",
        ])
    );
}

#[test]
fn standard_input_is_either_side() {
    let new = std::fs::read(repo_root().join("tests/diff/route-metric.toml")).unwrap();
    let output = asenet(&["diff", BASE, "-", "--stdin-filename", "proposed.toml"], &new);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).starts_with(&format!("{BASE} → proposed.toml: 1 change, reapply\n")),
        "{}",
        stdout(&output)
    );
    let old = std::fs::read(repo_root().join(BASE)).unwrap();
    let output = asenet(&["diff", "-", "tests/diff/route-metric.toml", "--format", "json"], &old);
    assert_eq!(json(&output)["class"], "reapply");
    let both = asenet(&["diff", "-", "-"], b"");
    assert_eq!(both.status.code(), Some(2));
    assert!(stderr(&both).contains("only one side can be `-`"), "{}", stderr(&both));
}

#[test]
fn fail_on_exits_1_when_the_plan_reaches_the_class() {
    for (scenario, limit, code) in [
        ("moved-pod-cidr", "redeploy", 1),
        ("added-service", "redeploy", 0),
        ("added-service", "disruptive", 1),
        ("route-metric", "disruptive", 0),
        ("route-metric", "reapply", 1),
        ("grown-pool", "reapply", 0),
        ("grown-pool", "applies-live", 1),
        ("reordered", "applies-live", 0),
    ] {
        let output = asenet(
            &["diff", BASE, &format!("tests/diff/{scenario}.toml"), "--fail-on", limit, "--format", "json"],
            b"",
        );
        assert_eq!(output.status.code(), Some(code), "{scenario} --fail-on {limit}");
        assert!(json(&output)["changes"].is_array(), "the plan is printed whatever the exit status");
    }
}

#[test]
fn a_side_with_errors_or_that_cannot_be_read_exits_2() {
    let broken = std::fs::read_to_string(repo_root().join(BASE)).unwrap().replace("10.50.0.0/16", "10.50.0.0/33");
    let output = asenet(&["diff", BASE, "-", "--stdin-filename", "broken.toml"], broken.as_bytes());
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "", "no plan from a file with errors");
    let errors = stderr(&output);
    assert!(errors.contains("broken.toml:") && errors.contains("10.50.0.0/33"), "reported as check does: {errors}");
    assert!(errors.contains("broken.toml: has errors, so there is no plan"), "{errors}");
    let missing = asenet(&["diff", BASE, "tests/diff/no-such.toml"], b"");
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("cannot read `tests/diff/no-such.toml`: no such file"), "{}", stderr(&missing));
    for usage in [&["diff", BASE][..], &["diff", BASE, BASE, BASE], &["diff"]] {
        assert_eq!(asenet(usage, b"").status.code(), Some(2), "{usage:?}");
    }
}

/// Runs git in `dir` as a throwaway identity.
fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main"])
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

fn asenet_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_asenet")).args(args).current_dir(dir).output().unwrap()
}

/// A repository with store.toml and a Cargo.toml committed, then store.toml changed as
/// `scenario` changes it in the working tree.
fn repository(name: &str, scenario: &str) -> std::path::PathBuf {
    let dir = scratch_dir(name);
    std::fs::create_dir_all(dir.join("site")).unwrap();
    std::fs::copy(repo_root().join(BASE), dir.join("site/store.toml")).unwrap();
    std::fs::write(dir.join("Cargo.toml"), "[package]\nname = \"x\"\n").unwrap();
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "store as deployed"]);
    std::fs::copy(repo_root().join(format!("tests/diff/{scenario}.toml")), dir.join("site/store.toml")).unwrap();
    std::fs::write(dir.join("Cargo.toml"), "[package]\nname = \"y\"\n").unwrap();
    dir
}

#[test]
fn a_side_can_be_a_file_of_a_git_revision() {
    let dir = repository("diff-rev-path", "moved-pod-cidr");
    let output = asenet_in(&dir, &["diff", "HEAD:site/store.toml", "site/store.toml", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let plan = json(&output);
    assert_eq!(plan["class"], "redeploy");
    assert_eq!(plan["files"][0]["old"], "HEAD:site/store.toml");
    let unknown = asenet_in(&dir, &["diff", "HEAD:site/nothing.toml", "site/store.toml"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("git has no such file"), "{}", stderr(&unknown));
    let bad_rev = asenet_in(&dir, &["diff", "no-such-rev:site/store.toml", "site/store.toml"]);
    assert_eq!(bad_rev.status.code(), Some(2));
    assert!(stderr(&bad_rev).contains("cannot read `no-such-rev:site/store.toml` with git"), "{}", stderr(&bad_rev));
}

#[test]
fn git_mode_compares_each_changed_device_file_with_the_revision() {
    let dir = repository("diff-git", "route-metric");
    let output = asenet_in(&dir, &["diff", "--git", "HEAD", "--fail-on", "reapply"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("HEAD:site/store.toml → site/store.toml: 1 change, reapply\n"), "{text}");
    assert!(!text.contains("Cargo.toml"), "a TOML file without [device] is not a device file: {text}");
    // Limited to a path with no device file changed below it.
    let none = asenet_in(&dir, &["diff", "--git", "HEAD", "Cargo.toml"]);
    assert_eq!((none.status.code(), stdout(&none).as_str()), (Some(0), "no device file differs\n"));
    let json_output = asenet_in(&dir, &["diff", "--git", "HEAD", "Cargo.toml", "site", "--format", "json"]);
    assert_eq!(json(&json_output)["files"][0]["new"], "site/store.toml");
}

#[test]
fn emit_writes_the_route_commands_and_their_undo_into_a_new_directory() {
    let dir = scratch_dir("diff-emit").join("out");
    let out = dir.to_str().unwrap();
    let output = asenet(&["diff", BASE, "tests/diff/route-metric.toml", "--emit", out], b"");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let apply = std::fs::read_to_string(dir.join("route-metric.apply-routes.ps1")).unwrap();
    let undo = std::fs::read_to_string(dir.join("route-metric.undo-routes.ps1")).unwrap();
    insta::assert_snapshot!("diff_emit_apply", apply);
    assert!(undo.ends_with("-NextHop \"192.168.10.1\" -RouteMetric 100\n"), "{undo}");
    let again = asenet(&["diff", BASE, "tests/diff/route-metric.toml", "--emit", out], b"");
    assert_eq!(again.status.code(), Some(2), "never over what is there");
    assert!(stderr(&again).contains("it is not empty"), "{}", stderr(&again));
}

#[test]
fn docs_show_a_real_plan_and_every_fact_the_plan_cites() {
    let path = repo_root().join("docs/diff.md");
    let docs = std::fs::read_to_string(&path).unwrap();
    let output = pair("added-service", "markdown");
    let plan = stdout(&output);
    let (begin, end) = ("<!-- plan:begin -->\n", "<!-- plan:end -->");
    let start = docs.find(begin).expect("docs/diff.md has the plan's begin marker") + begin.len();
    let stop = docs.find(end).expect("docs/diff.md has the plan's end marker");
    let shown = format!("\n{}\n", plan.trim_end());
    if docs[start..stop] != shown {
        if std::env::var_os("ASENET_UPDATE_DOCS").is_some() {
            std::fs::write(&path, format!("{}{shown}{}", &docs[..start], &docs[stop..])).unwrap();
        } else {
            panic!("docs/diff.md shows another plan than the command prints: run with ASENET_UPDATE_DOCS=1");
        }
    }
    // The README shows the same plan's summary and table, as the command prints them.
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let summary: Vec<&str> = plan
        .lines()
        .skip_while(|line| !line.starts_with("**"))
        .take_while(|line| !line.starts_with("<details>"))
        .collect();
    let summary = summary.join("\n");
    assert!(summary.contains("| `redeploy` |"), "the plan has a summary table:\n{plan}");
    assert!(readme.contains(summary.trim_end()), "README.md shows another plan than the command prints:\n{summary}");
    for fact in asenet::plan::facts::ALL {
        assert!(docs.contains(&format!("| `{}` |", fact.anchor)), "docs/diff.md lists {}", fact.anchor);
        assert!(docs.contains(fact.source), "docs/diff.md links {}", fact.source);
    }
}

const PLANT: &str = "tests/diff/plant.toml";

/// `class` of the plan, `(class, section, what)` of each change and the commands, from
/// plant.toml (VLAN compute, BGP) to `tests/diff/plant-<scenario>.toml`.
fn plant(scenario: &str) -> (serde_json::Value, Vec<(String, String, String)>, Vec<String>) {
    let output = asenet(&["diff", PLANT, &format!("tests/diff/plant-{scenario}.toml"), "--format", "json"], b"");
    assert_eq!(output.status.code(), Some(0), "{scenario}: {}", stderr(&output));
    let plan = json(&output);
    let changes = changes(&plan);
    let commands =
        plan["files"][0]["commands"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_owned()).collect();
    (plan["class"].clone(), changes, commands)
}

#[test]
fn each_virtual_network_and_bgp_scenario_is_snapshotted_in_every_format() {
    for scenario in ["vlan-added", "vlan-gateway", "compute-vlan", "peer-hold-time", "layer2", "more-modules"] {
        for format in ["human", "markdown", "json"] {
            let new = format!("tests/diff/plant-{scenario}.toml");
            let output = asenet(&["diff", PLANT, &new, "--format", format], b"");
            assert_eq!(output.status.code(), Some(0), "{scenario} {format}: {}", stderr(&output));
            insta::assert_snapshot!(format!("diff_plant-{scenario}_{format}"), stdout(&output));
        }
    }
}

#[test]
fn a_virtual_network_added_beside_compute_is_reapply_with_its_add_command() {
    let (class, changes, commands) = plant("vlan-added");
    assert_eq!(class, "reapply");
    assert_eq!(changes, [triple("reapply", "virtual-network", "added")]);
    assert_eq!(
        commands,
        ["Add-HcsVirtualNetwork -VirtualSwitchName 'vswitch-port3' -Name 'vnet-doors' -VlanId 30 -AddressSpace \
          '10.60.30.0/24' -GatewayIPAddress '10.60.30.1'"]
    );
}

#[test]
fn a_changed_virtual_network_is_removed_and_added_again_and_on_compute_it_is_a_redeploy() {
    let (class, changes, commands) = plant("vlan-gateway");
    assert_eq!(
        (class.as_str(), changes),
        (Some("disruptive"), vec![triple("disruptive", "virtual-network", "gateway")])
    );
    assert!(
        commands[0].starts_with("Remove-HcsVirtualNetwork -VirtualSwitchName 'vswitch-port3' -Name 'vnet-cameras'")
    );
    assert!(commands[1].ends_with("-GatewayIPAddress '10.60.10.254'"), "{commands:?}");
    let (class, changes, commands) = plant("compute-vlan");
    assert_eq!((class.as_str(), changes), (Some("redeploy"), vec![triple("redeploy", "virtual-network", "VLAN")]));
    assert!(commands.is_empty(), "no command changes a network compute runs on: {commands:?}");
}

#[test]
fn a_changed_peer_is_reapply_and_leaving_bgp_is_disruptive() {
    let (class, changes, commands) = plant("peer-hold-time");
    assert_eq!((class.as_str(), changes), (Some("reapply"), vec![triple("reapply", "bgp-peer", "hold time")]));
    assert_eq!(
        commands,
        [
            "Remove-HcsBGPPeer -PeerAddress '10.60.20.1' -SwitchName 'vswitch-port3'",
            "Set-HcsBGPPeer -PeerAddress '10.60.20.1' -PeerAsn 64512 -SelfAsn 64520 -SwitchName 'vswitch-port3' \
             -HoldTimeInSeconds 30",
        ]
    );
    let (class, changes, _) = plant("layer2");
    assert_eq!(class, "disruptive");
    assert_eq!(changes, [triple("disruptive", "bgp-peer", "mode"), triple("reapply", "bgp-peer", "removed")]);
}

#[test]
fn more_modules_and_vms_are_the_pools_demand_applies_live() {
    let (class, changes, commands) = plant("more-modules");
    assert_eq!(class, "applies-live");
    assert_eq!(
        changes,
        [triple("applies-live", "kubernetes", "IoT Edge modules"), triple("applies-live", "kubernetes", "VMs")]
    );
    assert!(commands.is_empty());
}

#[test]
fn the_base_against_itself_and_the_way_back_name_the_same_changes() {
    let same = asenet(&["diff", PLANT, PLANT, "--format", "json"], b"");
    assert_eq!(json(&same)["changes"], serde_json::json!([]));
    // Going back from BGP to layer 2 and forth again: the same classes.
    let back = asenet(&["diff", "tests/diff/plant-layer2.toml", PLANT, "--format", "json"], b"");
    let plan = json(&back);
    assert_eq!(plan["class"], "disruptive");
    assert_eq!(plan["files"][0]["commands"][0].as_str().unwrap().split(' ').next(), Some("Set-HcsBGPPeer"));
}

#[test]
fn emit_writes_virtual_network_and_peer_commands_too() {
    let dir = scratch_dir("diff-emit-vnet").join("out");
    let out = dir.to_str().unwrap();
    let output = asenet(&["diff", PLANT, "tests/diff/plant-vlan-gateway.toml", "--emit", out], b"");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let undo = std::fs::read_to_string(dir.join("plant-vlan-gateway.undo-routes.ps1")).unwrap();
    insta::assert_snapshot!("diff_emit_vnet_undo", undo);
}
