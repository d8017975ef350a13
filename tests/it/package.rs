//! `device/network.json` and `device/vip.json`, the device's own configuration package:
//! written only with `node_names` (and `build` says why otherwise), the layout of each
//! release, names carried by serde_json whatever they hold, the same bytes every time.

use serde_json::{Value, json};

use crate::support::{asenet, repo_root, scratch_dir, stderr};

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
        "network": package["device"]["network"].clone(),
    } }))
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
