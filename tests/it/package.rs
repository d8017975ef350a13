//! `device/network.json` and `device/vip.json`, the device's own configuration package:
//! written only with `node_names` (and `build` says why otherwise), the layout of each
//! release, names carried by serde_json whatever they hold, the same bytes every time; and
//! the round trips: `asenet import` of a package gives back the model on every field the
//! package carries (every example and corpus file, generated device files), and `build` of
//! a vendored export's import writes that export's network.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use asenet::import::{Inputs, Sources};
use asenet::model::{DEFAULT_MTU, DeviceModel, Network, NodeCount, PortConfig};
use ipnet::Ipv4Net;
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::support::{asenet, examples, relative, repo_root, repository_files, scratch_dir, stderr};

const NETWORK: &str = "device/network.json";
const VIP: &str = "device/vip.json";

/// A one-node device with a static and a DHCP port, one switch per port,
/// compute on Port2's, a virtual network enabled for Kubernetes with a pool.
const DEVICE: &str = r#"[device]
name = "store042"
model = "pro-gpu"
node_names = ["1HXQG13"]

[ports.Port2]
address = "192.168.10.20/24"
gateway = "192.168.10.1"
dns = ["192.168.10.53"]
mtu = 1500

[ports.Port3]
dhcp = true

[switches.vswitch-port2]
ports = ["Port2"]
compute = true

[switches.vswitch-port3]
ports = ["Port3"]

[kubernetes]
node_ips = "192.168.10.30-192.168.10.31"
service_ips = "192.168.10.40-192.168.10.49"

[[virtual_networks]]
name = "vnet-cameras"
switch = "vswitch-port2"
vlan = 10
subnet = "10.20.10.0/24"
gateway = "10.20.10.1"
kubernetes = true
ip_pool = "10.20.10.100-10.20.10.149"
"#;

fn built(source: &str) -> asenet::Built {
    asenet::build(source, &asenet::emit::PreviousManifest::default()).unwrap_or_else(|errors| panic!("{errors:?}"))
}

fn file(built: &asenet::Built, path: &str) -> Option<Value> {
    let file = built.files.iter().find(|file| file.path == path)?;
    Some(serde_json::from_str(&file.contents).unwrap())
}

fn with_release(release: Option<u16>) -> String {
    match release {
        Some(release) => DEVICE.replacen("node_names", &format!("software_version = {release}\nnode_names"), 1),
        None => DEVICE.to_owned(),
    }
}

#[test]
fn the_package_is_the_network_declaration_of_the_newest_layout_by_default() {
    let built = built(DEVICE);
    assert_eq!(built.notes, Vec::<String>::new());
    let package = file(&built, NETWORK).expect("a package");
    assert_eq!(
        package,
        json!({ "device": { "network": {
            "interfaces": [
                { "name": "Port2", "nodeName": "1HXQG13", "isDhcpEnabled": false,
                  "iPv4": { "address": "192.168.10.20", "subnetMask": "255.255.255.0", "gateway": "192.168.10.1" },
                  "dnsServerAddresses": ["192.168.10.53"] },
                { "name": "Port3", "nodeName": "1HXQG13", "isDhcpEnabled": true, "iPv4": null,
                  "dnsServerAddresses": null }
            ],
            "vSwitches": [
                { "name": "vswitch-port2", "interfaces": ["Port2"], "enabledForCompute": true,
                  "ipAddressPools": [
                      { "name": "KubernetesNodeIPs", "ipAddressRange": "192.168.10.30-192.168.10.31" },
                      { "name": "KubernetesServiceIPs", "ipAddressRange": "192.168.10.40-192.168.10.49" }
                  ],
                  "mtu": 1500 },
                { "name": "vswitch-port3", "interfaces": ["Port3"], "enabledForCompute": false, "ipAddressPools": [] }
            ],
            "virtualNetworks": [
                { "name": "vnet-cameras", "vSwitchName": "vswitch-port2", "vlanId": 10, "subnetMask": "255.255.255.0",
                  "gateway": "10.20.10.1", "network": "10.20.10.0/24", "enabledForKubernetes": true,
                  "ipAddressPools": [{ "name": "VirtualMachineIPs", "ipAddressRange": "10.20.10.100-10.20.10.149" }] }
            ]
        } } })
    );
    assert!(file(&built, VIP).is_none(), "a one-node device has no virtual IPs");
}

