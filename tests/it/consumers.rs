//! Each artifact through the program that consumes it: zones through BIND's
//! `named-checkzone`, route batches through `ip -batch` in a fresh network namespace, the
//! MetalLB resources against MetalLB's CRD schemas (plus a parse of every address, which
//! the schema does not do), Services through the Kubernetes API types, strictly.
//!
//! The tests that need a program besides cargo (`named-checkzone`; `ip netns`, which needs
//! root) are `#[ignore]`d with the install command as the reason: `cargo test` lists them as
//! ignored, `.ci/run` runs them with `--include-ignored`, and once running, a program that
//! cannot run fails them (see `support::require_tool`). Under CI (`CI` set),
//! `ci_can_run_every_consumer` fails when a program is missing, even without
//! `--include-ignored`.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::Command;

use asenet::emit::OutputFile;
use asenet::model::{Keyword, Network};
use serde_json::Value;

use crate::support::{build_file, examples, relative, repo_root, require_tool, scratch_dir};

/// The examples and the consumer edge cases.
fn inputs() -> Vec<PathBuf> {
    let mut inputs = examples();
    inputs.push(repo_root().join("tests/build/edge-cases.toml"));
    inputs
}

fn network(path: &Path) -> Network {
    asenet::check(&std::fs::read_to_string(path).unwrap()).network.unwrap()
}

fn artifact<'a>(files: &'a [OutputFile], path: &str) -> &'a str {
    &files.iter().find(|file| file.path == path).unwrap_or_else(|| panic!("no {path}")).contents
}

fn run(command: &mut Command) -> Result<String, String> {
    let output = command.output().map_err(|error| format!("{command:?}: {error}"))?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
    if output.status.success() { Ok(text) } else { Err(format!("{command:?} failed: {text}")) }
}

// ---- DNS: named-checkzone ----

fn named_checkzone() -> Result<(), String> {
    run(Command::new("named-checkzone").arg("-v")).map(|_| ())
}

const NAMED_CHECKZONE: &str = "apt-get install bind9-utils";
const IP_NETNS: &str = "apt-get install iproute2, and run the tests as root";

/// Under CI every consumer must run: `.ci/run` installs them all.
#[test]
fn ci_can_run_every_consumer() {
    if std::env::var_os("CI").is_none() {
        return;
    }
    require_tool("named-checkzone", NAMED_CHECKZONE, named_checkzone());
    require_tool("ip netns", IP_NETNS, network_namespaces(98));
}

#[test]
#[ignore = "consumer: needs named-checkzone (apt-get install bind9-utils); \
            run with `cargo test --test it consumers -- --include-ignored`"]
fn every_zone_passes_named_checkzone_and_holds_exactly_the_model_records() {
    require_tool("named-checkzone", NAMED_CHECKZONE, named_checkzone());
    let mut checked = 0;
    for path in inputs() {
        let files = build_file(&path);
        let network = network(&path);
        let dir = scratch_dir(&format!("zones-{}", path.file_stem().unwrap().to_string_lossy()));
        for zone in asenet::model::dns::zones(&network) {
            let name = format!("dns/{}.zone", zone.origin);
            let file = dir.join(format!("{}.zone", zone.origin));
            std::fs::write(&file, artifact(&files, &name)).unwrap();
            let strict = ["-k", "fail", "-n", "fail", "-i", "full", "-m", "fail", "-M", "fail", "-S", "fail"];
            let verdict = run(Command::new("named-checkzone").args(strict).arg(&zone.origin).arg(&file))
                .unwrap_or_else(|error| panic!("{} {name}: {error}", relative(&path)));
            assert!(verdict.ends_with("OK\n"), "{name}: {verdict}");
            let dump =
                run(Command::new("named-checkzone").args(["-D", "-o", "-"]).arg(&zone.origin).arg(&file)).unwrap();
            let served: BTreeSet<(String, Ipv4Addr)> = dump
                .lines()
                .filter_map(|line| {
                    let fields: Vec<&str> = line.split_whitespace().collect();
                    (fields.len() == 5 && fields[3] == "A").then(|| (fields[0].to_owned(), fields[4].parse().unwrap()))
                })
                .collect();
            let expected: BTreeSet<(String, Ipv4Addr)> = zone
                .records
                .iter()
                .filter_map(|record| Some((format!("{}.{}.", record.name, zone.origin), record.address?)))
                .collect();
            assert_eq!(served, expected, "{} {name}", relative(&path));
            assert!(dump.contains(&format!("{}.", zone.origin)), "{dump}");
            checked += 1;
        }
    }
    assert!(checked >= 8, "{checked} zones checked");
}

