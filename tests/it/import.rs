//! `asenet import`: the device's exports (tests/import/, PROVENANCE.md) to device files. Every
//! output checks without input errors (ASE0xx) and is snapshotted; bad values are every one
//! reported with its JSON path and nothing is written; the same exports give the same bytes.

use asenet::import::{Imported, Inputs, Problem, Sources, import};
use asenet::model::DeviceModel;
use asenet::testing::random::SplitMix64;
use serde_json::Value;

use crate::support::{asenet, repo_root, scratch_dir, stderr, stdout};

/// An export of tests/import/, the model to give when it cannot tell it, and its VIP export.
struct Case {
    device: &'static str,
    model: Option<DeviceModel>,
    vip: Option<&'static str>,
}

const CASES: &[Case] = &[
    Case { device: "azure-samples/PowerShellBasedConfiguration.json", model: None, vip: None },
    Case { device: "azure-samples/PowerShellBasedConfiguration-two-node.json", model: None, vip: None },
    Case { device: "exports/ap5gc-2309.json", model: None, vip: None },
    Case { device: "exports/ap5gc-2312.json", model: None, vip: None },
    Case { device: "exports/ap5gc-2403.json", model: None, vip: None },
    Case {
        device: "exports/two-node-pro-2.json",
        model: Some(DeviceModel::Pro2),
        vip: Some("exports/two-node-pro-2.vip.json"),
    },
    Case { device: "exports/secrets-mini-r.json", model: Some(DeviceModel::MiniR), vip: None },
    Case { device: "exports/hostile-names.json", model: Some(DeviceModel::Pro2), vip: None },
    Case { device: "exports/unknown-shapes.json", model: Some(DeviceModel::Pro2), vip: None },
];

fn bytes(relative: &str) -> Vec<u8> {
    std::fs::read(repo_root().join("tests/import").join(relative)).unwrap()
}

fn run(device: &[u8], vip: Option<&[u8]>, model: Option<DeviceModel>) -> Result<Imported, Vec<Problem>> {
    import(&Inputs {
        device,
        vip,
        cluster: None,
        model,
        name: None,
        sources: Sources { device: "CONFIG.json", vip: vip.map(|_| "VIP.json"), cluster: None },
    })
}

fn run_case(case: &Case) -> Result<Imported, Vec<Problem>> {
    let vip = case.vip.map(bytes);
    run(&bytes(case.device), vip.as_deref(), case.model)
}

fn input_errors(text: &str) -> Vec<String> {
    asenet::check(text)
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.code().starts_with("ASE0"))
        .map(|diagnostic| format!("{} {}", diagnostic.code(), diagnostic.message))
        .collect()
}

#[test]
fn every_export_imports_to_a_file_without_input_errors() {
    for case in CASES {
        let imported = run_case(case).unwrap_or_else(|problems| panic!("{}: {problems:#?}", case.device));
        assert_eq!(input_errors(&imported.text), Vec::<String>::new(), "{}:\n{}", case.device, imported.text);
        let name = case.device.trim_end_matches(".json").replace('/', "_");
        insta::assert_snapshot!(format!("import_{name}"), imported.text);
        // The same exports, the same bytes: no timestamp, no hash order.
        assert_eq!(run_case(case).unwrap().text, imported.text, "{}", case.device);
    }
}

#[test]
fn the_three_layouts_give_one_device_file() {
    // 2309: `interfaceName`, `network` the address (UTF-16LE); 2312: `interfaces` (UTF-8);
    // 2403: `interfaces`, `network` as `address/length` (UTF-8 with a byte order mark).
    let body = |relative: &str| {
        let text = run(&bytes(relative), None, None).unwrap().text;
        text.lines().filter(|line| !line.contains("Get-DeviceConfiguration")).collect::<Vec<_>>().join("\n")
    };
    let first = body("exports/ap5gc-2309.json");
    assert!(first.contains("kubernetes = true\nip_pool = \"10.232.44.20-10.232.44.20\""), "{first}");
    assert_eq!(body("exports/ap5gc-2312.json"), first);
    assert_eq!(body("exports/ap5gc-2403.json"), first);
}

