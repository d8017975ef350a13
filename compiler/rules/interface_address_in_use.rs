use std::net::Ipv4Addr;

use crate::diagnostic::{Diagnostic, Severity, Sink, Span, declare_rule};
use crate::model::Network;

declare_rule! {
    /// ## What it does
    /// Reports a packet core interface whose address another part of the site already has:
    /// a port's address, another interface's address, another virtual network's gateway, or
    /// an address of the Kubernetes node or service IP ranges. The first such owner is named.
    ///
    /// When the network's `ip_pool` is exactly the address, as it should be, `pool-overlap`
    /// (ASE326) reports the same address at the pool instead: this rule judges the address of
    /// an interface whose pool does not stand for it yet (`interface-pool-mismatch` ASE706
    /// reports that).
    ///
    /// ## Why is this bad?
    /// Each interface has "One IP address" of its own (see
    /// docs/device-facts.md#ap5gc-technology), the one address of its network's Kubernetes
    /// pool (see docs/device-facts.md#ap5gc-interface-pools). Two owners of an address both
    /// answer ARP for it: the RAN's signalling or user traffic reaches whichever answers
    /// first.
    ///
    /// ## Example
    /// ```toml
    /// [ports.Port5]
    /// address = "10.232.44.10/24"
    ///
    /// [packet_core]
    /// control_plane = { virtual_network = "N2", address = "10.232.44.10" }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// control_plane = { virtual_network = "N2", address = "10.232.44.20" }
    /// ```
    pub static INTERFACE_ADDRESS_IN_USE = Rule {
        code: "ASE717",
        name: "interface-address-in-use",
        severity: Severity::Error,
        summary: "a packet core interface's address is a port's, another interface's, a gateway, or in the node or \
                  service IPs",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let Some(core) = &network.packet_core else { return };
    let interfaces: Vec<_> = core.interfaces().collect();
    for (index, interface) in interfaces.iter().enumerate() {
        if network.interface_pool_is_its_address(interface) {
            continue;
        }
        let address = interface.address.value;
        // Its own network's gateway, or that of a network on the same subnet, is
        // `interface-address-off-subnet`'s to report.
        let own_subnet = network.interface_network(interface).map(|vnet| vnet.net());
        let mut owners: Vec<(String, Span)> = Vec::new();
        for port in &network.ports {
            if let Some(addressing) = port.static_addressing().filter(|a| a.address.value.addr() == address) {
                owners.push((format!("{}'s address", port.id), addressing.address.span));
            }
        }
        for other in &interfaces[..index] {
            if other.address.value == address {
                owners.push((format!("the {} address", core.describe(other)), other.address.span));
            }
        }
        for vnet in network.virtual_networks.iter().filter(|vnet| Some(vnet.net()) != own_subnet) {
            if vnet.gateway.value == address {
                owners.push((format!("virtual network `{}`'s gateway", vnet.name.value), vnet.gateway.span));
            }
        }
        if let Some(kubernetes) = &network.kubernetes {
            let in_range = |range: crate::model::AddrRange| range.contains(address);
            if in_range(kubernetes.node_ips.value) {
                owners.push((format!("the node IP range {}", kubernetes.node_ips.value), kubernetes.node_ips.span));
            }
            if let Some(service_ips) = kubernetes.service_ips.filter(|range| in_range(range.value)) {
                owners.push((format!("the service IP range {}", service_ips.value), service_ips.span));
            }
        }
        let Some((owner, span)) = owners.into_iter().next() else { continue };
        report(core.describe(interface), address, interface.address.span, owner, span, sink);
    }
}

fn report(name: String, address: Ipv4Addr, at: Span, owner: String, owner_span: Span, sink: &mut Sink) {
    sink.push(
        Diagnostic::new(&INTERFACE_ADDRESS_IN_USE, at, format!("{name} address {address} is also {owner}"))
            .with_primary_label(format!("{address} taken"))
            .with_label(owner_span, owner)
            .with_help(format!(
                "give {name} a free address of its subnet: the interface's address is its own (see \
                 docs/device-facts.md#ap5gc-interface-pools)"
            )),
    );
}
