//! What must hold for any input whatsoever: shared by the property tests
//! (`tests/it/properties.rs`) and the fuzz targets (`fuzz/`). Each function panics
//! with the reason when an invariant breaks.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use crate::diagnostic::human::{self, Style};
use crate::diagnostic::json::{self, FileReport};
use crate::emit::{PreviousManifest, path_problem};
use crate::model::{AddrRange, Network, ServiceType, reserved_cluster_ips};

/// Checks `bytes` as a file and holds the whole pipeline to its invariants: diagnostics
/// point into the file, come sorted and the same each time; rendering them never panics
/// and stays small; a file without errors builds (unless a name is refused), a file with
/// errors never does; artifacts have safe paths and rebuild identically; allocation hands
/// out no reserved, duplicate or out-of-pool address.
pub fn check_everything(bytes: &[u8]) {
    let checked = crate::check_bytes(bytes);
    let source = String::from_utf8_lossy(bytes);
    for diagnostic in &checked.diagnostics {
        let spans = std::iter::once(diagnostic.span).chain(diagnostic.labels.iter().map(|label| label.span));
        for span in spans {
            assert!(span.start <= span.end && span.end <= bytes.len() + 1, "{diagnostic:?} points outside the file");
        }
    }
    let keys: Vec<_> = checked.diagnostics.iter().map(|d| (d.span, d.code())).collect();
    assert!(keys.is_sorted(), "diagnostics are sorted by position, then code");
    assert!(checked.network.is_some() || checked.has_errors(), "a file that is not TOML has an error");
    assert_eq!(crate::check_bytes(bytes).diagnostics, checked.diagnostics, "check is deterministic");

    let report = human::render("f.toml", &source, &checked.diagnostics, Style::PLAIN);
    assert!(report.len() <= 100 + 20_000 * checked.diagnostics.len(), "the human report is bounded");
    let document = json::render(&[FileReport { path: "f.toml", source: &source, diagnostics: &checked.diagnostics }]);
    let document: serde_json::Value = serde_json::from_str(&document).expect("the JSON report is JSON");
    assert_eq!(document["files"][0]["diagnostics"].as_array().map(Vec::len), Some(checked.diagnostics.len()));

    if let Some(network) = &checked.network {
        allocation(network);
    }
    let Ok(source) = std::str::from_utf8(bytes) else { return };
    match crate::build(source, &PreviousManifest::default()) {
        Ok(built) => {
            assert!(!checked.has_errors(), "no artifact from a file with an error");
            artifacts(source, &built.files);
        }
        Err(diagnostics) => {
            assert!(diagnostics.iter().any(|d| d.is_error()), "a refused build says why");
            if !checked.has_errors() {
                assert!(
                    diagnostics.iter().any(|d| d.code() == "ASE401" && d.is_error()),
                    "a clean file builds unless a name is refused: {diagnostics:?}"
                );
            }
        }
    }
}

/// Artifact paths are safe, unique and sorted; no artifact holds a hidden character
/// (`escape::is_hidden`); the manifest reads back and a rebuild with it changes nothing.
pub fn artifacts(source: &str, files: &[crate::emit::OutputFile]) {
    for file in files {
        assert_eq!(path_problem(&file.path), None, "unsafe artifact path {:?}", file.path);
        let hidden = file.contents.chars().find(|&c| crate::escape::is_hidden(c));
        assert_eq!(hidden, None, "a hidden character in {:?}", file.path);
    }
    let paths: Vec<&str> = files.iter().map(|file| file.path.as_str()).collect();
    assert!(paths.windows(2).all(|pair| pair[0] < pair[1]), "paths are unique and sorted: {paths:?}");
    let manifest = files.iter().find(|file| file.path == "manifest.json").expect("a manifest");
    let previous = PreviousManifest::parse(&manifest.contents).expect("the manifest reads back");
    let again = crate::build(source, &previous).expect("a rebuild builds");
    assert_eq!(again.files, files, "a rebuild over the same manifest changes nothing");
}

