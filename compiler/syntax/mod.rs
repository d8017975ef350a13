//! Stage 1: TOML text -> [`RawConfig`].
//!
//! The stream reader (`stream.rs`) turns the text into a compact [`Document`] with a span on
//! every key and value, by the `toml` crate's rules; this module walks it by hand instead of
//! through serde so that it can report every unknown key and every wrong type in one run
//! (serde stops at the first). Only a TOML syntax error stops the pipeline, and the `toml`
//! crate's recovering parser says what it is (`syntax_error.rs`).

mod aliases;
mod document;
pub mod encoding;
pub mod fleet;
mod hidden;
pub mod oracle;
mod plain_line;
pub mod raw;
pub mod schema;
pub mod sections;
mod stream;
pub mod suppression;
mod syntax_error;
mod table;

use std::sync::OnceLock;

use crate::diagnostic::{Sink, Span};
use document::{Document, Shape, TableRef};
use raw::*;
use table::{Table, keys_of};

/// Parses `source`; `None` when it is not TOML (the errors are in `sink`).
///
/// The elements of the top level's arrays of tables (`[[routes]]`, `[[services]]`, ...) are
/// read as the stream reader completes them, into a sink of their own that joins `sink` only
/// when the whole text turns out to be TOML; the rest is read from the document at the end.
pub fn parse(source: &str, sink: &mut Sink) -> Option<RawConfig> {
    parse_noting_arrays(source, sink).map(|(raw, _)| raw)
}

/// [`parse`], and which keys of [`ARRAYS_OF_TABLES`] the top level holds (`sections.rs`
/// reads the elements of those arrays itself, and falls back to the whole text when the
/// text of the other tables names one).
fn parse_noting_arrays(source: &str, sink: &mut Sink) -> Option<(RawConfig, [bool; ARRAYS_OF_TABLES.len()])> {
    let mut elements = Elements::new();
    elements.text_len = source.len();
    let mut early = Sink::default();
    let streamed = stream::read(source, &mut |key, element| match element.shape() {
        Shape::Table(table) => elements.read(key, table, element.span(), &mut early),
        _ => false,
    });
    let document = match streamed {
        Some(document) => {
            early.into_sorted().into_iter().for_each(|diagnostic| sink.push(diagnostic));
            document
        }
        None => {
            elements = Elements::new();
            toml_crate_document(source, sink)?
        }
    };
    let arrays = ARRAYS_OF_TABLES.map(|key| document.root().contains(key));
    let top = Table::new(document.root(), "the top level", top_keys(), sink);
    let raw = read_top(&top, elements, sink);
    hidden::in_source(source, sink);
    Some((raw, arrays))
}

/// [`parse`] without reading any element early: the whole document first, then every table
/// from it. The equivalence test holds `parse` to it.
#[cfg(feature = "testing")]
pub fn parse_whole(source: &str, sink: &mut Sink) -> Option<RawConfig> {
    let document = parse_document(source, sink)?;
    let top = Table::new(document.root(), "the top level", top_keys(), sink);
    let raw = read_top(&top, Elements::new(), sink);
    hidden::in_source(source, sink);
    Some(raw)
}

/// The TOML document, or `None` with every syntax error in `sink`.
fn parse_document<'i>(source: &'i str, sink: &mut Sink) -> Option<Document<'i>> {
    match stream::read(source, &mut |_, _| false) {
        Some(document) => Some(document),
        None => toml_crate_document(source, sink),
    }
}

/// What the `toml` crate makes of a text the stream reader refused: its syntax errors in
/// `sink`, as it always reported them. Should it find none (the reader refused a document
/// `toml` takes: a bug the equivalence tests look for), its tree is read instead, so the
/// answer never depends on the reader's mistakes.
fn toml_crate_document<'i>(source: &'i str, sink: &mut Sink) -> Option<Document<'i>> {
    let (document, errors) = toml::de::DeTable::parse_recoverable(source);
    if !errors.is_empty() {
        syntax_error::diagnostics(source, &errors).into_iter().for_each(|diagnostic| sink.push(diagnostic));
        return None;
    }
    Some(oracle::document(source, document.get_ref()))
}

