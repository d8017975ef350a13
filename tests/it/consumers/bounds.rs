//! One source for every limit, through the JSON Schema: each boundary of each bound of
//! `asenet::model::bounds` (value-1, value, value+1 of every range end, length and
//! exception) goes through `check` and through the committed JSON Schema, and the two must
//! agree on it. (The docs and `explain` are held to the bounds in tests/it/bounds.rs.)

use asenet::model::bounds::{self, Allowed, Bound};
use serde_json::Value;

use super::schema_violations;
use crate::support::repo_root;

/// A clean device file with every table, and a place for every bounded key.
const BASE: &str = r#"[device]
name = "store042"
domain = "contoso.local"

[ports.Port2]
address = "10.10.2.20/24"
gateway = "10.10.2.1"
dns = ["10.10.2.53"]

[ports.Port3]
address = "192.168.10.20/24"

[switches.vswitch-port3]
ports = ["Port3"]
compute = true

[kubernetes]
node_ips = "192.168.10.30-192.168.10.32"
service_ips = "192.168.10.40-192.168.10.49"

[[services]]
name = "web"
namespace = "shop"
type = "LoadBalancer"
ports = [{ port = 443 }]

[[routes]]
interface = "Port3"
destination = "192.168.20.0/24"
next_hop = "192.168.10.1"

[[virtual_networks]]
name = "vnet-cameras"
switch = "vswitch-port3"
vlan = 10
subnet = "10.20.10.0/24"
gateway = "10.20.10.1"

[[bgp_peers]]
switch = "vswitch-port3"
peer_address = "192.168.10.1"
peer_asn = 64512
self_asn = 64513
"#;

/// A packet core after BASE (its references left to other findings), with `$key = {}`
/// in its table (`[packet_core]`) or in its data network (`[[packet_core.data_networks]]`).
macro_rules! packet_core {
    (core: $line:literal) => {
        packet_core!($line, "name = \"dn\"\n")
    };
    (data_network: $line:literal) => {
        packet_core!("", $line)
    };
    ($core:literal, $data_network:literal) => {
        concat!(
            "\n[packet_core]\ntechnology = \"5G\"\n",
            "control_plane = { virtual_network = \"N2\", address = \"10.0.5.20\" }\n",
            "user_plane = { virtual_network = \"N3\", address = \"10.0.5.21\" }\n",
            $core,
            "[[packet_core.data_networks]]\nvirtual_network = \"N6\"\naddress = \"10.0.6.20\"\n",
            "dynamic_ue_pool = \"198.51.100.0/24\"\n",
            $data_network,
        )
    };
}

/// Where each bound's key goes in [`BASE`]: the line it replaces (or, when that line is not
/// in BASE, the line it goes after), with `{}` for the value as TOML.
fn placement(bound: &Bound) -> (&'static str, &'static str) {
    match (bound.table, bound.key) {
        ("[device]", "name") => ("name = \"store042\"", "name = {}"),
        ("[device]", "nodes") => ("[device]", "nodes = {}"),
        ("[device]", "domain") => ("domain = \"contoso.local\"", "domain = {}"),
        ("[device]", "node_names") => ("[device]", "node_names = [{}]"),
        ("[device]", "software_version") => ("[device]", "software_version = {}"),
        ("[ports.X]", "mtu") => ("address = \"192.168.10.20/24\"", "mtu = {}"),
        ("[kubernetes]", "cluster_domain") => ("[kubernetes]", "cluster_domain = {}"),
        ("[kubernetes]", "vm_interface") => ("[kubernetes]", "vm_interface = {}"),
        ("[kubernetes]", "iot_modules") => ("[kubernetes]", "iot_modules = {}"),
        ("[kubernetes]", "vms") => ("[kubernetes]", "vms = {}"),
        ("[[services]]", "name") => ("name = \"web\"", "name = {}"),
        ("[[services]]", "namespace") => ("namespace = \"shop\"", "namespace = {}"),
        ("[[services]]", "hostname") => ("type = \"LoadBalancer\"", "hostname = {}"),
        ("[[services]]", "selector") => ("type = \"LoadBalancer\"", "selector = { app = {} }"),
        ("a service port", "port") => ("ports = [{ port = 443 }]", "ports = [{ port = {} }]"),
        ("a service port", "target_port") => ("ports = [{ port = 443 }]", "ports = [{ port = 443, target_port = {} }]"),
        ("a service port", "node_port") => ("ports = [{ port = 443 }]", "ports = [{ port = 443, node_port = {} }]"),
        ("[[routes]]", "metric") => ("next_hop = \"192.168.10.1\"", "metric = {}"),
        ("[[virtual_networks]]", "name") => ("name = \"vnet-cameras\"", "name = {}"),
        ("[[virtual_networks]]", "vlan") => ("vlan = 10", "vlan = {}"),
        ("[[bgp_peers]]", "peer_asn") => ("peer_asn = 64512", "peer_asn = {}"),
        ("[[bgp_peers]]", "self_asn") => ("self_asn = 64513", "self_asn = {}"),
        ("[[bgp_peers]]", "hold_time") => ("self_asn = 64513", "hold_time = {}"),
        // A packet core after the last line of BASE; the key under test is its last line.
        ("[packet_core]", "site") => ("self_asn = 64513", packet_core!(core: "site = {}\n")),
        ("[packet_core]", "mobile_network") => ("self_asn = 64513", packet_core!(core: "mobile_network = {}\n")),
        ("[[packet_core.data_networks]]", "name") => ("self_asn = 64513", packet_core!(data_network: "name = {}\n")),
        (table, key) => panic!(
            "no placement for the bound of `{key}` in {table}: add one to tests/it/bounds.rs so that its \
             boundaries are tried"
        ),
    }
}

