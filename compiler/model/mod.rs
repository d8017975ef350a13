//! The resolved network: typed addresses, enums and ids, each value with its span.
//! Everything here was checked for shape by `resolve`; rules judge whether it makes sense.
//!
//! An item whose required values could not be resolved is left out of the model (its error
//! is already reported), so rules never see half-parsed data and never repeat that error.

mod address;
pub mod bounds;
mod device;
pub mod dns;
pub mod names;
mod packet_core;
pub mod uses;

pub use address::{AddrRange, OnSubnet, Overlap, network_and_broadcast, on_subnet, overlaps};
pub use device::{DeviceModel, NodeCount, PackageLayout, PortId};
pub use packet_core::*;

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use crate::diagnostic::Rule;
use crate::diagnostic::Span;

/// A value and where the user wrote it. Defaults carry the span of their table's header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Located<T> {
    pub fn new(value: T, span: impl Into<Span>) -> Self {
        Located { value, span: span.into() }
    }
}

#[derive(Clone, Debug)]
pub struct Network {
    pub device: Device,
    /// Declared ports whose settings resolved, by id.
    pub ports: Vec<Port>,
    pub switches: Vec<Switch>,
    pub kubernetes: Option<Kubernetes>,
    pub services: Vec<Service>,
    pub routes: Vec<Route>,
    /// `[[virtual_networks]]`: VLANs on the virtual switches (`Add-HcsVirtualNetwork`).
    pub virtual_networks: Vec<VirtualNetwork>,
    /// `[[bgp_peers]]`: MetalLB's BGP peers (`Set-HcsBGPPeer`); none means layer 2.
    pub bgp_peers: Vec<BgpPeer>,
    /// `[[virtual_ips]]`: a two-node cluster's virtual IPs (`Set-DeviceVip`).
    pub virtual_ips: Vec<VirtualIp>,
    /// `[packet_core]`: the Azure Private 5G Core packet core the device runs.
    pub packet_core: Option<PacketCore>,
    pub lint: LintLevels,
    /// What the file declares but the model lacks because it did not resolve.
    pub unresolved: Unresolved,
}

/// What the file says that the model lacks. Rules that judge an absence ("no compute
/// switch", "no gateway") read this first, so that they never report a consequence of an
/// input error.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Unresolved {
    /// An input error (ASE0xx) was reported: a table or key may be missing, misspelt,
    /// mistyped or unparsable, so any absence may be one the file did not mean.
    pub input_errors: bool,
    /// `device.model` is not a model: the ports were read as a pro-gpu's.
    pub model: bool,
    /// A `[switches.X]` table with `compute = true` was left out of the model.
    pub compute_switch: bool,
    /// A `[[virtual_networks]]` table with `compute = true` was left out of the model.
    pub compute_virtual_network: bool,
    /// A `[switches.X]` or `[[virtual_networks]]` table was left out of the model: the
    /// networks a port carries are not all known.
    pub networks: bool,
    /// A `[packet_core]` table was left out of the model.
    pub packet_core: bool,
}

impl Network {
    pub fn port(&self, id: PortId) -> Option<&Port> {
        self.ports.iter().find(|port| port.id == id)
    }

    /// The compute switch, when exactly one switch has `compute = true` and none that did
    /// failed to resolve, and no virtual network carries compute instead.
    pub fn compute_switch(&self) -> Option<&Switch> {
        if self.unresolved.compute_switch || self.has_compute_virtual_network() {
            return None;
        }
        let mut compute = self.switches.iter().filter(|switch| switch.compute.is_some());
        let switch = compute.next()?;
        if compute.next().is_some() {
            return None;
        }
        Some(switch)
    }

    /// Whether a virtual network has (or had, before it failed to resolve) `compute = true`.
    pub fn has_compute_virtual_network(&self) -> bool {
        self.unresolved.compute_virtual_network || self.virtual_networks.iter().any(|vnet| vnet.compute.is_some())
    }

