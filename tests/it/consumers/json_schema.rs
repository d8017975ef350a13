//! asenet's JSON Schemas (`schemas/asenet.schema.json`, `schemas/asenet-fleet.schema.json`)
//! through a JSON Schema validator, as an editor (Even Better TOML, taplo) reads them: every
//! example and quiet fixture valid, real mistakes rejected, and the schema and the reader
//! taking the same address values. That the schemas hold the reader's keys is checked
//! without a validator, in `schema.rs` and `fleet.rs`.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::Value;

use super::schema_violations;
use crate::malformed::REQUIRED;
use crate::support::{examples, relative, repo_root, repository_files};

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

/// Every file asenet finds clean, the schema accepts: the examples (which editors open with
/// their `#:schema` directive) and every quiet fixture.
#[test]
fn every_example_and_quiet_fixture_is_valid() {
    let mut files = examples();
    let quiet = |path: &PathBuf| path.file_name().unwrap().to_string_lossy().starts_with("quiet");
    files.extend(repository_files(&["tests/fixtures"], "toml").into_iter().filter(quiet));
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
        (
            "a packet core technology in lowercase",
            "[device]\nname = \"x\"\n[packet_core]\ntechnology = \"5g\"\n\
             control_plane = { virtual_network = \"N2\", address = \"10.0.0.2\" }\n\
             user_plane = { virtual_network = \"N3\", address = \"10.0.0.3\" }\n\
             [[packet_core.data_networks]]\nname = \"dn\"\nvirtual_network = \"N6\"\naddress = \"10.0.1.2\"\n\
             dynamic_ue_pool = \"198.51.100.0/24\"\n",
        ),
        (
            "a packet core without data networks",
            "[device]\nname = \"x\"\n[packet_core]\ntechnology = \"5G\"\n\
             control_plane = { virtual_network = \"N2\", address = \"10.0.0.2\" }\n\
             user_plane = { virtual_network = \"N3\", address = \"10.0.0.3\" }\n",
        ),
        (
            "a data network name with a space",
            "[device]\nname = \"x\"\n[packet_core]\ntechnology = \"5G\"\n\
             control_plane = { virtual_network = \"N2\", address = \"10.0.0.2\" }\n\
             user_plane = { virtual_network = \"N3\", address = \"10.0.0.3\" }\n\
             [[packet_core.data_networks]]\nname = \"the internet\"\nvirtual_network = \"N6\"\n\
             address = \"10.0.1.2\"\ndynamic_ue_pool = \"198.51.100.0/24\"\n",
        ),
        (
            "an interface with an unknown key",
            "[device]\nname = \"x\"\n[packet_core]\ntechnology = \"5G\"\n\
             control_plane = { virtual_network = \"N2\", address = \"10.0.0.2\", vlan = 5 }\n\
             user_plane = { virtual_network = \"N3\", address = \"10.0.0.3\" }\n",
        ),
    ];
    for (what, source) in cases {
        assert!(!violations(source).is_empty(), "the schema accepts {what}");
        let checked = asenet::check(source);
        assert!(checked.has_errors(), "asenet accepts {what}, but the schema does not");
    }
    let port5 = "[device]\nname = \"x\"\nmodel = \"pro-gpu\"\n[ports.Port5]\ndhcp = true\n";
    assert_eq!(violations(port5), Vec::<String>::new(), "a Pro GPU has Port5");
}

/// The schema of the one place [`slot`] puts a value of each kind.
fn definition(kind: &str) -> Value {
    let text = std::fs::read_to_string(repo_root().join("schemas/asenet.schema.json")).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    let pointer = match kind {
        "Ipv4Address" => "#/$defs/Port/properties/gateway",
        "Ipv4Prefix" => "#/$defs/Kubernetes/properties/pod_cidr",
        "RouteDestination" => "#/$defs/Route/properties/destination",
        "AddressRange" => "#/$defs/Kubernetes/properties/service_ips",
        other => panic!("no slot for {other}"),
    };
    assert!(schema.pointer(&pointer[1..]).is_some(), "{pointer}");
    serde_json::json!({ "$defs": schema["$defs"], "$ref": pointer })
}

