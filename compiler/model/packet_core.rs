//! `[packet_core]`: the Azure Private 5G Core packet core instance the device runs (see
//! docs/private-5g.md). Its interfaces are virtual networks of the file, found by name; the
//! rules judge where those networks are and what they hold.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use super::{DeviceModel, Keyword, Located, Network, PortId, VirtualNetwork};
use crate::diagnostic::Span;

/// The most data networks a site attaches (see docs/device-facts.md#ap5gc-data-networks).
pub const MAX_DATA_NETWORKS: usize = 10;
/// The most data networks on one port (see docs/device-facts.md#ap5gc-data-networks).
pub const MAX_DATA_NETWORKS_PER_PORT: usize = 6;
/// The AKS cluster's node IPs: exactly this many (see docs/device-facts.md#aks-node-ips).
pub const AKS_NODE_IPS: u64 = 6;
/// The AKS cluster's service IPs: one, or two as the automation allows (see
/// docs/device-facts.md#aks-node-ips).
pub const AKS_SERVICE_IPS: std::ops::RangeInclusive<u64> = 1..=2;

/// The core technology of a site: 5G or 4G, never both (see
/// docs/device-facts.md#ap5gc-technology).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CoreTechnology {
    FiveG,
    FourG,
}

impl Keyword for CoreTechnology {
    const ALL: &'static [Self] = &[CoreTechnology::FiveG, CoreTechnology::FourG];

    fn as_str(self) -> &'static str {
        match self {
            CoreTechnology::FiveG => "5G",
            CoreTechnology::FourG => "4G",
        }
    }
}

impl CoreTechnology {
    /// The value of the site template's `coreNetworkTechnology` (see
    /// docs/device-facts.md#ap5gc-site-template).
    pub fn template_value(self) -> &'static str {
        match self {
            CoreTechnology::FiveG => "5GC",
            CoreTechnology::FourG => "EPC",
        }
    }

    /// What the technology calls an interface: `N2` in 5G, `S1-MME` in 4G.
    pub fn interface_name(self, role: InterfaceRole) -> &'static str {
        match (self, role) {
            (CoreTechnology::FiveG, InterfaceRole::ControlPlaneAccess) => "N2",
            (CoreTechnology::FiveG, InterfaceRole::UserPlaneAccess) => "N3",
            (CoreTechnology::FiveG, InterfaceRole::UserPlaneData) => "N6",
            (CoreTechnology::FourG, InterfaceRole::ControlPlaneAccess) => "S1-MME",
            (CoreTechnology::FourG, InterfaceRole::UserPlaneAccess) => "S1-U",
            (CoreTechnology::FourG, InterfaceRole::UserPlaneData) => "SGi",
        }
    }

    /// The port a technology's control plane must have open on the access network: SCTP
    /// 38412 for N2, SCTP 36412 for S1-MME (see docs/device-facts.md#ap5gc-required-ports).
    pub fn control_plane_port(self) -> u16 {
        match self {
            CoreTechnology::FiveG => 38412,
            CoreTechnology::FourG => 36412,
        }
    }
}

/// UDP 2152, the user plane's tunnels on the access network (N3, S1-U; see
/// docs/device-facts.md#ap5gc-required-ports).
pub const USER_PLANE_ACCESS_PORT: u16 = 2152;

/// The three kinds of packet core interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum InterfaceRole {
    /// N2 (5G) or S1-MME (4G): signalling with the RAN, on the access network.
    ControlPlaneAccess,
    /// N3 (5G) or S1-U (4G): user traffic to and from the RAN, on the access network.
    UserPlaneAccess,
    /// N6 (5G) or SGi (4G): user traffic to and from one data network.
    UserPlaneData,
}

/// The ports the packet core uses on one model (see docs/device-facts.md#ap5gc-ports).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PortLayout {
    /// The ports the management network (with compute) may be on.
    pub management: &'static [PortId],
    /// The access network's port: N2 and N3, and data networks beyond six.
    pub access: PortId,
    /// The data networks' port.
    pub data: PortId,
}

impl PortLayout {
    /// The layout of `model`; `None` for a model that does not run AP5GC.
    pub fn of(model: DeviceModel) -> Option<PortLayout> {
        const PRO_GPU_MANAGEMENT: &[PortId] = &[PortId::new(2), PortId::new(3), PortId::new(4)];
        const PRO_2_MANAGEMENT: &[PortId] = &[PortId::new(2)];
        match model {
            DeviceModel::ProGpu => {
                Some(PortLayout { management: PRO_GPU_MANAGEMENT, access: PortId::new(5), data: PortId::new(6) })
            }
            DeviceModel::Pro2 => {
                Some(PortLayout { management: PRO_2_MANAGEMENT, access: PortId::new(3), data: PortId::new(4) })
            }
            DeviceModel::ProR | DeviceModel::MiniR => None,
        }
    }

    /// The models that run AP5GC.
    pub fn models() -> impl Iterator<Item = DeviceModel> {
        DeviceModel::ALL.iter().copied().filter(|model| PortLayout::of(*model).is_some())
    }
}

