//! A device script never does what `asenet diff` classes as `redeploy`, whatever state it
//! finds. For every script `asenet build` writes from every example (and the build test
//! files), every object the script converges and every state it can find the object in
//! (absent, present and the same, present and different in each compared field; and, where
//! the device says so, with or without compute running on it), this test:
//! - makes that state a device file (the device's side): the object removed, or the field
//!   changed, or compute moved onto it;
//! - asks the real `plan` what going from that side to the file (apply) or from the file to
//!   the file without the object (remove) is classed;
//! - reads, from the rendered script through a PowerShell parser, what the script does in
//!   that state: whether a stop condition holds (then nothing changes anywhere), else the
//!   cmdlets of that state's `switch` clause.
//!
//! It fails when a `redeploy` object would be removed or replaced, or when the script does
//! something else than converging (adding what is absent, replacing what differs, leaving
//! what matches, removing what the remove script removes).

use std::collections::BTreeMap;

use asenet::plan::{Class, Side, plan};
use toml::{Table, Value};
use tree_sitter::{Node, Parser, Tree};

use crate::support::{build_file, examples, relative, repo_root};

fn parse(source: &str) -> Tree {
    let mut parser = Parser::new();
    parser.set_language(&tree_sitter_powershell::LANGUAGE.into()).expect("the PowerShell grammar loads");
    parser.parse(source, None).expect("the parser returns a tree")
}

fn walk<'t>(node: Node<'t>, visit: &mut impl FnMut(Node<'t>)) {
    visit(node);
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        walk(child, visit);
    }
}

/// The cmdlets called under `node`, in order.
fn cmdlets(node: Node, source: &str) -> Vec<String> {
    let mut found = Vec::new();
    walk(node, &mut |inner| {
        if inner.kind() == "command"
            && let Some(name) = inner.child_by_field_name("command_name")
        {
            found.push(source[name.byte_range()].to_owned());
        }
    });
    found
}

/// What a script says about one object, read from its text.
#[derive(Debug, Default)]
struct Converged {
    /// The lookup pipeline (`Get-HcsVirtualNetwork | Where-Object { ... }`).
    find: String,
    /// The states in the order the script tells them apart.
    states: Vec<String>,
    /// The states that stop the script whatever the device says, and those that stop it
    /// only when compute runs on the device's object.
    stops: Vec<String>,
    stops_with_compute: Vec<String>,
    /// Whether the script reads the device's compute flag for this object.
    reads_compute: bool,
    /// The cmdlets of each state's `switch` clause (a state without a clause does nothing).
    clauses: BTreeMap<String, Vec<String>>,
    /// The stop messages.
    messages: Vec<String>,
}

/// Every object of a two-phase converging script, by its number (`$states[N]`).
fn converged(source: &str, tree: &Tree) -> BTreeMap<usize, Converged> {
    let mut items: BTreeMap<usize, Converged> = BTreeMap::new();
    let mut current = 0;
    for line in source.lines() {
        if let Some(find) = line.strip_prefix("$found = @(").and_then(|rest| rest.strip_suffix(')')) {
            current += 1;
            items.entry(current).or_default().find = find.to_owned();
        }
        if line.starts_with(&format!("$computeOn[{current}] = [bool]")) {
            items.entry(current).or_default().reads_compute = true;
        }
        let Some(number) = index_in(line, "$states[") else { continue };
        let item = items.entry(number).or_default();
        if let Some(state) = line.split(&format!("$states[{number}] = '")).nth(1) {
            item.states.push(state.split('\'').next().unwrap().to_owned());
        }
        if line.contains("$stops +=") {
            let list = line.split(" -in @(").nth(1).unwrap().split(")) {").next().unwrap();
            let states: Vec<String> = list.split(", ").map(|state| state.trim_matches('\'').to_owned()).collect();
            if line.starts_with(&format!("if ($computeOn[{number}] -and ")) {
                item.stops_with_compute.extend(states);
            } else {
                item.stops.extend(states);
            }
            item.messages.push(line.split("$stops += ").nth(1).unwrap().to_owned());
        }
    }
    walk(tree.root_node(), &mut |node| {
        if node.kind() != "switch_statement" {
            return;
        }
        let text = &source[node.byte_range()];
        let Some(number) = index_in(text.lines().next().unwrap(), "$states[") else { return };
        walk(node, &mut |clause| {
            if clause.kind() != "switch_clause" {
                return;
            }
            let condition = clause.child(0).map(|c| source[c.byte_range()].trim_matches('\'').to_owned()).unwrap();
            items.get_mut(&number).unwrap().clauses.insert(condition, cmdlets(clause, source));
        });
    });
    items
}

/// `N` in the first `<prefix>N]` of `line`.
fn index_in(line: &str, prefix: &str) -> Option<usize> {
    let rest = &line[line.find(prefix)? + prefix.len()..];
    rest[..rest.find(']')?].parse().ok()
}

