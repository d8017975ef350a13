//! The Azure Private 5G Core artifacts of every AP5GC site (the examples and the valid
//! corpus sites with `[packet_core]`): `data-network-routes.txt` parsed back against the
//! model, and what `site.parameters.json` leaves for its user to fill in. The parameters
//! file against the template and the REST API's formats is a consumer test
//! (tests/it/consumers/private5g.rs).

use std::collections::BTreeSet;
use std::net::Ipv4Addr;
use std::path::PathBuf;

use asenet::emit::site_parameters::PLACEHOLDER_PREFIX;
use ipnet::Ipv4Net;
use serde_json::Value;

use crate::support::{build_file, examples, relative, repo_root};

pub const PARAMETERS: &str = "private5g/site.parameters.json";
const ROUTES: &str = "private5g/data-network-routes.txt";

/// The examples and valid corpus sites with `[packet_core]`.
pub fn sites() -> Vec<PathBuf> {
    let corpus = std::fs::read_dir(repo_root().join("tests/corpus")).unwrap().map(|entry| entry.unwrap().path());
    let mut sites: Vec<PathBuf> = examples()
        .into_iter()
        .chain(corpus.filter(|path| path.file_name().unwrap().to_str().unwrap().starts_with("valid-")))
        .filter(|path| std::fs::read_to_string(path).unwrap().contains("\n[packet_core]"))
        .collect();
    sites.sort();
    sites
}

pub fn artifact(files: &[asenet::emit::OutputFile], path: &str) -> Option<String> {
    files.iter().find(|file| file.path == path).map(|file| file.contents.clone())
}

#[test]
fn what_the_file_does_not_say_is_left_as_a_marked_placeholder() {
    let files = build_file(&repo_root().join("examples/ap5gc-pro-2.toml"));
    let file: Value = serde_json::from_str(&artifact(&files, PARAMETERS).unwrap()).unwrap();
    let placeholders: Vec<&str> = file["parameters"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(name, parameter)| parameter["value"].as_str() == Some(&format!("{PLACEHOLDER_PREFIX}{name}")))
        .map(|(name, _)| name.as_str())
        .collect();
    // The example has no `location`, `mobile_network` or `custom_location`: those three, and
    // only those, are left to fill in.
    assert_eq!(placeholders, ["customLocation", "existingMobileNetworkName", "location"]);
    assert_eq!(file["parameters"]["siteName"]["value"], "wh-dallas", "the device's name when `site` is absent");
}

#[test]
fn data_network_routes_are_each_ue_pool_via_its_interface() {
    let mut routed_sites = 0;
    for path in sites() {
        let source = std::fs::read_to_string(&path).unwrap();
        let network = asenet::check(&source).network.unwrap();
        let core = network.packet_core.as_ref().unwrap();
        let expected: BTreeSet<(Ipv4Net, Ipv4Addr)> = core
            .data_networks
            .iter()
            .filter(|network| !network.napt.value)
            .flat_map(|network| network.pools().map(|(_, pool)| (pool.value, network.interface.address.value)))
            .collect();
        let files = build_file(&path);
        let Some(text) = artifact(&files, ROUTES) else {
            assert!(expected.is_empty(), "{}: routed data networks but no {ROUTES}", relative(&path));
            continue;
        };
        routed_sites += 1;
        let routes: BTreeSet<(Ipv4Net, Ipv4Addr)> = text
            .lines()
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .map(|line| match line.split(' ').collect::<Vec<_>>().as_slice() {
                [destination, "via", next_hop] => (destination.parse().unwrap(), next_hop.parse().unwrap()),
                _ => panic!("{}: not a route: {line:?}", relative(&path)),
            })
            .collect();
        assert_eq!(routes, expected, "{}", relative(&path));
    }
    assert!(routed_sites >= 2, "the Pro GPU and 4G examples route a data network");
}

/// Each packet core interface's virtual network reaches the device through
/// `device/network.json` enabled for Kubernetes, with a pool of exactly the interface's
/// address (see docs/device-facts.md#ap5gc-interface-pools); the AP5GC examples name their
/// nodes, so each writes the package.
#[test]
fn interface_networks_are_enabled_for_kubernetes_with_a_one_address_pool_in_the_package() {
    let mut packages = 0;
    for path in sites() {
        let files = build_file(&path);
        let is_example = path.starts_with(repo_root().join("examples"));
        let Some(package) = artifact(&files, "device/network.json") else {
            assert!(!is_example, "{}: an AP5GC example writes no device/network.json", relative(&path));
            continue;
        };
        packages += 1;
        let package: Value = serde_json::from_str(&package).unwrap();
        let networks = package["device"]["network"]["virtualNetworks"].as_array().unwrap();
        let network = asenet::check(&std::fs::read_to_string(&path).unwrap()).network.unwrap();
        let core = network.packet_core.as_ref().unwrap();
        for interface in core.interfaces() {
            let name = &interface.virtual_network.value;
            let written = networks.iter().find(|vnet| vnet["name"] == name.as_str());
            let written = written.unwrap_or_else(|| panic!("{}: no virtual network `{name}`", relative(&path)));
            assert_eq!(written["enabledForKubernetes"], true, "{}: `{name}`", relative(&path));
            let address = interface.address.value;
            assert_eq!(
                written["ipAddressPools"],
                serde_json::json!([{ "name": "VirtualMachineIPs", "ipAddressRange": format!("{address}-{address}") }]),
                "{}: `{name}`",
                relative(&path)
            );
        }
    }
    assert!(packages >= 3, "only {packages} AP5GC packages");
}