#[test]
fn what_the_device_has_is_what_the_file_says() {
    let text = run_case(&CASES[5]).unwrap().text;
    let checked = asenet::check(&text);
    let network = checked.network.unwrap();
    assert_eq!(network.device.nodes.value.get(), 2);
    let names: Vec<&str> =
        network.device.node_names.as_ref().unwrap().value.iter().map(|name| name.value.as_str()).collect();
    assert_eq!(names, ["HWC7T13", "HWC7T14"]);
    assert!(text.contains("addresses = [\"10.57.50.11/21\", \"10.57.50.12/21\"]"), "{text}");
    assert!(text.contains("[switches.vSwitch1]\nports = [\"Port1\", \"Port2\"]\ncompute = true"), "{text}");
    assert!(text.contains("[[virtual_ips]]\ntype = \"NFS\"\n# DHCP gives it 10.57.53.228 now\ndhcp = true"), "{text}");
    assert!(text.contains("mtu = 1450"), "{text}");
}

#[test]
fn secrets_and_unrelated_declarations_never_reach_the_output() {
    let imported = run_case(&CASES[6]).unwrap();
    for secret in ["SECRET-", "proxyuser", "proxy.contoso", "wsus", "UTC", "time.windows.com"] {
        assert!(!imported.text.contains(secret), "{secret} in:\n{}", imported.text);
        assert!(imported.not_imported.iter().all(|item| !item.to_string().contains(secret)), "{secret}");
    }
}

#[test]
fn hostile_names_round_trip_exactly() {
    let text = run_case(&CASES[7]).unwrap().text;
    let parsed: toml::Table = toml::from_str(&text).unwrap();
    assert_eq!(parsed["device"]["name"].as_str(), Some("evil\"\n[lint]\nallow = [\"ASE101\"]\n#"));
    assert_eq!(parsed["device"]["domain"].as_str(), Some("exämple.local\n# asenet: allow(ASE101)"));
    let switches: Vec<&String> = parsed["switches"].as_table().unwrap().keys().collect();
    assert_eq!(switches, ["Zürich ] # not a comment", "sw \"one\"]\n[device]\nname = \"x\""]);
    let networks: Vec<&str> = parsed["virtual_networks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|network| network["name"].as_str().unwrap())
        .collect();
    assert_eq!(networks, ["back\\slash\ttab\0nul", "a'b`c$(d)"]);
    // No `[lint]` and no suppression came in with a name: only the rules judge the names.
    assert!(!parsed.contains_key("lint"));
    let codes = crate::support::codes(&text);
    assert!(codes.contains(&"ASE401") && !codes.iter().any(|code| code.starts_with("ASE0")), "{codes:?}");
}

#[test]
fn shapes_never_seen_are_reported_as_not_imported_by_path() {
    let imported = run_case(&CASES[8]).unwrap();
    let paths: Vec<&str> = imported.not_imported.iter().map(|item| item.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "device.network.interfaces[1].iPv6",
            "device.network.interfaces[1].routes",
            "device.network.vSwitches[0].enabledForFuture"
        ]
    );
    assert!(imported.text.contains("#   - CONFIG.json: device.network.interfaces[1].routes: "), "{}", imported.text);
    assert!(!imported.text.contains("10.99.0.0"), "{}", imported.text);
}

fn problems(result: Result<Imported, Vec<Problem>>) -> Vec<(String, String)> {
    match result {
        Ok(imported) => panic!("imported:\n{}", imported.text),
        Err(problems) => problems.into_iter().map(|problem| (problem.path, problem.message)).collect(),
    }
}

