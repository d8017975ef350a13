//! The reachability graph of a fleet, and the topology graph of one device, both
//! `petgraph` graphs; `asenet graph` draws them, the fleet rules read the first.
//!
//! A fleet's graph has a node per device, site, subnet (a static port's prefix or a virtual
//! network's address space, once per site) and fleet network. Edges: a site to each device it lists, a device to each of its
//! subnets (two devices of one site, or of no site, with a port on one prefix share layer
//! 2), a network to each device whose name
//! its `sites` globs match. Two devices *meet* when a path joins them that passes through
//! no network node: a network is a destination both can reach, not a transit between
//! them. Devices that never meet may reuse each other's addresses.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use ipnet::Ipv4Net;
use petgraph::graph::{NodeIndex, UnGraph};
use petgraph::unionfind::UnionFind;

use super::{FileId, Fleet, FleetDevice, FleetDiagnostic};
use crate::diagnostic::Span;
use crate::escape::{dot, mermaid};
use crate::model::{Keyword, Network, PortConfig};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    /// A device, by its index in the devices given.
    Device(usize),
    /// A `[[sites]]` entry, by index.
    Site(usize),
    Subnet(Ipv4Net),
    /// A `[[networks]]` entry, by index.
    Network(usize),
}

pub struct Topology {
    pub graph: UnGraph<Node, ()>,
    /// Each device's node, `None` for a file that is not TOML.
    pub device_nodes: Vec<Option<NodeIndex>>,
    /// Each device's component (devices that meet share one), numbered from 0.
    pub component: Vec<usize>,
    /// For each component, the fleet networks its devices reach, in fleet-file order.
    pub networks_reached: Vec<Vec<usize>>,
}

impl Topology {
    pub fn new(fleet: &Fleet, devices: &[FleetDevice]) -> Topology {
        let mut graph = UnGraph::new_undirected();
        let mut device_nodes = Vec::with_capacity(devices.len());
        let mut by_name: BTreeMap<&str, Vec<NodeIndex>> = BTreeMap::new();
        // A subnet is one layer-2 domain within a site: two sites may each use
        // 192.168.1.0/24 behind their own routers. Devices in no site share a subnet with
        // every other device in no site that uses the prefix.
        let mut site_of: BTreeMap<&str, usize> = BTreeMap::new();
        for (index, site) in fleet.sites.iter().enumerate() {
            for device in &site.devices {
                site_of.entry(device.value.as_str()).or_insert(index);
            }
        }
        let mut subnets: BTreeMap<(Option<usize>, Ipv4Net), NodeIndex> = BTreeMap::new();
        for (index, device) in devices.iter().enumerate() {
            let Some(network) = device.network else {
                device_nodes.push(None);
                continue;
            };
            let node = graph.add_node(Node::Device(index));
            device_nodes.push(Some(node));
            if let Some(name) = device.name() {
                by_name.entry(name).or_default().push(node);
            }
            let site = device.name().and_then(|name| site_of.get(name).copied());
            for subnet in super::device_subnets(network) {
                let subnet_node =
                    *subnets.entry((site, subnet.value)).or_insert_with(|| graph.add_node(Node::Subnet(subnet.value)));
                graph.update_edge(node, subnet_node, ());
            }
        }
        for (index, site) in fleet.sites.iter().enumerate() {
            let site_node = graph.add_node(Node::Site(index));
            for device in &site.devices {
                for &node in by_name.get(device.value.as_str()).into_iter().flatten() {
                    graph.update_edge(site_node, node, ());
                }
            }
        }
        // Components before the networks join anything.
        let mut union = UnionFind::new(graph.node_count());
        for edge in graph.raw_edges() {
            union.union(edge.source().index(), edge.target().index());
        }
        let mut numbering: BTreeMap<usize, usize> = BTreeMap::new();
        let component: Vec<usize> = device_nodes
            .iter()
            .map(|node| {
                // A file that is not TOML is a component of its own, past every other.
                let root = node.map_or(usize::MAX, |node| union.find(node.index()));
                let next = numbering.len();
                *numbering.entry(root).or_insert(next)
            })
            .collect();
        let mut networks_reached = vec![Vec::new(); numbering.len()];
        for (index, network) in fleet.networks.iter().enumerate() {
            let network_node = graph.add_node(Node::Network(index));
            for (&name, nodes) in &by_name {
                if !network.is_reached_by(name) {
                    continue;
                }
                for &node in nodes {
                    graph.update_edge(network_node, node, ());
                    let Node::Device(device) = graph[node] else { continue };
                    let reached = &mut networks_reached[component[device]];
                    if reached.last() != Some(&index) {
                        reached.push(index);
                    }
                }
            }
        }
        Topology { graph, device_nodes, component, networks_reached }
    }
}

