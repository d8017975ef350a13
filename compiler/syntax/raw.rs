//! The raw input types: the file's shape, every leaf with its span, nothing interpreted yet.
//! Addresses are still strings here; `resolve` turns them into the model.
//!
//! They also derive the JSON Schema of the input (`schema.rs`): the doc comments below are the
//! descriptions editors show, and the `#[schemars]` attributes say what the hand walker in
//! `syntax/mod.rs` accepts where the Rust type cannot (a `Spanned` leaf is its value; ports
//! and switches are tables keyed by name; spans are not keys).

use schemars::JsonSchema;

use super::schema::{
    AddressRange, DnsName, Ipv4Address, Ipv4Prefix, LintCode, PortName, RouteDestination, RouteTargetName, RuleCode,
    ServiceTypeName, TransportProtocol,
};
use crate::diagnostic::Span;

/// A value and where the file wrote it: syntax's own span type, so that no TOML type leaves
/// `syntax` (the quotes of a string are inside its span, as the TOML parser gives it).
///
/// The span is kept as two `u32` offsets (an input is at most 128 MiB): a 100,000-route
/// file holds half a million of these.
#[derive(Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    value: T,
    start: u32,
    end: u32,
}

impl<T> Spanned<T> {
    pub fn new(span: impl Into<Span>, value: T) -> Self {
        let span = span.into();
        Spanned { value, start: offset(span.start), end: offset(span.end) }
    }

    pub fn get_ref(&self) -> &T {
        &self.value
    }

    pub fn span(&self) -> Span {
        Span { start: self.start as usize, end: self.end as usize }
    }

    pub fn into_inner(self) -> T {
        self.value
    }

    /// Moves the span and hands out the value: the incremental reader (`sections.rs`) moves
    /// what it read of one section to where that section is in the whole text.
    pub(super) fn move_span(&mut self, map: impl FnOnce(Span) -> Span) -> &mut T {
        let span = map(self.span());
        (self.start, self.end) = (offset(span.start), offset(span.end));
        &mut self.value
    }
}

/// An offset as kept: inputs are far below 4 GiB (`cli::INPUT_MAX`); a larger one saturates.
fn offset(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(u32::MAX)
}

impl<T: std::fmt::Debug> std::fmt::Debug for Spanned<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Spanned").field("value", &self.value).field("span", &self.span()).finish()
    }
}

/// The value alone, as TOML's own spanned type writes it: schemars shows the defaults of
/// `[lint]`'s lists through it.
impl<T: serde::Serialize> serde::Serialize for Spanned<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

pub type Text = Spanned<String>;