#[test]
fn the_sanitised_learn_sample_is_refused_at_every_sanitised_value() {
    let found = problems(run(&bytes("learn/two-node-sanitised.json"), Some(&bytes("learn/vip-acs-static.json")), None));
    let paths: Vec<&str> = found.iter().map(|(path, _)| path.as_str()).collect();
    let mut expected: Vec<String> = [0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11]
        .iter()
        .map(|index| format!("device.network.interfaces[{index}].iPv4.address"))
        .collect();
    expected.push("device.network.virtualNetworks[0].gateway".to_owned());
    expected.push("device.network.virtualNetworks[0].ipAddressPools[0].ipAddressRange".to_owned());
    assert_eq!(paths, expected);
    assert!(found[0].1.contains("found `192.0.2.0/24`: an address with a prefix length"), "{found:?}");
}

#[test]
fn bad_values_are_all_reported_with_their_paths() {
    let found = problems(run(&bytes("exports/bad-values.json"), None, Some(DeviceModel::Pro2)));
    let expected = [
        ("device.network.interfaces[0].iPv4.address", "found `192.0.2.0/24`: an address with a prefix length"),
        ("device.network.interfaces[1].iPv4.subnetMask", "found `255.0.255.0`: its one bits are not contiguous"),
        ("device.network.interfaces[2].iPv4.gateway", "found the number 10"),
        ("device.network.interfaces[4].name", "a pro-2 has no port `Port7`"),
        (
            "device.network.interfaces[5]",
            "Port2 of node `BADVAL2` is listed twice (first at `device.network.interfaces[3]`)",
        ),
        ("device.network.vSwitches[0].ipAddressPools[0].ipAddressRange", "its last address is before its first"),
        ("device.network.virtualNetworks[0].vlanId", "expected the VLAN ID (a whole number), found `10`"),
        (
            "device.network.virtualNetworks[0].network",
            "`10.1.0.0/25` has the prefix length /25, but `subnetMask` says /24",
        ),
        ("device.network.virtualNetworks[0].gateway", "found nothing"),
    ];
    assert_eq!(found.len(), expected.len(), "{found:#?}");
    for ((path, message), (want_path, want)) in found.iter().zip(expected) {
        assert_eq!(path, want_path);
        assert!(message.contains(want), "{path}: {message}");
    }
}

#[test]
fn what_is_not_json_or_not_an_export_is_refused_with_where() {
    let export = bytes("exports/ap5gc-2312.json");
    let found = problems(run(&export[..3000], None, None));
    assert_eq!(found[0].0, "(the whole file)");
    assert!(found[0].1.contains("ends at line 83, column 18") && found[0].1.contains("cut off"), "{found:?}");
    let found = problems(run(b"[{\"device\": {}}]", None, None));
    assert!(found[0].1.contains("found an array"), "{found:?}");
    let found = problems(run(b"{\"device\": 1,}", None, None));
    assert!(found[0].1.starts_with("not valid JSON at line 1, column 14"), "{found:?}");
    let found = problems(run(&[0xFF, 0xFE, b'{'], None, None));
    assert!(found[0].1.contains("odd number of bytes"), "{found:?}");
    let deep = "[".repeat(100_000);
    let found = problems(run(deep.as_bytes(), None, None));
    assert!(found[0].1.contains("recursion limit"), "{found:?}");
}

#[test]
fn the_model_is_never_guessed() {
    let found = problems(run(&bytes("exports/two-node-pro-2.json"), None, None));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "device.deviceInfo.model");
    assert!(found[0].1.contains("give `--model` (pro-gpu, pro-r, mini-r, pro-2)"), "{found:?}");
    // A model that cannot have what the export lists is refused at what it lacks.
    let found = problems(run(&bytes("exports/two-node-pro-2.json"), None, Some(DeviceModel::ProR)));
    assert_eq!(found[0].0, "device.deviceInfo.nodes", "{found:?}");
    let found = problems(run(&bytes("exports/ap5gc-2312.json"), None, Some(DeviceModel::Pro2)));
    assert!(
        found.iter().any(|(path, message)| path == "device.network.interfaces[4].name" && message.contains("Port5"))
    );
}