    /// The compute virtual network, when it is the one place compute is enabled: exactly one
    /// virtual network has `compute = true`, no switch has it, and none failed to resolve.
    pub fn compute_virtual_network(&self) -> Option<&VirtualNetwork> {
        if self.unresolved.compute_virtual_network || self.unresolved.compute_switch {
            return None;
        }
        if self.switches.iter().any(|switch| switch.compute.is_some()) {
            return None;
        }
        let mut compute = self.virtual_networks.iter().filter(|vnet| vnet.compute.is_some());
        let vnet = compute.next()?;
        if compute.next().is_some() {
            return None;
        }
        Some(vnet)
    }

    /// The switch a name refers to.
    pub fn switch(&self, name: &str) -> Option<&Switch> {
        self.switches.iter().find(|switch| switch.name.value == name)
    }

    /// Where Kubernetes lives, when that is one place: the compute switch (on its ports'
    /// subnets) or the compute virtual network (on its own subnet, on its switch).
    pub fn compute_network(&self) -> Option<ComputeNetwork<'_>> {
        if let Some(vnet) = self.compute_virtual_network() {
            let switch = self.switch(&vnet.switch.value)?;
            return Some(ComputeNetwork { switch, virtual_network: Some(vnet) });
        }
        self.compute_switch().map(|switch| ComputeNetwork { switch, virtual_network: None })
    }

    /// The subnets Kubernetes lives on, each with the place that names it: the compute
    /// virtual network's subnet, or the static subnets of the compute switch's ports. `None`
    /// when there is no one compute network or a compute port is not static.
    pub fn compute_subnets(&self) -> Option<Vec<ComputeSubnet>> {
        let compute = self.compute_network()?;
        if let Some(vnet) = compute.virtual_network {
            let port = match compute.switch.ports.as_slice() {
                [port] => port.value,
                _ => return None,
            };
            return Some(vec![ComputeSubnet {
                port,
                subnet: Located::new(vnet.subnet.value.trunc(), vnet.subnet.span),
                owner: format!("virtual network `{}`", vnet.name.value),
            }]);
        }
        compute
            .switch
            .ports
            .iter()
            .map(|port| {
                let subnet = self.port(port.value)?.subnet()?;
                Some(ComputeSubnet { port: port.value, subnet, owner: port.value.to_string() })
            })
            .collect()
    }

    /// The subnet a route through `interface` reaches directly, with its owner for messages
    /// (`Port3`, or ``virtual network `vnet-k8s` ``): the compute virtual network's subnet
    /// when `interface` is its switch's port (the Kubernetes VMs sit on that VLAN, and custom
    /// routes are theirs), else the port's own static subnet.
    /// `None` when a switch or virtual network was left out of the model (its error is
    /// reported): which network the port leads to is then not known.
    pub fn interface_subnet(&self, interface: PortId) -> Option<(Located<Ipv4Net>, SubnetName<'_>)> {
        if self.unresolved.networks {
            return None;
        }
        if let Some(vnet) = self.compute_virtual_network()
            && self.switch(&vnet.switch.value).is_some_and(|switch| switch.ports.iter().any(|p| p.value == interface))
        {
            return Some((Located::new(vnet.net(), vnet.subnet.span), SubnetName::VirtualNetwork(&vnet.name.value)));
        }
        let subnet = self.port(interface)?.subnet()?;
        Some((subnet, SubnetName::Port(interface)))
    }

    /// The compute switch's port, when there is exactly one compute switch with one port.
    pub fn compute_port(&self) -> Option<&Port> {
        let switch = self.compute_switch()?;
        match switch.ports.as_slice() {
            [port] => self.port(port.value),
            _ => None,
        }
    }
}

/// Whose subnet [`Network::interface_subnet`] found, as a message names it: a virtual
/// network (`` virtual network `vnet1` ``) or the port itself (`Port3`). Written only when a
/// message is: making the name for every route was a twentieth of checking 10k routes.
#[derive(Clone, Copy, Debug)]
pub enum SubnetName<'a> {
    VirtualNetwork(&'a str),
    Port(PortId),
}

impl std::fmt::Display for SubnetName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SubnetName::VirtualNetwork(name) => write!(f, "virtual network `{name}`"),
            SubnetName::Port(port) => write!(f, "{port}"),
        }
    }
}