#[test]
fn each_release_gets_its_layout() {
    let switch = |package: &Value| package["device"]["network"]["vSwitches"][0].clone();
    let vnet_network = |package: &Value| package["device"]["network"]["virtualNetworks"][0]["network"].clone();
    for (release, interface_name, network) in [
        (Some(2105), true, "10.20.10.0"),
        (Some(2309), true, "10.20.10.0"),
        (Some(2312), false, "10.20.10.0"),
        (Some(2401), false, "10.20.10.0"),
        (Some(2403), false, "10.20.10.0/24"),
        (Some(2501), false, "10.20.10.0/24"),
        (None, false, "10.20.10.0/24"),
    ] {
        let package = file(&built(&with_release(release)), NETWORK).unwrap();
        let switch = switch(&package);
        if interface_name {
            assert_eq!(switch["interfaceName"], "Port2", "{release:?}");
            assert!(switch.get("interfaces").is_none(), "{release:?}");
        } else {
            assert_eq!(switch["interfaces"], json!(["Port2"]), "{release:?}");
            assert!(switch.get("interfaceName").is_none(), "{release:?}");
        }
        assert_eq!(vnet_network(&package), network, "{release:?}");
    }
}

#[test]
fn a_release_out_of_bounds_is_an_input_error() {
    for release in ["2000", "9913", "-1", "99999999999"] {
        let source = DEVICE.replacen("node_names", &format!("software_version = {release}\nnode_names"), 1);
        let codes = crate::support::codes(&source);
        assert_eq!(codes, ["ASE003"], "{release}");
    }
}

#[test]
fn without_node_names_build_writes_the_rest_and_says_why() {
    let source = DEVICE.replacen("node_names = [\"1HXQG13\"]\n", "", 1);
    let built = built(&source);
    assert!(file(&built, NETWORK).is_none());
    assert!(built.files.iter().any(|file| file.path == "kubernetes/services.yaml"));
    assert_eq!(built.notes.len(), 1, "{:?}", built.notes);
    assert!(built.notes[0].contains("`node_names`"), "{}", built.notes[0]);

    let out = scratch_dir("package-note");
    let input = out.join("device.toml");
    std::fs::write(&input, &source).unwrap();
    let dir = out.join("out");
    let output = asenet(&["build", input.to_str().unwrap(), "--out", dir.to_str().unwrap()], b"");
    assert!(output.status.success(), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("note: `device/network.json` is not written: `[device]` has no `node_names`"), "{err}");
    assert!(!dir.join(NETWORK).exists());
    let with_names = asenet(&["build", "-", "--out", dir.to_str().unwrap()], DEVICE.as_bytes());
    assert!(with_names.status.success(), "{}", stderr(&with_names));
    assert!(!stderr(&with_names).contains("note:"), "{}", stderr(&with_names));
    assert!(dir.join(NETWORK).is_file());
}

#[test]
fn what_the_layout_cannot_say_is_a_note_not_a_guess() {
    let cases = [
        (
            "compute on a virtual network",
            DEVICE
                .replacen("compute = true\n", "", 1)
                .replacen("kubernetes = true\n", "compute = true\n", 1)
                .replace("192.168.10.30-192.168.10.31", "10.20.10.30-10.20.10.31")
                .replace("192.168.10.40-192.168.10.49", "10.20.10.40-10.20.10.49"),
            "compute runs on virtual network `vnet-cameras`",
        ),
        (
            "one address on a two-node device",
            DEVICE
                .replacen("node_names = [\"1HXQG13\"]", "nodes = 2\nnode_names = [\"HWDH1T2\", \"1D9NHQ2\"]", 1)
                .replacen(
                    "node_ips = \"192.168.10.30-192.168.10.31\"",
                    "node_ips = \"192.168.10.30-192.168.10.32\"",
                    1,
                ),
            "Port2 has one `address` on a two-node device",
        ),
    ];
    for (what, source, note) in cases {
        let checked = asenet::check(&source);
        assert!(!checked.has_errors(), "{what}: {:?}", checked.diagnostics);
        let built = built(&source);
        assert!(file(&built, NETWORK).is_none(), "{what}");
        assert!(built.notes.iter().any(|written| written.contains(note)), "{what}: {:?}", built.notes);
    }
}