/// The value of `'...'` after `key` in a lookup (`$_.Name -eq 'vnet-k8s'`).
fn quoted_after<'a>(text: &'a str, key: &str) -> &'a str {
    text.split(key).nth(1).and_then(|rest| rest.split('\'').nth(1)).unwrap_or_else(|| panic!("no {key} in {text}"))
}

/// What the script does with an object in one state: `None` when it stops (nothing changes
/// anywhere), else the cmdlets it runs for it.
fn outcome(item: &Converged, state: &str, compute_on_device: bool) -> Option<Vec<String>> {
    let stops = item.stops.iter().any(|s| s == state)
        || (compute_on_device && item.stops_with_compute.iter().any(|s| s == state));
    if stops {
        return None;
    }
    let changing =
        |cmdlet: &String| !cmdlet.starts_with("Get-") && cmdlet != "Write-Output" && cmdlet != "Where-Object";
    Some(
        item.clauses
            .get(state)
            .map(|cmdlets| cmdlets.iter().filter(|c| changing(c)).cloned().collect())
            .unwrap_or_default(),
    )
}

/// A device file and its items, as a TOML table the test edits.
fn table(source: &str) -> Table {
    toml::from_str(source).expect("valid TOML")
}

fn text(table: &Table) -> String {
    toml::to_string(table).unwrap()
}

/// The array `key` of `table` and the index of the entry whose `fields` are `values`.
fn entry_index(table: &Table, key: &str, fields: [(&str, &str); 2]) -> usize {
    let entries = table[key].as_array().unwrap();
    entries
        .iter()
        .position(|entry| fields.iter().all(|(field, value)| entry.get(*field).and_then(Value::as_str) == Some(value)))
        .unwrap_or_else(|| panic!("no {key} entry with {fields:?}"))
}

fn entries_mut<'a>(table: &'a mut Table, key: &str) -> &'a mut Vec<Value> {
    table.get_mut(key).and_then(Value::as_array_mut).unwrap()
}

/// The device file as the device would be in `state` for one object (entry `index` of `key`).
fn device_side(file: &Table, key: &str, index: usize, state: &str, compute_on_device: bool) -> Table {
    let mut device = file.clone();
    if compute_on_device {
        // The device says Kubernetes uses this network (`EnabledForK8s`): enabled for
        // Kubernetes on the device's side.
        let entry = entries_mut(&mut device, key)[index].as_table_mut().unwrap();
        entry.insert("kubernetes".into(), Value::Boolean(true));
    }
    let entry = entries_mut(&mut device, key)[index].as_table_mut().unwrap();
    let bump = |value: &Value| Value::Integer(value.as_integer().unwrap() + 1);
    match state {
        "absent" => {
            entries_mut(&mut device, key).remove(index);
        }
        "present" => {}
        "VLAN" => {
            let vlan = bump(&entry["vlan"]);
            entry.insert("vlan".into(), vlan);
        }
        "subnet" => {
            // The same gateway in a smaller network: only the subnet differs.
            let subnet = entry["subnet"].as_str().unwrap().to_owned();
            let (address, length) = subnet.split_once('/').unwrap();
            let length: u8 = length.parse().unwrap();
            entry.insert("subnet".into(), Value::String(format!("{address}/{}", length + 1)));
        }
        "gateway" => {
            let gateway = entry["gateway"].as_str().unwrap().to_owned();
            let (head, last) = gateway.rsplit_once('.').unwrap();
            let last: u8 = last.parse().unwrap();
            entry.insert("gateway".into(), Value::String(format!("{head}.{}", last + 1)));
        }
        "DNS servers" => {
            let mut dns = entry.get("dns").and_then(Value::as_array).cloned().unwrap_or_default();
            dns.push(Value::String("10.99.99.99".into()));
            entry.insert("dns".into(), Value::Array(dns));
        }
        "AS numbers" => {
            let asn = bump(&entry["peer_asn"]);
            entry.insert("peer_asn".into(), asn);
        }
        "hold time" => {
            let hold_time = bump(&entry["hold_time"]);
            entry.insert("hold_time".into(), hold_time);
        }
        other => panic!("no device state for `{other}`: teach tests/it/redeploy_safety.rs to make it"),
    }
    device
}

/// The worst class of `subject`'s changes (in `section`) from `old` to `new`.
fn class_of(old: &str, new: &str, section: &str, subject: &str) -> Option<Class> {
    let side = |source: &str| {
        let network = asenet::check(source).network.expect("TOML");
        let artifacts = asenet::emit::emit_compared(&network).expect("no refusal");
        (network, artifacts)
    };
    let (old, new) = (side(old), side(new));
    let plan = plan(Side { network: &old.0, artifacts: &old.1 }, Side { network: &new.0, artifacts: &new.1 });
    plan.changes
        .iter()
        .filter(|change| change.section.as_str() == section && change.subject == subject)
        .map(|change| change.class)
        .max()
}