/// Where Kubernetes lives: a switch with `compute = true`, or a virtual network with
/// `compute = true` on its switch.
#[derive(Clone, Copy, Debug)]
pub struct ComputeNetwork<'a> {
    pub switch: &'a Switch,
    pub virtual_network: Option<&'a VirtualNetwork>,
}

/// One subnet of the compute network.
#[derive(Clone, Debug)]
pub struct ComputeSubnet {
    /// The physical port the subnet is reached through.
    pub port: PortId,
    /// Without host bits; the span of the port's `address` or the virtual network's `subnet`.
    pub subnet: Located<Ipv4Net>,
    /// `Port3` or ``virtual network `vnet-cameras` ``, for messages.
    pub owner: String,
}

/// `[[virtual_networks]]`: a VLAN on a virtual switch (`Add-HcsVirtualNetwork`).
#[derive(Clone, Debug)]
pub struct VirtualNetwork {
    pub header: Span,
    pub name: Located<String>,
    /// A `[switches.X]` of the file (resolve checked the reference).
    pub switch: Located<String>,
    /// As written: `vlan-invalid` judges the range.
    pub vlan: Located<i64>,
    /// The address space as written, host bits included.
    pub subnet: Located<Ipv4Net>,
    pub gateway: Located<Ipv4Addr>,
    pub dns: Vec<Located<Ipv4Addr>>,
    /// The span of `compute = true`, when Kubernetes runs on this network.
    pub compute: Option<Span>,
    /// The span of `kubernetes = true`: the network is enabled for Kubernetes, and pods may
    /// attach to it (see docs/device-facts.md#kubernetes-networks). Not compute: the
    /// Kubernetes VMs do not live here.
    pub kubernetes: Option<Span>,
    /// `ip_pool`: the network's static IP pool (the device's `VirtualMachineIPs`).
    pub ip_pool: Option<Located<AddrRange>>,
}

impl VirtualNetwork {
    /// The address space without host bits.
    pub fn net(&self) -> Ipv4Net {
        self.subnet.value.trunc()
    }
}

/// `[[bgp_peers]]`: a BGP router MetalLB peers with (`Set-HcsBGPPeer`).
#[derive(Clone, Debug)]
pub struct BgpPeer {
    pub header: Span,
    /// A `[switches.X]` of the file (resolve checked the reference).
    pub switch: Located<String>,
    pub peer_address: Located<Ipv4Addr>,
    /// ASNs and the hold time stay as written: `bgp-asn-invalid` and `bgp-hold-time-invalid`
    /// judge their range.
    pub peer_asn: Located<i64>,
    pub self_asn: Located<i64>,
    pub hold_time: Option<Located<i64>>,
}

#[derive(Clone, Debug)]
pub struct Device {
    pub header: Span,
    pub name: Option<Located<String>>,
    pub model: Located<DeviceModel>,
    pub nodes: Located<NodeCount>,
    pub domain: Option<Located<String>>,
    /// `node_names`: one name per node, in the device's order; the span is the array's.
    /// `None` when the file gives none (or they did not resolve).
    pub node_names: Option<Located<Vec<Located<String>>>>,
    /// `software_version`: the device's release as `YYMM`, inside
    /// [`bounds::SOFTWARE_VERSION`]; `None` when the file gives none.
    pub software_version: Option<Located<u16>>,
}

impl Device {
    /// The layout of the configuration package for the device's release: the newest one
    /// documented when the file names no release (see docs/device-facts.md#package-layouts).
    pub fn package_layout(&self) -> PackageLayout {
        self.software_version.map_or(PackageLayout::NEWEST, |version| PackageLayout::of_release(version.value))
    }

    /// The name of node `index` (0 for the first), when the file names the nodes.
    pub fn node_name(&self, index: usize) -> Option<&str> {
        self.node_names.as_ref()?.value.get(index).map(|name| name.value.as_str())
    }
}

/// `[[virtual_ips]]`: a virtual IP of a two-node cluster (`Set-DeviceVip`): an address on
/// the cluster network that clients reach whichever node serves it.
#[derive(Clone, Debug)]
pub struct VirtualIp {
    pub header: Span,
    pub kind: Located<VirtualIpType>,
    pub address: VirtualIpAddress,
    /// The cluster network, without host bits.
    pub cluster_network: Located<Ipv4Net>,
}

