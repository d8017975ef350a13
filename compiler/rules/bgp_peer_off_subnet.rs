use ipnet::Ipv4Net;

use crate::diagnostic::{Diagnostic, Severity, Sink, Span, declare_rule};
use crate::model::{Network, PortConfig};

declare_rule! {
    /// ## What it does
    /// Reports a BGP peer whose `peer_address` is on none of its switch's subnets (the
    /// static subnets of the switch's ports and of the virtual networks on it), or is one
    /// of the device's own addresses: a port's address, a node IP or an external service IP.
    ///
    /// Quiet when the switch has no static subnet at all: there is nothing to compare with.
    ///
    /// ## Why is this bad?
    /// MetalLB speaks BGP from the Kubernetes nodes, over the switch given to
    /// `Set-HcsBGPPeer -SwitchName` (see: docs/device-facts.md#bgp): the router must be a
    /// neighbour on that network. An address elsewhere needs multi-hop BGP, which the
    /// device does not configure, so the session never comes up and no external IP is
    /// announced. One of the device's own addresses is not a router at all.
    ///
    /// With any `[[bgp_peers]]`, MetalLB works in BGP mode and stops its layer 2
    /// announcements (no more ARP answers for the external IPs): the external service IPs
    /// are reachable only through the routes the peers learn, so a peer that never comes up
    /// leaves every LoadBalancer service unreachable.
    ///
    /// ## Example
    /// ```toml
    /// [ports.Port3]
    /// address = "192.168.10.20/24"
    ///
    /// [[bgp_peers]]
    /// switch = "vswitch-port3"
    /// peer_address = "192.168.20.1"
    /// peer_asn = 64512
    /// self_asn = 64513
    /// ```
    ///
    /// ## Use instead
    /// The router's address on the compute network:
    /// ```toml
    /// peer_address = "192.168.10.1"
    /// ```
    pub static BGP_PEER_OFF_SUBNET = Rule {
        code: "ASE314",
        name: "bgp-peer-off-subnet",
        severity: Severity::Error,
        summary: "a BGP peer address off its switch's subnets, or one of the device's own addresses",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    // A switch's subnets are not all known when a port, switch or virtual network was left
    // out of the model (its error is reported).
    if network.unresolved.networks || network.unresolved.input_errors {
        return;
    }
    for peer in &network.bgp_peers {
        let Some(switch) = network.switch(&peer.switch.value) else { continue };
        let address = peer.peer_address.value;
        let mut subnets: Vec<(Ipv4Net, Span, String)> = Vec::new();
        for port in &switch.ports {
            if let Some(subnet) = network.port(port.value).and_then(|port| port.subnet()) {
                subnets.push((subnet.value, subnet.span, port.value.to_string()));
            }
        }
        for vnet in network.virtual_networks.iter().filter(|vnet| vnet.switch.value == switch.name.value) {
            subnets.push((vnet.net(), vnet.subnet.span, format!("virtual network `{}`", vnet.name.value)));
        }
        if subnets.is_empty() {
            continue;
        }
        if let Some((span, what)) = own_address(network, address) {
            sink.push(
                Diagnostic::new(&BGP_PEER_OFF_SUBNET, peer.peer_address.span, format!("BGP peer {address} is {what}"))
                    .with_primary_label("the device's own address")
                    .with_label(span, format!("{what} here"))
                    .with_help("give the address of the router MetalLB should peer with"),
            );
            continue;
        }
        if subnets.iter().any(|(subnet, _, _)| subnet.contains(&address)) {
            continue;
        }
        let names: Vec<String> = subnets.iter().map(|(subnet, _, owner)| format!("{owner}'s {subnet}")).collect();
        let mut diagnostic = Diagnostic::new(
            &BGP_PEER_OFF_SUBNET,
            peer.peer_address.span,
            format!("BGP peer {address} is not on a subnet of switch `{}`", switch.name.value),
        )
        .with_primary_label("not a neighbour on the switch");
        for (subnet, span, owner) in &subnets {
            diagnostic = diagnostic.with_label(*span, format!("{owner} is {subnet} here"));
        }
        sink.push(diagnostic.with_help(format!(
            "peer with a router on {}: MetalLB peers from the nodes on this switch, one hop away (see: \
             docs/device-facts.md#bgp)",
            crate::text::join_or(&names)
        )));
    }
}

/// Which of the device's own addresses `address` is, if any.
fn own_address(network: &Network, address: std::net::Ipv4Addr) -> Option<(Span, String)> {
    for port in &network.ports {
        let PortConfig::Static(addressing) = &port.config else { continue };
        for (node, own) in addressing.node_addresses() {
            if own.value.addr() == address {
                return Some((own.span, crate::model::port_address_owner(port.id, node)));
            }
        }
    }
    let kubernetes = network.kubernetes.as_ref()?;
    if kubernetes.node_ips.value.contains(address) {
        return Some((kubernetes.node_ips.span, "a node IP".to_owned()));
    }
    let service_ips = kubernetes.service_ips?;
    service_ips.value.contains(address).then(|| (service_ips.span, "an external service IP".to_owned()))
}