#[test]
fn virtual_ips_need_two_nodes_and_a_cluster_network_without_host_bits() {
    let single = bytes("exports/ap5gc-2312.json");
    let found = problems(run(&single, Some(&bytes("learn/vip-nfs-dhcp.json")), None));
    assert_eq!(
        found,
        [(
            "nfsVIP".to_owned(),
            "a virtual IP on a one-node device: virtual IPs belong to a two-node cluster".to_owned()
        )]
    );
    let vip = br#"{"acsVIP": {"type": "ACS", "address": "10.57.51.32", "isDhcpEnabled": false,
        "network": {"address": "10.57.50.0", "subnet": "255.255.248.0"}}}"#;
    let found = problems(run(&bytes("exports/two-node-pro-2.json"), Some(vip), Some(DeviceModel::Pro2)));
    assert_eq!(found[0].0, "acsVIP.network.address", "{found:?}");
}

/// Each leaf of an export replaced by a value of another kind, one at a time: no panic, and
/// whatever is imported checks without input errors.
#[test]
fn no_mutation_of_an_export_panics_or_imports_an_input_error() {
    const VALUES: &[&str] = &[
        "null",
        "true",
        "0",
        "-1",
        "4095",
        "1e40",
        "18446744073709551616",
        "\"\"",
        "\"Port9\"",
        "\"Port1\"",
        "\"10.0.0.300\"",
        "\"255.255.255.255\"",
        "\"0.0.0.0\"",
        "\"10.0.0.0\"",
        "\"10.0.0.1-10.0.0.0\"",
        "\"a\\nb\"",
        "\"ABCDEFGHIJKLMNOP\"",
        "[]",
        "{}",
        "[\"Port2\", \"Port2\"]",
        "\"HWC7T14\"",
    ];
    let mut random = SplitMix64::new(19);
    let two_node = bytes("exports/two-node-pro-2.json");
    let store = std::fs::read(repo_root().join("examples/import/store042.config.json")).unwrap();
    for case in CASES {
        let text = asenet_text(&bytes(case.device));
        let original: Value = serde_json::from_str(&text).unwrap();
        let leaves = leaf_paths(&original, &mut Vec::new());
        for _ in 0..60 {
            let path = &leaves[random.below(leaves.len() as u64) as usize];
            let value: Value = serde_json::from_str(VALUES[random.below(VALUES.len() as u64) as usize]).unwrap();
            let mut mutated = original.clone();
            *pointer(&mut mutated, path) = value;
            let bytes = serde_json::to_vec(&mutated).unwrap();
            if let Ok(imported) = run(&bytes, None, case.model) {
                assert_eq!(input_errors(&imported.text), Vec::<String>::new(), "{} at {path:?}", case.device);
            }
            // The fuzz target's invariants (fuzz/fuzz_targets/import_json.rs), on every 10th.
            if random.below(10) == 0 {
                asenet::testing::invariants::import_holds(&bytes, &two_node, &store);
            }
        }
    }
}

fn asenet_text(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        let units: Vec<u16> = rest.chunks_exact(2).map(|pair| u16::from_le_bytes([pair[0], pair[1]])).collect();
        return String::from_utf16(&units).unwrap();
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest.chunks_exact(2).map(|pair| u16::from_be_bytes([pair[0], pair[1]])).collect();
        return String::from_utf16(&units).unwrap();
    }
    String::from_utf8(bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes).to_vec()).unwrap()
}

fn leaf_paths(value: &Value, at: &mut Vec<String>) -> Vec<Vec<String>> {
    let children: Vec<(String, &Value)> = match value {
        Value::Object(members) => members.iter().map(|(key, value)| (key.clone(), value)).collect(),
        Value::Array(items) => items.iter().enumerate().map(|(index, value)| (index.to_string(), value)).collect(),
        _ => return vec![at.clone()],
    };
    let mut leaves = vec![at.clone()];
    for (key, child) in children {
        at.push(key);
        leaves.extend(leaf_paths(child, at));
        at.pop();
    }
    leaves
}