#[test]
fn a_two_node_package_gives_each_node_its_own_address_and_the_virtual_ips_their_file() {
    let source = std::fs::read_to_string(repo_root().join("examples/two-node-gpu.toml")).unwrap();
    let built = built(&source);
    let package = file(&built, NETWORK).unwrap();
    let port2: Vec<(Value, Value)> = package["device"]["network"]["interfaces"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|interface| interface["name"] == "Port2")
        .map(|interface| (interface["nodeName"].clone(), interface["iPv4"]["address"].clone()))
        .collect();
    assert_eq!(port2, [(json!("HWDH1T2"), json!("10.40.2.15")), (json!("1D9NHQ2"), json!("10.40.2.16"))]);
    assert_eq!(
        file(&built, VIP).unwrap(),
        json!([
            { "Type": "ACS", "VipAddress": "10.40.2.20", "ClusterNetworkAddress": "10.40.2.0", "IsDhcpEnabled": false },
            { "Type": "NFS", "VipAddress": "10.40.2.21", "ClusterNetworkAddress": "10.40.2.0", "IsDhcpEnabled": false }
        ])
    );
}

/// Names reach the package through serde_json: a switch name holding every character a
/// switch name may (brackets, `#`, `<`, `{`, a non-ASCII letter, inner spaces) reads back
/// as written.
#[test]
fn names_read_back_from_the_package_as_written() {
    for name in ["a<b]#{é} c", "vSwitch 1", "x]>&;|", "日本"] {
        let quoted = serde_json::to_string(name).unwrap();
        let source = DEVICE
            .replace("[switches.vswitch-port3]", &format!("[switches.{quoted}]"))
            .replace("\"vswitch-port3\"", &quoted);
        let built = built(&source);
        let package = file(&built, NETWORK).unwrap();
        let switches = package["device"]["network"]["vSwitches"].as_array().unwrap();
        let port3 = switches.iter().find(|switch| switch["interfaces"] == json!(["Port3"])).unwrap();
        assert_eq!(port3["name"], name, "{name:?}");
    }
}

#[test]
fn the_package_is_the_same_bytes_every_time() {
    let first = built(DEVICE).files;
    for _ in 0..3 {
        assert_eq!(built(DEVICE).files, first);
    }
}

/// What `Get-DeviceConfiguration | To-json` would show of a device configured with the
/// package built from `source`: the package's `network`, with the `deviceInfo` and
/// `deviceEndpoint` the device file names. `None` when no package is written.
pub fn export_of(source: &str) -> Option<Value> {
    let built = built(source);
    let package = file(&built, NETWORK)?;
    let network = asenet::check(source).network.unwrap();
    let device = &network.device;
    let names: Vec<String> = device.node_names.as_ref().unwrap().value.iter().map(|name| name.value.clone()).collect();
    let nodes: Vec<Value> = names
        .iter()
        .enumerate()
        .map(|(index, name)| json!({ "id": format!("00000000-0000-0000-0000-00000000000{index}"), "name": name }))
        .collect();
    Some(json!({ "device": {
        "deviceInfo": { "model": "Azure Stack Edge", "softwareVersion": "3.2.2380.1548",
                        "serialNumber": names[0], "isActivated": true, "nodes": nodes },
        "deviceEndpoint": { "name": device.name.as_ref().unwrap().value,
                            "dnsDomain": device.domain.as_ref().map(|domain| domain.value.clone()) },
        "network": network_as_exported(&network, &package["device"]["network"], &names),
    } }))
}