/// How a virtual IP gets its address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VirtualIpAddress {
    Static(Located<Ipv4Addr>),
    /// `dhcp = true`, at its span: the cluster network's DHCP server gives it.
    Dhcp(Span),
}

impl VirtualIp {
    /// The static address, when the virtual IP has one.
    pub fn static_address(&self) -> Option<Located<Ipv4Addr>> {
        match self.address {
            VirtualIpAddress::Static(address) => Some(address),
            VirtualIpAddress::Dhcp(_) => None,
        }
    }
}

/// What a virtual IP is for, as `Set-DeviceVip` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum VirtualIpType {
    /// Azure Consistent Services.
    Acs,
    /// Network File System.
    Nfs,
}

impl Keyword for VirtualIpType {
    const ALL: &'static [Self] = &[VirtualIpType::Acs, VirtualIpType::Nfs];

    fn as_str(self) -> &'static str {
        match self {
            VirtualIpType::Acs => "ACS",
            VirtualIpType::Nfs => "NFS",
        }
    }
}

/// The device's system namespaces (see docs/device-facts.md#reserved-namespaces): where a
/// service is the device's own (`reserved-namespace` refuses them in a file, `asenet import`
/// leaves the cluster's out).
pub const RESERVED_NAMESPACES: &[&str] = &[
    "kube-system",
    "metallb-system",
    "dbe-namespace",
    "default",
    "kubernetes-dashboard",
    "kube-node-lease",
    "kube-public",
    "iotedge",
    "azure-arc",
];

/// The MTU a switch has unless it is set: what every switch of Microsoft's samples shows
/// (`import` leaves it out, `drift` reads a port without an MTU as having it).
pub const DEFAULT_MTU: i64 = 1500;

/// Why `name` is not a node name (1 to 15 letters, digits or hyphens, as Windows names a
/// computer; see docs/device-facts.md#node-names); `None` when it is one.
pub fn node_name_problem(name: &str) -> Option<String> {
    if let Some(bad) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-')) {
        return Some(format!("`{}` is not a letter, digit or hyphen", bad.escape_debug()));
    }
    bounds::NODE_NAME.length_problem(name.len())
}

#[derive(Clone, Debug)]
pub struct Port {
    pub id: PortId,
    /// The span of the name in `[ports.PortN]`.
    pub span: Span,
    pub config: PortConfig,
    pub mtu: Option<Located<i64>>,
}

impl Port {
    /// The port's subnet, when it is static.
    pub fn subnet(&self) -> Option<Located<Ipv4Net>> {
        match &self.config {
            PortConfig::Static(addressing) => {
                Some(Located::new(addressing.address.value.trunc(), addressing.address.span))
            }
            _ => None,
        }
    }

    pub fn gateway(&self) -> Option<Located<Ipv4Addr>> {
        self.static_addressing().and_then(|addressing| addressing.gateway)
    }

    /// The port's address, gateway and DNS servers, when it is static.
    pub fn static_addressing(&self) -> Option<&StaticAddressing> {
        match &self.config {
            PortConfig::Static(addressing) => Some(addressing),
            _ => None,
        }
    }
}

/// How a port gets its address.
#[derive(Clone, Debug)]
pub enum PortConfig {
    Static(StaticAddressing),
    Dhcp {
        span: Span,
    },
    /// Neither `address` nor `dhcp = true`.
    Unconfigured,
}

#[derive(Clone, Debug)]
pub struct StaticAddressing {
    /// The port's own address with its prefix length, as written: the only one, or the
    /// first node's when the file gives one per node (`addresses`).
    pub address: Located<Ipv4Net>,
    /// The second node's own address on this port, when the file gives one per node.
    pub second_node: Option<Located<Ipv4Net>>,
    pub gateway: Option<Located<Ipv4Addr>>,
    pub dns: Vec<Located<Ipv4Addr>>,
}