fn pointer<'v>(value: &'v mut Value, path: &[String]) -> &'v mut Value {
    path.iter().fold(value, |value, key| match value {
        Value::Array(items) => &mut items[key.parse::<usize>().unwrap()],
        other => &mut other[key.as_str()],
    })
}

#[test]
fn the_command_prints_writes_a_new_file_or_nothing() {
    let config = "tests/import/exports/two-node-pro-2.json";
    let vip = "tests/import/exports/two-node-pro-2.vip.json";
    let output = asenet(&["import", "--device", config, "--vip", vip, "--model", "pro-2"], b"");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).starts_with("# Written by `asenet import`"));
    assert!(stdout(&output).contains(&format!("#   from {config}: Get-DeviceConfiguration")));

    let dir = scratch_dir("import-output");
    let target = dir.join("plant7.toml");
    let target_arg = target.to_str().unwrap();
    let args = ["import", "--device", config, "--vip", vip, "--model", "pro-2", "-o", target_arg];
    let output = asenet(&args, b"");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), stdout(&asenet(&args[..7], b"")));
    // Never over an existing file.
    let output = asenet(&args, b"");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("it exists already"), "{}", stderr(&output));

    // Bad values: exit 2, every problem on stderr, no file.
    let bad = dir.join("bad.toml");
    let output = asenet(
        &[
            "import",
            "--device",
            "tests/import/exports/bad-values.json",
            "--model",
            "pro-2",
            "-o",
            bad.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(!bad.exists());
    let errors = stderr(&output);
    assert_eq!(
        errors.lines().filter(|line| line.starts_with("error: tests/import/exports/bad-values.json: device.")).count(),
        9,
        "{errors}"
    );
    assert!(errors.ends_with("error: nothing written: 9 problems in the exports\n"), "{errors}");

    // Not imported: on stderr, and the exit is 0.
    let output = asenet(&["import", "--device", "tests/import/exports/unknown-shapes.json", "--model", "pro-2"], b"");
    assert_eq!(output.status.code(), Some(0));
    assert!(stderr(&output).contains(
        "warning: not imported: tests/import/exports/unknown-shapes.json: device.network.interfaces[1].routes"
    ));
    // Standard input, and an unknown model.
    let output = asenet(&["import", "--device", "-"], &bytes("exports/ap5gc-2403.json"));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = asenet(&["import", "--device", config, "--model", "pro-3"], b"");
    assert_eq!(output.status.code(), Some(2));
}

#[cfg(unix)]
#[test]
fn a_planted_link_as_the_output_is_refused_and_left_alone() {
    let dir = scratch_dir("import-link");
    let victim = dir.join("victim.txt");
    std::fs::write(&victim, "keep").unwrap();
    for (name, target) in [("link.toml", victim.as_path()), ("dangling.toml", std::path::Path::new("/nonexistent/x"))] {
        let link = dir.join(name);
        std::os::unix::fs::symlink(target, &link).unwrap();
        // The Linux binary alone, as the writer's other link tests: the link is a Unix one,
        // which Wine resolves for asenet.exe (docs/windows.md, "How the Windows build is
        // tested").
        let output = crate::support::run_in(
            &repo_root(),
            &[],
            &["import", "--device", "tests/import/exports/ap5gc-2312.json", "-o", link.to_str().unwrap()],
        );
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(stderr(&output).contains("symbolic link"), "{}", stderr(&output));
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    }
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
    let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|entry| entry.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 3, "{leftovers:?}");
}