/// The package's network as the device exports it: every port of a switch is listed, on
/// each node, even one the file leaves unconfigured (the device keeps its own settings:
/// here DHCP, as the ports of Microsoft's samples are).
fn network_as_exported(network: &Network, package: &Value, names: &[String]) -> Value {
    let mut exported = package.clone();
    let interfaces = exported["interfaces"].as_array_mut().unwrap();
    for switch in &network.switches {
        for port in &switch.ports {
            let name = port.value.to_string();
            if interfaces.iter().any(|interface| interface["name"] == name.as_str()) {
                continue;
            }
            for node in names {
                interfaces.push(json!({ "name": name, "nodeName": node, "isDhcpEnabled": true, "iPv4": null,
                                        "dnsServerAddresses": null }));
            }
        }
    }
    exported
}

/// What `Get-DeviceVip | To-json` would show of a two-node device given `device/vip.json`.
pub fn vip_export_of(source: &str) -> Option<Value> {
    let vips = file(&built(source), VIP)?;
    let network = asenet::check(source).network.unwrap();
    let mut export = serde_json::Map::new();
    for vip in vips.as_array().unwrap() {
        let (key, name) = if vip["Type"] == "ACS" {
            ("acsVIP", "Azure Consistent Services")
        } else {
            ("nfsVIP", "Network File System")
        };
        let address: std::net::Ipv4Addr = vip["ClusterNetworkAddress"].as_str().unwrap().parse().unwrap();
        let net = network.virtual_ips.iter().find(|known| known.cluster_network.value.network() == address).unwrap();
        let mask = net.cluster_network.value.netmask().to_string();
        let dhcp = vip["IsDhcpEnabled"] == true;
        export.insert(
            key.to_owned(),
            json!({ "type": vip["Type"], "name": name, "address": vip["VipAddress"],
                    "network": { "name": "Cluster Network 1", "address": address.to_string(), "subnet": mask,
                                 "dhcpEnabled": dhcp },
                    "isDhcpEnabled": dhcp }),
        );
    }
    Some(Value::Object(export))
}
// ---- what the package carries, as one comparable value -------------------------------------

/// A range as its first and last address, however written (`FIRST-LAST`, one address, a CIDR).
fn range(text: &str) -> (Ipv4Addr, Ipv4Addr) {
    if let Some((first, last)) = text.split_once('-') {
        return (first.trim().parse().unwrap(), last.trim().parse().unwrap());
    }
    if let Ok(net) = text.parse::<Ipv4Net>() {
        return (net.network(), net.broadcast());
    }
    let address: Ipv4Addr = text.parse().unwrap();
    (address, address)
}

/// A port on one node: its address and prefix, gateway and DNS servers; `None` on DHCP.
type CarriedPort = Option<(Ipv4Net, Option<Ipv4Addr>, Vec<Ipv4Addr>)>;
/// A pool's first and last address, by pool name.
type CarriedPools = BTreeMap<String, (Ipv4Addr, Ipv4Addr)>;
/// A switch: its ports, compute, pools and MTU (the default as none).
type CarriedSwitch = (BTreeSet<String>, bool, CarriedPools, Option<i64>);
/// A virtual network: switch, VLAN, subnet, gateway, enabled for Kubernetes, IP pool.
type CarriedNetwork = (String, i64, Ipv4Net, Ipv4Addr, bool, Option<(Ipv4Addr, Ipv4Addr)>);

/// Every field the package carries: ports by name and node, switches and virtual networks by
/// name. A DHCP port is `None` (its lease is not carried).
#[derive(Debug, PartialEq, Eq)]
struct Carried {
    ports: BTreeMap<(String, String), CarriedPort>,
    switches: BTreeMap<String, CarriedSwitch>,
    vnets: BTreeMap<String, CarriedNetwork>,
}

