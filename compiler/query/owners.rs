//! Everything in one device that owns or contains an IPv4 address.

use std::net::Ipv4Addr;

use serde::Serialize;

use crate::diagnostic::Span;
use crate::model::dns::{self, ZoneKind};
use crate::model::{Network, RouteTarget};

/// What kind of thing owns or contains an address. The order is the order of
/// [`owners`]' answer: the most specific owner first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OwnerKind {
    /// A port's own static address (on one node of a two-node device, or the only one).
    Port,
    /// A two-node cluster's virtual IP.
    VirtualIp,
    /// A port's gateway.
    Gateway,
    /// A virtual network's gateway.
    VirtualNetworkGateway,
    /// A BGP peer's address (a router MetalLB peers with).
    BgpPeer,
    /// A packet core interface's address (N2, N3, N6 or their 4G names).
    PacketCoreInterface,
    /// A data network's router, which holds the routes to its UE pools.
    DataNetworkRouter,
    /// A Kubernetes node VM's address (master, worker1, worker2).
    NodeVm,
    /// A service's cluster IP (allocated or pinned).
    ClusterIp,
    /// A LoadBalancer service's external IP (allocated or pinned).
    ExternalIp,
    /// A DNS server a virtual network lists.
    VirtualNetworkDns,
    /// A DNS name that `asenet build` writes for the address.
    DnsName,
    /// The node IP range (`kubernetes.node_ips`), on an address no node takes.
    NodeRange,
    /// The external service IP pool (`kubernetes.service_ips`, MetalLB's pool).
    ExternalPool,
    /// A virtual network's IP pool (`ip_pool`).
    IpPool,
    /// A data network's pool of UE addresses (dynamic or static).
    UePool,
    /// The subnet of a statically addressed port.
    Subnet,
    /// A virtual network's subnet.
    VirtualNetworkSubnet,
    /// A custom route whose destination holds the address.
    Route,
    /// `kubernetes.pod_cidr`.
    PodCidr,
    /// `kubernetes.service_cidr`.
    ServiceCidr,
}

impl OwnerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OwnerKind::Port => "port",
            OwnerKind::VirtualIp => "virtual-ip",
            OwnerKind::Gateway => "gateway",
            OwnerKind::VirtualNetworkGateway => "virtual-network-gateway",
            OwnerKind::BgpPeer => "bgp-peer",
            OwnerKind::NodeVm => "node-vm",
            OwnerKind::ClusterIp => "cluster-ip",
            OwnerKind::ExternalIp => "external-ip",
            OwnerKind::VirtualNetworkDns => "virtual-network-dns",
            OwnerKind::DnsName => "dns-name",
            OwnerKind::NodeRange => "node-range",
            OwnerKind::ExternalPool => "external-pool",
            OwnerKind::IpPool => "ip-pool",
            OwnerKind::UePool => "ue-pool",
            OwnerKind::PacketCoreInterface => "packet-core-interface",
            OwnerKind::DataNetworkRouter => "data-network-router",
            OwnerKind::Subnet => "subnet",
            OwnerKind::VirtualNetworkSubnet => "virtual-network-subnet",
            OwnerKind::Route => "route",
            OwnerKind::PodCidr => "pod-cidr",
            OwnerKind::ServiceCidr => "service-cidr",
        }
    }
}

/// One thing that owns or contains the address asked about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Owner {
    pub kind: OwnerKind,
    /// A phrase for a person: `Port3's address 172.16.43.10/24`.
    pub description: String,
    /// Where the defining value is written (a default: its table's header).
    #[serde(skip)]
    pub span: Span,
}

/// Everything in `network` that owns or contains `address`: ports (each node's address) and
/// their subnets and gateways, virtual IPs, virtual networks' subnets, gateways, DNS servers
/// and IP pools, BGP peers, node VMs and the node range, the external pool, services' cluster and
/// external IPs, DNS names, routes, and the pod and service CIDRs. Most specific first
/// (see [`OwnerKind`]), then in file order. Empty when nothing in the device has it.
pub fn owners(network: &Network, address: Ipv4Addr) -> Vec<Owner> {
    owners_quoted(network, address, |name| format!("`{name}`"))
}