/// Where the reader reads a value of each schema definition, in an otherwise clean file.
fn slot(definition: &str, value: &str) -> String {
    let value = serde_json::to_string(value).unwrap(); // a JSON string is a TOML basic string
    let base = REQUIRED;
    match definition {
        "Ipv4Address" => base.replacen("gateway = \"10.10.2.1\"", &format!("gateway = {value}"), 1),
        "Ipv4Prefix" => base.replacen("[kubernetes]\n", &format!("[kubernetes]\npod_cidr = {value}\n"), 1),
        "RouteDestination" => base.replacen("destination = \"192.168.20.0/24\"", &format!("destination = {value}"), 1),
        "AddressRange" => {
            base.replacen("service_ips = \"192.168.10.40-192.168.10.49\"", &format!("service_ips = {value}"), 1)
        }
        other => panic!("no slot for {other}"),
    }
}

/// Whether the reader takes `value` as written: no ASE003 but for a range in the wrong
/// order, which is a fact about the addresses, not the grammar the schema describes.
fn reader_accepts(definition: &str, value: &str) -> bool {
    let source = slot(definition, value);
    asenet::check(&source).diagnostics.iter().all(|d| {
        d.code() != "ASE003" && d.code() != "ASE001"
            || d.primary_label.as_deref().is_some_and(|l| l.contains("comes after"))
    })
}

fn schema_accepts(schema: &Value, value: &str) -> bool {
    schema_violations(schema, &Value::from(value)).is_empty()
}

/// Tricky strings for each kind of address value.
fn tricky_values() -> Vec<(&'static str, String)> {
    let addresses = [
        "10.0.0.1",
        "192.168.10.40",
        "255.255.255.255",
        "0.0.0.0",
        "10.0.0.01",
        "010.0.0.1",
        "10.0.0.256",
        "10.0.0",
        "10.0.0.1.2",
        " 10.0.0.1",
        "10.0.0.1 ",
        "10.0.0.1\t",
        "fe80::1",
        "::ffff:10.0.0.1",
        "",
        "10.0.0.-1",
        "+10.0.0.1",
        "10.0.0.1\n",
        "1e1.0.0.1",
        "١٠.0.0.1",
    ];
    let prefixes = ["/0", "/8", "/28", "/028", "/32", "/33", "/+8", "/ 8", "/8 ", "/", "/x", "/00", "/-1", ""];
    let separators = ["-", " - ", "\t-\t", " -", "- ", "  -  ", "--", "–", " ", ""];
    let mut values = Vec::new();
    for address in addresses {
        values.push(("Ipv4Address", address.to_owned()));
        for prefix in prefixes {
            let value = format!("{address}{prefix}");
            values.push(("Ipv4Prefix", value.clone()));
            values.push(("RouteDestination", value.clone()));
            values.push(("AddressRange", value));
        }
    }
    for first in ["192.168.10.40", "192.168.10.4O", " 192.168.10.40", "192.168.10.040"] {
        for separator in separators {
            for last in ["192.168.10.49", "192.168.10.49 ", "192.168.10.490", "192.168.10.49/32"] {
                values.push(("AddressRange", format!("{first}{separator}{last}")));
            }
        }
    }
    values
}