// ---- Routes: ip -batch in a network namespace ----

/// A network namespace with one veth end inside, named as the VM's compute NIC; removed on
/// drop.
struct Namespace {
    name: String,
    host_link: String,
}

impl Namespace {
    fn new(index: usize, interface: &str, address: &str) -> Result<Namespace, String> {
        let id = std::process::id() % 100_000;
        let namespace = Namespace { name: format!("asenet-{id}-{index}"), host_link: format!("as{id}v{index}") };
        run(Command::new("ip").args(["netns", "add", &namespace.name]))?;
        run(Command::new("ip")
            .args(["link", "add", &namespace.host_link, "type", "veth", "peer", "name", interface])
            .args(["netns", &namespace.name]))?;
        run(Command::new("ip").args(["link", "set", &namespace.host_link, "up"]))?;
        namespace.ip(&["addr", "add", address, "dev", interface])?;
        namespace.ip(&["link", "set", interface, "up"])?;
        Ok(namespace)
    }

    fn ip(&self, args: &[&str]) -> Result<String, String> {
        run(Command::new("ip").args(["-n", &self.name]).args(args))
    }
}

impl Drop for Namespace {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["link", "del", &self.host_link]).output();
        let _ = Command::new("ip").args(["netns", "del", &self.name]).output();
    }
}

/// Whether a namespace can be made; `index` keeps the probes of tests that run at the same
/// time apart.
fn network_namespaces(index: usize) -> Result<(), String> {
    let probe = Namespace::new(index, "probe0", "192.0.2.1/24")?;
    drop(probe);
    Ok(())
}

/// A route as `ip -j route show` and the JSON table both can say it.
type KernelRoute = (String, Option<String>, String, u64);

fn destination(text: &str) -> String {
    match text {
        "default" => "0.0.0.0/0".to_owned(),
        text if text.contains('/') => text.to_owned(),
        text => format!("{text}/32"),
    }
}

#[test]
#[ignore = "consumer: needs `ip netns` (apt-get install iproute2; root); \
            run with `cargo test --test it consumers -- --include-ignored`"]
fn every_ip_batch_applies_in_a_namespace_and_yields_exactly_its_table() {
    require_tool("ip netns", IP_NETNS, network_namespaces(99));
    let mut index = 0;
    for path in inputs() {
        let files = build_file(&path);
        let dir = scratch_dir(&format!("routes-{}", path.file_stem().unwrap().to_string_lossy()));
        for table in files.iter().filter(|file| file.path.starts_with("routes/") && file.path.ends_with(".json")) {
            let table: Value = serde_json::from_str(&table.contents).unwrap();
            let node = table["node"].as_str().unwrap();
            let interface = table["vm_interface"].as_str().unwrap();
            let routes = table["routes"].as_array().unwrap();
            let connected = routes.iter().find(|route| route["origin"] == "connected").unwrap();
            let address = format!("{}/{}", table["source"].as_str().unwrap(), connected["prefix_length"]);
            index += 1;
            let namespace = Namespace::new(index, interface, &address).unwrap();
            let batch = dir.join(format!("{node}.ip"));
            std::fs::write(&batch, artifact(&files, &format!("routes/{node}.ip"))).unwrap();
            namespace
                .ip(&["-batch", batch.to_str().unwrap()])
                .unwrap_or_else(|error| panic!("{} {node}.ip: {error}", relative(&path)));
            let shown: Vec<Value> = serde_json::from_str(&namespace.ip(&["-j", "route", "show"]).unwrap()).unwrap();
            let shown: BTreeSet<KernelRoute> = shown
                .iter()
                .map(|route| {
                    (
                        destination(route["dst"].as_str().unwrap()),
                        route["gateway"].as_str().map(str::to_owned),
                        route["dev"].as_str().unwrap().to_owned(),
                        route["metric"].as_u64().unwrap_or(0),
                    )
                })
                .collect();
            let expected: BTreeSet<KernelRoute> = routes
                .iter()
                .map(|route| {
                    (
                        format!("{}/{}", route["destination"].as_str().unwrap(), route["prefix_length"]),
                        route["next_hop"].as_str().map(str::to_owned),
                        interface.to_owned(),
                        route["metric"].as_u64().unwrap(),
                    )
                })
                .collect();
            assert_eq!(shown, expected, "{} {node}", relative(&path));
            assert_eq!(shown.len(), routes.len(), "{} {node}: one kernel route per row", relative(&path));
            // The table is the model's: the compute subnet plus every custom route.
            let network = network(&path);
            assert_eq!(routes.len(), 1 + network.routes.len(), "{} {node}", relative(&path));
        }
    }
    assert!(index >= 9, "{index} node tables applied");
}