/// Each table's keys, as its reader reads them (the JSON Schema test compares them).
pub fn table_keys() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        ("the top level", top_keys().to_vec()),
        ("[device]", device_keys().to_vec()),
        ("[ports.X]", port_keys().to_vec()),
        ("[switches.X]", switch_keys().to_vec()),
        ("[kubernetes]", kubernetes_keys().to_vec()),
        ("[[services]]", service_keys().to_vec()),
        ("a service port", service_port_keys().to_vec()),
        ("[[routes]]", route_keys().to_vec()),
        ("[[virtual_networks]]", virtual_network_keys().to_vec()),
        ("[[bgp_peers]]", bgp_peer_keys().to_vec()),
        ("[[virtual_ips]]", virtual_ip_keys().to_vec()),
        ("[packet_core]", packet_core_keys().to_vec()),
        ("a packet core interface", interface_keys().to_vec()),
        ("[[packet_core.data_networks]]", data_network_keys().to_vec()),
        ("[lint]", keys_of(read_lint)),
    ]
}

// Each table's keys, as its reader reads them: the one place each is asked (`keys_of` runs
// the reader over an empty table; the spans and names it is given are never read), once per
// process: asked again for every file, they were 4% of the instructions of checking a fleet
// of small files.
fn top_keys() -> &'static [&'static str] {
    static KEYS: OnceLock<Vec<&'static str>> = OnceLock::new();
    KEYS.get_or_init(|| keys_of(|t, sink| read_top(t, Elements::new(), sink)))
}
fn device_keys() -> &'static [&'static str] {
    static KEYS: OnceLock<Vec<&'static str>> = OnceLock::new();
    KEYS.get_or_init(|| keys_of(|t, sink| read_device(t, Span::default(), sink)))
}
fn port_keys() -> &'static [&'static str] {
    static KEYS: OnceLock<Vec<&'static str>> = OnceLock::new();
    KEYS.get_or_init(|| keys_of(|t, sink| read_port(Text::new(0..0, String::new()), t, sink)))
}
fn switch_keys() -> &'static [&'static str] {
    static KEYS: OnceLock<Vec<&'static str>> = OnceLock::new();
    KEYS.get_or_init(|| keys_of(|t, sink| read_switch(Text::new(0..0, String::new()), t, sink)))
}
fn kubernetes_keys() -> &'static [&'static str] {
    static KEYS: OnceLock<Vec<&'static str>> = OnceLock::new();
    KEYS.get_or_init(|| keys_of(|t, sink| read_kubernetes(t, Span::default(), sink)))
}
fn service_keys() -> &'static [&'static str] {
    static KEYS: OnceLock<Vec<&'static str>> = OnceLock::new();
    KEYS.get_or_init(|| keys_of(|t, sink| read_service(t, Span::default(), &[], sink)))
}
fn service_port_keys() -> &'static [&'static str] {
    static KEYS: OnceLock<Vec<&'static str>> = OnceLock::new();
    KEYS.get_or_init(|| keys_of(|t, sink| read_service_port(t, Span::default(), sink)))
}
fn route_keys() -> &'static [&'static str] {
    static KEYS: OnceLock<Vec<&'static str>> = OnceLock::new();
    KEYS.get_or_init(|| keys_of(|t, sink| read_route(t, Span::default(), sink)))
}
fn virtual_network_keys() -> &'static [&'static str] {
    static KEYS: OnceLock<Vec<&'static str>> = OnceLock::new();
    KEYS.get_or_init(|| keys_of(|t, sink| read_virtual_network(t, Span::default(), sink)))
}
fn bgp_peer_keys() -> &'static [&'static str] {
    static KEYS: OnceLock<Vec<&'static str>> = OnceLock::new();
    KEYS.get_or_init(|| keys_of(|t, sink| read_bgp_peer(t, Span::default(), sink)))
}
fn virtual_ip_keys() -> &'static [&'static str] {
    static KEYS: OnceLock<Vec<&'static str>> = OnceLock::new();
    KEYS.get_or_init(|| keys_of(|t, sink| read_virtual_ip(t, Span::default(), sink)))
}
fn packet_core_keys() -> &'static [&'static str] {
    static KEYS: OnceLock<Vec<&'static str>> = OnceLock::new();
    KEYS.get_or_init(|| keys_of(|t, sink| read_packet_core(t, Span::default(), sink)))
}
fn interface_keys() -> &'static [&'static str] {
    static KEYS: OnceLock<Vec<&'static str>> = OnceLock::new();
    KEYS.get_or_init(|| keys_of(|t, sink| read_interface(t, Span::default(), sink)))
}
fn data_network_keys() -> &'static [&'static str] {
    static KEYS: OnceLock<Vec<&'static str>> = OnceLock::new();
    KEYS.get_or_init(|| keys_of(|t, sink| read_data_network(t, Span::default(), sink)))
}