#[test]
fn schema_and_reader_accept_the_same_tricky_values() {
    let mut disagreements = Vec::new();
    let mut schemas = std::collections::BTreeMap::new();
    for (kind, value) in tricky_values() {
        let schema = schemas.entry(kind).or_insert_with(|| definition(kind));
        let (reader, schema) = (reader_accepts(kind, &value), schema_accepts(schema, &value));
        if reader != schema {
            disagreements.push(format!("{kind} {value:?}: reader {reader}, schema {schema}"));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
    // The two values the trial found.
    assert!(reader_accepts("AddressRange", "192.168.10.40 - 192.168.10.49"));
    assert!(!reader_accepts("Ipv4Prefix", "10.0.0.0/028"));
}

#[test]
fn schema_and_reader_agree_on_every_address_value_in_the_repository() {
    let kind_of = |key: &str| match key {
        "gateway" | "dns" | "next_hop" | "load_balancer_ip" | "cluster_ip" => Some("Ipv4Address"),
        "pod_cidr" | "service_cidr" => Some("Ipv4Prefix"),
        "destination" => Some("RouteDestination"),
        "node_ips" | "service_ips" => Some("AddressRange"),
        _ => None,
    };
    fn walk<'v>(value: &'v toml::Value, key: &str, out: &mut Vec<(String, &'v str)>) {
        match value {
            toml::Value::String(text) => out.push((key.to_owned(), text)),
            toml::Value::Array(items) => items.iter().for_each(|item| walk(item, key, out)),
            toml::Value::Table(table) => table.iter().for_each(|(key, value)| walk(value, key, out)),
            _ => {}
        }
    }
    let mut files = examples();
    files.extend(repository_files(&["tests/corpus", "tests/fixtures"], "toml"));
    let mut seen = BTreeSet::new();
    for path in &files {
        let Ok(table) = std::fs::read_to_string(path).unwrap().parse::<toml::Table>() else { continue };
        let mut strings = Vec::new();
        let table = toml::Value::Table(table);
        walk(&table, "", &mut strings);
        for (key, value) in strings {
            if let Some(kind) = kind_of(&key) {
                seen.insert((kind, value.to_owned()));
            }
        }
    }
    assert!(seen.len() > 50, "the repository has address values: {}", seen.len());
    let mut disagreements = Vec::new();
    for (kind, value) in &seen {
        let (reader, schema) = (reader_accepts(kind, value), schema_accepts(&definition(kind), value));
        if reader != schema {
            disagreements.push(format!("{kind} {value:?}: reader {reader}, schema {schema}"));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

/// The example fleet file and every fleet fixture without input errors satisfy the fleet
/// schema; the fleet with every input error does not.
#[test]
fn fleet_files_validate_against_the_fleet_schema() {
    let text = std::fs::read_to_string(repo_root().join("schemas/asenet-fleet.schema.json")).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    let mut files = vec![repo_root().join(crate::fleet::EXAMPLE)];
    files.extend(
        crate::fleet::fleets()
            .into_iter()
            .filter(|dir| !dir.ends_with("ASE008-fires"))
            .map(|dir| dir.join("asenet-fleet.toml")),
    );
    for file in files {
        let errors = schema_violations(&schema, &toml_to_json(&std::fs::read_to_string(&file).unwrap()));
        assert!(errors.is_empty(), "{}: {errors:?}", relative(&file));
    }
    let broken = std::fs::read_to_string(repo_root().join("tests/fleet/ASE008-fires/asenet-fleet.toml")).unwrap();
    assert!(
        !schema_violations(&schema, &toml_to_json(&broken)).is_empty(),
        "the fleet with every input error fails the schema too"
    );
}

/// Issue 24, finding 6: the schema (and so the editor) took a route metric up to
/// 4294967295 while ASE209 refuses anything above 65535; both read one bound now.
#[test]
fn a_route_metric_check_refuses_is_one_the_schema_refuses() {
    let route = |metric: u64| {
        format!(
            "[device]\nname = \"x\"\n[ports.Port3]\naddress = \"192.168.10.20/24\"\n[[routes]]\ninterface = \
             \"Port3\"\ndestination = \"192.168.20.0/24\"\nnext_hop = \"192.168.10.1\"\nmetric = {metric}\n"
        )
    };
    for (metric, refused) in [(65535, false), (65536, true), (70000, true), (4_294_967_295, true)] {
        let source = route(metric);
        let by_check = asenet::check(&source).diagnostics.iter().any(|d| d.code() == "ASE209" || d.code() == "ASE003");
        assert_eq!(by_check, refused, "check, metric {metric}");
        assert_eq!(!violations(&source).is_empty(), refused, "the schema, metric {metric}");
    }
}
