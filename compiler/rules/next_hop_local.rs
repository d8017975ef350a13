use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use crate::diagnostic::{Diagnostic, Severity, Sink, Span, declare_rule};
use crate::model::{Network, PortConfig, PortId};

declare_rule! {
    /// ## What it does
    /// Reports a route whose next hop is one of the device's own addresses: the address of
    /// any port, an address in the Kubernetes node IP range, or one in the external
    /// service IP range. The last two count only with `[kubernetes]`.
    ///
    /// The whole node IP range counts, not only the addresses the Kubernetes VMs take
    /// today: the range belongs to the device (see docs/device-facts.md#node-ips), and a larger
    /// cluster takes more of it. The same holds for the external service IPs, which MetalLB hands
    /// out (see docs/device-facts.md#networking-components).
    ///
    /// ## Why is this bad?
    /// A next hop is the router the packet is forwarded to. Custom routes apply to the
    /// Kubernetes master and worker VMs (see docs/device-facts.md#route-constraints): a next hop
    /// that is a node IP sends each VM's traffic to itself or to another VM, which has no route
    /// onwards; a port address or an external service IP answers for the device, which does not
    /// forward for the VMs. The traffic loops or is dropped, and nothing on the wire explains why.
    ///
    /// ## Example
    /// ```toml
    /// [kubernetes]
    /// node_ips = "192.168.10.30-192.168.10.31"
    ///
    /// [[routes]]
    /// interface = "Port3"
    /// destination = "192.168.20.0/24"
    /// next_hop = "192.168.10.30"
    /// ```
    ///
    /// ## Use instead
    /// The router on Port3's subnet that reaches 192.168.20.0/24:
    /// ```toml
    /// next_hop = "192.168.10.1"
    /// ```
    pub static NEXT_HOP_LOCAL = Rule {
        code: "ASE204",
        name: "next-hop-local",
        severity: Severity::Error,
        summary: "a next hop is the device's own address: a port, node or external service IP",
    };
}

/// Whose address a next hop is, with the span to label.
struct Owner {
    what: String,
    label: String,
    span: Span,
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    // Built once: a next hop is then one lookup, whatever the number of routes.
    let port_addresses: BTreeMap<Ipv4Addr, (PortId, Option<usize>, Span)> = network
        .ports
        .iter()
        .filter_map(|port| match &port.config {
            PortConfig::Static(addressing) => Some(
                addressing
                    .node_addresses()
                    .map(|(node, address)| (address.value.addr(), (port.id, node, address.span)))
                    .collect::<Vec<_>>(),
            ),
            _ => None,
        })
        .flatten()
        .rev() // the first port wins when two share an address (ASE101 reports that)
        .collect();
    for route in &network.routes {
        let next_hop = route.next_hop.value;
        let Some(owner) = owner(network, &port_addresses, next_hop) else { continue };
        let help = match network.port(route.interface.value).and_then(|port| port.subnet()) {
            Some(subnet) => format!("use a router on {} as next hop, not an address of the device", subnet.value),
            None => "use a router on the interface's subnet as next hop, not an address of the device".to_owned(),
        };
        sink.push(
            Diagnostic::new(&NEXT_HOP_LOCAL, route.next_hop.span, format!("next hop {next_hop} is {}", owner.what))
                .with_primary_label("the device's own address")
                .with_label(owner.span, owner.label)
                .with_help(help),
        );
    }
}

fn owner(
    network: &Network,
    ports: &BTreeMap<Ipv4Addr, (PortId, Option<usize>, Span)>,
    address: Ipv4Addr,
) -> Option<Owner> {
    if let Some((port, node, span)) = ports.get(&address) {
        let on_node = node.map_or(String::new(), |index| format!(" on node {}", index + 1));
        return Some(Owner {
            what: format!("{port}'s own address{on_node}"),
            label: format!("{port}'s address{on_node} is {address} here"),
            span: *span,
        });
    }
    let kubernetes = network.kubernetes.as_ref()?;
    let node_ips = kubernetes.node_ips;
    if node_ips.value.contains(address) {
        let node = kubernetes.nodes.iter().find(|node| node.address == Some(address));
        let what = match node {
            Some(node) => format!("the node IP of Kubernetes VM `{}`", node.name),
            None => format!("in the node IP range {}", node_ips.value),
        };
        return Some(Owner { what, label: format!("node IP range {} here", node_ips.value), span: node_ips.span });
    }
    let service_ips = kubernetes.service_ips.filter(|range| range.value.contains(address))?;
    Some(Owner {
        what: format!("in the external service IP range {}", service_ips.value),
        label: format!("external service IP range {} here", service_ips.value),
        span: service_ips.span,
    })
}