/// Reads `entries` as a table with `reader`, which reads the keys in `known` (its
/// [`keys_of`], computed once for a whole array of tables).
fn read<T>(
    entries: TableRef,
    context: &str,
    known: &[&'static str],
    sink: &mut Sink,
    reader: impl FnOnce(&Table, &mut Sink) -> T,
) -> T {
    let table = Table::new(entries, context, known, sink);
    reader(&table, sink)
}

/// The elements of the top level's arrays of tables, each read by its table's reader: as the
/// stream reader completes them (`parse`), and the rest with the top level (`read_top`).
struct Elements {
    service_keys: &'static [&'static str],
    service_port_keys: &'static [&'static str],
    route_keys: &'static [&'static str],
    virtual_network_keys: &'static [&'static str],
    bgp_peer_keys: &'static [&'static str],
    virtual_ip_keys: &'static [&'static str],
    services: Vec<RawService>,
    routes: Vec<RawRoute>,
    virtual_networks: Vec<RawVirtualNetwork>,
    bgp_peers: Vec<RawBgpPeer>,
    virtual_ips: Vec<RawVirtualIp>,
    /// The length of the text and where the first route began, for [`room_for_the_rest`].
    text_len: usize,
    first_route: Option<usize>,
}

/// The top level's arrays of tables, in the order `read_top` asks for them.
const ARRAYS_OF_TABLES: [&str; 5] = ["services", "routes", "virtual_networks", "bgp_peers", "virtual_ips"];

impl Elements {
    fn new() -> Self {
        Elements {
            service_keys: service_keys(),
            service_port_keys: service_port_keys(),
            route_keys: route_keys(),
            virtual_network_keys: virtual_network_keys(),
            bgp_peer_keys: bgp_peer_keys(),
            virtual_ip_keys: virtual_ip_keys(),
            services: Vec::new(),
            routes: Vec::new(),
            virtual_networks: Vec::new(),
            bgp_peers: Vec::new(),
            virtual_ips: Vec::new(),
            text_len: 0,
            first_route: None,
        }
    }

    /// Reads `table`, an element of the top level's array of tables `key` whose header is at
    /// `header`; `false` for a key that is none of [`ARRAYS_OF_TABLES`].
    fn read(&mut self, key: &str, table: TableRef, header: Span, sink: &mut Sink) -> bool {
        match key {
            "services" => {
                let port_keys = &self.service_port_keys;
                let service = read(table, "[[services]]", self.service_keys, sink, |t, sink| {
                    read_service(t, header, port_keys, sink)
                });
                self.services.push(service);
            }
            "routes" => {
                let route = read(table, "[[routes]]", self.route_keys, sink, |t, sink| read_route(t, header, sink));
                let first = *self.first_route.get_or_insert(header.start);
                room_for_the_rest(&mut self.routes, first, header.start, self.text_len);
                self.routes.push(route);
            }
            "virtual_networks" => {
                let network = read(table, "[[virtual_networks]]", self.virtual_network_keys, sink, |t, sink| {
                    read_virtual_network(t, header, sink)
                });
                self.virtual_networks.push(network);
            }
            "bgp_peers" => {
                let peer =
                    read(table, "[[bgp_peers]]", self.bgp_peer_keys, sink, |t, sink| read_bgp_peer(t, header, sink));
                self.bgp_peers.push(peer);
            }
            "virtual_ips" => {
                let ip = read(table, "[[virtual_ips]]", self.virtual_ip_keys, sink, |t, sink| {
                    read_virtual_ip(t, header, sink)
                });
                self.virtual_ips.push(ip);
            }
            _ => return false,
        }
        true
    }
}

/// Makes room in `elements`, once it is full, for as many more as the rest of the text holds
/// at the density of those read so far (the first began at `first`, the next begins at
/// `at`). Doubled instead, the vector of 100,000 routes left its earlier copies in the
/// allocator (25 MB at the peak of a check). A wrong guess costs room, not correctness: a
/// full vector grows by doubling again.
fn room_for_the_rest<T>(elements: &mut Vec<T>, first: usize, at: usize, text_len: usize) {
    let read = elements.len();
    if read < 64 || read < elements.capacity() || at <= first {
        return;
    }
    let per_element = (at - first) / read;
    let rest = text_len.saturating_sub(at) / per_element.max(1);
    elements.reserve_exact(rest + rest / 16 + 1);
}