/// `[packet_core]`: the packet core instance of the site.
#[derive(Clone, Debug)]
pub struct PacketCore {
    pub header: Span,
    pub technology: Located<CoreTechnology>,
    /// N2 or S1-MME.
    pub control_plane: Interface,
    /// N3 or S1-U.
    pub user_plane: Interface,
    /// The attached data networks, in file order; each has its N6 or SGi interface.
    pub data_networks: Vec<DataNetwork>,
    /// The names and place the site template takes: given in the file, or left for the
    /// user to fill in (see docs/private-5g.md).
    pub site: Option<Located<String>>,
    pub mobile_network: Option<Located<String>>,
    pub location: Option<Located<String>>,
    pub custom_location: Option<Located<String>>,
}

/// One packet core interface: the virtual network it is on and its address there.
#[derive(Debug, Clone)]
pub struct Interface {
    pub role: InterfaceRole,
    /// The span of the interface's table (`control_plane = { ... }`, or the data network's
    /// `[[packet_core.data_networks]]` header).
    pub span: Span,
    /// The name of a `[[virtual_networks]]` entry of the file (resolve checked it names
    /// exactly one).
    pub virtual_network: Located<String>,
    pub address: Located<Ipv4Addr>,
}

/// `[[packet_core.data_networks]]`: a data network attached to the packet core.
#[derive(Clone, Debug)]
pub struct DataNetwork {
    pub header: Span,
    pub name: Located<String>,
    /// N6 or SGi.
    pub interface: Interface,
    /// At least one of the two pools is given (resolve checked it).
    pub dynamic_pool: Option<Located<Ipv4Net>>,
    pub static_pool: Option<Located<Ipv4Net>>,
    /// `true` unless the file says `napt = false`, as the API defaults (see
    /// docs/device-facts.md#ap5gc-napt).
    pub napt: Located<bool>,
    /// `None` when the file does not write `dns` (`data-network-without-dns` warns); an
    /// empty list when it writes `dns = []`.
    pub dns: Option<Vec<Located<Ipv4Addr>>>,
    /// The router that holds the routes to the UE pools, for a data network without NAPT
    /// (resolve refused it with NAPT on).
    pub router: Option<Located<Ipv4Addr>>,
}

impl DataNetwork {
    /// The UE pools, dynamic first, each with what it is for messages.
    pub fn pools(&self) -> impl Iterator<Item = (&'static str, Located<Ipv4Net>)> + '_ {
        let dynamic = self.dynamic_pool.map(|pool| ("dynamic UE pool", pool));
        let fixed = self.static_pool.map(|pool| ("static UE pool", pool));
        dynamic.into_iter().chain(fixed)
    }
}

impl PacketCore {
    /// Every interface: the access interfaces, then each data network's.
    pub fn interfaces(&self) -> impl Iterator<Item = &Interface> {
        [&self.control_plane, &self.user_plane]
            .into_iter()
            .chain(self.data_networks.iter().map(|network| &network.interface))
    }

    /// What the technology calls `interface`, with the data network for an N6 one:
    /// `N2`, ``N6 of data network `internet` ``.
    pub fn describe(&self, interface: &Interface) -> String {
        self.describe_quoted(interface, |name| format!("`{name}`"))
    }

    /// [`Self::describe`], with the data network's name written by `quote`.
    pub fn describe_quoted(&self, interface: &Interface, quote: impl Fn(&str) -> String) -> String {
        let name = self.technology.value.interface_name(interface.role);
        match interface.role {
            InterfaceRole::UserPlaneData => {
                match self.data_networks.iter().find(|network| network.interface.span == interface.span) {
                    Some(network) => format!("{name} of data network {}", quote(&network.name.value)),
                    None => name.to_owned(),
                }
            }
            _ => name.to_owned(),
        }
    }

    /// The name of `role` in this technology (`N2`, `S1-MME`).
    pub fn name(&self, role: InterfaceRole) -> &'static str {
        self.technology.value.interface_name(role)
    }
}

impl Network {
    /// Whether Kubernetes is the AKS cluster of a packet core: the file has `[packet_core]`,
    /// resolved or not. Then the AKS rules size the node and service IPs, not `nodes + 1`
    /// (see docs/device-facts.md#aks-node-ips).
    pub fn is_aks_site(&self) -> bool {
        self.packet_core.is_some() || self.unresolved.packet_core
    }

    /// The virtual network an interface is on (resolve checked the name).
    pub fn interface_network(&self, interface: &Interface) -> Option<&VirtualNetwork> {
        self.virtual_networks.iter().find(|vnet| vnet.name.value == interface.virtual_network.value)
    }

    /// The physical port of the switch an interface's virtual network is on, when that
    /// switch has one port.
    pub fn interface_port(&self, interface: &Interface) -> Option<PortId> {
        let vnet = self.interface_network(interface)?;
        match self.switch(&vnet.switch.value)?.ports.as_slice() {
            [port] => Some(port.value),
            _ => None,
        }
    }