impl StaticAddressing {
    /// The port's addresses with the node each is on: `(None, address)` for a port with one
    /// address, `(Some(0), first)` and `(Some(1), second)` for one per node.
    pub fn node_addresses(&self) -> impl Iterator<Item = (Option<usize>, Located<Ipv4Net>)> {
        let per_node = self.second_node.is_some();
        std::iter::once((per_node.then_some(0), self.address)).chain(self.second_node.map(|second| (Some(1), second)))
    }
}

/// `Port3's address`, or `Port3's address on node 2` for one of a port's per-node addresses.
pub fn port_address_owner(port: PortId, node: Option<usize>) -> String {
    match node {
        None => format!("{port}'s address"),
        Some(index) => format!("{port}'s address on node {}", index + 1),
    }
}

#[derive(Clone, Debug)]
pub struct Switch {
    pub name: Located<String>,
    pub ports: Vec<Located<PortId>>,
    /// The span of `compute = true`, when the switch carries Kubernetes.
    pub compute: Option<Span>,
}

#[derive(Clone, Debug)]
pub struct Kubernetes {
    pub header: Span,
    pub node_ips: Located<AddrRange>,
    /// External service IPs: the MetalLB pool. `None` when the file gives none.
    pub service_ips: Option<Located<AddrRange>>,
    pub pod_cidr: Located<Ipv4Net>,
    pub service_cidr: Located<Ipv4Net>,
    pub cluster_domain: Located<String>,
    /// The span of `iot_edge = true`; `None` when IoT Edge is off.
    pub iot_edge: Option<Span>,
    /// The compute NIC inside the node VMs; `eth1` (at the header) when not given.
    pub vm_interface: Located<String>,
    /// `master`, `worker1`[, `worker2`], with the node IPs they take in that order.
    pub nodes: Vec<KubernetesNode>,
    /// The external IP held for IoT Edge's `edgehub`, when `iot_edge` is on and one is free.
    pub edgehub_ip: Option<Ipv4Addr>,
    /// `iot_modules`: IoT Edge modules that take an external IP each (as written; 0 when absent).
    pub iot_modules: Option<Located<i64>>,
    /// `vms`: VMs that take an external IP each (as written; 0 when absent).
    pub vms: Option<Located<i64>>,
    /// What allocation saw in the external service IP pool (`service_ips`, MetalLB's).
    pub external_pool: PoolUsage<ExternalDemand>,
    /// What allocation saw in the service CIDR.
    pub cluster_pool: PoolUsage<ClusterDemand>,
}

impl Kubernetes {
    /// Whether the pod CIDR is the default (see docs/device-facts.md#cluster-cidrs) rather than
    /// written in the file.
    pub fn pod_cidr_is_default(&self) -> bool {
        self.pod_cidr.span == self.header
    }

    /// Whether the service CIDR is the default (see docs/device-facts.md#cluster-cidrs) rather than
    /// written in the file.
    pub fn service_cidr_is_default(&self) -> bool {
        self.service_cidr.span == self.header
    }
}

/// The addresses of `service_cidr` that no service may pin or be given, each with why, as
/// a phrase that completes "172.28.0.10 is …": the network address, `.1` for `kubernetes.default` and `.10` for `kube-dns`
/// (see docs/device-facts.md#reserved-addresses), and the broadcast address. Only those inside the
/// CIDR (a /29 has no `.10`); an address with two roles is listed once, under the first.
pub fn reserved_cluster_ips(service_cidr: Ipv4Net) -> Vec<(Ipv4Addr, &'static str)> {
    let network = u32::from(service_cidr.network());
    let candidates = [
        (Some(network), "the service CIDR's network address"),
        (network.checked_add(1), "reserved for `kubernetes.default`"),
        (network.checked_add(10), "reserved for `kube-dns`"),
        (Some(u32::from(service_cidr.broadcast())), "the service CIDR's broadcast address"),
    ];
    let mut reserved: Vec<(Ipv4Addr, &'static str)> = Vec::new();
    for (address, role) in candidates {
        let Some(address) = address.map(Ipv4Addr::from) else { continue };
        if service_cidr.contains(&address) && reserved.iter().all(|(taken, _)| *taken != address) {
            reserved.push((address, role));
        }
    }
    reserved
}

/// What allocation saw in one address pool: how many addresses it can hand out, what the
/// file asks of it, and who asked and got none. `resolve` records it while it allocates;
/// `pool-exhausted` reports from it rather than counting again.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PoolUsage<Demand> {
    /// The addresses the pool holds for allocation: the external range's size (0 without
    /// `service_ips`), or the service CIDR's less its reserved addresses.
    pub capacity: u64,
    /// What the file asks of the pool.
    pub demand: Demand,
    /// Who asked for an address and was given none, in the order allocation served them.
    pub unserved: Vec<Claimant>,
}

