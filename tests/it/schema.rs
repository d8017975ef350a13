//! The JSON Schema of the input (`schemas/asenet.schema.json`): the same tables and keys as
//! the TOML walker, a description for every property, and `asenet schema` prints it. Files
//! through a validator: `consumers::json_schema`.

use std::collections::BTreeSet;

use asenet::syntax;
use serde_json::Value;

use crate::support::{asenet, repo_root, stdout};

fn schema() -> Value {
    let text = std::fs::read_to_string(repo_root().join("schemas/asenet.schema.json")).unwrap();
    serde_json::from_str(&text).unwrap()
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