/// Reads the top level; `elements` holds the elements of its arrays of tables read already.
fn read_top(top: &Table, mut elements: Elements, sink: &mut Sink) -> RawConfig {
    let port_keys = port_keys();
    let switch_keys = switch_keys();
    let device = top
        .table("device", sink)
        .map(|(device, header)| read(device, "[device]", device_keys(), sink, |t, sink| read_device(t, header, sink)));
    let ports = top
        .named_tables("ports", port_keys, sink)
        .into_iter()
        .map(|(name, table)| {
            let context = format!("[ports.{}]", name.get_ref());
            read(table, &context, port_keys, sink, |t, sink| read_port(name, t, sink))
        })
        .collect();
    let switches = top
        .named_tables("switches", switch_keys, sink)
        .into_iter()
        .map(|(name, table)| {
            let context = format!("[switches.{}]", name.get_ref());
            read(table, &context, switch_keys, sink, |t, sink| read_switch(name, t, sink))
        })
        .collect();
    let kubernetes = top.table("kubernetes", sink).map(|(table, header)| {
        read(table, "[kubernetes]", kubernetes_keys(), sink, |t, sink| read_kubernetes(t, header, sink))
    });
    for key in ARRAYS_OF_TABLES {
        for (table, header) in top.array_of_tables(key, sink) {
            elements.read(key, table, header, sink);
        }
    }
    let packet_core = top.table("packet_core", sink).map(|(table, header)| {
        read(table, "[packet_core]", packet_core_keys(), sink, |t, sink| read_packet_core(t, header, sink))
    });
    let lint = top.table("lint", sink).map(|(table, _)| read(table, "[lint]", &keys_of(read_lint), sink, read_lint));
    RawConfig {
        device,
        ports,
        switches,
        kubernetes,
        services: elements.services,
        routes: elements.routes,
        virtual_networks: elements.virtual_networks,
        bgp_peers: elements.bgp_peers,
        virtual_ips: elements.virtual_ips,
        packet_core,
        lint,
    }
}

fn read_packet_core(t: &Table, header: Span, sink: &mut Sink) -> RawPacketCore {
    let interface_keys = interface_keys();
    let data_network_keys = data_network_keys();
    let interface = |key, context, sink: &mut Sink| {
        t.table(key, sink)
            .map(|(table, span)| read(table, context, interface_keys, sink, |t, sink| read_interface(t, span, sink)))
    };
    let control_plane = interface("control_plane", "`packet_core.control_plane`", sink);
    let user_plane = interface("user_plane", "`packet_core.user_plane`", sink);
    let data_networks = t
        .array_of_tables("data_networks", sink)
        .into_iter()
        .map(|(table, header)| {
            read(table, "[[packet_core.data_networks]]", data_network_keys, sink, |t, sink| {
                read_data_network(t, header, sink)
            })
        })
        .collect();
    RawPacketCore {
        header,
        technology: t.string("technology", sink),
        control_plane,
        user_plane,
        data_networks,
        site: t.string("site", sink),
        mobile_network: t.string("mobile_network", sink),
        location: t.string("location", sink),
        custom_location: t.string("custom_location", sink),
        unreadable: t.unreadable(),
    }
}

fn read_interface(t: &Table, span: Span, sink: &mut Sink) -> RawInterface {
    RawInterface {
        span,
        virtual_network: t.string("virtual_network", sink),
        address: t.string("address", sink),
        unreadable: t.unreadable(),
    }
}

fn read_data_network(t: &Table, header: Span, sink: &mut Sink) -> RawDataNetwork {
    RawDataNetwork {
        header,
        name: t.string("name", sink),
        virtual_network: t.string("virtual_network", sink),
        address: t.string("address", sink),
        dynamic_ue_pool: t.string("dynamic_ue_pool", sink),
        static_ue_pool: t.string("static_ue_pool", sink),
        napt: t.boolean("napt", sink),
        dns: t.string_list("dns", sink),
        router: t.string("router", sink),
        unreadable: t.unreadable(),
    }
}

fn read_device(t: &Table, header: Span, sink: &mut Sink) -> RawDevice {
    RawDevice {
        header,
        name: t.string("name", sink),
        model: t.string("model", sink),
        nodes: t.integer("nodes", sink),
        domain: t.string("domain", sink),
        node_names: t.string_list("node_names", sink),
        software_version: t.integer("software_version", sink),
        unreadable: t.unreadable(),
    }
}