impl<Demand> PoolUsage<Demand> {
    /// The first service left without an address, as an index into `Network::services`.
    pub fn first_unserved_service(&self) -> Option<usize> {
        self.unserved.iter().find_map(|claimant| match claimant {
            Claimant::Service(index) => Some(*index),
            Claimant::Edgehub => None,
        })
    }
}

/// Who asks a pool for an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claimant {
    /// IoT Edge's `edgehub`, which takes an external IP before any service (F7).
    Edgehub,
    /// A service, by its index in `Network::services`.
    Service(usize),
}

/// What the file asks of the external service IP pool, by who asks.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ExternalDemand {
    /// `iot_edge = true`: `edgehub` takes one address.
    pub edgehub: bool,
    /// `iot_modules`: one address each, which the device gives when it deploys them.
    pub iot_modules: u64,
    /// `vms`: one address each, which the device gives when it deploys them.
    pub vms: u64,
    /// Distinct `load_balancer_ip` pins inside the pool (a pin outside it takes nothing).
    pub pinned: u64,
    /// `share_ip` groups of unpinned LoadBalancer services without a pinned member: one
    /// address a group.
    pub share_groups: u64,
    /// Unpinned LoadBalancer services outside any `share_ip` group: one address each.
    pub lone_services: u64,
}

impl ExternalDemand {
    /// The addresses the LoadBalancer services take: pins, groups and the others.
    pub fn services(&self) -> u64 {
        self.pinned + self.share_groups + self.lone_services
    }

    pub fn total(&self) -> u64 {
        self.services() + u64::from(self.edgehub) + self.iot_modules + self.vms
    }
}

/// What the services ask of the service CIDR: each one a cluster IP of its own.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ClusterDemand {
    /// Distinct `cluster_ip` pins inside the CIDR that are not reserved addresses.
    pub pinned: u64,
    /// Services that are neither pinned nor headless: one address each.
    pub unpinned: u64,
}

impl ClusterDemand {
    pub fn total(&self) -> u64 {
        self.pinned + self.unpinned
    }
}