/// A string of `length` characters that is valid for `bound`'s key in every way but its
/// length: a DNS name is cut into labels.
fn filler(bound: &Bound, length: usize) -> String {
    match bound.key {
        "domain" | "cluster_domain" => {
            let mut name = String::new();
            while name.len() < length {
                if !name.is_empty() {
                    name.push('.');
                }
                let label = (length - name.len()).min(bounds::DNS_LABEL_MAX);
                // A label of one character after a dot, so that no label is left empty.
                let label = if length - name.len() - label == 1 { label - 1 } else { label };
                name.push_str(&"a".repeat(label));
            }
            name
        }
        _ => "a".repeat(length),
    }
}

/// Every value worth trying, as TOML, with its description.
fn boundaries(bound: &Bound) -> Vec<String> {
    let mut values = Vec::new();
    match bound.allowed {
        Allowed::Integers { ranges, except } => {
            let mut numbers: Vec<i64> = ranges.iter().flat_map(|&(low, high)| [low, high]).collect();
            numbers.extend(except.iter().copied());
            let mut tried: Vec<i64> = numbers.iter().flat_map(|&n| [n - 1, n, n + 1]).collect();
            tried.sort_unstable();
            tried.dedup();
            values.extend(tried.into_iter().map(|n| n.to_string()));
        }
        Allowed::Length { min, max } => {
            let mut lengths: Vec<usize> =
                [min.checked_sub(1), Some(min), Some(min + 1), Some(max - 1), Some(max), Some(max + 1)]
                    .into_iter()
                    .flatten()
                    .collect();
            lengths.sort_unstable();
            lengths.dedup();
            values.extend(lengths.into_iter().map(|length| format!("\"{}\"", filler(bound, length))));
        }
    }
    values
}

/// BASE with `bound`'s key set to `value`, and the byte offset of the value.
fn file_with(bound: &Bound, value: &str) -> (String, usize) {
    let (anchor, line) = placement(bound);
    let line = line.replace("{}", value);
    let at = BASE.find(anchor).unwrap_or_else(|| panic!("`{anchor}` is not in BASE"));
    let replaces = anchor.starts_with(&line[..line.find(" = ").unwrap_or(0) + 3]) && anchor.contains(" = ");
    let (before, after) = if replaces {
        (&BASE[..at], &BASE[at + anchor.len()..])
    } else {
        (&BASE[..at + anchor.len()], &BASE[at + anchor.len()..])
    };
    let separator = if replaces { "" } else { "\n" };
    let text = format!("{before}{separator}{line}{after}");
    let offset = before.len() + separator.len() + line.find(value).expect("the value is in its line");
    (text, offset)
}

fn schema() -> Value {
    let text = std::fs::read_to_string(repo_root().join("schemas/asenet.schema.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn toml_to_json(source: &str) -> Value {
    let table: toml::Table = toml::from_str(source).expect("valid TOML");
    serde_json::to_value(table).unwrap()
}

#[test]
fn the_base_file_is_clean_for_check_and_schema() {
    let checked = asenet::check(BASE);
    let found: Vec<String> = checked.diagnostics.iter().map(|d| format!("{} {}", d.code(), d.message)).collect();
    assert!(found.is_empty(), "{found:#?}");
    assert_eq!(schema_violations(&schema(), &toml_to_json(BASE)), Vec::<String>::new());
}

#[test]
fn check_and_the_schema_agree_on_every_boundary_of_every_bound() {
    let schema = schema();
    let mut disagreements = Vec::new();
    let mut tried = 0;
    for bound in bounds::ALL {
        for value in boundaries(bound) {
            let (text, offset) = file_with(bound, &value);
            let diagnostics = asenet::check(&text).diagnostics;
            let at_value: Vec<String> = diagnostics
                .iter()
                .filter(|d| d.span.start == offset && (d.code() == bound.code || d.code() == "ASE003"))
                .map(|d| format!("{} {}", d.code(), d.message))
                .collect();
            let flagged_by_check = !at_value.is_empty();
            let violations = schema_violations(&schema, &toml_to_json(&text));
            let flagged_by_schema = !violations.is_empty();
            let expected = match (bound.allowed, value.strip_prefix('"')) {
                (Allowed::Integers { .. }, _) => !bound.allows(value.parse().unwrap()),
                (Allowed::Length { .. }, Some(quoted)) => !bound.allows_length(quoted.len() - 1),
                (Allowed::Length { .. }, None) => unreachable!(),
            };
            tried += 1;
            // Other findings may be right (a count of 4294967294 modules exhausts any pool);
            // what must agree is the finding at the value.
            if flagged_by_check != expected || flagged_by_schema != expected {
                disagreements.push(format!(
                    "{} `{}` = {}: the bound says {}, check {} {at_value:?}, the schema {} {violations:?}",
                    bound.table,
                    bound.key,
                    clip(&value),
                    if expected { "no" } else { "yes" },
                    if flagged_by_check { "flags it" } else { "takes it" },
                    if flagged_by_schema { "flags it" } else { "takes it" },
                ));
            }
        }
    }
    assert!(tried > 100, "only {tried} values tried");
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

fn clip(value: &str) -> String {
    if value.len() > 24 { format!("{}…({} bytes)", &value[..20], value.len()) } else { value.to_owned() }
}