/// The network of one Azure Stack Edge device: its physical ports and their addresses,
/// virtual switches, Kubernetes, services and custom routes. Checked by `asenet check`.
#[derive(Debug, Default, JsonSchema)]
#[schemars(title = "asenet device file", deny_unknown_fields, extend("allOf" = super::schema::ports_by_model()))]
pub struct RawConfig {
    /// The device itself: its name, model and number of nodes. Required.
    #[schemars(required)]
    pub device: Option<RawDevice>,
    /// Physical ports, keyed by the device's InterfaceAlias: `Port1` to `Port6` on a Pro GPU,
    /// `Port1` to `Port4` on the other models (see docs/device-facts.md#ports). A port with neither
    /// `address` nor `dhcp` is not configured.
    #[schemars(default, schema_with = "super::schema::ports")]
    pub ports: Vec<RawPort>,
    /// Virtual switches, keyed by name. Each sits on exactly one port (see
    /// docs/device-facts.md#no-teaming); at most one has `compute = true` (see
    /// docs/device-facts.md#one-compute-switch).
    #[schemars(default, schema_with = "super::schema::switches")]
    pub switches: Vec<RawSwitch>,
    /// Kubernetes on the device. Absent: no Kubernetes (see
    /// docs/device-facts.md#kubernetes-optional).
    pub kubernetes: Option<RawKubernetes>,
    /// Kubernetes Services whose cluster and external IPs asenet allocates and pins.
    #[schemars(default)]
    pub services: Vec<RawService>,
    /// Custom routes for the Kubernetes VMs (`Add-HcsNetRoute`,
    /// docs/device-facts.md#route-constraints).
    #[schemars(default)]
    pub routes: Vec<RawRoute>,
    /// Virtual networks: VLANs on the virtual switches (`Add-HcsVirtualNetwork`).
    #[schemars(default)]
    pub virtual_networks: Vec<RawVirtualNetwork>,
    /// BGP peers of MetalLB (`Set-HcsBGPPeer`); with any, MetalLB announces the external
    /// service IPs over BGP instead of layer 2.
    #[schemars(default)]
    pub bgp_peers: Vec<RawBgpPeer>,
    /// The virtual IPs of a two-node cluster (`Set-DeviceVip`): one for Azure Consistent
    /// Services, one for NFS (see docs/device-facts.md#virtual-ips).
    #[schemars(default)]
    pub virtual_ips: Vec<RawVirtualIp>,
    /// The Azure Private 5G Core packet core the device runs: its technology, its interfaces'
    /// virtual networks and addresses, and its data networks (see docs/private-5g.md).
    pub packet_core: Option<RawPacketCore>,
    /// Rule levels for this file.
    pub lint: Option<RawLint>,
}

/// `[device]`: the device's name, model and number of nodes.
#[derive(Debug, JsonSchema)]
#[schemars(rename = "Device", deny_unknown_fields)]
pub struct RawDevice {
    #[schemars(skip)]
    pub header: Span,
    /// The device name: letters, digits or hyphens (see docs/device-facts.md#names-and-dns).
    #[schemars(required, with = "String", regex(pattern = r"^[A-Za-z0-9-]*$"), example = &"store042")]
    pub name: Option<Text>,
    /// The device model; it decides the physical ports (see docs/device-facts.md#ports).
    #[schemars(
        with = "Option<super::schema::DeviceModelName>",
        extend("default" = "pro-gpu"),
        example = &"pro-gpu",
        example = &"mini-r"
    )]
    pub model: Option<Text>,
    /// Physical nodes: 1, or 2 for a two-node cluster (see docs/device-facts.md#node-ips,
    /// docs/device-facts.md#kubernetes-vms, docs/device-facts.md#two-node-ports). Kubernetes runs
    /// one VM per node plus a master.
    #[schemars(with = "Option<i64>", extend("default" = 1))]
    pub nodes: Option<Spanned<i64>>,
    /// The site's DNS domain, lowercase (see docs/device-facts.md#names-and-dns). Enables the site
    /// zone.
    #[schemars(with = "Option<DnsName>", example = &"contoso.local")]
    pub domain: Option<Text>,
    /// The nodes' names, as `Get-DeviceConfiguration` lists them (`deviceInfo.nodes`), one
    /// per node in the device's order. The device's configuration package names each
    /// port's node by it (see docs/device-facts.md#node-names).
    #[schemars(
        with = "Option<Vec<super::schema::NodeName>>",
        length(min = 1, max = 2),
        example = ["HWDH1T2", "1D9NHQ2"]
    )]
    pub node_names: Option<Spanned<Vec<Text>>>,
    /// The device's software release as `YYMM` (`2403`), as `Get-HcsApplianceInfo` names it
    /// (`FriendlySoftwareVersionNumber`). It picks the layout of `device/network.json`: up
    /// to 2309 a virtual switch names its port in `interfaceName`, from 2312 in `interfaces`,
    /// and from 2403 a virtual network's `network` is a prefix (see
    /// docs/device-facts.md#package-layouts). Default: 2403, the newest layout documented.
    #[schemars(with = "Option<i64>", extend("default" = 2403), example = 2309)]
    pub software_version: Option<Spanned<i64>>,
    #[schemars(skip)]
    pub unreadable: Vec<String>,
}

