//! `device/network.json` and `device/vip.json`: the device's network as its own
//! configuration API takes it (see docs/device-facts.md#configuration-package).
//!
//! `network.json` is a package for `Set-DeviceConfiguration -DesiredDeviceConfig`: the
//! `device.network` declaration (ports per node, virtual switches, virtual networks), in the
//! layout of the device's release ([`PackageLayout`], docs/device-facts.md#package-layouts).
//! The device applies a package to the node whose `nodeName` it carries, so the file is
//! written only when the device file names its nodes; otherwise, and when the file holds what
//! the layout cannot say, [`notes`] says why it was not written. `vip.json` holds the
//! objects `Set-DeviceVip -vip` takes, one per virtual IP of a two-node device.
//!
//! Everything is serialized by serde_json from the structs below: a name never meets JSON
//! text by hand. Only what the device file says is written; a field the file has no key for
//! (`dhcpPolicy`, `enabledForMgmt`, `dnsSuffix`, ...) is left out, never guessed.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use serde::Serialize;

use super::OutputFile;
use crate::model::{
    AddrRange, DeviceModel, Keyword, NodeCount, PackageLayout, PortConfig, PortId, VirtualIpAddress, VirtualNetwork,
};
use crate::model::{Network, Port, Switch};

pub const NETWORK_PATH: &str = "device/network.json";
pub const VIP_PATH: &str = "device/vip.json";

/// The pool names the device gives a compute switch's two ranges and a virtual network's
/// static pool (see docs/device-facts.md#device-pools, docs/device-facts.md#ip-pools).
pub const NODE_POOL: &str = "KubernetesNodeIPs";
pub const SERVICE_POOL: &str = "KubernetesServiceIPs";
pub const VM_POOL: &str = "VirtualMachineIPs";

/// `device/network.json` (when it can be written) and `device/vip.json` (for a two-node
/// device with virtual IPs).
pub fn emit(network: &Network) -> Vec<OutputFile> {
    let mut files = Vec::new();
    if let Ok(package) = package(network) {
        files.push(OutputFile::new(NETWORK_PATH, to_json(&package)));
    }
    if let Some(vips) = virtual_ips(network) {
        files.push(OutputFile::new(VIP_PATH, to_json(&vips)));
    }
    files
}

/// Why `device/network.json` is not written, one sentence a reason; empty when it is.
pub fn notes(network: &Network) -> Vec<String> {
    package(network).err().unwrap_or_default()
}

fn to_json<T: Serialize>(value: &T) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("a package serializes to JSON");
    text.push('\n');
    text
}

/// The package, or every reason it cannot be written.
pub fn package(network: &Network) -> Result<Package, Vec<String>> {
    let mut reasons = Vec::new();
    let layout = network.device.package_layout();
    let names: Option<Vec<&str>> =
        network.device.node_names.as_ref().map(|names| names.value.iter().map(|name| name.value.as_str()).collect());
    if names.is_none() {
        reasons.push(
            "`device/network.json` is not written: `[device]` has no `node_names`, and the device applies a \
             package only to the nodes it names; add `node_names` as `Get-DeviceConfiguration` lists them in \
             `deviceInfo.nodes` (see docs/device-facts.md#node-names)"
                .to_owned(),
        );
    }
    if let Some(vnet) = network.virtual_networks.iter().find(|vnet| vnet.compute.is_some()) {
        reasons.push(format!(
            "`device/network.json` is not written: compute runs on virtual network `{}`, and the package's \
             layout has no field for compute on a virtual network (only a virtual switch's \
             `enabledForCompute`); enable it in the local UI (see docs/device-facts.md#package-layouts)",
            vnet.name.value.escape_debug()
        ));
    }
    if network.device.nodes.value == NodeCount::Two {
        for port in &network.ports {
            if let PortConfig::Static(addressing) = &port.config
                && addressing.second_node.is_none()
                && !shares_setup_address(network.device.model.value, port.id)
            {
                reasons.push(format!(
                    "`device/network.json` is not written: {} has one `address` on a two-node device, and the \
                     package gives each node's port its own; write both with `addresses` (see \
                     docs/device-facts.md#node-addresses)",
                    port.id
                ));
            }
        }
    }
    if layout == PackageLayout::Release2309 {
        for switch in network.switches.iter().filter(|switch| switch.ports.len() > 1) {
            reasons.push(format!(
                "`device/network.json` is not written: switch `{}` has {} ports, and release {}'s layout names \
                 one port per switch (`interfaceName`); set `software_version` to 2312 or later if the device \
                 runs it (see docs/device-facts.md#package-layouts)",
                switch.name.value.escape_debug(),
                switch.ports.len(),
                layout.release()
            ));
        }
    }
    let Some(names) = names else { return Err(reasons) };
    if !reasons.is_empty() {
        return Err(reasons);
    }
    let interfaces = network.ports.iter().flat_map(|port| interfaces(port, &names)).collect();
    let switches = network.switches.iter().map(|switch| virtual_switch(network, switch, layout)).collect();
    let virtual_networks = network.virtual_networks.iter().map(|vnet| virtual_network(vnet, layout)).collect();
    Ok(Package { device: PackageDevice { network: PackageNetwork { interfaces, switches, virtual_networks } } })
}