/// examples/import/: an export and the device file `asenet import` writes of it, run in that
/// directory; the file checks clean.
#[test]
fn the_example_export_imports_to_the_example_file() {
    let dir = repo_root().join("examples/import");
    let export = std::fs::read(dir.join("store042.config.json")).unwrap();
    let imported = import(&Inputs {
        device: &export,
        vip: None,
        cluster: None,
        model: None,
        name: None,
        sources: Sources { device: "store042.config.json", vip: None, cluster: None },
    })
    .unwrap();
    assert_eq!(imported.text, std::fs::read_to_string(dir.join("store042.toml")).unwrap());
    assert_eq!(crate::support::codes(&imported.text), Vec::<&str>::new());
}

fn run_with_cluster(device: &[u8], cluster: &[u8], model: Option<DeviceModel>) -> Result<Imported, Vec<Problem>> {
    import(&Inputs {
        device,
        vip: None,
        cluster: Some(cluster),
        model,
        name: None,
        sources: Sources { device: "CONFIG.json", vip: None, cluster: Some("CLUSTER.json") },
    })
}

fn store() -> Vec<u8> {
    std::fs::read(repo_root().join("examples/import/store042.config.json")).unwrap()
}

#[test]
fn the_cluster_pins_todays_addresses_and_leaves_the_devices_own_out() {
    let imported = run_with_cluster(&store(), &bytes("exports/store042.cluster.json"), None).unwrap();
    let text = &imported.text;
    insta::assert_snapshot!("import_store042_with_cluster", text);
    assert_eq!(crate::support::codes(text), Vec::<&str>::new(), "{text}");
    // The device's namespaces (default, kube-system, iotedge) stay out; edgehub is said.
    for own in ["name = \"kubernetes\"", "kube-dns", "edgehub\"", "172.28.0.1\"", "172.28.0.10\""] {
        assert!(!text.contains(own), "{own} in:\n{text}");
    }
    let paths: Vec<&str> = imported.not_imported.iter().map(|item| item.path.as_str()).collect();
    assert_eq!(paths, ["items[2]", "items[9]"]);
    assert!(!text.contains("SECRET") && !text.contains("keepalive"), "{text}");
    // Today's addresses, pinned: allocation moves nothing.
    let network = asenet::check(text).network.unwrap();
    let pinned: Vec<(String, Option<String>, Option<String>)> = network
        .services
        .iter()
        .map(|service| {
            (
                service.name.value.clone(),
                service.cluster_ip.as_ref().map(|ip| ip.value.to_string()),
                service.load_balancer_ip.as_ref().map(|ip| ip.value.to_string()),
            )
        })
        .collect();
    let expected = [
        ("api", Some("172.28.0.60"), None),
        ("historian", Some("172.28.0.70"), None),
        ("sensors", None, None),
        ("web", Some("172.28.0.50"), Some("192.168.10.41")),
        ("web-udp", Some("172.28.0.51"), Some("192.168.10.41")),
    ];
    let expected: Vec<(String, Option<String>, Option<String>)> = expected
        .iter()
        .map(|(name, cluster, external)| (name.to_string(), cluster.map(str::to_owned), external.map(str::to_owned)))
        .collect();
    assert_eq!(pinned, expected);
    assert!(text.contains("[[bgp_peers]]\nswitch = \"vswitch-port3\"\npeer_address = \"192.168.10.1\"\npeer_asn = 64512\nself_asn = 64513\nhold_time = 90\n"));
}