/// `[ports.PortN]`: a physical port. Static (`address`, with an optional `gateway` and `dns`),
/// DHCP (`dhcp = true`), or neither: not configured.
#[derive(Debug, JsonSchema)]
#[schemars(rename = "Port", deny_unknown_fields)]
pub struct RawPort {
    #[schemars(skip)]
    pub name: Text,
    /// The port's static address and prefix length. Excludes `dhcp = true`.
    #[schemars(with = "Option<Ipv4Prefix>", example = &"10.10.2.20/24")]
    pub address: Option<Text>,
    /// On a two-node device, each node's own static address on this port with its prefix
    /// length, in the order of the nodes: one subnet, two addresses. Instead of `address`
    /// (see docs/device-facts.md#node-addresses).
    #[schemars(
        with = "Option<Vec<Ipv4Prefix>>",
        length(min = 2, max = 2),
        example = ["10.10.2.20/24", "10.10.2.21/24"]
    )]
    pub addresses: Option<Spanned<Vec<Text>>>,
    /// `true`: the port takes its address from DHCP. Excludes `address`.
    #[schemars(with = "Option<bool>", extend("default" = false))]
    pub dhcp: Option<Spanned<bool>>,
    /// The default gateway, on the port's subnet. Needs a static `address`.
    #[schemars(with = "Option<Ipv4Address>", example = &"10.10.2.1")]
    pub gateway: Option<Text>,
    /// DNS servers. Need a static `address`.
    #[schemars(with = "Option<Vec<Ipv4Address>>", example = ["10.10.2.53"])]
    pub dns: Option<Vec<Text>>,
    /// The MTU, where it is configurable (see docs/device-facts.md#mtu).
    #[schemars(with = "Option<i64>", example = 1500)]
    pub mtu: Option<Spanned<i64>>,
    /// Keys written with a value that could not be read (already reported).
    #[schemars(skip)]
    pub unreadable: Vec<String>,
}

/// `[switches.NAME]`: a virtual switch on one port.
#[derive(Debug, JsonSchema)]
#[schemars(rename = "Switch", deny_unknown_fields)]
pub struct RawSwitch {
    #[schemars(skip)]
    pub name: Text,
    /// The one port the switch sits on; several ports would be NIC teaming, which the device
    /// does not support (see docs/device-facts.md#no-teaming).
    #[schemars(required, with = "Vec<PortName>", length(min = 1), example = ["Port3"])]
    pub ports: Option<Spanned<Vec<Text>>>,
    /// `true`: Kubernetes runs on this switch. At most one switch (see
    /// docs/device-facts.md#one-compute-switch).
    #[schemars(with = "Option<bool>", extend("default" = false))]
    pub compute: Option<Spanned<bool>>,
    #[schemars(skip)]
    pub unreadable: Vec<String>,
}

