//! Stage 1: TOML text -> [`RawConfig`].
//!
//! The TOML parser gives a tree with a span on every key and value; this module walks it by
//! hand instead of through serde so that it can report every unknown key and every wrong type
//! in one run (serde stops at the first). Only a TOML syntax error stops the pipeline.

pub mod raw;
pub mod schema;
pub mod suppression;
mod table;

pub use table::list;

use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Diagnostic, Sink, Span};
use crate::rules::input::TOML_SYNTAX;
use raw::*;
use table::Table;

pub const TOP_KEYS: &[&str] =
    &["device", "ports", "switches", "kubernetes", "services", "routes", "virtual_networks", "bgp_peers", "lint"];
pub const DEVICE_KEYS: &[&str] = &["name", "model", "nodes", "domain"];
pub const PORT_KEYS: &[&str] = &["address", "dhcp", "gateway", "dns", "mtu"];
pub const SWITCH_KEYS: &[&str] = &["ports", "compute"];
pub const KUBERNETES_KEYS: &[&str] = &[
    "node_ips",
    "service_ips",
    "pod_cidr",
    "service_cidr",
    "cluster_domain",
    "iot_edge",
    "vm_interface",
    "iot_modules",
    "vms",
];
pub const SERVICE_KEYS: &[&str] =
    &["name", "namespace", "type", "ports", "load_balancer_ip", "cluster_ip", "share_ip", "hostname"];
pub const SERVICE_PORT_KEYS: &[&str] = &["port", "protocol", "target_port", "node_port"];
pub const ROUTE_KEYS: &[&str] = &["interface", "destination", "next_hop", "metric", "target"];
pub const VIRTUAL_NETWORK_KEYS: &[&str] = &["name", "switch", "vlan", "subnet", "gateway", "dns", "compute"];
pub const BGP_PEER_KEYS: &[&str] = &["switch", "peer_address", "peer_asn", "self_asn", "hold_time"];
pub const LINT_KEYS: &[&str] = &["allow", "deny"];

/// Explains why bytes are not text, at the first byte that is not UTF-8.
pub fn not_utf8(error: std::str::Utf8Error) -> Diagnostic {
    let offset = error.valid_up_to();
    Diagnostic::new(&TOML_SYNTAX, offset..offset + 1, "the file is not valid UTF-8")
        .with_primary_label("this byte is not UTF-8")
        .with_help("save the file as UTF-8; TOML files are always UTF-8")
}

/// Parses `source`; `None` when it is not TOML (the errors are in `sink`).
pub fn parse(source: &str, sink: &mut Sink) -> Option<RawConfig> {
    let (document, errors) = DeTable::parse_recoverable(source);
    if !errors.is_empty() {
        // The parser repeats one error once per level it unwinds (`[[[[...`): report it once.
        let mut reported = std::collections::BTreeSet::new();
        for error in &errors {
            let span = error.span().unwrap_or(0..0);
            let message = error.message().trim_end();
            if reported.insert((span.start, span.end, message)) {
                sink.push(Diagnostic::new(&TOML_SYNTAX, span, message.to_owned()));
            }
        }
        return None;
    }
    let top = Table::new(document.get_ref(), "the top level", TOP_KEYS, sink);
    Some(RawConfig {
        device: top.table("device", sink).map(|(device, header)| read_device(device, header, sink)),
        ports: top
            .named_tables("ports", PORT_KEYS, sink)
            .into_iter()
            .map(|(name, t)| read_port(name, t, sink))
            .collect(),
        switches: top
            .named_tables("switches", SWITCH_KEYS, sink)
            .into_iter()
            .map(|(name, t)| read_switch(name, t, sink))
            .collect(),
        kubernetes: top.table("kubernetes", sink).map(|(k, header)| read_kubernetes(k, header, sink)),
        services: top.array_of_tables("services", sink).into_iter().map(|(t, h)| read_service(t, h, sink)).collect(),
        routes: top.array_of_tables("routes", sink).into_iter().map(|(t, h)| read_route(t, h, sink)).collect(),
        virtual_networks: top
            .array_of_tables("virtual_networks", sink)
            .into_iter()
            .map(|(t, h)| read_virtual_network(t, h, sink))
            .collect(),
        bgp_peers: top.array_of_tables("bgp_peers", sink).into_iter().map(|(t, h)| read_bgp_peer(t, h, sink)).collect(),
        lint: top.table("lint", sink).map(|(lint, _)| read_lint(lint, sink)),
    })
}

fn read_device(table: &DeTable, header: Span, sink: &mut Sink) -> RawDevice {
    let t = Table::new(table, "[device]", DEVICE_KEYS, sink);
    RawDevice {
        header,
        name: t.string("name", sink),
        model: t.string("model", sink),
        nodes: t.integer("nodes", sink),
        domain: t.string("domain", sink),
    }
}