// ---- MetalLB: the CRD schemas, and every address parsed back ----

/// The `openAPIV3Schema` of a CRD file, made a JSON Schema that is as strict as the API
/// server's strict field validation: `nullable` becomes a `null` type, `x-kubernetes-*`
/// extensions go, and an object with `properties` takes no other field.
fn crd_schema(directory: &Path, file: &str) -> Value {
    crd_schema_of_version(directory, file, "v1beta1")
}

fn crd_schema_of_version(directory: &Path, file: &str, version: &str) -> Value {
    let path = directory.join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let documents: Vec<Value> = serde_saphyr::from_multiple(&text).unwrap();
    let crd = documents.into_iter().find(|document| document["kind"] == "CustomResourceDefinition").unwrap();
    let version = crd["spec"]["versions"].as_array().unwrap().iter().find(|v| v["name"] == version).unwrap();
    let mut schema = version["schema"]["openAPIV3Schema"].clone();
    translate_openapi(&mut schema);
    schema
}

fn translate_openapi(schema: &mut Value) {
    let Value::Object(map) = schema else { return };
    map.retain(|key, _| !key.starts_with("x-kubernetes-"));
    if map.remove("nullable") == Some(Value::Bool(true))
        && let Some(Value::String(kind)) = map.get("type").cloned()
    {
        map.insert("type".to_owned(), serde_json::json!([kind, "null"]));
    }
    if map.contains_key("properties") && !map.contains_key("additionalProperties") {
        map.insert("additionalProperties".to_owned(), Value::Bool(false));
    }
    for value in map.values_mut() {
        match value {
            Value::Object(_) => translate_openapi(value),
            Value::Array(items) => items.iter_mut().for_each(translate_openapi),
            _ => {}
        }
    }
}

fn schema_errors(schema: &Value, document: &Value) -> Vec<String> {
    let validator = jsonschema::validator_for(schema).unwrap();
    validator.iter_errors(document).map(|error| format!("{} at {}", error, error.instance_path())).collect()
}

/// `first-last` or a CIDR, as MetalLB reads a pool's address (`ipaddresspool.go`).
fn parse_metallb_range(text: &str) -> Result<(Ipv4Addr, Ipv4Addr), String> {
    if let Ok(net) = text.parse::<ipnet::Ipv4Net>() {
        return Ok((net.network(), net.broadcast()));
    }
    let (first, last) = text.split_once('-').ok_or_else(|| format!("`{text}` is no range"))?;
    let first: Ipv4Addr = first.trim().parse().map_err(|_| format!("`{first}` is no address"))?;
    let last: Ipv4Addr = last.trim().parse().map_err(|_| format!("`{last}` is no address"))?;
    if first > last {
        return Err(format!("`{text}` runs backwards"));
    }
    Ok((first, last))
}

/// Kubernetes' DNS-1123 label, `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, 63 characters at most.
fn is_dns_1123_label(text: &str) -> bool {
    let alphanumeric = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    (1..=63).contains(&text.len())
        && text.chars().all(|c| alphanumeric(c) || c == '-')
        && text.starts_with(alphanumeric)
        && text.ends_with(alphanumeric)
}