/// `[kubernetes]`: the Kubernetes cluster on the device.
#[derive(Debug, JsonSchema)]
#[schemars(rename = "Kubernetes", deny_unknown_fields)]
pub struct RawKubernetes {
    #[schemars(skip)]
    pub header: Span,
    /// The Kubernetes VMs' addresses, one per VM: `nodes + 1` addresses (see
    /// docs/device-facts.md#node-ips), inside the compute port's subnet (see
    /// docs/device-facts.md#compute-subnet). A contiguous `FIRST-LAST` range, or a CIDR meaning
    /// every address in it.
    #[schemars(required, with = "AddressRange", example = &"192.168.10.30-192.168.10.32")]
    pub node_ips: Option<Text>,
    /// External service IPs, the MetalLB pool (see docs/device-facts.md#external-service-ips),
    /// inside the compute port's subnet.
    #[schemars(with = "Option<AddressRange>", example = &"192.168.10.40-192.168.10.49")]
    pub service_ips: Option<Text>,
    /// The pod network (see docs/device-facts.md#cluster-cidrs).
    #[schemars(with = "Option<Ipv4Prefix>", extend("default" = "172.27.0.0/16"))]
    pub pod_cidr: Option<Text>,
    /// The service network that cluster IPs come from (see docs/device-facts.md#cluster-cidrs).
    #[schemars(with = "Option<Ipv4Prefix>", extend("default" = "172.28.0.0/16"))]
    pub service_cidr: Option<Text>,
    /// The cluster's DNS domain.
    #[schemars(with = "Option<DnsName>", extend("default" = "cluster.local"))]
    pub cluster_domain: Option<Text>,
    /// `true`: IoT Edge runs on the device; its `edgehub` service needs one external IP (see
    /// docs/device-facts.md#external-service-ips, docs/device-facts.md#edgehub).
    #[schemars(with = "Option<bool>", extend("default" = false))]
    pub iot_edge: Option<Spanned<bool>>,
    /// The name of the compute NIC inside the Kubernetes VMs, for the `ip -batch` route files.
    #[schemars(with = "Option<String>", extend("default" = "eth1"))]
    pub vm_interface: Option<Text>,
    /// IoT Edge modules that take an external service IP each.
    #[schemars(with = "Option<i64>", extend("default" = 0), example = 3)]
    pub iot_modules: Option<Spanned<i64>>,
    /// Virtual machines that take an external service IP each.
    #[schemars(with = "Option<i64>", extend("default" = 0), example = 2)]
    pub vms: Option<Spanned<i64>>,
    /// Keys written with a value that could not be read (already reported).
    #[schemars(skip)]
    pub unreadable: Vec<String>,
}

/// `[[services]]`: a Kubernetes Service.
#[derive(Debug, JsonSchema)]
#[schemars(rename = "Service", deny_unknown_fields)]
pub struct RawService {
    #[schemars(skip)]
    pub header: Span,
    /// The Service's name, a DNS-1035 label.
    #[schemars(
        required,
        with = "String",
        regex(pattern = r"^[a-z]([-a-z0-9]*[a-z0-9])?$"),
        example = &"web"
    )]
    pub name: Option<Text>,
    /// The Service's namespace, a DNS-1123 label; not a system namespace (see
    /// docs/device-facts.md#reserved-namespaces).
    #[schemars(
        with = "Option<String>",
        regex(pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"),
        extend("default" = "default"),
        example = &"shop"
    )]
    pub namespace: Option<Text>,
    /// The Service type: a NodePort service is also reached on a port of every node, a
    /// LoadBalancer service also gets an external IP.
    #[schemars(rename = "type", with = "Option<ServiceTypeName>", extend("default" = "ClusterIP"))]
    pub kind: Option<Text>,
    /// The Service's ports, at least one.
    #[schemars(required, with = "Vec<RawServicePort>", length(min = 1), example = serde_json::json!([{ "port": 443 }]))]
    pub ports: Option<Spanned<Vec<RawServicePort>>>,
    /// Pins the external IP: inside `service_ips`. LoadBalancer services only.
    #[schemars(with = "Option<Ipv4Address>", example = &"192.168.10.40")]
    pub load_balancer_ip: Option<Text>,
    /// Pins the cluster IP: inside `service_cidr`, not its `.0`, `.1`, `.10` or broadcast (see
    /// docs/device-facts.md#reserved-addresses). `"None"` makes a headless ClusterIP service, which
    /// gets no cluster IP.
    #[schemars(with = "Option<super::schema::ClusterIpValue>", example = &"172.28.0.50", example = &"None")]
    pub cluster_ip: Option<Text>,
    /// A MetalLB sharing key: LoadBalancer services with the same key share one external IP (see
    /// docs/device-facts.md#shared-ips).
    #[schemars(with = "Option<String>", example = &"web")]
    pub share_ip: Option<Text>,
    /// An A record for the service's external IP in the site zone; needs `device.domain`.
    #[schemars(with = "Option<String>", example = &"shop")]
    pub hostname: Option<Text>,
    /// The Service's pod selector: label keys and values as Kubernetes validates them. When
    /// absent, `services.yaml` has no selector and the Service's endpoints are managed by
    /// hand (an EndpointSlice).
    #[schemars(with = "Option<super::schema::LabelSelector>", example = serde_json::json!({ "app": "web" }))]
    pub selector: Option<Spanned<Vec<(Text, Text)>>>,
    /// Keys written with a value that could not be read (already reported).
    #[schemars(skip)]
    pub unreadable: Vec<String>,
}