/// The scripts the test walks: every two-phase converging script of these inputs.
fn inputs() -> Vec<std::path::PathBuf> {
    let mut inputs = examples();
    inputs.push(repo_root().join("tests/build/edge-cases.toml"));
    inputs.push(repo_root().join("tests/build/virtual-networks.toml"));
    inputs
}

/// What walking one script found: states walked, states where it stops, failures.
#[derive(Default)]
struct Walk {
    walked: usize,
    stopped: usize,
    failures: Vec<String>,
}

/// Walks every object and state of `script` (built from `source`, the file at `path`).
fn walk_script(path: &std::path::Path, source: &str, script: &asenet::emit::OutputFile, found: &mut Walk) {
    let file = table(source);
    let file_text = text(&file);
    let (key, section, apply) = match script.path.as_str() {
        "network/apply-vnets.ps1" => ("virtual_networks", "virtual-network", true),
        "network/remove-vnets.ps1" => ("virtual_networks", "virtual-network", false),
        "routes/apply-bgp.ps1" => ("bgp_peers", "bgp-peer", true),
        "routes/remove-bgp.ps1" => ("bgp_peers", "bgp-peer", false),
        _ => return,
    };
    let name = format!("{} {}", relative(path), script.path);
    let tree = parse(&script.contents);
    let items = converged(&script.contents, &tree);
    if items.is_empty() {
        found.failures.push(format!("{name}: no object found in the script"));
        return;
    }
    match (script.contents.find("throw ("), script.contents.find("\nswitch (")) {
        (Some(throw_at), Some(first_switch)) if throw_at < first_switch => {}
        _ => found.failures.push(format!("{name}: the script does not check every object before it acts")),
    }
    for item in items.values() {
        let (identity, subject) = if key == "virtual_networks" {
            let (vnet, switch) =
                (quoted_after(&item.find, "$_.Name -eq"), quoted_after(&item.find, "$_.SwitchName -eq"));
            ([("name", vnet), ("switch", switch)], format!("{vnet} on {switch}"))
        } else {
            let (switch, address) =
                (quoted_after(&item.find, "-SwitchName"), quoted_after(&item.find, "$_.PeerAddress -eq"));
            ([("switch", switch), ("peer_address", address)], format!("{address} on {switch}"))
        };
        let index = entry_index(&file, key, identity);
        let expected_fields: &[&str] = if key == "virtual_networks" {
            &["VLAN", "subnet", "gateway", "DNS servers"]
        } else if file[key][index].get("hold_time").is_some() {
            &["AS numbers", "hold time"]
        } else {
            &["AS numbers"]
        };
        let mut states = vec!["absent".to_owned()];
        states.extend(expected_fields.iter().map(|field| field.to_string()));
        states.push("present".to_owned());
        if item.states != states {
            found.failures.push(format!("{name} {subject}: the script tells apart {:?}, not {states:?}", item.states));
            continue;
        }
        // The device says whether compute runs on a virtual network (`EnabledForK8s`).
        if key == "virtual_networks" && !item.reads_compute {
            found
                .failures
                .push(format!("{name} {subject}: the script does not ask the device whether compute runs on it"));
        }
        let answers: &[bool] = if item.reads_compute { &[false, true] } else { &[false] };
        for state in &states {
            for &compute_on_device in answers {
                found.walked += 1;
                let device = text(&device_side(&file, key, index, state, compute_on_device));
                let (class, wanted): (Option<Class>, Vec<&str>) = if apply {
                    let cmdlets = match (state.as_str(), key) {
                        ("present", _) => vec![],
                        ("absent", "virtual_networks") => vec!["Add-HcsVirtualNetwork"],
                        (_, "virtual_networks") => vec!["Remove-HcsVirtualNetwork", "Add-HcsVirtualNetwork"],
                        ("absent", _) => vec!["Set-HcsBGPPeer"],
                        _ => vec!["Remove-HcsBGPPeer", "Set-HcsBGPPeer"],
                    };
                    (class_of(&device, &file_text, section, &subject), cmdlets)
                } else {
                    let mut without = table(&device);
                    let cmdlets = if state == "absent" {
                        vec![]
                    } else {
                        let at = entry_index(&without, key, identity);
                        entries_mut(&mut without, key).remove(at);
                        vec![if key == "virtual_networks" { "Remove-HcsVirtualNetwork" } else { "Remove-HcsBGPPeer" }]
                    };
                    (class_of(&device, &text(&without), section, &subject), cmdlets)
                };
                let done = outcome(item, state, compute_on_device);
                let case = format!("{name} {subject}, device {state}, compute on it: {compute_on_device}");
                match (class, done) {
                    (Some(Class::Redeploy), None) => found.stopped += 1,
                    // Leaving alone what the file describes is no change, even where compute
                    // runs on it on the device and not in the file (diff says redeploy of that).
                    (Some(Class::Redeploy), Some(cmdlets)) if cmdlets.is_empty() && apply && state == "present" => {}
                    (Some(Class::Redeploy), Some(cmdlets)) => {
                        found.failures.push(format!("{case}: diff says redeploy, the script runs {cmdlets:?}"))
                    }
                    (_, None) => found.failures.push(format!("{case}: diff says {class:?}, yet the script stops")),
                    (_, Some(cmdlets)) if cmdlets != wanted => {
                        found.failures.push(format!("{case}: the script runs {cmdlets:?}, not {wanted:?}"))
                    }
                    _ => {}
                }
            }
        }
        for message in &item.messages {
            if !(message.contains("classes as redeploy") && message.contains("tear compute down")) {
                found.failures.push(format!("{name}: the stop message names no class or procedure: {message}"));
            }
        }
    }
}