/// Port1 of every node keeps the device's one static setup address (see
/// docs/device-facts.md#node-addresses): a two-node device may give it one `address`.
fn shares_setup_address(model: DeviceModel, port: PortId) -> bool {
    model.port("Port1") == Some(port)
}

/// `{ "device": { "network": ... } }`, as `New-Package -Network` builds it.
#[derive(Debug, Serialize)]
pub struct Package {
    pub device: PackageDevice,
}

#[derive(Debug, Serialize)]
pub struct PackageDevice {
    pub network: PackageNetwork,
}

/// The `Network` declaration.
#[derive(Debug, Serialize)]
pub struct PackageNetwork {
    /// Each configured port once per node, ports in order, nodes in `node_names` order.
    pub interfaces: Vec<Interface>,
    #[serde(rename = "vSwitches")]
    pub switches: Vec<VirtualSwitch>,
    #[serde(rename = "virtualNetworks")]
    pub virtual_networks: Vec<PackageVirtualNetwork>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Interface {
    pub name: String,
    pub node_name: String,
    pub is_dhcp_enabled: bool,
    /// `null` on a DHCP port: the lease is the DHCP server's.
    #[serde(rename = "iPv4")]
    pub ipv4: Option<Ipv4Settings>,
    /// `null` on a DHCP port and on a static port without DNS servers.
    pub dns_server_addresses: Option<Vec<String>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Ipv4Settings {
    pub address: String,
    pub subnet_mask: String,
    pub gateway: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VirtualSwitch {
    pub name: String,
    /// Up to 2309: the switch's one port.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interface_name: Option<String>,
    /// From 2312: the switch's ports.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interfaces: Option<Vec<String>>,
    pub enabled_for_compute: bool,
    pub ip_address_pools: Vec<Pool>,
    /// The ports' MTU, when the file gives one (the same on every port of the switch).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mtu: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Pool {
    pub name: &'static str,
    /// `FIRST-LAST`, even for one address, as the device's samples and Microsoft's
    /// automation write it.
    pub ip_address_range: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageVirtualNetwork {
    pub name: String,
    pub v_switch_name: String,
    pub vlan_id: i64,
    pub subnet_mask: String,
    pub gateway: String,
    /// The network address up to 2312, the prefix (`10.0.0.0/24`) from 2403.
    pub network: String,
    pub enabled_for_kubernetes: bool,
    pub ip_address_pools: Vec<Pool>,
}

/// What `Set-DeviceVip -vip` takes, one object a virtual IP.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VipSetting {
    #[serde(rename = "Type")]
    pub kind: &'static str,
    pub vip_address: Option<String>,
    /// The cluster network's address, without its prefix length, as `Set-DeviceVip` takes it.
    pub cluster_network_address: String,
    pub is_dhcp_enabled: bool,
}

/// The port once per node: its own address on that node (`addresses`), or the one address
/// it has (Port1's setup address on both nodes, or a one-node device's port).
fn interfaces(port: &Port, names: &[&str]) -> Vec<Interface> {
    let settings = |node: usize| -> Option<(bool, Option<Ipv4Settings>, Option<Vec<String>>)> {
        match &port.config {
            PortConfig::Static(addressing) => {
                let address = match (node, addressing.second_node) {
                    (1, Some(second)) => second.value,
                    _ => addressing.address.value,
                };
                let dns: Vec<String> = addressing.dns.iter().map(|server| server.value.to_string()).collect();
                Some((
                    false,
                    Some(Ipv4Settings {
                        address: address.addr().to_string(),
                        subnet_mask: address.netmask().to_string(),
                        gateway: addressing.gateway.map(|gateway| gateway.value.to_string()),
                    }),
                    (!dns.is_empty()).then_some(dns),
                ))
            }
            PortConfig::Dhcp { .. } => Some((true, None, None)),
            PortConfig::Unconfigured => None,
        }
    };
    names
        .iter()
        .enumerate()
        .filter_map(|(node, name)| {
            let (is_dhcp_enabled, ipv4, dns_server_addresses) = settings(node)?;
            Some(Interface {
                name: port.id.to_string(),
                node_name: (*name).to_owned(),
                is_dhcp_enabled,
                ipv4,
                dns_server_addresses,
            })
        })
        .collect()
}

fn virtual_switch(network: &Network, switch: &Switch, layout: PackageLayout) -> VirtualSwitch {
    let ports: Vec<String> = switch.ports.iter().map(|port| port.value.to_string()).collect();
    let (interface_name, interfaces) = match layout {
        PackageLayout::Release2309 => (ports.first().cloned(), None),
        PackageLayout::Release2312 | PackageLayout::Release2403 => (None, Some(ports)),
    };
    let mut pools = Vec::new();
    if switch.compute.is_some()
        && let Some(kubernetes) = &network.kubernetes
    {
        pools.push(pool(NODE_POOL, kubernetes.node_ips.value));
        if let Some(service_ips) = kubernetes.service_ips {
            pools.push(pool(SERVICE_POOL, service_ips.value));
        }
    }
    let mtus: Vec<i64> = switch
        .ports
        .iter()
        .filter_map(|port| network.port(port.value).and_then(|port| port.mtu).map(|mtu| mtu.value))
        .collect();
    let mtu = match mtus.as_slice() {
        [first, rest @ ..] if mtus.len() == switch.ports.len() && rest.iter().all(|mtu| mtu == first) => Some(*first),
        _ => None,
    };
    VirtualSwitch {
        name: switch.name.value.clone(),
        interface_name,
        interfaces,
        enabled_for_compute: switch.compute.is_some(),
        ip_address_pools: pools,
        mtu,
    }
}

fn virtual_network(vnet: &VirtualNetwork, layout: PackageLayout) -> PackageVirtualNetwork {
    let net: Ipv4Net = vnet.net();
    PackageVirtualNetwork {
        name: vnet.name.value.clone(),
        v_switch_name: vnet.switch.value.clone(),
        vlan_id: vnet.vlan.value,
        subnet_mask: net.netmask().to_string(),
        gateway: vnet.gateway.value.to_string(),
        network: match layout {
            PackageLayout::Release2309 | PackageLayout::Release2312 => net.network().to_string(),
            PackageLayout::Release2403 => net.to_string(),
        },
        enabled_for_kubernetes: vnet.kubernetes.is_some(),
        ip_address_pools: vnet.ip_pool.map(|pool_range| pool(VM_POOL, pool_range.value)).into_iter().collect(),
    }
}

fn pool(name: &'static str, range: AddrRange) -> Pool {
    Pool { name, ip_address_range: range_text(range) }
}

/// `FIRST-LAST`, even for one address.
pub fn range_text(range: AddrRange) -> String {
    format!("{}-{}", range.first(), range.last())
}

/// `Set-DeviceVip`'s objects, ACS first, for a two-node device with virtual IPs.
fn virtual_ips(network: &Network) -> Option<Vec<VipSetting>> {
    if network.device.nodes.value != NodeCount::Two || network.virtual_ips.is_empty() {
        return None;
    }
    let mut vips: Vec<_> = network.virtual_ips.iter().collect();
    vips.sort_by_key(|vip| vip.kind.value);
    Some(
        vips.into_iter()
            .map(|vip| {
                let address: Option<Ipv4Addr> = match vip.address {
                    VirtualIpAddress::Static(address) => Some(address.value),
                    VirtualIpAddress::Dhcp(_) => None,
                };
                VipSetting {
                    kind: vip.kind.value.as_str(),
                    vip_address: address.map(|address| address.to_string()),
                    cluster_network_address: vip.cluster_network.value.network().to_string(),
                    is_dhcp_enabled: address.is_none(),
                }
            })
            .collect(),
    )
}