/// One port of a Service.
#[derive(Debug, JsonSchema)]
#[schemars(rename = "ServicePort", deny_unknown_fields)]
pub struct RawServicePort {
    #[schemars(skip)]
    pub span: Span,
    /// The port the Service listens on.
    #[schemars(required, with = "i64", example = 443)]
    pub port: Option<Spanned<i64>>,
    /// The transport protocol.
    #[schemars(with = "Option<TransportProtocol>", extend("default" = "TCP"))]
    pub protocol: Option<Text>,
    /// The container port: a number, or the name of a container port (an IANA service name:
    /// lowercase letters, digits and `-`, with a letter, no `-` at either end nor `--`); the
    /// Service's `port` when absent.
    #[schemars(with = "Option<super::schema::TargetPortValue>", example = 8443, example = &"https")]
    pub target_port: Option<Spanned<RawTargetPort>>,
    /// The node port: Kubernetes' node port range, but not the device's own (see
    /// docs/device-facts.md#reserved-addresses).
    #[schemars(with = "Option<i64>", example = 30883)]
    pub node_port: Option<Spanned<i64>>,
    /// Keys written with a value that could not be read (already reported).
    #[schemars(skip)]
    pub unreadable: Vec<String>,
}

/// A `target_port` as written: a number or a name.
#[derive(Debug, Clone)]
pub enum RawTargetPort {
    Number(i64),
    Name(String),
}

/// `[[routes]]`: a custom route on every Kubernetes VM.
#[derive(Debug, JsonSchema)]
#[schemars(rename = "Route", deny_unknown_fields)]
pub struct RawRoute {
    #[schemars(skip)]
    pub header: Span,
    /// The port the route leaves through: the compute switch's port, with a static address.
    #[schemars(required, with = "PortName", example = &"Port3")]
    pub interface: Option<Text>,
    /// The destination network; a bare address means `/32`.
    #[schemars(required, with = "RouteDestination", example = &"192.168.20.0/24")]
    pub destination: Option<Text>,
    /// The next hop: a router on the interface's subnet.
    #[schemars(required, with = "Ipv4Address", example = &"192.168.10.1")]
    pub next_hop: Option<Text>,
    /// The route metric; lower wins (see docs/device-facts.md#route-metric).
    #[schemars(with = "Option<i64>", extend("default" = 100))]
    pub metric: Option<Spanned<i64>>,
    /// What the route is for: the Kubernetes VMs. `host` is refused (see
    /// docs/device-facts.md#route-constraints).
    #[schemars(with = "Option<RouteTargetName>", extend("default" = "kubernetes"))]
    pub target: Option<Text>,
    /// Keys written with a value that could not be read (already reported).
    #[schemars(skip)]
    pub unreadable: Vec<String>,
}