#[test]
fn bad_cluster_values_are_reported_with_their_paths() {
    let cluster: Value = serde_json::from_slice(&bytes("exports/store042.cluster.json")).unwrap();
    let mutate = |edit: &dyn Fn(&mut Value)| {
        let mut cluster = cluster.clone();
        edit(&mut cluster);
        problems(run_with_cluster(&store(), &serde_json::to_vec(&cluster).unwrap(), None))
    };
    let found = mutate(&|cluster| cluster["items"][12]["spec"]["holdTime"] = "90".into());
    assert_eq!(found[0].0, "items[12].spec.holdTime");
    assert!(found[0].1.contains("a number without a unit"), "{found:?}");
    let found = mutate(&|cluster| cluster["items"][5]["spec"]["ports"][0]["protocol"] = "HTTP".into());
    assert_eq!(
        found,
        [("items[5].spec.ports[0].protocol".to_owned(), "expected TCP, UDP or SCTP, found `HTTP`".to_owned())]
    );
    let found = mutate(&|cluster| cluster["items"][3]["spec"]["clusterIP"] = "None".into());
    assert_eq!(found[0].0, "items[3].spec.clusterIP");
    let found = mutate(&|cluster| cluster["items"][3]["spec"]["selector"]["app"] = "not a label!".into());
    assert_eq!(found[0].0, "items[3].spec.selector.app");
    let found = mutate(&|cluster| cluster["kind"] = "ServiceList".into());
    assert_eq!(found[0].0, "kind");
    // Services need the device's Kubernetes; BGP peers its compute switch.
    let found = problems(run_with_cluster(
        &bytes("exports/secrets-mini-r.json"),
        &bytes("exports/store042.cluster.json"),
        Some(DeviceModel::MiniR),
    ));
    let paths: Vec<&str> = found.iter().map(|(path, _)| path.as_str()).collect();
    assert_eq!(paths, ["items[12]", "items"], "{found:?}");
}

#[test]
fn no_mutation_of_a_cluster_export_panics_or_imports_an_input_error() {
    // One JSON value each, separated by `|`.
    const VALUES: &str = r#"null|true|0|-1|70000|""|"None"|"LoadBalancer"|"NodePort"|"ExternalName"|"10.0.0.300"|"fd00::1"|"192.168.10.41"|"1.5s"|"1m"|"kube-system"|"a b"|[]|{}|"SCTP"|31000"#;
    let values: Vec<&str> = VALUES.split('|').collect();
    let (store, two_node) = (store(), bytes("exports/two-node-pro-2.json"));
    let original: Value = serde_json::from_slice(&bytes("exports/store042.cluster.json")).unwrap();
    let leaves = leaf_paths(&original, &mut Vec::new());
    let mut random = SplitMix64::new(25);
    for round in 0..400 {
        let path = &leaves[random.below(leaves.len() as u64) as usize];
        let value: Value = serde_json::from_str(values[random.below(values.len() as u64) as usize]).unwrap();
        let mut mutated = original.clone();
        *pointer(&mut mutated, path) = value;
        let cluster = serde_json::to_vec(&mutated).unwrap();
        if let Ok(imported) = run_with_cluster(&store, &cluster, None) {
            assert_eq!(input_errors(&imported.text), Vec::<String>::new(), "at {path:?}");
        }
        if round % 20 == 0 {
            asenet::testing::invariants::import_holds(&cluster, &two_node, &store);
        }
    }
}

/// Import reproduces, check judges: a device whose Kubernetes node IPs are off its compute
/// subnet imports as it is, and `check` names the problem.
#[test]
fn a_misconfigured_device_imports_and_check_names_its_problem() {
    let text = asenet_text(&bytes("exports/ap5gc-2312.json"));
    let text = text.replace("10.232.40.20-10.232.40.25", "10.99.40.20-10.99.40.25");
    let imported = run(text.as_bytes(), None, None).unwrap();
    assert!(imported.text.contains("node_ips = \"10.99.40.20-10.99.40.25\""), "{}", imported.text);
    let codes = crate::support::codes(&imported.text);
    assert!(codes.contains(&"ASE103"), "{codes:?}");
    assert!(!codes.iter().any(|code| code.starts_with("ASE0")), "{codes:?}");
}

#[test]
fn the_name_given_replaces_the_exports() {
    let imported = import(&Inputs {
        device: &bytes("exports/ap5gc-2403.json"),
        vip: None,
        cluster: None,
        model: None,
        name: Some("site-7"),
        sources: Sources { device: "CONFIG.json", vip: None, cluster: None },
    })
    .unwrap();
    assert!(imported.text.contains("[device]\nname = \"site-7\"\n"), "{}", imported.text);
    assert!(!imported.text.contains("DBE-2QBV9Y3"));
}