fn read_port(name: Text, table: &DeTable, sink: &mut Sink) -> RawPort {
    let t = Table::new(table, &format!("[ports.{}]", name.get_ref()), PORT_KEYS, sink);
    RawPort {
        address: t.string("address", sink),
        dhcp: t.boolean("dhcp", sink),
        gateway: t.string("gateway", sink),
        dns: t.string_list("dns", sink).map(|list| list.into_inner()),
        mtu: t.integer("mtu", sink),
        name,
    }
}

fn read_switch(name: Text, table: &DeTable, sink: &mut Sink) -> RawSwitch {
    let t = Table::new(table, &format!("[switches.{}]", name.get_ref()), SWITCH_KEYS, sink);
    RawSwitch { ports: t.string_list("ports", sink), compute: t.boolean("compute", sink), name }
}

fn read_kubernetes(table: &DeTable, header: Span, sink: &mut Sink) -> RawKubernetes {
    let t = Table::new(table, "[kubernetes]", KUBERNETES_KEYS, sink);
    RawKubernetes {
        header,
        node_ips: t.string("node_ips", sink),
        service_ips: t.string("service_ips", sink),
        pod_cidr: t.string("pod_cidr", sink),
        service_cidr: t.string("service_cidr", sink),
        cluster_domain: t.string("cluster_domain", sink),
        iot_edge: t.boolean("iot_edge", sink),
        vm_interface: t.string("vm_interface", sink),
        iot_modules: t.integer("iot_modules", sink),
        vms: t.integer("vms", sink),
    }
}

fn read_service(table: &DeTable, header: Span, sink: &mut Sink) -> RawService {
    let t = Table::new(table, "[[services]]", SERVICE_KEYS, sink);
    RawService {
        header,
        name: t.string("name", sink),
        namespace: t.string("namespace", sink),
        kind: t.string("type", sink),
        ports: t.table_list("ports", sink).map(|ports| {
            let span = ports.span();
            let entries = ports.into_inner().into_iter().map(|(table, span)| read_service_port(table, span, sink));
            toml::Spanned::new(span, entries.collect())
        }),
        load_balancer_ip: t.string("load_balancer_ip", sink),
        cluster_ip: t.string("cluster_ip", sink),
        share_ip: t.string("share_ip", sink),
        hostname: t.string("hostname", sink),
    }
}

fn read_service_port(table: &DeTable, span: Span, sink: &mut Sink) -> RawServicePort {
    let t = Table::new(table, "a service port", SERVICE_PORT_KEYS, sink);
    RawServicePort {
        span,
        port: t.integer("port", sink),
        protocol: t.string("protocol", sink),
        target_port: t.integer_or_string("target_port", sink),
        node_port: t.integer("node_port", sink),
    }
}

fn read_route(table: &DeTable, header: Span, sink: &mut Sink) -> RawRoute {
    let t = Table::new(table, "[[routes]]", ROUTE_KEYS, sink);
    RawRoute {
        header,
        interface: t.string("interface", sink),
        destination: t.string("destination", sink),
        next_hop: t.string("next_hop", sink),
        metric: t.integer("metric", sink),
        target: t.string("target", sink),
    }
}

fn read_virtual_network(table: &DeTable, header: Span, sink: &mut Sink) -> RawVirtualNetwork {
    let t = Table::new(table, "[[virtual_networks]]", VIRTUAL_NETWORK_KEYS, sink);
    RawVirtualNetwork {
        header,
        name: t.string("name", sink),
        switch: t.string("switch", sink),
        vlan: t.integer("vlan", sink),
        subnet: t.string("subnet", sink),
        gateway: t.string("gateway", sink),
        dns: t.string_list("dns", sink).map(|list| list.into_inner()),
        compute: t.boolean("compute", sink),
    }
}

fn read_bgp_peer(table: &DeTable, header: Span, sink: &mut Sink) -> RawBgpPeer {
    let t = Table::new(table, "[[bgp_peers]]", BGP_PEER_KEYS, sink);
    RawBgpPeer {
        header,
        switch: t.string("switch", sink),
        peer_address: t.string("peer_address", sink),
        peer_asn: t.integer("peer_asn", sink),
        self_asn: t.integer("self_asn", sink),
        hold_time: t.integer("hold_time", sink),
    }
}

fn read_lint(table: &DeTable, sink: &mut Sink) -> RawLint {
    let t = Table::new(table, "[lint]", LINT_KEYS, sink);
    let list = |key, sink: &mut Sink| t.string_list(key, sink).map(|l| l.into_inner()).unwrap_or_default();
    RawLint { allow: list("allow", sink), deny: list("deny", sink) }
}

/// The article for a TOML type name in messages ("a string", "an integer").
fn a_type(value: &DeValue) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}