/// What a package (or an export's `network` section) says.
fn carried_json(network: &Value) -> Carried {
    let strings = |value: &Value| -> Vec<String> {
        value
            .as_array()
            .map(|items| items.iter().map(|item| item.as_str().unwrap().to_owned()).collect())
            .unwrap_or_default()
    };
    let mut ports = BTreeMap::new();
    for interface in network["interfaces"].as_array().unwrap() {
        let key = (interface["name"].as_str().unwrap().to_owned(), interface["nodeName"].as_str().unwrap().to_owned());
        let value = if interface["isDhcpEnabled"] == true {
            None
        } else {
            let ipv4 = &interface["iPv4"];
            let mask: Ipv4Addr = ipv4["subnetMask"].as_str().unwrap().parse().unwrap();
            let address = Ipv4Net::with_netmask(ipv4["address"].as_str().unwrap().parse().unwrap(), mask).unwrap();
            let gateway = ipv4["gateway"].as_str().map(|gateway| gateway.parse().unwrap());
            let dns = strings(&interface["dnsServerAddresses"]).iter().map(|server| server.parse().unwrap()).collect();
            Some((address, gateway, dns))
        };
        assert!(ports.insert(key, value).is_none(), "a port listed twice for one node");
    }
    let pools = |value: &Value| -> CarriedPools {
        value
            .as_array()
            .unwrap()
            .iter()
            .map(|pool| (pool["name"].as_str().unwrap().to_owned(), range(pool["ipAddressRange"].as_str().unwrap())))
            .collect()
    };
    let switches = network["vSwitches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|switch| {
            let mut members: BTreeSet<String> = strings(&switch["interfaces"]).into_iter().collect();
            members.extend(switch["interfaceName"].as_str().map(str::to_owned));
            let mtu = switch["mtu"].as_i64().filter(|mtu| *mtu != DEFAULT_MTU);
            let value = (members, switch["enabledForCompute"] == true, pools(&switch["ipAddressPools"]), mtu);
            (switch["name"].as_str().unwrap().to_owned(), value)
        })
        .collect();
    let vnets = network["virtualNetworks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|vnet| {
            let mask: Ipv4Addr = vnet["subnetMask"].as_str().unwrap().parse().unwrap();
            let network_text = vnet["network"].as_str().unwrap();
            let address: Ipv4Addr = network_text.split('/').next().unwrap().parse().unwrap();
            let subnet = Ipv4Net::with_netmask(address, mask).unwrap().trunc();
            let pool = pools(&vnet["ipAddressPools"]).remove("VirtualMachineIPs");
            let value = (
                vnet["vSwitchName"].as_str().unwrap().to_owned(),
                vnet["vlanId"].as_i64().unwrap(),
                subnet,
                vnet["gateway"].as_str().unwrap().parse().unwrap(),
                vnet["enabledForKubernetes"] == true,
                pool,
            );
            (vnet["name"].as_str().unwrap().to_owned(), value)
        })
        .collect();
    Carried { ports, switches, vnets }
}

