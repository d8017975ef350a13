//! `device/network.json` and `device/vip.json` against the shape the device's configuration
//! API documents: `tests/device-package/network.schema.json`, written from Microsoft Learn's
//! sample exports, the vendored Azure-Samples exports and Microsoft's AP5GC automation (see
//! that directory's PROVENANCE.md). Each package is held to the layout of the release its
//! device file names, and the schema itself is held to the real exports: they must pass it,
//! so that it describes what devices write and not only what asenet writes.

use std::path::Path;

use serde_json::{Value, json};

use super::{inputs, network, schema_violations};
use crate::support::{build_file, relative, repo_root};

fn schema() -> Value {
    let text = std::fs::read_to_string(repo_root().join("tests/device-package/network.schema.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The schema with its root replaced by one of its definitions.
fn definition(name: &str) -> Value {
    let mut schema = schema();
    schema["$ref"] = json!(format!("#/$defs/{name}"));
    schema
}

/// A vendored export (UTF-16LE with a byte order mark) as JSON.
fn export(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap();
    let units: Vec<u16> = bytes[2..].chunks_exact(2).map(|pair| u16::from_le_bytes([pair[0], pair[1]])).collect();
    serde_json::from_str(&String::from_utf16(&units).unwrap()).unwrap()
}

#[test]
fn every_package_has_the_documented_shape_of_its_release() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for path in inputs() {
        let files = build_file(&path);
        let release = network(&path).device.package_layout().release();
        for file in &files {
            let layout = match file.path.as_str() {
                "device/network.json" => format!("layout{release}"),
                "device/vip.json" => "vips".to_owned(),
                _ => continue,
            };
            checked += 1;
            let instance: Value = serde_json::from_str(&file.contents).unwrap();
            for violation in schema_violations(&definition(&layout), &instance) {
                failures.push(format!("{} {} ({layout}): {violation}", relative(&path), file.path));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 5, "only {checked} packages checked: the examples should write several");
}

#[test]
fn the_vendored_exports_have_the_shape_the_schema_documents() {
    let dir = repo_root().join("tests/import/azure-samples");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|extension| extension != "json") {
            continue;
        }
        let export = export(&path);
        let package = json!({ "device": { "network": export["device"]["network"].clone() } });
        for layout in ["package", "layout2309"] {
            let violations = schema_violations(&definition(layout), &package);
            assert!(violations.is_empty(), "{} ({layout}): {}", relative(&path), violations.join("\n"));
        }
        let violations = schema_violations(&definition("layout2312"), &package);
        assert!(!violations.is_empty(), "{}: a 2309-layout export passes as 2312's", relative(&path));
        checked += 1;
    }
    assert_eq!(checked, 2);
}

#[test]
fn the_schema_rejects_what_the_device_would_not_take() {
    let good = json!({ "device": { "network": {
        "interfaces": [{ "name": "Port2", "nodeName": "HW1", "isDhcpEnabled": false,
            "iPv4": { "address": "10.0.0.5", "subnetMask": "255.255.255.0", "gateway": null },
            "dnsServerAddresses": null }],
        "vSwitches": [{ "name": "vswitch-port2", "interfaces": ["Port2"], "enabledForCompute": true,
            "ipAddressPools": [{ "name": "KubernetesNodeIPs", "ipAddressRange": "10.0.0.20-10.0.0.21" }] }],
        "virtualNetworks": [{ "name": "N2", "vSwitchName": "vswitch-port2", "vlanId": 0,
            "subnetMask": "255.255.255.0", "gateway": "10.0.0.1", "network": "10.0.0.0/24",
            "enabledForKubernetes": true,
            "ipAddressPools": [{ "name": "VirtualMachineIPs", "ipAddressRange": "10.0.0.30-10.0.0.30" }] }]
    } } });
    assert_eq!(schema_violations(&definition("layout2403"), &good), Vec::<String>::new());
    let broken: [(&str, &str, Value); 6] = [
        ("a mask that is not a mask", "/device/network/interfaces/0/iPv4/subnetMask", json!("255.0.255.0")),
        ("an address with a prefix", "/device/network/interfaces/0/iPv4/address", json!("10.0.0.5/24")),
        ("a bare pool address", "/device/network/vSwitches/0/ipAddressPools/0/ipAddressRange", json!("10.0.0.20")),
        ("a port the device has not", "/device/network/interfaces/0/name", json!("Port7")),
        ("a 2403 network without a prefix", "/device/network/virtualNetworks/0/network", json!("10.0.0.0")),
        ("a VLAN out of range", "/device/network/virtualNetworks/0/vlanId", json!(4095)),
    ];
    for (what, pointer, value) in broken {
        let mut package = good.clone();
        *package.pointer_mut(pointer).unwrap() = value;
        assert!(!schema_violations(&definition("layout2403"), &package).is_empty(), "{what} passes");
    }
    let mut old = good.clone();
    old["device"]["network"]["vSwitches"][0]["interfaceName"] = json!("Port2");
    assert!(!schema_violations(&definition("layout2403"), &old).is_empty(), "both port fields pass");
}