fn read_port(name: Text, t: &Table, sink: &mut Sink) -> RawPort {
    RawPort {
        address: t.string("address", sink),
        addresses: t.string_list("addresses", sink),
        dhcp: t.boolean("dhcp", sink),
        gateway: t.string("gateway", sink),
        dns: t.string_list("dns", sink).map(|list| list.into_inner()),
        mtu: t.integer("mtu", sink),
        name,
        unreadable: t.unreadable(),
    }
}

fn read_switch(name: Text, t: &Table, sink: &mut Sink) -> RawSwitch {
    RawSwitch {
        ports: t.string_list("ports", sink),
        compute: t.boolean("compute", sink),
        name,
        unreadable: t.unreadable(),
    }
}

fn read_kubernetes(t: &Table, header: Span, sink: &mut Sink) -> RawKubernetes {
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
        unreadable: t.unreadable(),
    }
}

fn read_service(t: &Table, header: Span, port_keys: &[&'static str], sink: &mut Sink) -> RawService {
    let name = t.string("name", sink);
    let namespace = t.string("namespace", sink);
    let kind = t.string("type", sink);
    let ports = t.table_list("ports", sink).map(|ports| {
        let span = ports.span();
        let entries = ports.into_inner().into_iter().map(|(table, span)| {
            read(table, "a service port", port_keys, sink, |t, sink| read_service_port(t, span, sink))
        });
        Spanned::new(span, entries.collect())
    });
    RawService {
        header,
        name,
        namespace,
        kind,
        ports,
        load_balancer_ip: t.string("load_balancer_ip", sink),
        cluster_ip: t.string("cluster_ip", sink),
        share_ip: t.string("share_ip", sink),
        hostname: t.string("hostname", sink),
        selector: t.string_table("selector", sink),
        unreadable: t.unreadable(),
    }
}

fn read_service_port(t: &Table, span: Span, sink: &mut Sink) -> RawServicePort {
    RawServicePort {
        span,
        port: t.integer("port", sink),
        protocol: t.string("protocol", sink),
        target_port: t.integer_or_string("target_port", sink),
        node_port: t.integer("node_port", sink),
        unreadable: t.unreadable(),
    }
}

fn read_route(t: &Table, header: Span, sink: &mut Sink) -> RawRoute {
    RawRoute {
        header,
        interface: t.string("interface", sink),
        destination: t.string("destination", sink),
        next_hop: t.string("next_hop", sink),
        metric: t.integer("metric", sink),
        target: t.string("target", sink),
        unreadable: t.unreadable(),
    }
}

fn read_virtual_network(t: &Table, header: Span, sink: &mut Sink) -> RawVirtualNetwork {
    RawVirtualNetwork {
        header,
        name: t.string("name", sink),
        switch: t.string("switch", sink),
        vlan: t.integer("vlan", sink),
        subnet: t.string("subnet", sink),
        gateway: t.string("gateway", sink),
        dns: t.string_list("dns", sink).map(|list| list.into_inner()),
        compute: t.boolean("compute", sink),
        kubernetes: t.boolean("kubernetes", sink),
        ip_pool: t.string("ip_pool", sink),
        unreadable: t.unreadable(),
    }
}

fn read_virtual_ip(t: &Table, header: Span, sink: &mut Sink) -> RawVirtualIp {
    RawVirtualIp {
        header,
        kind: t.string("type", sink),
        address: t.string("address", sink),
        dhcp: t.boolean("dhcp", sink),
        cluster_network: t.string("cluster_network", sink),
        unreadable: t.unreadable(),
    }
}

fn read_bgp_peer(t: &Table, header: Span, sink: &mut Sink) -> RawBgpPeer {
    RawBgpPeer {
        header,
        switch: t.string("switch", sink),
        peer_address: t.string("peer_address", sink),
        peer_asn: t.integer("peer_asn", sink),
        self_asn: t.integer("self_asn", sink),
        hold_time: t.integer("hold_time", sink),
        unreadable: t.unreadable(),
    }
}

fn read_lint(t: &Table, sink: &mut Sink) -> RawLint {
    let list = |key, sink: &mut Sink| t.string_list(key, sink).map(|l| l.into_inner()).unwrap_or_default();
    RawLint { allow: list("allow", sink), deny: list("deny", sink) }
}