#[test]
fn metallb_resources_validate_against_the_crds_and_every_address_parses_back() {
    // Vendored, with their provenance: tests/metallb-v0.16.1/PROVENANCE.md.
    let crds = repo_root().join("tests/metallb-v0.16.1");
    let pool_schema = crd_schema(&crds, "metallb.io_ipaddresspools.yaml");
    let advertisement_schema = crd_schema(&crds, "metallb.io_l2advertisements.yaml");
    // The checks are strict: a misspelt field and a bad address fail them.
    let bad = serde_json::json!({"apiVersion": "metallb.io/v1beta1", "kind": "IPAddressPool",
        "metadata": {"name": "p"}, "spec": {"adresses": ["10.0.0.1-10.0.0.2"]}});
    assert!(!schema_errors(&pool_schema, &bad).is_empty(), "the schema refuses unknown fields");
    assert!(parse_metallb_range("10.0.0.300/24").is_err() && parse_metallb_range("10.0.0.5").is_err());

    let mut checked = 0;
    for path in inputs() {
        let files = build_file(&path);
        let network = network(&path);
        let range = network.kubernetes.as_ref().unwrap().service_ips.unwrap().value;
        let expected = (range.first(), range.last());
        let documents: Vec<Value> =
            serde_saphyr::from_multiple(artifact(&files, "metallb/ipaddresspool.yaml")).unwrap();
        assert_eq!(documents.len(), 2);
        let (pool, advertisement) = (&documents[0], &documents[1]);
        // With BGP peers the pool is announced over BGP: `bgp_resources_validate_...` checks
        // that advertisement against its own CRD.
        let bgp = !network.bgp_peers.is_empty();
        let advertisement_kind = if bgp { "BGPAdvertisement" } else { "L2Advertisement" };
        assert_eq!(
            (pool["kind"].as_str(), advertisement["kind"].as_str()),
            (Some("IPAddressPool"), Some(advertisement_kind))
        );
        let checks: &[(&Value, &Value)] =
            if bgp { &[(pool, &pool_schema)] } else { &[(pool, &pool_schema), (advertisement, &advertisement_schema)] };
        for &(document, schema) in checks {
            let errors = schema_errors(schema, document);
            assert!(errors.is_empty(), "{}: {errors:?}", relative(&path));
            assert_eq!(document["apiVersion"], "metallb.io/v1beta1");
            assert_eq!(document["metadata"]["namespace"], "metallb-system");
            assert!(is_dns_1123_label(document["metadata"]["name"].as_str().unwrap()));
            assert_eq!(document["metadata"].as_object().unwrap().len(), 2, "name and namespace only");
        }
        let pool_name = &pool["metadata"]["name"];
        assert_eq!(
            advertisement["spec"]["ipAddressPools"],
            serde_json::json!([pool_name]),
            "the advertisement names the pool"
        );
        let addresses = pool["spec"]["addresses"].as_array().unwrap();
        assert_eq!(addresses.len(), 1);
        assert_eq!(parse_metallb_range(addresses[0].as_str().unwrap()), Ok(expected), "{}", relative(&path));

        let config_map: Value = serde_saphyr::from_str(artifact(&files, "metallb/configmap.yaml")).unwrap();
        assert_strict_kubernetes::<k8s_openapi::api::core::v1::ConfigMap>(&config_map);
        assert_eq!(
            (config_map["metadata"]["name"].as_str(), config_map["metadata"]["namespace"].as_str()),
            (Some("config"), Some("metallb-system"))
        );
        let legacy: LegacyConfig = serde_saphyr::from_str(config_map["data"]["config"].as_str().unwrap()).unwrap();
        assert_eq!(legacy.address_pools.len(), 1);
        let legacy_pool = &legacy.address_pools[0];
        let protocol = if bgp { "bgp" } else { "layer2" };
        assert_eq!((legacy_pool.name.as_str(), legacy_pool.protocol.as_str()), (pool_name.as_str().unwrap(), protocol));
        let mut legacy_peers: Vec<(Ipv4Addr, i64, i64, Option<String>)> = legacy
            .peers
            .iter()
            .map(|peer| (peer.peer_address, i64::from(peer.peer_asn), i64::from(peer.my_asn), peer.hold_time.clone()))
            .collect();
        let mut model_peers: Vec<(Ipv4Addr, i64, i64, Option<String>)> = network
            .bgp_peers
            .iter()
            .map(|peer| {
                let hold_time = peer.hold_time.map(|hold_time| format!("{}s", hold_time.value));
                (peer.peer_address.value, peer.peer_asn.value, peer.self_asn.value, hold_time)
            })
            .collect();
        legacy_peers.sort();
        model_peers.sort();
        assert_eq!(legacy_peers, model_peers, "{}", relative(&path));
        assert_eq!(legacy_pool.addresses.len(), 1);
        assert_eq!(parse_metallb_range(&legacy_pool.addresses[0]), Ok(expected));
        checked += 1;
    }
    assert_eq!(checked, inputs().len());
}