/// [`owners`], with each name from the file in a description written by `quote` (the hover
/// writes Markdown: `escape::markdown::code`), never as it is.
pub fn owners_quoted(network: &Network, address: Ipv4Addr, quote: impl Fn(&str) -> String) -> Vec<Owner> {
    let mut found = Vec::new();
    let mut push = |kind, description: String, span| found.push(Owner { kind, description, span });
    for port in &network.ports {
        let Some(addressing) = port.static_addressing() else { continue };
        for (node, own) in addressing.node_addresses().filter(|(_, own)| own.value.addr() == address) {
            let owner = crate::model::port_address_owner(port.id, node);
            push(OwnerKind::Port, format!("{owner} {}", own.value), own.span);
        }
        let net = addressing.address.value;
        if let Some(gateway) = addressing.gateway.filter(|gateway| gateway.value == address) {
            push(OwnerKind::Gateway, format!("{}'s gateway {address}", port.id), gateway.span);
        }
        if net.trunc().contains(&address) {
            push(OwnerKind::Subnet, format!("{}'s subnet {}", port.id, net.trunc()), addressing.address.span);
        }
    }
    for vnet in &network.virtual_networks {
        let name = quote(&vnet.name.value);
        if vnet.gateway.value == address {
            push(
                OwnerKind::VirtualNetworkGateway,
                format!("virtual network {name}'s gateway {address}"),
                vnet.gateway.span,
            );
        }
        for server in vnet.dns.iter().filter(|server| server.value == address) {
            push(OwnerKind::VirtualNetworkDns, format!("virtual network {name}'s DNS server {address}"), server.span);
        }
        if vnet.net().contains(&address) {
            let description = format!("virtual network {name}'s subnet {} (VLAN {})", vnet.net(), vnet.vlan.value);
            push(OwnerKind::VirtualNetworkSubnet, description, vnet.subnet.span);
        }
        if let Some(pool) = vnet.ip_pool.filter(|pool| pool.value.contains(address)) {
            let whose = if vnet.kubernetes.is_some() { "VMs and pods" } else { "VMs" };
            push(OwnerKind::IpPool, format!("virtual network {name}'s IP pool {} ({whose})", pool.value), pool.span);
        }
    }
    for vip in &network.virtual_ips {
        if let Some(own) = vip.static_address().filter(|own| own.value == address) {
            let kind = crate::model::Keyword::as_str(vip.kind.value);
            let description =
                format!("the {kind} virtual IP {address} on cluster network {}", vip.cluster_network.value);
            push(OwnerKind::VirtualIp, description, own.span);
        }
    }
    for peer in network.bgp_peers.iter().filter(|peer| peer.peer_address.value == address) {
        let description = format!("BGP peer {address} (AS {}) on {}", peer.peer_asn.value, quote(&peer.switch.value));
        push(OwnerKind::BgpPeer, description, peer.peer_address.span);
    }
    if let Some(kubernetes) = &network.kubernetes {
        let node_ips = kubernetes.node_ips;
        let node = kubernetes.nodes.iter().find(|node| node.address == Some(address));
        match node {
            Some(node) => push(OwnerKind::NodeVm, format!("node VM {} ({address})", quote(node.name)), node_ips.span),
            None if node_ips.value.contains(address) => push(
                OwnerKind::NodeRange,
                format!("the node IP range {} (no node takes it)", node_ips.value),
                node_ips.span,
            ),
            None => {}
        }
        if let Some(pool) = kubernetes.service_ips.filter(|pool| pool.value.contains(address)) {
            push(OwnerKind::ExternalPool, format!("the external service IP pool {}", pool.value), pool.span);
        }
        if let Some(pool) = kubernetes.service_ips.filter(|_| kubernetes.edgehub_ip == Some(address)) {
            push(OwnerKind::ExternalIp, "IoT Edge's `edgehub` external IP".to_owned(), pool.span);
        }
        if kubernetes.pod_cidr.value.contains(&address) {
            push(OwnerKind::PodCidr, format!("the pod CIDR {}", kubernetes.pod_cidr.value), kubernetes.pod_cidr.span);
        }
        let service_cidr = kubernetes.service_cidr;
        if service_cidr.value.contains(&address) {
            push(OwnerKind::ServiceCidr, format!("the service CIDR {}", service_cidr.value), service_cidr.span);
        }
    }
    for service in &network.services {
        let name = quote(&service.qualified_name());
        if service.allocated.cluster_ip == Some(address) {
            let (how, span) = match service.cluster_ip {
                Some(pinned) => ("pinned", pinned.span),
                None => ("allocated", service.header),
            };
            push(OwnerKind::ClusterIp, format!("service {name}'s cluster IP ({how})"), span);
        }
        if service.allocated.external_ip == Some(address) {
            let (how, span) = match (&service.load_balancer_ip, &service.share_ip) {
                (Some(pinned), _) => ("pinned", pinned.span),
                (None, Some(shared)) => ("shared", shared.span),
                (None, None) => ("allocated", service.header),
            };
            push(OwnerKind::ExternalIp, format!("service {name}'s external IP ({how})"), span);
        }
    }
    for zone in dns::zones(network) {
        for record in zone.records.iter().filter(|record| record.address == Some(address)) {
            let span = match &record.owner {
                dns::Owner::Platform { span, .. } => *span,
                dns::Owner::Service(service) => service.hostname.as_ref().map_or(service.header, |name| name.span),
            };
            let zone_name = match zone.kind {
                ZoneKind::Cluster => "cluster zone",
                ZoneKind::Site => "site zone",
            };
            push(
                OwnerKind::DnsName,
                format!("DNS name {} ({zone_name})", quote(&format!("{}.{}", record.name, zone.origin))),
                span,
            );
        }
    }
    for route in &network.routes {
        let destination = route.destination.value.trunc();
        if destination.contains(&address) {
            let target = match route.target.value {
                RouteTarget::Kubernetes => "Kubernetes",
                RouteTarget::Host => "host",
            };
            let description =
                format!("{target} route to {destination} via {} on {}", route.next_hop.value, route.interface.value);
            push(OwnerKind::Route, description, route.destination.span);
        }
    }
    if let Some(core) = &network.packet_core {
        for interface in core.interfaces().filter(|interface| interface.address.value == address) {
            let description = format!(
                "the {} address ({})",
                core.describe_quoted(interface, &quote),
                quote(&interface.virtual_network.value)
            );
            push(OwnerKind::PacketCoreInterface, description, interface.address.span);
        }
        for data_network in &core.data_networks {
            let name = quote(&data_network.name.value);
            if let Some(router) = data_network.router.filter(|router| router.value == address) {
                push(OwnerKind::DataNetworkRouter, format!("data network {name}'s router"), router.span);
            }
            for (kind, pool) in data_network.pools().filter(|(_, pool)| pool.value.contains(&address)) {
                push(OwnerKind::UePool, format!("data network {name}'s {kind} {}", pool.value), pool.span);
            }
        }
    }
    // Stable: the kinds in their order, file order within a kind.
    found.sort_by_key(|owner| (owner.kind, owner.span));
    found
}

