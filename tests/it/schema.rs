//! The JSON Schema of the input (`schemas/asenet.schema.json`): the same tables and keys as
//! the TOML walker, every example and every quiet fixture valid, real mistakes rejected.

use std::collections::BTreeSet;

use asenet::syntax;
use serde_json::Value;

use crate::support::{asenet, relative, repo_root, schema_violations, stdout};

fn schema() -> Value {
    let text = std::fs::read_to_string(repo_root().join("schemas/asenet.schema.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// A TOML document as the JSON value a schema validator sees.
fn toml_to_json(source: &str) -> Value {
    let table: toml::Table = toml::from_str(source).expect("valid TOML");
    serde_json::to_value(table).unwrap()
}

fn violations(source: &str) -> Vec<String> {
    schema_violations(&schema(), &toml_to_json(source))
}

fn keys(object: &Value) -> BTreeSet<&str> {
    object.as_object().expect("an object").keys().map(String::as_str).collect()
}

fn set<'a>(keys: &[&'a str]) -> BTreeSet<&'a str> {
    keys.iter().copied().collect()
}

#[test]
fn every_table_has_the_keys_the_toml_walker_reads() {
    let schema = schema();
    let definition = |name: &str| &schema["$defs"][name];
    let read = syntax::table_keys();
    let walker = |table: &str| read.iter().find(|(name, _)| *name == table).map(|(_, keys)| keys.clone()).unwrap();
    let tables = [
        ("the top level", &schema),
        ("[device]", &schema["properties"]["device"]),
        ("[ports.X]", definition("Port")),
        ("[switches.X]", definition("Switch")),
        ("[kubernetes]", definition("Kubernetes")),
        ("[[services]]", definition("Service")),
        ("a service port", definition("ServicePort")),
        ("[[routes]]", definition("Route")),
        ("[[virtual_networks]]", definition("VirtualNetwork")),
        ("[[bgp_peers]]", definition("BgpPeer")),
        ("[[virtual_ips]]", definition("VirtualIp")),
        ("[packet_core]", definition("PacketCore")),
        ("a packet core interface", definition("PacketCoreInterface")),
        ("[[packet_core.data_networks]]", definition("DataNetwork")),
        ("[lint]", definition("Lint")),
    ];
    assert_eq!(read.len(), tables.len(), "every table the walker reads is compared");
    for (table, object) in tables {
        let walker_keys = walker(table);
        assert_eq!(walker_keys.len(), set(&walker_keys).len(), "{table} reads each key once");
        assert_eq!(keys(&object["properties"]), set(&walker_keys), "{table}: schema keys against keys read");
        assert_eq!(object["additionalProperties"], false, "{table} refuses other keys, as the walker does (ASE002)");
    }
}

#[test]
fn every_property_has_a_description() {
    fn walk(value: &Value, path: &str, missing: &mut Vec<String>) {
        let Some(object) = value.as_object() else { return };
        if let Some(Value::Object(properties)) = object.get("properties") {
            for (name, property) in properties {
                let is_port = name.starts_with("Port");
                if property.get("description").is_none() && !is_port {
                    missing.push(format!("{path}/{name}"));
                }
                walk(property, &format!("{path}/{name}"), missing);
            }
        }
        if let Some(Value::Object(definitions)) = object.get("$defs") {
            for (name, definition) in definitions {
                walk(definition, &format!("$defs/{name}"), missing);
            }
        }
    }
    let mut missing = Vec::new();
    walk(&schema(), "", &mut missing);
    assert!(missing.is_empty(), "no description: {missing:?}");
}

#[test]
fn asenet_schema_prints_the_committed_file() {
    let output = asenet(&["schema"], b"");
    assert_eq!(output.status.code(), Some(0));
    let committed = std::fs::read_to_string(repo_root().join("schemas/asenet.schema.json")).unwrap();
    assert!(stdout(&output) == committed, "`asenet schema` differs from schemas/asenet.schema.json");
}