/// A graph ready to draw: each node an id, a label and a kind (its shape).
pub struct Drawing {
    /// Nodes are a label and a kind (`device`, `subnet`, `conflict`...); edges a label and
    /// whether they mark a finding of `check`.
    pub graph: UnGraph<(String, &'static str), (String, bool)>,
}

/// The fleet's graph for people: devices by name, sites, subnets and networks, and what the
/// fleet rules found (`findings`, `check_fleet`'s): each range or address they report drawn
/// beside its device and joined to what it collides with, marked, with the code.
pub fn fleet_drawing(
    fleet: &Fleet,
    devices: &[FleetDevice],
    names: &[String],
    findings: &[FleetDiagnostic],
) -> Drawing {
    let topology = Topology::new(fleet, devices);
    let mut graph = topology.graph.map(
        |_, node| match node {
            Node::Device(index) => {
                let name = devices[*index].name().unwrap_or(names[*index].as_str());
                (format!("device {name}"), "device")
            }
            Node::Site(index) => (format!("site {}", fleet.sites[*index].name.value), "site"),
            Node::Subnet(net) => (format!("subnet {net}"), "subnet"),
            Node::Network(index) => {
                let network = &fleet.networks[*index];
                (format!("network {} {}", network.name.value, network.prefix.value), "network")
            }
        },
        |_, ()| (String::new(), false),
    );
    let network_node =
        |index: usize| topology.graph.node_indices().find(|&node| topology.graph[node] == Node::Network(index));
    // One node per reported range, shared by the findings that name it.
    let mut ranges: BTreeMap<(usize, Span), NodeIndex> = BTreeMap::new();
    let mut range_node =
        |graph: &mut UnGraph<(String, &'static str), (String, bool)>, device: usize, span: Span, hint: &str| {
            if let Some(&node) = ranges.get(&(device, span)) {
                return Some(node);
            }
            let network = devices[device].network?;
            let label = held_at(network, span, hint)?;
            // A subnet is drawn already: the finding points at it.
            if let Some(subnet) = graph.node_indices().find(|&node| graph[node] == (label.clone(), "subnet")) {
                ranges.insert((device, span), subnet);
                return Some(subnet);
            }
            let node = graph.add_node((label, "conflict"));
            if let Some(device_node) = topology.device_nodes[device] {
                graph.add_edge(device_node, node, (String::new(), true));
            }
            ranges.insert((device, span), node);
            Some(node)
        };
    for found in findings {
        let FileId::Device(device) = found.file else { continue };
        let code = found.diagnostic.code();
        let Some(node) = range_node(&mut graph, device, found.diagnostic.span, &found.diagnostic.message) else {
            continue;
        };
        if !graph[node].0.starts_with("ASE") || !graph[node].0.contains(code) {
            let label = format!("{code} {}", graph[node].0);
            graph[node].0 = label;
        }
        for related in &found.related {
            let other = match related.file {
                FileId::Device(other) => range_node(&mut graph, other, related.span, &related.message),
                FileId::Fleet => {
                    fleet.networks.iter().position(|network| network.prefix.span == related.span).and_then(network_node)
                }
            };
            if let Some(other) = other {
                graph.add_edge(node, other, (code.to_owned(), true));
            }
        }
    }
    Drawing { graph }
}

/// What of `network` sits at `span`, as a node's label (`node IP range 10.1.0.30-10.1.0.31`).
/// `hint` (the finding's message) tells apart the default pod and service CIDRs, which are
/// both at the `[kubernetes]` header.
fn held_at(network: &Network, span: Span, hint: &str) -> Option<String> {
    let mut held: Vec<(Span, String)> = Vec::new();
    for port in &network.ports {
        if let Some(addressing) = port.static_addressing() {
            let address = addressing.address;
            held.push((address.span, format!("{} address {}", port.id, address.value.addr())));
        }
    }
    for subnet in super::device_subnets(network) {
        held.push((subnet.span, format!("subnet {}", subnet.value)));
    }
    if let Some(kubernetes) = &network.kubernetes {
        held.push((kubernetes.node_ips.span, format!("node IP range {}", kubernetes.node_ips.value)));
        if let Some(pool) = kubernetes.service_ips {
            held.push((pool.span, format!("external service IP pool {}", pool.value)));
        }
        let pod_span = if kubernetes.pod_cidr_is_default() { kubernetes.header } else { kubernetes.pod_cidr.span };
        let service_span =
            if kubernetes.service_cidr_is_default() { kubernetes.header } else { kubernetes.service_cidr.span };
        held.push((pod_span, format!("pod CIDR {}", kubernetes.pod_cidr.value)));
        held.push((service_span, format!("service CIDR {}", kubernetes.service_cidr.value)));
    }
    let at: Vec<&String> = held.iter().filter(|(at, _)| *at == span).map(|(_, label)| label).collect();
    // The label's words before its value (`node IP range`), as the message says them.
    let named = |label: &&String| {
        let what: Vec<&str> =
            label.split(' ').take_while(|word| !word.starts_with(|c: char| c.is_ascii_digit())).collect();
        hint.contains(&what.join(" "))
    };
    at.iter().find(|label| named(label)).or(at.first()).map(|label| (*label).clone())
}

/// One device's topology: ports, switches, subnets, node VMs, the external pool,
/// services, route next hops, virtual networks (on their switch, with their subnet and
/// gateway; the compute one joined to the cluster) and BGP peers (on their switch, the
/// edge labelled with the device's own AS).
pub fn device_drawing(network: &Network) -> Drawing {
    let mut graph: UnGraph<(String, &'static str), String> = UnGraph::new_undirected();
    let graph_of = |graph: UnGraph<(String, &'static str), String>| {
        graph.map(|_, node| node.clone(), |_, label| (label.clone(), false))
    };
    let device_name = network.device.name.as_ref().map_or("device", |name| name.value.as_str());
    let device = graph.add_node((format!("{device_name} ({})", network.device.model.value.as_str()), "device"));
    let mut ports = BTreeMap::new();
    let mut subnets: BTreeMap<Ipv4Net, NodeIndex> = BTreeMap::new();
    for port in &network.ports {
        let label = match &port.config {
            PortConfig::Static(addressing) => format!("{} {}", port.id, addressing.address.value),
            PortConfig::Dhcp { .. } => format!("{} dhcp", port.id),
            PortConfig::Unconfigured => format!("{} unconfigured", port.id),
        };
        let node = graph.add_node((label, "port"));
        graph.add_edge(device, node, String::new());
        ports.insert(port.id, node);
        if let Some(subnet) = port.subnet() {
            let subnet_node = *subnets
                .entry(subnet.value)
                .or_insert_with(|| graph.add_node((format!("subnet {}", subnet.value), "subnet")));
            graph.add_edge(node, subnet_node, String::new());
            if let Some(gateway) = port.gateway() {
                let gateway_node = graph.add_node((format!("gateway {}", gateway.value), "hop"));
                graph.add_edge(subnet_node, gateway_node, String::new());
            }
        }
    }
    let mut compute = None;
    let mut switches = BTreeMap::new();
    for switch in &network.switches {
        let kind = if switch.compute.is_some() { "compute switch" } else { "switch" };
        let node = graph.add_node((format!("{kind} {}", switch.name.value), "switch"));
        for port in &switch.ports {
            if let Some(&port_node) = ports.get(&port.value) {
                graph.add_edge(node, port_node, String::new());
            }
        }
        if switch.compute.is_some() {
            compute = Some(node);
        }
        switches.insert(switch.name.value.as_str(), node);
    }
    let mut cluster = None;
    if let Some(kubernetes) = &network.kubernetes {
        let cluster = *cluster.insert(graph.add_node((
            format!("kubernetes pods {} services {}", kubernetes.pod_cidr.value, kubernetes.service_cidr.value),
            "cluster",
        )));
        if let Some(compute) = compute {
            graph.add_edge(compute, cluster, String::new());
        }
        for node in &kubernetes.nodes {
            let address = node.address.map_or_else(|| "no address".to_owned(), |address| address.to_string());
            let vm = graph.add_node((format!("VM {} {address}", node.name), "vm"));
            graph.add_edge(cluster, vm, String::new());
        }
        if let Some(pool) = kubernetes.service_ips {
            let pool_node = graph.add_node((format!("pool {}", pool.value), "pool"));
            graph.add_edge(cluster, pool_node, String::new());
            for service in &network.services {
                if let Some(address) = service.allocated.external_ip {
                    let node = graph.add_node((format!("service {} {address}", service.qualified_name()), "service"));
                    graph.add_edge(pool_node, node, String::new());
                }
            }
        }
        // Every other service (ClusterIP, NodePort, a LoadBalancer without an address) on the
        // cluster, with its cluster IP.
        for service in network.services.iter().filter(|service| service.allocated.external_ip.is_none()) {
            let address = service.allocated.cluster_ip.map_or_else(|| "headless".to_owned(), |ip| ip.to_string());
            let label = format!("service {} {address} ({})", service.qualified_name(), service.kind.value.as_str());
            let node = graph.add_node((label, "service"));
            graph.add_edge(cluster, node, String::new());
        }
    }
    for route in &network.routes {
        let Some(&port_node) = ports.get(&route.interface.value) else { continue };
        let hop = graph.add_node((format!("next hop {}", route.next_hop.value), "hop"));
        graph.add_edge(port_node, hop, format!("to {}", route.destination.value.trunc()));
    }
    // Added after everything else, so a device without them draws as it always did.
    for vnet in &network.virtual_networks {
        let label = format!("virtual network {} VLAN {}", vnet.name.value, vnet.vlan.value);
        let node = graph.add_node((label, "vnet"));
        if let Some(&switch) = switches.get(vnet.switch.value.as_str()) {
            graph.add_edge(switch, node, String::new());
        }
        let subnet_node =
            *subnets.entry(vnet.net()).or_insert_with(|| graph.add_node((format!("subnet {}", vnet.net()), "subnet")));
        graph.add_edge(node, subnet_node, String::new());
        let gateway = graph.add_node((format!("gateway {}", vnet.gateway.value), "hop"));
        graph.add_edge(subnet_node, gateway, String::new());
        if let (Some(_), Some(cluster)) = (vnet.compute, cluster) {
            graph.add_edge(node, cluster, String::new());
        }
    }
    for peer in &network.bgp_peers {
        let label = format!("BGP peer {} AS {}", peer.peer_address.value, peer.peer_asn.value);
        let node = graph.add_node((label, "peer"));
        if let Some(&switch) = switches.get(peer.switch.value.as_str()) {
            graph.add_edge(switch, node, format!("AS {}", peer.self_asn.value));
        }
    }
    Drawing { graph: graph_of(graph) }
}

/// Graphviz DOT, undirected; node order is the graph's, so the text is deterministic.
pub fn to_dot(drawing: &Drawing) -> String {
    // One font for nodes and edge labels: Graphviz draws labels without one in Times.
    let mut out = String::from(
        "graph asenet {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n  \
         edge [fontname=\"Helvetica\", fontsize=9];\n",
    );
    for index in drawing.graph.node_indices() {
        let (label, kind) = &drawing.graph[index];
        let shape = match *kind {
            "device" => "box3d",
            "site" => "folder",
            "network" => "cylinder",
            "subnet" => "ellipse",
            "switch" => "hexagon",
            "port" => "box",
            "hop" => "diamond",
            "vnet" => "component",
            "peer" => "doubleoctagon",
            "conflict" => "note",
            _ => "box",
        };
        // What `check` reports stands out: red, bold.
        let marked = if *kind == "conflict" { ", color=red, fontcolor=red, penwidth=2" } else { "" };
        let _ = writeln!(out, "  n{} [label={}, shape={shape}{marked}];", index.index(), dot::quoted(label));
    }
    for edge in drawing.graph.raw_edges() {
        let (label, marked) = &edge.weight;
        let mut attributes = Vec::new();
        if !label.is_empty() {
            attributes.push(format!("label={}", dot::quoted(label)));
        }
        if *marked {
            attributes.push("color=red, fontcolor=red, penwidth=2".to_owned());
        }
        let attributes = if attributes.is_empty() { String::new() } else { format!(" [{}]", attributes.join(", ")) };
        let _ = writeln!(out, "  n{} -- n{}{attributes};", edge.source().index(), edge.target().index());
    }
    out.push_str("}\n");
    out
}

/// A Mermaid flowchart (GitHub renders it in Markdown).
pub fn to_mermaid(drawing: &Drawing) -> String {
    let mut out = String::from("flowchart LR\n");
    for index in drawing.graph.node_indices() {
        let (label, kind) = &drawing.graph[index];
        let label = mermaid::label(label);
        let (open, close) = match *kind {
            "network" => ("[(", ")]"),
            "subnet" => ("([", "])"),
            "site" => ("[/", "/]"),
            "hop" => ("{", "}"),
            "switch" => ("{{", "}}"),
            "vnet" => ("[[", "]]"),
            "peer" => ("[/", "\\]"),
            _ => ("[", "]"),
        };
        let class = if *kind == "conflict" { ":::conflict" } else { "" };
        let _ = writeln!(out, "  n{}{open}\"{label}\"{close}{class}", index.index());
    }
    let mut marked = Vec::new();
    for (number, edge) in drawing.graph.raw_edges().iter().enumerate() {
        let (a, b) = (edge.source().index(), edge.target().index());
        let (label, is_marked) = &edge.weight;
        if label.is_empty() {
            let _ = writeln!(out, "  n{a} --- n{b}");
        } else {
            let _ = writeln!(out, "  n{a} ---|\"{}\"| n{b}", mermaid::label(label));
        }
        if *is_marked {
            marked.push(number.to_string());
        }
    }
    if drawing.graph.node_weights().any(|(_, kind)| *kind == "conflict") {
        out.push_str("  classDef conflict stroke:#d00,stroke-width:2px,color:#d00\n");
    }
    if !marked.is_empty() {
        let _ = writeln!(out, "  linkStyle {} stroke:#d00,stroke-width:2px", marked.join(","));
    }
    out
}