/// Allocation (docs/input-format.md): an address a service was given rather than pinned is inside its
/// pool, is no reserved cluster IP, and is nobody else's, except within a `share_ip` group.
pub fn allocation(network: &Network) {
    let Some(kubernetes) = &network.kubernetes else { return };
    let cidr = kubernetes.service_cidr.value.trunc();
    let reserved: Vec<Ipv4Addr> = reserved_cluster_ips(cidr).into_iter().map(|(address, _)| address).collect();
    let mut cluster: BTreeMap<Ipv4Addr, usize> = BTreeMap::new();
    for service in &network.services {
        if let Some(address) = service.allocated.cluster_ip {
            *cluster.entry(address).or_default() += 1;
        }
    }
    for service in network.services.iter().filter(|service| service.cluster_ip.is_none()) {
        let Some(address) = service.allocated.cluster_ip else { continue };
        assert!(cidr.contains(&address), "cluster IP {address} outside {cidr}");
        assert!(!reserved.contains(&address), "reserved cluster IP {address} handed out");
        assert_eq!(cluster[&address], 1, "cluster IP {address} handed out twice");
    }

    let pool: Option<AddrRange> = kubernetes.service_ips.map(|pool| pool.value);
    let load_balancers = || network.services.iter().filter(|service| service.kind.value == ServiceType::LoadBalancer);
    for service in network.services.iter().filter(|service| service.kind.value == ServiceType::ClusterIp) {
        assert_eq!(service.allocated.external_ip, None, "a ClusterIP service has no external IP");
    }
    let group = |service: &crate::model::Service| service.share_ip.as_ref().map(|key| key.value.clone());
    // A group's first pin is the group's address.
    let mut group_pins: BTreeMap<String, Ipv4Addr> = BTreeMap::new();
    let mut pinned: Vec<Ipv4Addr> = Vec::new();
    for service in load_balancers() {
        if let Some(pin) = service.load_balancer_ip {
            pinned.push(pin.value);
            if let Some(key) = group(service) {
                group_pins.entry(key).or_insert(pin.value);
            }
        }
    }
    if let Some(edgehub) = kubernetes.edgehub_ip {
        assert!(pool.is_some_and(|pool| pool.contains(edgehub)), "edgehub's {edgehub} is outside the pool");
        assert!(!pinned.contains(&edgehub), "edgehub's {edgehub} is pinned by a service");
    }
    // Each address handed out from the pool, with the groups it went to (`None`: no group).
    let mut handed_out: BTreeMap<Ipv4Addr, Vec<Option<String>>> = BTreeMap::new();
    for service in load_balancers().filter(|service| service.load_balancer_ip.is_none()) {
        let Some(address) = service.allocated.external_ip else { continue };
        if let Some(pin) = group(service).and_then(|key| group_pins.get(&key).copied()) {
            assert_eq!(address, pin, "a sharing group shares its pin");
            continue;
        }
        assert!(pool.is_some_and(|pool| pool.contains(address)), "external IP {address} outside the pool");
        assert!(!pinned.contains(&address), "external IP {address} handed out though a service pins it");
        assert_ne!(Some(address), kubernetes.edgehub_ip, "external IP {address} is edgehub's");
        handed_out.entry(address).or_default().push(group(service));
    }
    for (address, groups) in handed_out {
        let first = &groups[0];
        assert!(
            first.is_some() && groups.iter().all(|group| group == first) || groups.len() == 1,
            "external IP {address} handed out to {groups:?}"
        );
    }
}

/// `bytes` as each export `asenet import` reads (the configuration, with and without a
/// model given; the virtual IPs beside `two_node`, a two-node configuration export; the
/// cluster's objects beside `with_kubernetes`, one with Kubernetes): it never panics, gives
/// the same answer twice, every problem has a path, and what it imports reads without input
/// errors (ASE0xx) and holds every invariant of a checked file.
pub fn import_holds(bytes: &[u8], two_node: &[u8], with_kubernetes: &[u8]) {
    use crate::import::{Inputs, Sources, import};
    use crate::model::DeviceModel;
    let none = Sources { device: "CONFIG.json", vip: None, cluster: None };
    let cases = [
        Inputs { device: bytes, vip: None, cluster: None, model: None, name: None, sources: Sources { ..none } },
        Inputs {
            device: bytes,
            vip: None,
            cluster: None,
            model: Some(DeviceModel::Pro2),
            name: None,
            sources: Sources { ..none },
        },
        Inputs {
            device: two_node,
            vip: Some(bytes),
            cluster: None,
            model: Some(DeviceModel::Pro2),
            name: None,
            sources: Sources { vip: Some("VIP.json"), ..none },
        },
        Inputs {
            device: with_kubernetes,
            vip: None,
            cluster: Some(bytes),
            model: None,
            name: None,
            sources: Sources { cluster: Some("CLUSTER.json"), ..none },
        },
    ];
    for inputs in cases {
        let result = import(&inputs);
        match &result {
            Ok(imported) => {
                let input_errors: Vec<String> = crate::check(&imported.text)
                    .diagnostics
                    .iter()
                    .filter(|diagnostic| diagnostic.code().starts_with("ASE0"))
                    .map(|diagnostic| format!("{} {}", diagnostic.code(), diagnostic.message))
                    .collect();
                assert!(input_errors.is_empty(), "an import with input errors: {input_errors:?}\n{}", imported.text);
                check_everything(imported.text.as_bytes());
                assert_eq!(import(&inputs).map(|again| again.text).ok().as_ref(), Some(&imported.text));
            }
            Err(problems) => {
                assert!(!problems.is_empty(), "a refused import says why");
                assert!(problems.iter().all(|problem| !problem.path.is_empty() && !problem.message.is_empty()));
                assert_eq!(import(&inputs).err().as_ref(), Some(problems), "import is deterministic");
            }
        }
    }
}