/// Every file asenet finds clean, the schema accepts: the examples (which editors open with
/// their `#:schema` directive) and every quiet fixture.
#[test]
fn every_example_and_quiet_fixture_is_valid() {
    let mut files: Vec<_> =
        std::fs::read_dir(repo_root().join("examples")).unwrap().map(|e| e.unwrap().path()).collect();
    for dir in std::fs::read_dir(repo_root().join("tests/fixtures")).unwrap() {
        for entry in std::fs::read_dir(dir.unwrap().path()).unwrap() {
            let path = entry.unwrap().path();
            if path.file_name().unwrap().to_string_lossy().starts_with("quiet") {
                files.push(path);
            }
        }
    }
    files.retain(|path| path.extension().is_some_and(|ext| ext == "toml"));
    files.sort();
    assert!(files.len() > 10);
    let mut failures = Vec::new();
    for path in &files {
        let source = std::fs::read_to_string(path).unwrap();
        for violation in violations(&source) {
            failures.push(format!("{}: {violation}", relative(path)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_schema_rejects_what_asenet_rejects() {
    let base = "[device]\nname = \"store042\"\n";
    assert_eq!(violations(base), Vec::<String>::new());
    let cases = [
        ("an unknown key", "[device]\nname = \"store042\"\nmodle = \"pro-r\"\n"),
        ("an octet over 255", "[device]\nname = \"x\"\n[ports.Port2]\naddress = \"10.0.0.300/24\"\n"),
        ("a missing prefix length", "[device]\nname = \"x\"\n[ports.Port2]\naddress = \"10.0.0.3\"\n"),
        (
            "an IPv6 gateway",
            "[device]\nname = \"x\"\n[ports.Port2]\naddress = \"10.0.0.3/24\"\ngateway = \"fe80::1\"\n",
        ),
        (
            "a leading zero",
            "[device]\nname = \"x\"\n[[routes]]\ninterface = \"Port3\"\ndestination = \"10.0.0.0/8\"\nnext_hop = \"10.0.0.01\"\n",
        ),
        ("an unknown port", "[device]\nname = \"x\"\n[ports.Port7]\ndhcp = true\n"),
        ("Port5 on a Mini R", "[device]\nname = \"x\"\nmodel = \"mini-r\"\n[ports.Port5]\ndhcp = true\n"),
        ("an unknown model", "[device]\nname = \"x\"\nmodel = \"pro-3\"\n"),
        ("a missing device name", "[device]\nmodel = \"pro-r\"\n"),
        (
            "a missing next hop",
            "[device]\nname = \"x\"\n[[routes]]\ninterface = \"Port3\"\ndestination = \"10.0.0.0/8\"\n",
        ),
        ("a range without its end", "[device]\nname = \"x\"\n[kubernetes]\nnode_ips = \"192.168.10.30\"\n"),
        (
            "a VLAN above 4094",
            "[device]\nname = \"x\"\n[switches.s]\nports = [\"Port3\"]\n[ports.Port3]\ndhcp = true\n\
             [[virtual_networks]]\nname = \"vnet\"\nswitch = \"s\"\nvlan = 4095\nsubnet = \"10.0.0.0/24\"\n\
             gateway = \"10.0.0.1\"\n",
        ),
        (
            "a virtual network name ending in a hyphen",
            "[device]\nname = \"x\"\n[switches.s]\nports = [\"Port3\"]\n[ports.Port3]\ndhcp = true\n\
             [[virtual_networks]]\nname = \"vnet-\"\nswitch = \"s\"\nvlan = 5\nsubnet = \"10.0.0.0/24\"\n\
             gateway = \"10.0.0.1\"\n",
        ),
        (
            "a BGP peer without `self_asn`",
            "[device]\nname = \"x\"\n[[bgp_peers]]\nswitch = \"s\"\npeer_address = \"10.0.0.1\"\npeer_asn = 64512\n",
        ),
        (
            "a target port name with an uppercase letter",
            "[device]\nname = \"x\"\n[kubernetes]\nnode_ips = \"10.0.0.30-10.0.0.31\"\n[[services]]\n\
             name = \"web\"\nnamespace = \"shop\"\nports = [{ port = 80, target_port = \"HTTP\" }]\n",
        ),
        (
            "an unknown service type",
            "[device]\nname = \"x\"\n[[services]]\nname = \"web\"\ntype = \"ExternalName\"\nports = [{ port = 80 }]\n",
        ),
        ("a wrong type", "[device]\nname = \"x\"\nnodes = \"1\"\n"),
        ("an input error in [lint] allow", "[device]\nname = \"x\"\n[lint]\nallow = [\"ASE004\"]\n"),
        ("no [device]", "[ports.Port2]\ndhcp = true\n"),
    ];
    for (what, source) in cases {
        assert!(!violations(source).is_empty(), "the schema accepts {what}");
        let checked = asenet::check(source);
        assert!(checked.has_errors(), "asenet accepts {what}, but the schema does not");
    }
    let port5 = "[device]\nname = \"x\"\nmodel = \"pro-gpu\"\n[ports.Port5]\ndhcp = true\n";
    assert_eq!(violations(port5), Vec::<String>::new(), "a Pro GPU has Port5");
}