#[test]
fn no_script_removes_or_replaces_what_diff_classes_as_redeploy() {
    let mut found = Walk::default();
    for path in inputs() {
        let source = std::fs::read_to_string(&path).unwrap();
        for script in build_file(&path) {
            walk_script(&path, &source, &script, &mut found);
        }
    }
    assert!(found.failures.is_empty(), "{}", found.failures.join("\n"));
    assert!(found.walked > 140, "only {} states walked", found.walked);
    assert!(found.stopped > 20, "only {} states stopped: the compute networks are not walked", found.stopped);
}

/// The walk fails a script that would replace the compute network: the same script without
/// its stop conditions.
#[test]
fn the_walk_catches_a_script_without_its_stops() {
    let path = repo_root().join("examples/vlan-compute-site.toml");
    let source = std::fs::read_to_string(&path).unwrap();
    for mut script in build_file(&path).into_iter().filter(|file| file.path.starts_with("network/")) {
        let mut clean = Walk::default();
        walk_script(&path, &source, &script, &mut clean);
        assert!(clean.failures.is_empty(), "{:?}", clean.failures);
        script.contents = script
            .contents
            .lines()
            .filter(|line| !line.contains("$stops +="))
            .map(|line| format!("{line}\n"))
            .collect();
        let mut unsafe_walk = Walk::default();
        walk_script(&path, &source, &script, &mut unsafe_walk);
        assert!(
            unsafe_walk
                .failures
                .iter()
                .any(|failure| failure.contains("vnet-k8s") && failure.contains("diff says redeploy")),
            "{}: {:?}",
            script.path,
            unsafe_walk.failures
        );
    }
}

/// The route scripts converge routes through one function: its `switch` has a clause per
/// state, and `plan` classes every route difference `reapply`, so each is acted on.
#[test]
fn the_route_function_acts_on_every_state_as_diff_classes_it() {
    let path = repo_root().join("examples/bgp-site.toml");
    let source = std::fs::read_to_string(&path).unwrap();
    let script = build_file(&path).into_iter().find(|file| file.path == "routes/apply-routes.ps1").unwrap();
    let tree = parse(&script.contents);
    let mut clauses = BTreeMap::new();
    walk(tree.root_node(), &mut |node| {
        if node.kind() == "switch_clause" {
            let condition =
                node.child(0).map(|c| script.contents[c.byte_range()].trim_matches('\'').to_owned()).unwrap();
            let changing: Vec<String> = cmdlets(node, &script.contents)
                .into_iter()
                .filter(|c| c.ends_with("NetRoute") && !c.starts_with("Get-"))
                .collect();
            clauses.insert(condition, changing);
        }
    });
    let route =
        "[[routes]]\ninterface = \"Port3\"\ndestination = \"10.41.0.0/16\"\nnext_hop = \"10.40.10.2\"\nmetric = 10\n";
    assert!(source.contains(route));
    for (state, device) in [
        ("absent", source.replace(route, "")),
        (
            "next hop",
            source.replace("next_hop = \"10.40.10.2\"\nmetric = 10", "next_hop = \"10.40.10.3\"\nmetric = 10"),
        ),
        ("metric", source.replace("next_hop = \"10.40.10.2\"\nmetric = 10", "next_hop = \"10.40.10.2\"\nmetric = 11")),
    ] {
        let class = class_of(&device, &source, "route", "Port3 10.41.0.0/16").expect("a change");
        assert!(class < Class::Redeploy, "{state}");
        let wanted: Vec<&str> =
            if state == "absent" { vec!["Add-HcsNetRoute"] } else { vec!["Remove-HcsNetRoute", "Add-HcsNetRoute"] };
        assert_eq!(clauses[state], wanted, "{state}");
    }
    assert_eq!(clauses["present"], Vec::<String>::new());
}
