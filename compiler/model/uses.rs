//! Every address a device's file gives a role: its own addresses (ports, virtual IPs), the
//! ranges it hands out (node IPs, external service IPs, virtual networks' pools) and its
//! neighbours (gateways, DNS servers, BGP peers). Rules that ask "is this address taken?"
//! read this one list, so a new kind of address is added in one place.

use std::net::Ipv4Addr;

use super::{AddrRange, Network, port_address_owner};
use crate::diagnostic::Span;

/// What role an address (or range) has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// A port's own address, on one node or the only one.
    PortAddress,
    /// A two-node cluster's virtual IP.
    VirtualIp,
    /// `kubernetes.node_ips`.
    NodeIps,
    /// `kubernetes.service_ips`.
    ServiceIps,
    /// A virtual network's `ip_pool`.
    IpPool,
    /// A port's or virtual network's gateway.
    Gateway,
    /// A port's or virtual network's DNS server.
    DnsServer,
    /// A BGP peer's address.
    BgpPeer,
}

/// One address or range with its role, a phrase naming it (`Port2's address on node 2`,
/// `the node IP range`) and where the file writes it.
#[derive(Clone, Debug)]
pub struct Use {
    pub range: AddrRange,
    pub role: Role,
    pub owner: String,
    pub span: Span,
}

impl Use {
    fn one(address: Ipv4Addr, role: Role, owner: String, span: Span) -> Self {
        Use { range: AddrRange::new(address, address).expect("one address is a range"), role, owner, span }
    }
}

/// Every use of an address in `network`, in the order above: ports, virtual networks,
/// Kubernetes, virtual IPs, BGP peers.
pub fn address_uses(network: &Network) -> Vec<Use> {
    let mut uses = Vec::new();
    for port in &network.ports {
        let Some(addressing) = port.static_addressing() else { continue };
        for (node, address) in addressing.node_addresses() {
            uses.push(Use::one(
                address.value.addr(),
                Role::PortAddress,
                port_address_owner(port.id, node),
                address.span,
            ));
        }
        if let Some(gateway) = addressing.gateway {
            uses.push(Use::one(gateway.value, Role::Gateway, format!("{}'s gateway", port.id), gateway.span));
        }
        for server in &addressing.dns {
            uses.push(Use::one(server.value, Role::DnsServer, format!("{}'s DNS server", port.id), server.span));
        }
    }
    for vnet in &network.virtual_networks {
        let name = &vnet.name.value;
        let gateway = vnet.gateway;
        uses.push(Use::one(gateway.value, Role::Gateway, format!("virtual network `{name}`'s gateway"), gateway.span));
        for server in &vnet.dns {
            let owner = format!("virtual network `{name}`'s DNS server");
            uses.push(Use::one(server.value, Role::DnsServer, owner, server.span));
        }
        if let Some(pool) = vnet.ip_pool {
            let owner = format!("virtual network `{name}`'s IP pool");
            uses.push(Use { range: pool.value, role: Role::IpPool, owner, span: pool.span });
        }
    }
    if let Some(kubernetes) = &network.kubernetes {
        let node_ips = kubernetes.node_ips;
        uses.push(Use {
            range: node_ips.value,
            role: Role::NodeIps,
            owner: "the node IP range".into(),
            span: node_ips.span,
        });
        if let Some(service_ips) = kubernetes.service_ips {
            let owner = "the external service IP range".to_owned();
            uses.push(Use { range: service_ips.value, role: Role::ServiceIps, owner, span: service_ips.span });
        }
    }
    for vip in &network.virtual_ips {
        if let Some(address) = vip.static_address() {
            let owner = format!("the {} virtual IP", super::Keyword::as_str(vip.kind.value));
            uses.push(Use::one(address.value, Role::VirtualIp, owner, address.span));
        }
    }
    for peer in &network.bgp_peers {
        let owner = format!("BGP peer on `{}`", peer.switch.value);
        uses.push(Use::one(peer.peer_address.value, Role::BgpPeer, owner, peer.peer_address.span));
    }
    uses
}
