//! The virtual IPs of a two-node cluster (`Get-DeviceVip | to-json`): `acsVIP` and `nfsVIP`,
//! each with its address (or DHCP) and its cluster network (`network.address` with
//! `network.subnet`, a mask), as the Learn page's samples show them.

use std::net::Ipv4Addr;

use serde_json::Value;

use super::json::{Node, Reader};

pub(super) struct VirtualIp {
    pub kind: &'static str,
    pub address: VipAddress,
    pub cluster_network: (Ipv4Addr, u8),
}

pub(super) enum VipAddress {
    Static(Ipv4Addr),
    /// The address DHCP gave it now, written as a comment only.
    Dhcp(Option<Ipv4Addr>),
}

const ROOT_KEYS: &[&str] = &["acsVIP", "nfsVIP", "clusterNetworks"];
const VIP_KEYS: &[&str] = &["type", "name", "address", "network", "isDhcpEnabled"];
const NETWORK_KEYS: &[&str] = &["name", "address", "subnet", "dhcpEnabled"];

/// The virtual IPs, or `None` after reporting a problem. `nodes`: the device's node count,
/// when the configuration export could be read.
pub(super) fn read(value: &Value, nodes: Option<usize>, reader: &mut Reader<'_>) -> Option<Vec<VirtualIp>> {
    let root = Node::root(value);
    reader.object(
        &root,
        "the object `Get-DeviceVip | to-json` writes (`{\"acsVIP\": ..., \"nfsVIP\": ...}`)",
        ROOT_KEYS,
    )?;
    let mut vips = Vec::new();
    let mut valid = true;
    for (key, kind) in [("acsVIP", "ACS"), ("nfsVIP", "NFS")] {
        let node = root.key(key);
        if node.is_null() {
            continue;
        }
        if nodes == Some(1) {
            reader.problem(&node, "a virtual IP on a one-node device: virtual IPs belong to a two-node cluster");
            valid = false;
            continue;
        }
        match read_vip(&node, kind, reader) {
            Some(vip) => vips.push(vip),
            None => valid = false,
        }
    }
    valid.then_some(vips)
}

fn read_vip(node: &Node<'_>, kind: &'static str, reader: &mut Reader<'_>) -> Option<VirtualIp> {
    reader.object(node, "a virtual IP (an object)", VIP_KEYS)?;
    let type_node = node.key("type");
    if let Some(written) = reader.optional_string(&type_node, "the virtual IP's type")?
        && written != kind
    {
        reader.unexpected(&type_node, &format!("`{kind}` here"), written, None);
        return None;
    }
    let dhcp = reader.flag(&node.key("isDhcpEnabled"), "whether the virtual IP uses DHCP")?;
    let address_node = node.key("address");
    let address = if dhcp {
        VipAddress::Dhcp(reader.optional_address(&address_node, "the virtual IP's current address")?)
    } else {
        VipAddress::Static(reader.address(&address_node, "the virtual IP's address")?)
    };
    let network = node.key("network");
    reader.object(&network, "the virtual IP's cluster network (an object)", NETWORK_KEYS)?;
    let network_address_node = network.key("address");
    let network_address = reader.address(&network_address_node, "the cluster network's address");
    let length = reader.mask(&network.key("subnet"));
    let (network_address, length) = (network_address?, length?);
    let host_bits = u32::from(network_address) & u32::MAX.checked_shr(u32::from(length)).unwrap_or(0);
    if host_bits != 0 {
        reader.problem(
            &network_address_node,
            format!("expected the cluster network's own address, found {network_address}, a host of a /{length}"),
        );
        return None;
    }
    Some(VirtualIp { kind, address, cluster_network: (network_address, length) })
}