/// What the model holds of the fields the package carries.
fn carried_model(network: &Network) -> Carried {
    let names: Vec<String> = network
        .device
        .node_names
        .as_ref()
        .map(|names| names.value.iter().map(|name| name.value.clone()).collect())
        .unwrap_or_default();
    let mut ports = BTreeMap::new();
    for port in &network.ports {
        for (node, name) in names.iter().enumerate() {
            let value = match &port.config {
                PortConfig::Static(addressing) => {
                    let address = match (node, addressing.second_node) {
                        (1, Some(second)) => second.value,
                        _ => addressing.address.value,
                    };
                    let dns = addressing.dns.iter().map(|server| server.value).collect();
                    Some((address, addressing.gateway.map(|gateway| gateway.value), dns))
                }
                PortConfig::Dhcp { .. } => None,
                PortConfig::Unconfigured => continue,
            };
            ports.insert((port.id.to_string(), name.clone()), value);
        }
    }
    let switches = network
        .switches
        .iter()
        .map(|switch| {
            let members = switch.ports.iter().map(|port| port.value.to_string()).collect();
            let mut pools = BTreeMap::new();
            if let (Some(_), Some(kubernetes)) = (switch.compute, &network.kubernetes) {
                let node_ips = kubernetes.node_ips.value;
                pools.insert("KubernetesNodeIPs".to_owned(), (node_ips.first(), node_ips.last()));
                if let Some(service_ips) = kubernetes.service_ips {
                    pools.insert(
                        "KubernetesServiceIPs".to_owned(),
                        (service_ips.value.first(), service_ips.value.last()),
                    );
                }
            }
            let mtus: BTreeSet<Option<i64>> = switch
                .ports
                .iter()
                .map(|port| network.port(port.value).and_then(|port| port.mtu).map(|mtu| mtu.value))
                .collect();
            let mtu = if mtus.len() == 1 { mtus.into_iter().next().unwrap() } else { None };
            let mtu = mtu.filter(|mtu| *mtu != DEFAULT_MTU);
            (switch.name.value.clone(), (members, switch.compute.is_some(), pools, mtu))
        })
        .collect();
    let vnets = network
        .virtual_networks
        .iter()
        .map(|vnet| {
            let pool = vnet.ip_pool.map(|pool| (pool.value.first(), pool.value.last()));
            let value = (
                vnet.switch.value.clone(),
                vnet.vlan.value,
                vnet.net(),
                vnet.gateway.value,
                vnet.kubernetes.is_some(),
                pool,
            );
            (vnet.name.value.clone(), value)
        })
        .collect();
    Carried { ports, switches, vnets }
}

// ---- round trips through `asenet import` ---------------------------------------------------