/// `[[virtual_networks]]`: a VLAN on a virtual switch (`Add-HcsVirtualNetwork`).
#[derive(Debug, JsonSchema)]
#[schemars(rename = "VirtualNetwork", deny_unknown_fields)]
pub struct RawVirtualNetwork {
    #[schemars(skip)]
    pub header: Span,
    /// The network's name, as Azure names virtual networks: letters, digits, `_`, `.` or
    /// `-`, starting with a letter or digit and ending with one or `_`.
    #[schemars(
        required,
        with = "String",
        regex(pattern = r"^[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9_])$"),
        example = &"vnet-cameras"
    )]
    pub name: Option<Text>,
    /// The virtual switch the network is on: a `[switches.NAME]` of this file.
    #[schemars(required, with = "String", example = &"vswitch-port3")]
    pub switch: Option<Text>,
    /// The VLAN ID: 0 for an untagged network, or a tagged VLAN's ID.
    #[schemars(required, with = "i64", example = 10)]
    pub vlan: Option<Spanned<i64>>,
    /// The address space of the network.
    #[schemars(required, with = "Ipv4Prefix", example = &"10.20.10.0/24")]
    pub subnet: Option<Text>,
    /// The gateway: a host address inside `subnet`.
    #[schemars(required, with = "Ipv4Address", example = &"10.20.10.1")]
    pub gateway: Option<Text>,
    /// DNS servers of the network.
    #[schemars(with = "Option<Vec<Ipv4Address>>", example = ["10.20.10.53"])]
    pub dns: Option<Vec<Text>>,
    /// `true`: Kubernetes runs on this network. At most one compute network in the file,
    /// and then no switch has `compute = true`.
    #[schemars(with = "Option<bool>", extend("default" = false))]
    pub compute: Option<Spanned<bool>>,
    /// `true`: the network is enabled for Kubernetes: pods may attach to it besides the
    /// cluster's own network (a `NetworkAttachmentDefinition`). Any number of networks, next
    /// to compute on a switch (see docs/device-facts.md#kubernetes-networks).
    #[schemars(with = "Option<bool>", extend("default" = false))]
    pub kubernetes: Option<Spanned<bool>>,
    /// The network's static IP pool (the device's `VirtualMachineIPs`): addresses for VMs,
    /// and for pods on a network enabled for Kubernetes. Inside `subnet`, without the gateway
    /// (see docs/device-facts.md#ip-pools).
    #[schemars(with = "Option<AddressRange>", example = &"10.20.10.100-10.20.10.149")]
    pub ip_pool: Option<Text>,
    /// Keys written with a value that could not be read (already reported).
    #[schemars(skip)]
    pub unreadable: Vec<String>,
}

/// `[[virtual_ips]]`: a virtual IP of a two-node cluster (`Set-DeviceVip`).
#[derive(Debug, JsonSchema)]
#[schemars(rename = "VirtualIp", deny_unknown_fields)]
pub struct RawVirtualIp {
    #[schemars(skip)]
    pub header: Span,
    /// What the address is for: `ACS` (Azure Consistent Services) or `NFS`.
    #[schemars(rename = "type", required, with = "super::schema::VirtualIpTypeName", example = &"ACS")]
    pub kind: Option<Text>,
    /// The virtual IP: an available address on the cluster network. Excludes `dhcp = true`.
    #[schemars(with = "Option<Ipv4Address>", example = &"192.168.181.10")]
    pub address: Option<Text>,
    /// `true`: the cluster network's DHCP server gives the virtual IP. Excludes `address`.
    #[schemars(with = "Option<bool>", extend("default" = false))]
    pub dhcp: Option<Spanned<bool>>,
    /// The cluster network the virtual IP is on: a network the nodes' ports are on, as its
    /// network address and prefix length.
    #[schemars(required, with = "Ipv4Prefix", example = &"192.168.0.0/16")]
    pub cluster_network: Option<Text>,
    /// Keys written with a value that could not be read (already reported).
    #[schemars(skip)]
    pub unreadable: Vec<String>,
}