/// The cluster IPs a service CIDR holds for services: its addresses less the reserved ones.
pub fn cluster_ip_capacity(service_cidr: Ipv4Net) -> u64 {
    AddrRange::of_net(service_cidr).size() - reserved_cluster_ips(service_cidr).len() as u64
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubernetesNode {
    pub name: &'static str,
    /// `None` when the node range is too small to give this node an address.
    pub address: Option<Ipv4Addr>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ServiceType {
    ClusterIp,
    NodePort,
    LoadBalancer,
}

/// An enum the file spells as one of a fixed set of words. [`Keyword::ALL`] is the one list
/// of them: `resolve` reads the words with it and the JSON Schema lists them from it.
pub trait Keyword: Copy + 'static {
    /// Every value, in the order messages and the schema list them.
    const ALL: &'static [Self];
    /// The word the file uses.
    fn as_str(self) -> &'static str;
}

impl Keyword for ServiceType {
    const ALL: &'static [Self] = &[ServiceType::ClusterIp, ServiceType::NodePort, ServiceType::LoadBalancer];

    fn as_str(self) -> &'static str {
        match self {
            ServiceType::ClusterIp => "ClusterIP",
            ServiceType::NodePort => "NodePort",
            ServiceType::LoadBalancer => "LoadBalancer",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    Tcp,
    Udp,
    Sctp,
}

impl Keyword for Protocol {
    const ALL: &'static [Self] = &[Protocol::Tcp, Protocol::Udp, Protocol::Sctp];

    fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
            Protocol::Sctp => "SCTP",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Service {
    pub header: Span,
    pub name: Located<String>,
    pub namespace: Located<String>,
    pub kind: Located<ServiceType>,
    pub ports: Vec<ServicePort>,
    pub load_balancer_ip: Option<Located<Ipv4Addr>>,
    pub cluster_ip: Option<Located<Ipv4Addr>>,
    /// The span of `cluster_ip = "None"`: a headless service, which gets no cluster IP.
    pub headless: Option<Span>,
    pub share_ip: Option<Located<String>>,
    pub hostname: Option<Located<String>>,
    /// The pod selector, label keys to values, when the file gives one.
    pub selector: Option<Located<BTreeMap<String, String>>>,
    /// What allocation gave this service; `None` when its pool ran out.
    pub allocated: Allocation,
}

impl Service {
    /// `namespace/name`, as kubectl names a service.
    pub fn qualified_name(&self) -> String {
        format!("{}/{}", self.namespace.value, self.name.value)
    }
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Allocation {
    pub cluster_ip: Option<Ipv4Addr>,
    pub external_ip: Option<Ipv4Addr>,
}

/// Port numbers stay as written: `invalid-service-port` judges their range.
#[derive(Clone, Debug)]
pub struct ServicePort {
    pub span: Span,
    pub port: Located<i64>,
    pub protocol: Located<Protocol>,
    pub target_port: Option<Located<TargetPort>>,
    pub node_port: Option<Located<i64>>,
}

/// A service port's `target_port`: a number as written (`invalid-service-port` judges its
/// range), or the name of a container port (judged there too, by IANA's service-name rule).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetPort {
    Number(i64),
    Name(String),
}

impl std::fmt::Display for TargetPort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TargetPort::Number(number) => write!(f, "{number}"),
            TargetPort::Name(name) => f.write_str(name),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RouteTarget {
    Kubernetes,
    Host,
}

impl Keyword for RouteTarget {
    const ALL: &'static [Self] = &[RouteTarget::Kubernetes, RouteTarget::Host];

    fn as_str(self) -> &'static str {
        match self {
            RouteTarget::Kubernetes => "kubernetes",
            RouteTarget::Host => "host",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Route {
    pub header: Span,
    pub interface: Located<PortId>,
    /// As written, host bits included; a bare address is a /32.
    pub destination: Located<Ipv4Net>,
    pub next_hop: Located<Ipv4Addr>,
    pub metric: Located<u32>,
    pub target: Located<RouteTarget>,
}

/// `[lint]`: rules silenced and rules raised to errors, for this file.
#[derive(Clone, Debug, Default)]
pub struct LintLevels {
    pub allow: Vec<&'static Rule>,
    pub deny: Vec<&'static Rule>,
}

/// Each item whose `key` an earlier item already has, paired with that first item, in the
/// items' order: what "defined twice" diagnostics report.
pub fn repeats<'a, T, K: Ord>(items: impl IntoIterator<Item = &'a T>, key: impl Fn(&'a T) -> K) -> Vec<(&'a T, &'a T)> {
    let mut first = BTreeMap::new();
    let mut repeats = Vec::new();
    for item in items {
        match first.entry(key(item)) {
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(item);
            }
            std::collections::btree_map::Entry::Occupied(earlier) => repeats.push((*earlier.get(), item)),
        }
    }
    repeats
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reserved(cidr: &str) -> Vec<String> {
        reserved_cluster_ips(cidr.parse().unwrap()).iter().map(|(address, _)| address.to_string()).collect()
    }

    #[test]
    fn reserved_cluster_ips_are_those_the_cidr_holds() {
        assert_eq!(reserved("172.28.0.0/16"), ["172.28.0.0", "172.28.0.1", "172.28.0.10", "172.28.255.255"]);
        assert_eq!(reserved("10.96.0.1/16"), ["10.96.0.0", "10.96.0.1", "10.96.0.10", "10.96.255.255"]);
        assert_eq!(reserved("10.96.0.0/29"), ["10.96.0.0", "10.96.0.1", "10.96.0.7"]);
        assert_eq!(reserved("10.96.0.0/31"), ["10.96.0.0", "10.96.0.1"]);
        assert_eq!(reserved("255.255.255.255/32"), ["255.255.255.255"]);
    }
}