/// MetalLB's legacy configuration (`config` key of the ConfigMap), as strict as its parser.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct LegacyConfig {
    #[serde(default)]
    peers: Vec<LegacyPeer>,
    address_pools: Vec<LegacyPool>,
}

/// A peer of MetalLB's legacy configuration (before v0.13), with the keys asenet writes:
/// `peer-address`, `peer-asn`, `my-asn`, `hold-time`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct LegacyPeer {
    peer_address: Ipv4Addr,
    peer_asn: u32,
    my_asn: u32,
    hold_time: Option<String>,
}

/// The BGP CRDs that asenet's BGP artifacts use, vendored in the repository (see
/// `tests/metallb-v0.16.1/PROVENANCE.md`).
fn metallb_bgp_crds() -> PathBuf {
    repo_root().join("tests/metallb-v0.16.1")
}

#[test]
fn bgp_resources_validate_against_the_crds_and_match_the_model() {
    let crds = metallb_bgp_crds();
    let peer_schema = crd_schema_of_version(&crds, "metallb.io_bgppeers.yaml", "v1beta2");
    let advertisement_schema = crd_schema(&crds, "metallb.io_bgpadvertisements.yaml");
    let bad = serde_json::json!({"apiVersion": "metallb.io/v1beta2", "kind": "BGPPeer",
        "metadata": {"name": "p"}, "spec": {"myASN": 64512, "peerAdress": "10.0.0.1"}});
    assert!(!schema_errors(&peer_schema, &bad).is_empty(), "the schema refuses unknown fields");

    let mut checked = 0;
    for path in inputs() {
        let network = network(&path);
        if network.bgp_peers.is_empty() {
            continue;
        }
        let files = build_file(&path);
        let documents: Vec<Value> =
            serde_saphyr::from_multiple(artifact(&files, "metallb/ipaddresspool.yaml")).unwrap();
        let advertisement = &documents[1];
        assert_eq!(advertisement["kind"], "BGPAdvertisement");
        let errors = schema_errors(&advertisement_schema, advertisement);
        assert!(errors.is_empty(), "{}: {errors:?}", relative(&path));

        let peers: Vec<Value> = serde_saphyr::from_multiple(artifact(&files, "metallb/bgppeers.yaml")).unwrap();
        assert_eq!(peers.len(), network.bgp_peers.len());
        let mut expected: Vec<(Ipv4Addr, i64, i64, Option<String>)> = network
            .bgp_peers
            .iter()
            .map(|peer| {
                let hold_time = peer.hold_time.map(|hold_time| format!("{}s", hold_time.value));
                (peer.peer_address.value, peer.peer_asn.value, peer.self_asn.value, hold_time)
            })
            .collect();
        expected.sort();
        let mut found = Vec::new();
        for peer in &peers {
            let errors = schema_errors(&peer_schema, peer);
            assert!(errors.is_empty(), "{}: {errors:?}", relative(&path));
            assert_eq!(
                (peer["apiVersion"].as_str(), peer["kind"].as_str()),
                (Some("metallb.io/v1beta2"), Some("BGPPeer"))
            );
            assert_eq!(peer["metadata"]["namespace"], "metallb-system");
            assert!(is_dns_1123_label(peer["metadata"]["name"].as_str().unwrap()));
            let spec = &peer["spec"];
            let address: Ipv4Addr = spec["peerAddress"].as_str().unwrap().parse().expect("an address MetalLB parses");
            let hold_time = spec.get("holdTime").map(|value| value.as_str().unwrap().to_owned());
            found.push((address, spec["peerASN"].as_i64().unwrap(), spec["myASN"].as_i64().unwrap(), hold_time));
        }
        found.sort();
        assert_eq!(found, expected, "{}", relative(&path));
        checked += 1;
    }
    assert!(checked > 0, "an example has BGP peers");
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct LegacyPool {
    name: String,
    protocol: String,
    addresses: Vec<String>,
}

// ---- Services: the Kubernetes API types, strictly ----

/// `document` reads as `T` and writes back as itself: an unknown, misspelt or misplaced
/// field, or a value of the wrong type, fails.
fn strict_kubernetes<T: serde::de::DeserializeOwned + serde::Serialize>(document: &Value) -> Result<T, String> {
    let typed: T = serde_json::from_value(document.clone()).map_err(|error| error.to_string())?;
    let back = serde_json::to_value(&typed).unwrap();
    if &back != document {
        return Err(format!("does not round-trip:\n{document:#}\nvs\n{back:#}"));
    }
    Ok(typed)
}

fn assert_strict_kubernetes<T: serde::de::DeserializeOwned + serde::Serialize>(document: &Value) -> T {
    strict_kubernetes(document).unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn services_read_strictly_as_kubernetes_services_with_the_model_addresses() {
    use k8s_openapi::api::core::v1::Service;
    let typo: Value = serde_json::json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "a"}, "spec": {"clusterIp": "10.0.0.1"}});
    assert!(strict_kubernetes::<Service>(&typo).is_err(), "a misspelt field fails");
    let wrong_type: Value = serde_json::json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "a"}, "spec": {"ports": [{"port": "80"}]}});
    assert!(strict_kubernetes::<Service>(&wrong_type).is_err(), "a port as a string fails");

    for path in inputs() {
        let files = build_file(&path);
        let network = network(&path);
        let documents: Vec<Value> = serde_saphyr::from_multiple(artifact(&files, "kubernetes/services.yaml")).unwrap();
        assert_eq!(documents.len(), network.services.len(), "{}", relative(&path));
        let by_name: BTreeMap<(String, String), Service> = documents
            .iter()
            .map(|document| {
                let service: Service = assert_strict_kubernetes(document);
                let metadata = &service.metadata;
                ((metadata.namespace.clone().unwrap(), metadata.name.clone().unwrap()), service)
            })
            .collect();
        for model in &network.services {
            let key = (model.namespace.value.clone(), model.name.value.clone());
            let service = &by_name[&key];
            let spec = service.spec.as_ref().unwrap();
            let allocated = model.allocated;
            assert_eq!(spec.type_.as_deref(), Some(model.kind.value.as_str()), "{key:?}");
            // A headless service says so with the cluster IP `None`, and has none allocated.
            let cluster_ip = match model.headless {
                Some(_) => Some("None".to_owned()),
                None => allocated.cluster_ip.map(|ip| ip.to_string()),
            };
            assert_eq!(spec.cluster_ip, cluster_ip, "{key:?}");
            assert_eq!(spec.load_balancer_ip, None, "{key:?}: deprecated, the annotation pins the address");
            assert_eq!(spec.selector, model.selector.as_ref().map(|selector| selector.value.clone()), "{key:?}");
            let annotations = service.metadata.annotations.clone().unwrap_or_default();
            assert_eq!(
                annotations.get("metallb.universe.tf/loadBalancerIPs"),
                allocated.external_ip.map(|ip| ip.to_string()).as_ref(),
                "{key:?}"
            );
            let shared =
                model.share_ip.as_ref().filter(|_| allocated.external_ip.is_some()).map(|key| key.value.clone());
            assert_eq!(annotations.get("metallb.universe.tf/allow-shared-ip"), shared.as_ref(), "{key:?}");
            let ports = spec.ports.as_ref().unwrap();
            assert_eq!(ports.len(), model.ports.len(), "{key:?}");
            let names: BTreeSet<_> = ports.iter().map(|port| port.name.clone().unwrap()).collect();
            assert_eq!(names.len(), ports.len(), "{key:?}: port names are unique");
            for (port, model_port) in ports.iter().zip(&model.ports) {
                assert_eq!(i64::from(port.port), model_port.port.value);
                assert_eq!(port.protocol.as_deref(), Some(model_port.protocol.value.as_str()));
                assert!(is_dns_1123_label(port.name.as_deref().unwrap()) && port.name.as_ref().unwrap().len() <= 15);
            }
        }
    }
}