/// `[[bgp_peers]]`: a BGP router MetalLB peers with (`Set-HcsBGPPeer`).
#[derive(Debug, JsonSchema)]
#[schemars(rename = "BgpPeer", deny_unknown_fields)]
pub struct RawBgpPeer {
    #[schemars(skip)]
    pub header: Span,
    /// The virtual switch the peer is reached on: the switch that carries compute.
    #[schemars(required, with = "String", example = &"vswitch-port3")]
    pub switch: Option<Text>,
    /// The router's address, on the compute network's subnet.
    #[schemars(required, with = "Ipv4Address", example = &"192.168.10.1")]
    pub peer_address: Option<Text>,
    /// The router's AS number (not a reserved one).
    #[schemars(required, with = "i64", example = 64512)]
    pub peer_asn: Option<Spanned<i64>>,
    /// The device's AS number (not a reserved one).
    #[schemars(required, with = "i64", example = 64513)]
    pub self_asn: Option<Spanned<i64>>,
    /// The BGP hold time in seconds; 0: no keepalives.
    #[schemars(with = "Option<i64>", example = 90)]
    pub hold_time: Option<Spanned<i64>>,
    /// Keys written with a value that could not be read (already reported).
    #[schemars(skip)]
    pub unreadable: Vec<String>,
}

/// `[packet_core]`: the Azure Private 5G Core packet core instance of the site (see
/// docs/private-5g.md).
#[derive(Debug, JsonSchema)]
#[schemars(rename = "PacketCore", deny_unknown_fields)]
pub struct RawPacketCore {
    #[schemars(skip)]
    pub header: Span,
    /// The site's core technology: `5G` (interfaces N2, N3, N6) or `4G` (S1-MME, S1-U, SGi);
    /// one per site (see docs/device-facts.md#ap5gc-technology).
    #[schemars(required, with = "super::schema::CoreTechnologyName", example = &"5G")]
    pub technology: Option<Text>,
    /// The control plane interface on the access network (N2 in 5G, S1-MME in 4G): its
    /// virtual network on the access port's switch, and its address.
    #[schemars(required, schema_with = "super::schema::packet_core_interface")]
    pub control_plane: Option<RawInterface>,
    /// The user plane interface on the access network (N3 in 5G, S1-U in 4G): its virtual
    /// network on the access port's switch, and its address.
    #[schemars(required, schema_with = "super::schema::packet_core_interface")]
    pub user_plane: Option<RawInterface>,
    /// The data networks attached to the packet core, 1 to 10 (see
    /// docs/device-facts.md#ap5gc-data-networks).
    #[schemars(required, length(min = 1, max = crate::model::MAX_DATA_NETWORKS))]
    pub data_networks: Vec<RawDataNetwork>,
    /// The site's name in Azure (the template's `siteName`): letters, digits, `_` and `-`,
    /// starting with a letter or digit. Absent: the device's name.
    #[schemars(with = "Option<String>", regex(pattern = r"^[a-zA-Z0-9][a-zA-Z0-9_-]*$"), example = &"plant1")]
    pub site: Option<Text>,
    /// The existing mobile network the site joins (`existingMobileNetworkName`). Absent: the
    /// parameters file asks for it.
    #[schemars(with = "Option<String>", regex(pattern = r"^[a-zA-Z0-9][a-zA-Z0-9_-]*$"), example = &"contoso-pmn")]
    pub mobile_network: Option<Text>,
    /// The Azure region's code name (`location`), as the resource group's. Absent: the
    /// parameters file asks for it.
    #[schemars(with = "Option<String>", regex(pattern = r"^[a-z0-9]{1,64}$"), example = &"eastus")]
    pub location: Option<Text>,
    /// The resource ID of the custom location of the device's AKS cluster (`customLocation`).
    /// Absent: the parameters file asks for it.
    #[schemars(with = "Option<String>", example = &"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ExtendedLocation/customLocations/plant1-cl")]
    pub custom_location: Option<Text>,
    /// Keys written with a value that could not be read (already reported).
    #[schemars(skip)]
    pub unreadable: Vec<String>,
}