/// An export's bytes as text: UTF-16LE or UTF-8, with or without a byte order mark.
fn export_text(bytes: &[u8]) -> String {
    match bytes {
        [0xFF, 0xFE, rest @ ..] => {
            let units: Vec<u16> = rest.chunks_exact(2).map(|pair| u16::from_le_bytes([pair[0], pair[1]])).collect();
            String::from_utf16(&units).unwrap()
        }
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8(rest.to_vec()).unwrap(),
        _ => String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

/// The device file `asenet import` writes from an export (and a VIP export).
fn import(device: &[u8], vip: Option<&[u8]>, model: Option<DeviceModel>) -> String {
    let inputs = Inputs {
        device,
        vip,
        cluster: None,
        model,
        name: None,
        sources: Sources { device: "CONFIG.json", vip: vip.map(|_| "VIP.json"), cluster: None },
    };
    match asenet::import::import(&inputs) {
        Ok(imported) => imported.text,
        Err(problems) => panic!("{problems:?}\n{}", String::from_utf8_lossy(device)),
    }
}

/// `source` with node names when it has none, so that it writes a package.
fn with_node_names(source: &str) -> String {
    let Some(network) = asenet::check(source).network else { return source.to_owned() };
    if network.device.node_names.is_some() || !source.contains("[device]\n") {
        return source.to_owned();
    }
    let names = match network.device.nodes.value {
        NodeCount::One => "[\"NODE1\"]",
        NodeCount::Two => "[\"NODE1\", \"NODE2\"]",
    };
    source.replacen("[device]\n", &format!("[device]\nnode_names = {names}\n"), 1)
}

/// The round trip of one device file: its package says what its model says, and `import`
/// of the package (as the device would export it) gives back a file whose model is the
/// same on every field the package carries, node names and virtual IPs included.
fn assert_round_trip(name: &str, source: &str) -> bool {
    let Some(export) = export_of(source) else { return false };
    let original = asenet::check(source).network.unwrap();
    let expected = carried_model(&original);
    let package = file(&built(source), NETWORK).unwrap();
    assert_eq!(carried_json(&package["device"]["network"]), expected, "{name}: the package says another network");
    let vip = vip_export_of(source).map(|vips| serde_json::to_vec(&vips).unwrap());
    let text = import(&serde_json::to_vec(&export).unwrap(), vip.as_deref(), Some(original.device.model.value));
    let checked = asenet::check(&text);
    assert!(!checked.has_errors(), "{name}: the import has errors {:?}\n{text}", checked.diagnostics);
    let imported = checked.network.unwrap();
    // A port the package does not carry (unconfigured in the file) is the device's own.
    let mut found = carried_model(&imported);
    found.ports.retain(|key, _| expected.ports.contains_key(key));
    assert_eq!(found, expected, "{name}: the import of the package differs\n{text}");
    let names = |network: &Network| {
        network
            .device
            .node_names
            .as_ref()
            .map(|names| names.value.iter().map(|name| name.value.clone()).collect::<Vec<_>>())
    };
    assert_eq!(names(&imported), names(&original), "{name}: node names");
    let vips = |network: &Network| {
        let mut vips: Vec<String> = network
            .virtual_ips
            .iter()
            .map(|vip| {
                format!(
                    "{:?} {:?} {}",
                    vip.kind.value,
                    vip.static_address().map(|a| a.value),
                    vip.cluster_network.value
                )
            })
            .collect();
        vips.sort();
        vips
    };
    if vip.is_some() {
        assert_eq!(vips(&imported), vips(&original), "{name}: virtual IPs");
    }
    true
}

#[test]
fn every_example_and_corpus_file_imports_back_from_its_package() {
    let mut files = examples();
    files.extend(repository_files(&["tests/corpus"], "toml"));
    let mut round_trips = 0;
    for path in &files {
        let source = with_node_names(&std::fs::read_to_string(path).unwrap());
        if asenet::build(&source, &asenet::emit::PreviousManifest::default()).is_err() {
            continue;
        }
        if assert_round_trip(&relative(path), &source) {
            round_trips += 1;
        }
    }
    assert!(round_trips >= 20, "only {round_trips} files wrote a package");
}

/// The vendored real exports (and asenet's exports of each layout): `build` of their import
/// writes a package whose network is the export's on every field the package carries.
#[test]
fn every_vendored_export_builds_back_to_its_network_section() {
    let cases = [
        ("azure-samples/PowerShellBasedConfiguration.json", None),
        ("azure-samples/PowerShellBasedConfiguration-two-node.json", None),
        ("exports/ap5gc-2309.json", None),
        ("exports/ap5gc-2312.json", None),
        ("exports/ap5gc-2403.json", None),
        ("exports/two-node-pro-2.json", Some(DeviceModel::Pro2)),
    ];
    for (name, model) in cases {
        let bytes = std::fs::read(repo_root().join("tests/import").join(name)).unwrap();
        let export: Value = serde_json::from_str(&export_text(&bytes)).unwrap();
        let text = import(&bytes, None, model);
        let built = built(&text);
        let package = file(&built, NETWORK).unwrap_or_else(|| panic!("{name}: no package: {:?}", built.notes));
        assert_eq!(
            carried_json(&package["device"]["network"]),
            carried_json(&export["device"]["network"]),
            "{name}: the package of its import differs\n{text}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any device file the package can carry: it checks clean, writes the package, the
    /// package says what the model says, and the import of the package gives it back.
    #[test]
    fn generated_device_files_round_trip_through_their_package(text in packaged_device()) {
        let checked = asenet::check(&text);
        prop_assert!(checked.diagnostics.iter().all(|d| d.severity != asenet::diagnostic::Severity::Error), "{}\n{:#?}", text, checked.diagnostics);
        let built = built(&text);
        prop_assert!(built.notes.is_empty(), "{}\n{:?}", text, built.notes);
        prop_assert!(assert_round_trip("generated", &text), "{}", text);
    }
}

// ---- generated device files ----------------------------------------------------------------

/// A device file the package can carry: one or two nodes with names, an uplink, a compute
/// port (one address, or each node's), an optional DHCP port on one node, a switch of two
/// ports on 2312 and later, virtual networks enabled for Kubernetes or not, with or without
/// pools, MTUs, and a release of any layout.
fn packaged_device() -> impl Strategy<Value = String> {
    let names = proptest::collection::btree_set("[A-Z0-9][A-Z0-9-]{0,13}[A-Z0-9]", 2);
    let release = proptest::option::of(proptest::sample::select(vec![2105u16, 2309, 2312, 2403, 2411]));
    let vnets = proptest::collection::vec((any::<bool>(), proptest::option::of(0u8..20), 0u16..4094), 0..4);
    (any::<bool>(), names, release, any::<bool>(), proptest::option::of(1400i64..=1500), vnets, any::<bool>()).prop_map(
        |(two, names, release, dhcp, mtu, vnets, service_ips)| {
            let names: Vec<String> = names.into_iter().take(if two { 2 } else { 1 }).collect();
            let mut text = String::from("[device]\nname = \"gen\"\nmodel = \"pro-gpu\"\n");
            text += &format!("nodes = {}\nnode_names = {:?}\n", names.len(), names);
            if let Some(release) = release {
                text += &format!("software_version = {release}\n");
            }
            let address = |subnet: u8, host: u8| {
                if two {
                    format!("addresses = [\"10.{subnet}.0.{host}/24\", \"10.{subnet}.0.{}/24\"]\n", host + 1)
                } else {
                    format!("address = \"10.{subnet}.0.{host}/24\"\n")
                }
            };
            // Port2 the uplink (with an MTU: a pro-gpu's Port5 and Port6 have none); compute on Port5; the data switch on Port3, teamed with Port4
            // on a two-node device of 2312 or later (the one documented pair); Port6 on DHCP.
            text += &format!("\n[ports.Port2]\n{}gateway = \"10.2.0.1\"\ndns = [\"10.2.0.53\"]\n", address(2, 10));
            if let Some(mtu) = mtu {
                text += &format!("mtu = {mtu}\n");
            }
            text += &format!("\n[ports.Port5]\n{}", address(5, 10));
            text += &format!("\n[ports.Port3]\n{}", address(3, 10));
            let pair = two && release.is_none_or(|release| release >= 2312);
            if pair {
                text += &format!("\n[ports.Port4]\n{}", address(3, 12));
            }
            if dhcp && !two {
                text += "\n[ports.Port6]\ndhcp = true\n";
            }
            text += "\n[switches.vswitch-port2]\nports = [\"Port2\"]\n";
            text += "\n[switches.vswitch-compute]\nports = [\"Port5\"]\ncompute = true\n";
            text += if pair {
                "\n[switches.vswitch-data]\nports = [\"Port3\", \"Port4\"]\n"
            } else {
                "\n[switches.vswitch-data]\nports = [\"Port3\"]\n"
            };
            let nodes = names.len() + 1;
            text += &format!("\n[kubernetes]\nnode_ips = \"10.5.0.20-10.5.0.{}\"\n", 19 + nodes);
            if service_ips {
                text += "service_ips = \"10.5.0.40-10.5.0.49\"\n";
            }
            let mut vlans = BTreeSet::new();
            for (index, (kubernetes, pool, vlan)) in vnets.into_iter().enumerate() {
                let vlan = vlan + 1;
                if !vlans.insert(vlan) {
                    continue;
                }
                text += &format!(
                    "\n[[virtual_networks]]\nname = \"vnet-{index}\"\nswitch = \"vswitch-data\"\nvlan = {vlan}\n\
                     subnet = \"10.{0}.0.0/24\"\ngateway = \"10.{0}.0.1\"\n",
                    100 + index
                );
                if kubernetes {
                    text += "kubernetes = true\n";
                }
                if let Some(size) = pool {
                    text += &format!("ip_pool = \"10.{0}.0.100-10.{0}.0.{1}\"\n", 100 + index, 100 + size);
                }
            }
            text
        },
    )
}
