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

use super::{Fleet, FleetDevice};
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
    pub graph: UnGraph<(String, &'static str), String>,
}

/// The fleet's graph for people: devices by name, sites, subnets and networks.
pub fn fleet_drawing(fleet: &Fleet, devices: &[FleetDevice], names: &[String]) -> Drawing {
    let topology = Topology::new(fleet, devices);
    let graph = topology.graph.map(
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
        |_, ()| String::new(),
    );
    Drawing { graph }
}

/// One device's topology: ports, switches, subnets, node VMs, the external pool,
/// services, route next hops, virtual networks (on their switch, with their subnet and
/// gateway; the compute one joined to the cluster) and BGP peers (on their switch, the
/// edge labelled with the device's own AS).
pub fn device_drawing(network: &Network) -> Drawing {
    let mut graph: UnGraph<(String, &'static str), String> = UnGraph::new_undirected();
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
    Drawing { graph }
}

/// Graphviz DOT, undirected; node order is the graph's, so the text is deterministic.
pub fn to_dot(drawing: &Drawing) -> String {
    let mut out = String::from("graph asenet {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n");
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
            _ => "box",
        };
        let _ = writeln!(out, "  n{} [label={}, shape={shape}];", index.index(), dot::quoted(label));
    }
    for edge in drawing.graph.raw_edges() {
        let label =
            if edge.weight.is_empty() { String::new() } else { format!(" [label={}]", dot::quoted(&edge.weight)) };
        let _ = writeln!(out, "  n{} -- n{}{label};", edge.source().index(), edge.target().index());
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
        let _ = writeln!(out, "  n{}{open}\"{label}\"{close}", index.index());
    }
    for edge in drawing.graph.raw_edges() {
        let (a, b) = (edge.source().index(), edge.target().index());
        if edge.weight.is_empty() {
            let _ = writeln!(out, "  n{a} --- n{b}");
        } else {
            let _ = writeln!(out, "  n{a} ---|\"{}\"| n{b}", mermaid::label(&edge.weight));
        }
    }
    out
}