/// A packet core interface on the access network: the virtual network it is on and its
/// address there.
#[derive(Debug, JsonSchema)]
#[schemars(rename = "PacketCoreInterface", deny_unknown_fields)]
pub struct RawInterface {
    #[schemars(skip)]
    pub span: Span,
    /// The name of the interface's `[[virtual_networks]]` entry, as the packet core's
    /// configuration in Azure names it.
    #[schemars(required, with = "String", example = &"N2")]
    pub virtual_network: Option<Text>,
    /// The interface's address: the one address of its virtual network's Kubernetes pool (see
    /// docs/device-facts.md#ap5gc-interface-pools).
    #[schemars(required, with = "Ipv4Address", example = &"10.232.44.20")]
    pub address: Option<Text>,
    /// Keys written with a value that could not be read (already reported).
    #[schemars(skip)]
    pub unreadable: Vec<String>,
}

/// `[[packet_core.data_networks]]`: a data network attached to the packet core, with its
/// user plane data interface (N6 in 5G, SGi in 4G) and its UE pools.
#[derive(Debug, JsonSchema)]
#[schemars(rename = "DataNetwork", deny_unknown_fields)]
pub struct RawDataNetwork {
    #[schemars(skip)]
    pub header: Span,
    /// The data network's name in Azure: letters, digits and `-` in labels separated by `.`.
    #[schemars(
        required,
        with = "String",
        regex(pattern = r"^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])*(\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])*)*$"),
        example = &"internet"
    )]
    pub name: Option<Text>,
    /// The name of the `[[virtual_networks]]` entry of the data network's interface (N6 or
    /// SGi), on the data port's switch.
    #[schemars(required, with = "String", example = &"N6")]
    pub virtual_network: Option<Text>,
    /// The interface's address on the data network.
    #[schemars(required, with = "Ipv4Address", example = &"10.232.45.20")]
    pub address: Option<Text>,
    /// The pool UEs get dynamic addresses from, in CIDR notation. At least one of the two
    /// pools (see docs/device-facts.md#ue-pools).
    #[schemars(with = "Option<Ipv4Prefix>", example = &"198.51.100.0/24")]
    pub dynamic_ue_pool: Option<Text>,
    /// The pool of the UEs' static addresses, in CIDR notation; with a dynamic pool, the
    /// same size and no overlap (see docs/device-facts.md#ue-pools).
    #[schemars(with = "Option<Ipv4Prefix>", example = &"203.0.113.0/24")]
    pub static_ue_pool: Option<Text>,
    /// Network address and port translation of the UE addresses. `false`: the data network's
    /// router needs routes to the UE pools (see docs/device-facts.md#ap5gc-napt).
    #[schemars(with = "Option<bool>", extend("default" = true))]
    pub napt: Option<Spanned<bool>>,
    /// The DNS servers signalled to the UEs; `[]` for none (see docs/device-facts.md#ap5gc-dns).
    #[schemars(with = "Option<Vec<Ipv4Address>>", example = ["10.232.45.53"])]
    pub dns: Option<Spanned<Vec<Text>>>,
    /// With `napt = false`: the router on the data network that holds the routes to the UE
    /// pools via the interface's address (`private5g/data-network-routes.txt`).
    #[schemars(with = "Option<Ipv4Address>", example = &"10.232.45.1")]
    pub router: Option<Text>,
    /// Keys written with a value that could not be read (already reported).
    #[schemars(skip)]
    pub unreadable: Vec<String>,
}

/// `[lint]`: rule levels for this file.
#[derive(Debug, JsonSchema)]
#[schemars(rename = "Lint", deny_unknown_fields)]
pub struct RawLint {
    /// Rules silenced in this file. Input errors (ASE0xx) cannot be allowed.
    #[schemars(default, with = "Vec<LintCode>", example = ["ASE205"])]
    pub allow: Vec<Text>,
    /// Rules whose warnings become errors in this file.
    #[schemars(default, with = "Vec<RuleCode>", example = ["ASE202"])]
    pub deny: Vec<Text>,
}