    /// The ports an interface may be on: the access port for N2 and N3, the data or the
    /// access port for a data network (see docs/device-facts.md#ap5gc-ports). `None` on a
    /// model without the layout.
    pub fn interface_ports(&self, role: InterfaceRole) -> Option<Vec<PortId>> {
        let layout = PortLayout::of(self.device.model.value)?;
        Some(match role {
            InterfaceRole::ControlPlaneAccess | InterfaceRole::UserPlaneAccess => vec![layout.access],
            InterfaceRole::UserPlaneData => vec![layout.data, layout.access],
        })
    }

    /// Whether an interface is on a port its role allows, or its port or layout is unknown:
    /// rules about its network stay quiet when `interface-on-wrong-port` reports the cause.
    pub fn interface_on_its_port(&self, interface: &Interface) -> bool {
        match (self.interface_ports(interface.role), self.interface_port(interface)) {
            (Some(allowed), Some(port)) => allowed.contains(&port),
            _ => true,
        }
    }

    /// The virtual networks of the two access interfaces (N2 and N3, or S1-MME and S1-U),
    /// when each resolved, both are on their port, and they are two networks: what the rules
    /// comparing the access network's two halves judge (one network for both is
    /// `interface-pool-mismatch`'s, a wrong port `interface-on-wrong-port`'s).
    pub fn access_networks(&self) -> Option<(&VirtualNetwork, &VirtualNetwork)> {
        let core = self.packet_core.as_ref()?;
        let (control, user) = (self.interface_network(&core.control_plane)?, self.interface_network(&core.user_plane)?);
        let on_their_port = [&core.control_plane, &core.user_plane].iter().all(|i| self.interface_on_its_port(i));
        (on_their_port && control.name.value != user.name.value).then_some((control, user))
    }

    /// Whether `vnet`, if it is a packet core interface's network, is on a port its
    /// interfaces' roles allow ([`Network::interface_on_its_port`]).
    pub fn interface_network_on_its_port(&self, vnet: &VirtualNetwork) -> bool {
        let Some(core) = &self.packet_core else { return true };
        core.interfaces()
            .filter(|interface| interface.virtual_network.value == vnet.name.value)
            .all(|interface| self.interface_on_its_port(interface))
    }

    /// Whether the interface's network has a pool of exactly the interface's address, as it
    /// should (see docs/device-facts.md#ap5gc-interface-pools). Then the device's pool rules
    /// (ASE324-ASE326) judge that address, and the packet core's rules about the address
    /// stay quiet: one report for one value.
    pub fn interface_pool_is_its_address(&self, interface: &Interface) -> bool {
        self.interface_network(interface)
            .and_then(|vnet| vnet.ip_pool)
            .is_some_and(|pool| pool.value.size() == 1 && pool.value.first() == interface.address.value)
    }

    /// Whether `vnet` is the virtual network of a packet core interface.
    pub fn is_interface_network(&self, vnet: &VirtualNetwork) -> bool {
        self.packet_core
            .as_ref()
            .is_some_and(|core| core.interfaces().any(|interface| interface.virtual_network.value == vnet.name.value))
    }

    /// Whether two virtual networks on one switch are packet core interfaces that share one
    /// network: the same subnet on the same VLAN. The articles have N2 and N3 share the
    /// access subnet, and data networks "one subnet for all data networks", without VLANs
    /// (see docs/device-facts.md#ap5gc-access-subnet, docs/device-facts.md#ap5gc-vlans).
    pub fn packet_core_networks_share(&self, a: &VirtualNetwork, b: &VirtualNetwork) -> bool {
        self.is_interface_network(a)
            && self.is_interface_network(b)
            && a.switch.value == b.switch.value
            && a.net() == b.net()
            && a.vlan.value == b.vlan.value
    }

    /// The subnet a port or virtual network shares with the packet core's interfaces, when
    /// it may: an interface's virtual network, or the port of an untagged interface network
    /// with the port's own subnet ("Subnet mask and Gateway must match the external values
    /// for the port", see docs/device-facts.md#ap5gc-interface-networks). Blocks with the
    /// same shared subnet are one network, not an overlap.
    pub fn packet_core_shared_subnet(&self, owner: SubnetOwner) -> Option<Ipv4Net> {
        let core = self.packet_core.as_ref()?;
        match owner {
            SubnetOwner::VirtualNetwork(vnet) => self.is_interface_network(vnet).then(|| vnet.net()),
            SubnetOwner::Port(port) => {
                let subnet = self.port(port)?.subnet()?.value;
                core.interfaces()
                    .filter(|interface| self.interface_port(interface) == Some(port))
                    .filter_map(|interface| self.interface_network(interface))
                    .any(|vnet| vnet.vlan.value == 0 && vnet.net() == subnet)
                    .then_some(subnet)
            }
        }
    }
}

/// A port's or a virtual network's subnet, for [`Network::packet_core_shared_subnet`].
#[derive(Clone, Copy, Debug)]
pub enum SubnetOwner<'a> {
    Port(PortId),
    VirtualNetwork(&'a VirtualNetwork),
}