#[cfg(test)]
mod packet_core_tests {
    use super::*;

    #[test]
    fn the_packet_cores_addresses_and_pools_have_owners() {
        let source = include_str!("../../examples/ap5gc-pro-gpu.toml");
        let network = crate::check(source).network.unwrap();
        let kinds = |address: &str| -> Vec<(OwnerKind, String)> {
            owners(&network, address.parse().unwrap()).into_iter().map(|o| (o.kind, o.description)).collect()
        };
        let n2 = kinds("10.232.44.20");
        assert_eq!(n2[0], (OwnerKind::PacketCoreInterface, "the N2 address (`N2`)".to_owned()));
        assert!(n2.iter().any(|(kind, _)| *kind == OwnerKind::IpPool));
        let ue = kinds("10.250.0.7");
        assert_eq!(ue, [(OwnerKind::UePool, "data network `plant-ot`'s static UE pool 10.250.0.0/24".to_owned())]);
        let router = kinds("10.232.62.1");
        assert!(router.contains(&(OwnerKind::DataNetworkRouter, "data network `plant-ot`'s router".to_owned())));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEVICE: &str = r#"
[device]
name = "store042"
model = "mini-r"
domain = "stores.contoso.com"

[ports.Port2]
address = "172.16.42.10/24"
gateway = "172.16.42.1"
dns = ["172.16.42.1"]

[ports.Port3]
address = "172.16.43.10/24"

[switches.compute]
ports = ["Port3"]
compute = true

[kubernetes]
node_ips = "172.16.43.20-172.16.43.23"
service_ips = "172.16.43.30-172.16.43.37"

[[services]]
name = "pos-api"
namespace = "retail"
type = "LoadBalancer"
ports = [{ port = 443 }]
hostname = "pos"

[[services]]
name = "inventory"
namespace = "retail"
ports = [{ port = 8080 }]
cluster_ip = "172.28.0.50"

[[routes]]
interface = "Port3"
destination = "10.20.0.0/16"
next_hop = "172.16.43.1"
"#;

    fn kinds(address: &str) -> Vec<(OwnerKind, String, String)> {
        found_in(DEVICE, address)
    }

    #[test]
    fn a_port_address_is_the_port_and_its_subnet() {
        let found = kinds("172.16.43.10");
        assert_eq!(found[0], (OwnerKind::Port, "Port3's address 172.16.43.10/24".into(), "\"172.16.43.10/24\"".into()));
        assert_eq!(found[1].0, OwnerKind::Subnet);
        assert_eq!(found.len(), 2);
    }

    #[test]
    fn the_master_node_has_its_vm_the_dns_names_and_the_subnet() {
        let found: Vec<OwnerKind> = kinds("172.16.43.20").into_iter().map(|(kind, ..)| kind).collect();
        assert_eq!(
            found,
            [OwnerKind::NodeVm, OwnerKind::DnsName, OwnerKind::DnsName, OwnerKind::DnsName, OwnerKind::Subnet]
        );
        assert!(kinds("172.16.43.20")[1].1.contains("compute.store042.stores.contoso.com"));
    }

    #[test]
    fn an_unused_node_address_is_the_range() {
        let found = kinds("172.16.43.23");
        assert_eq!(found[0].0, OwnerKind::NodeRange);
        assert_eq!(found[0].2, "\"172.16.43.20-172.16.43.23\"");
    }

    #[test]
    fn an_allocated_external_ip_names_the_service_its_dns_name_and_the_pool() {
        let found = kinds("172.16.43.30");
        let kinds: Vec<OwnerKind> = found.iter().map(|(kind, ..)| *kind).collect();
        assert_eq!(kinds, [OwnerKind::ExternalIp, OwnerKind::DnsName, OwnerKind::ExternalPool, OwnerKind::Subnet]);
        assert!(found[0].1.contains("retail/pos-api"), "{found:?}");
        assert!(found[1].1.contains("pos.store042.stores.contoso.com"), "{found:?}");
    }

    #[test]
    fn a_pinned_cluster_ip_points_at_the_pin() {
        let found = kinds("172.28.0.50");
        assert_eq!(found[0].0, OwnerKind::ClusterIp);
        assert_eq!(found[0].2, "\"172.28.0.50\"");
        assert!(found.iter().any(|(kind, ..)| *kind == OwnerKind::ServiceCidr));
        assert!(found.iter().any(|(kind, ..)| *kind == OwnerKind::DnsName));
    }

    #[test]
    fn routes_pod_cidr_and_gateway() {
        assert_eq!(kinds("10.20.3.4")[0].0, OwnerKind::Route);
        assert_eq!(kinds("10.20.3.4")[0].2, "\"10.20.0.0/16\"");
        assert_eq!(kinds("172.27.1.1")[0].0, OwnerKind::PodCidr);
        let gateway: Vec<OwnerKind> = kinds("172.16.42.1").into_iter().map(|(kind, ..)| kind).collect();
        // The port's DNS server is the site zone's name server `ns` too.
        assert_eq!(gateway, [OwnerKind::Gateway, OwnerKind::DnsName, OwnerKind::Subnet]);
    }

    #[test]
    fn an_address_nothing_has_has_no_owner() {
        assert!(kinds("8.8.8.8").is_empty());
    }

    const VLANS: &str = include_str!("../../examples/vlan-compute-site.toml");
    const BGP: &str = include_str!("../../examples/bgp-site.toml");

    /// Kind, description and the text at the span, for one example file.
    fn found_in(source: &str, address: &str) -> Vec<(OwnerKind, String, String)> {
        let checked = crate::check(source);
        assert!(!checked.has_errors(), "{:#?}", checked.diagnostics);
        let network = checked.network.unwrap();
        owners(&network, address.parse().unwrap())
            .into_iter()
            .map(|owner| (owner.kind, owner.description, source[owner.span.start..owner.span.end].to_owned()))
            .collect()
    }

    #[test]
    fn a_virtual_network_gateway_is_the_gateway_and_the_subnet() {
        let found = found_in(VLANS, "10.60.10.1");
        assert_eq!(
            found,
            [
                (
                    OwnerKind::VirtualNetworkGateway,
                    "virtual network `vnet-cameras`'s gateway 10.60.10.1".into(),
                    "\"10.60.10.1\"".into()
                ),
                (
                    OwnerKind::VirtualNetworkSubnet,
                    "virtual network `vnet-cameras`'s subnet 10.60.10.0/24 (VLAN 10)".into(),
                    "\"10.60.10.0/24\"".into()
                ),
            ]
        );
    }

    #[test]
    fn a_node_vm_on_a_virtual_network_names_the_virtual_network_subnet() {
        let found: Vec<OwnerKind> = found_in(VLANS, "10.60.20.30").into_iter().map(|(kind, ..)| kind).collect();
        assert_eq!(found[0], OwnerKind::NodeVm);
        assert_eq!(found.last(), Some(&OwnerKind::VirtualNetworkSubnet));
        assert!(!found.contains(&OwnerKind::Subnet), "no port is on VLAN 20: {found:?}");
    }

    #[test]
    fn a_virtual_network_dns_server_points_at_its_entry() {
        let found = found_in(VLANS, "10.60.0.53");
        let dns: Vec<_> = found.iter().filter(|(kind, ..)| *kind == OwnerKind::VirtualNetworkDns).collect();
        assert_eq!(dns.len(), 1, "{found:?}");
        assert_eq!(dns[0].1, "virtual network `vnet-k8s`'s DNS server 10.60.0.53");
        assert_eq!(dns[0].2, "\"10.60.0.53\"");
        // The span is the entry in `vnet-k8s`'s list, not Port2's list of the same address.
        let entry = VLANS.find("dns = [\"10.60.0.53\"]\ncompute").unwrap() + "dns = [".len();
        let checked = crate::check(VLANS);
        let network = checked.network.unwrap();
        let owner = owners(&network, "10.60.0.53".parse().unwrap())
            .into_iter()
            .find(|owner| owner.kind == OwnerKind::VirtualNetworkDns)
            .unwrap();
        assert_eq!(owner.span.start, entry);
    }

    #[test]
    fn a_bgp_peer_is_its_address_then_the_port_subnet() {
        let found = found_in(BGP, "10.40.10.2");
        assert_eq!(
            found[0],
            (OwnerKind::BgpPeer, "BGP peer 10.40.10.2 (AS 64512) on `vswitch-port3`".into(), "\"10.40.10.2\"".into())
        );
        let kinds: Vec<OwnerKind> = found.iter().map(|(kind, ..)| *kind).collect();
        assert_eq!(kinds, [OwnerKind::BgpPeer, OwnerKind::Subnet]);
        let second = found_in(BGP, "10.40.10.3");
        assert_eq!(second[0].0, OwnerKind::BgpPeer);
        assert!(BGP[..BGP.find("\"10.40.10.3\"").unwrap()].contains("hold_time = 90"), "the second peer's span");
    }
}

#[cfg(test)]
mod cluster_tests {
    use super::*;

    const CLUSTER: &str = r#"
[device]
name = "c"
nodes = 2
[ports.Port2]
addresses = ["10.1.2.20/24", "10.1.2.21/24"]
gateway = "10.1.2.1"
[ports.Port5]
address = "10.1.5.20/24"
[switches.s5]
ports = ["Port5"]
[[virtual_networks]]
name = "N3"
switch = "s5"
vlan = 0
subnet = "10.1.5.0/24"
gateway = "10.1.5.1"
kubernetes = true
ip_pool = "10.1.5.40-10.1.5.40"
[[virtual_ips]]
type = "NFS"
address = "10.1.2.10"
cluster_network = "10.1.2.0/24"
"#;

    fn describe(address: &str) -> Vec<(OwnerKind, String)> {
        let network = crate::check(CLUSTER).network.expect("TOML");
        owners(&network, address.parse().unwrap()).into_iter().map(|owner| (owner.kind, owner.description)).collect()
    }

    #[test]
    fn each_node_address_virtual_ip_and_pool_has_its_owner() {
        assert_eq!(
            describe("10.1.2.21"),
            [
                (OwnerKind::Port, "Port2's address on node 2 10.1.2.21/24".to_owned()),
                (OwnerKind::Subnet, "Port2's subnet 10.1.2.0/24".to_owned()),
            ]
        );
        assert_eq!(
            describe("10.1.2.10")[0],
            (OwnerKind::VirtualIp, "the NFS virtual IP 10.1.2.10 on cluster network 10.1.2.0/24".to_owned())
        );
        let pool = describe("10.1.5.40");
        assert!(
            pool.contains(&(OwnerKind::IpPool, "virtual network `N3`'s IP pool 10.1.5.40 (VMs and pods)".to_owned())),
            "{pool:?}"
        );
    }
}
