//! The device-side PowerShell scripts for BGP peers (`routes/apply-bgp.ps1`,
//! `routes/remove-bgp.ps1`, `Set-HcsBGPPeer`) and virtual networks
//! (`network/apply-vnets.ps1`, `network/remove-vnets.ps1`, `Add-HcsVirtualNetwork`).
//!
//! Every script converges and can run twice: it reads what the device has, compares it
//! with the file, and per item writes one line saying what it did (`present`, `added`,
//! `replaced`, `removed`, `absent`). What it may do in each state is decided from the table
//! `asenet diff` classes with (`plan::classes`, through [`converge`]): an item that differs
//! is removed and added again, since the device cmdlets have no "update" for these
//! parameters, unless `diff` classes that as `redeploy`; then the script stops before it
//! changes anything. Names are written as single-quoted PowerShell strings ([`quote`]), so
//! no name can end its string.

use std::fmt::Write as _;

use super::converge::{self, Compared, Decisions, Item, Script};
use super::{GENERATED, OutputFile};
use crate::model::{BgpPeer, Network, VirtualNetwork};
use crate::plan::classes::{self, NetworkField, NetworkUse, PeerField};

pub fn emit(network: &Network) -> Vec<OutputFile> {
    let device = comment(network.device.name.as_ref().map_or("the device", |name| name.value.as_str()));
    let device = device.as_str();
    let mut files = Vec::new();
    if !network.bgp_peers.is_empty() {
        let mut peers: Vec<&BgpPeer> = network.bgp_peers.iter().collect();
        peers.sort_by(|a, b| (&a.switch.value, a.peer_address.value).cmp(&(&b.switch.value, b.peer_address.value)));
        files.push(OutputFile::new("routes/apply-bgp.ps1", apply_bgp(device, &peers)));
        files.push(OutputFile::new("routes/remove-bgp.ps1", remove_bgp(device, &peers)));
    }
    if !network.virtual_networks.is_empty() {
        let mut vnets: Vec<&VirtualNetwork> = network.virtual_networks.iter().collect();
        vnets.sort_by(|a, b| (&a.switch.value, &a.name.value).cmp(&(&b.switch.value, &b.name.value)));
        let cluster = network.kubernetes.is_some();
        files.push(OutputFile::new("network/apply-vnets.ps1", apply_vnets(device, &vnets, cluster)));
        files.push(OutputFile::new("network/remove-vnets.ps1", remove_vnets(device, &vnets, cluster)));
    }
    files
}

/// A name in a `#` comment line.
use crate::escape::powershell::comment;
/// Names in scripts: one PowerShell expression that is exactly the name.
pub(crate) use crate::escape::powershell::single_quoted as quote;

/// The lookup of one peer by its key, the address and switch of `Remove-HcsBGPPeer`.
fn find_peer(peer: &BgpPeer) -> String {
    format!(
        "Get-HcsBGPPeers -SwitchName {} | Where-Object {{ $_.PeerAddress -eq '{}' }}",
        quote(&peer.switch.value),
        peer.peer_address.value
    )
}

fn describe_peer(peer: &BgpPeer) -> String {
    format!("BGP peer {} on {}", peer.peer_address.value, peer.switch.value)
}

/// `Set-HcsBGPPeer` of one peer, as the apply script and `asenet diff` write it.
pub(crate) fn set_peer_command(peer: &BgpPeer) -> String {
    let mut set = format!(
        "Set-HcsBGPPeer -PeerAddress '{}' -PeerAsn {} -SelfAsn {} -SwitchName {}",
        peer.peer_address.value,
        peer.peer_asn.value,
        peer.self_asn.value,
        quote(&peer.switch.value)
    );
    if let Some(hold_time) = peer.hold_time {
        let _ = write!(set, " -HoldTimeInSeconds {}", hold_time.value);
    }
    set
}

/// `Remove-HcsBGPPeer` of one peer, known by its address and switch.
pub(crate) fn remove_peer_command(peer: &BgpPeer) -> String {
    format!("Remove-HcsBGPPeer -PeerAddress '{}' -SwitchName {}", peer.peer_address.value, quote(&peer.switch.value))
}

/// A BGP peer as its scripts converge it: compared by AS numbers and hold time, the
/// properties `Set-HcsBGPPeer` sets (the output of `Get-HcsBGPPeers` is not documented:
/// the names are the cmdlet's parameters).
pub(crate) fn peer_item(peer: &BgpPeer) -> Item {
    let mut as_numbers =
        format!("$found.PeerAsn -ne {} -or $found.SelfAsn -ne {}", peer.peer_asn.value, peer.self_asn.value);
    as_numbers = format!("({as_numbers})");
    let mut compared = vec![Compared { name: PeerField::AsNumbers.as_str(), differs: as_numbers }];
    if let Some(hold_time) = peer.hold_time {
        compared.push(Compared {
            name: PeerField::HoldTime.as_str(),
            differs: format!("$found.HoldTimeInSeconds -ne {}", hold_time.value),
        });
    }
    let fields: Vec<(PeerField, &'static str)> = PeerField::COMPARED.iter().map(|&f| (f, f.as_str())).collect();
    Item {
        label: describe_peer(peer),
        find: find_peer(peer),
        compared,
        compute_property: None,
        notes: Vec::new(),
        add: vec![set_peer_command(peer)],
        remove: vec![remove_peer_command(peer)],
        decisions: Decisions::derive(&fields, false, |_, difference| classes::bgp_peer(difference)),
        apply_procedure: String::new(),
        remove_procedure: String::new(),
    }
}

fn apply_bgp(device: &str, peers: &[&BgpPeer]) -> String {
    let mut out = format!(
        "# {GENERATED}\n\
         # Sets the BGP peers of MetalLB on {device}: with peers, MetalLB announces the external\n\
         # service IPs over BGP instead of layer 2. Run it in the device's PowerShell interface.\n\
         # A peer that is present with the same ASNs and hold time is left alone; one that\n\
         # differs is removed and set again. Each peer gets one line of output.\n"
    );
    let items: Vec<Item> = peers.iter().map(|peer| peer_item(peer)).collect();
    out.push_str(&converge::render(Script::Apply, &items, quote, comment));
    out
}

fn remove_bgp(device: &str, peers: &[&BgpPeer]) -> String {
    let mut out = format!(
        "# {GENERATED}\n\
         # Removes the BGP peers that apply-bgp.ps1 sets on {device}; without peers MetalLB\n\
         # works in layer 2 mode again. Run it in the device's PowerShell interface; a peer\n\
         # already gone is reported as absent.\n"
    );
    let items: Vec<Item> = peers.iter().map(|peer| peer_item(peer)).collect();
    out.push_str(&converge::render(Script::Remove, &items, quote, comment));
    out
}

/// The lookup of one virtual network by its switch and name, as `Get-HcsVirtualNetwork`
/// reports them (`SwitchName`, `Name`: docs/device-facts.md#vlan-ids).
fn find_vnet(vnet: &VirtualNetwork) -> String {
    format!(
        "Get-HcsVirtualNetwork | Where-Object {{ $_.Name -eq {} -and $_.SwitchName -eq {} }}",
        quote(&vnet.name.value),
        quote(&vnet.switch.value)
    )
}

fn describe_vnet(vnet: &VirtualNetwork) -> String {
    format!("virtual network {} (VLAN {}) on {}", vnet.name.value, vnet.vlan.value, vnet.switch.value)
}

pub(crate) fn remove_vnet_command(vnet: &VirtualNetwork) -> String {
    format!(
        "Remove-HcsVirtualNetwork -VirtualSwitchName {} -Name {}",
        quote(&vnet.switch.value),
        quote(&vnet.name.value)
    )
}

/// `Add-HcsVirtualNetwork` of one network, as the apply script and `asenet diff` write it.
pub(crate) fn add_vnet_command(vnet: &VirtualNetwork) -> String {
    let dns: Vec<String> = vnet.dns.iter().map(|server| format!("'{}'", server.value)).collect();
    let mut add = format!(
        "Add-HcsVirtualNetwork -VirtualSwitchName {} -Name {} -VlanId {} -AddressSpace '{}' -GatewayIPAddress '{}'",
        quote(&vnet.switch.value),
        quote(&vnet.name.value),
        vnet.vlan.value,
        vnet.net(),
        vnet.gateway.value
    );
    if !dns.is_empty() {
        let _ = write!(add, " -DnsServers {}", dns.join(","));
    }
    add
}

/// A virtual network as its scripts converge it: compared by what `Get-HcsVirtualNetwork`
/// reports (`VlanId`, `AddressSpace`, `GatewayIPAddress`, `DnsServers`), and frozen where
/// Kubernetes uses it: compute on it, or pods attached to it (enabled for Kubernetes on a
/// device with a cluster), by the file's word or the device's (`EnabledForK8s`).
pub(crate) fn vnet_item(vnet: &VirtualNetwork, cluster: bool) -> Item {
    let dns: Vec<String> = vnet.dns.iter().map(|server| server.value.to_string()).collect();
    let differs = |field: NetworkField| match field {
        NetworkField::Vlan => format!("$found.VlanId -ne {}", vnet.vlan.value),
        NetworkField::Subnet => format!("$found.AddressSpace -ne '{}'", vnet.net()),
        NetworkField::Gateway => format!("$found.GatewayIPAddress -ne '{}'", vnet.gateway.value),
        NetworkField::DnsServers => format!("(@($found.DnsServers) -join ',') -ne '{}'", dns.join(",")),
        other => unreachable!("{other:?} is not compared with the device"),
    };
    let compared = NetworkField::COMPARED
        .iter()
        .map(|&field| Compared { name: field.as_str(), differs: differs(field) })
        .collect();
    let fields: Vec<(NetworkField, &'static str)> = NetworkField::COMPARED.iter().map(|&f| (f, f.as_str())).collect();
    // What runs on it, from the file, and from the device where it says Kubernetes does.
    let usage = |enabled_on_device: bool| {
        if vnet.compute.is_some() {
            NetworkUse::Compute
        } else if enabled_on_device || (vnet.kubernetes.is_some() && cluster) {
            NetworkUse::Attached
        } else {
            NetworkUse::Free
        }
    };
    Item {
        label: describe_vnet(vnet),
        find: find_vnet(vnet),
        compared,
        compute_property: Some("EnabledForK8s"),
        notes: vnet_notes(vnet),
        add: vec![add_vnet_command(vnet)],
        remove: vec![remove_vnet_command(vnet)],
        decisions: Decisions::derive(&fields, true, |on_device, difference| {
            classes::virtual_network(usage(on_device), difference)
        }),
        apply_procedure: format!(
            "Kubernetes uses this virtual network (compute, or pods attached to it), and it cannot be added to or \
             modified under a deployed cluster (docs/device-facts.md#virtual-networks-fixed): tear compute down in \
             the local UI, change it by hand (`{}`, then `{}`), then configure compute again \
             (docs/artifacts.md#redeploy).",
            remove_vnet_command(vnet),
            add_vnet_command(vnet)
        ),
        remove_procedure: "Kubernetes uses this virtual network (compute, or pods attached to it; \
                           docs/device-facts.md#virtual-networks-fixed): tear compute down in the local UI first, \
                           then run network/remove-vnets.ps1 again (docs/artifacts.md#redeploy)."
            .to_owned(),
    }
}

/// What the script says of a network and cannot do: `Add-HcsVirtualNetwork` takes neither
/// compute, nor Kubernetes, nor a pool (the local UI or device/network.json sets them).
fn vnet_notes(vnet: &VirtualNetwork) -> Vec<String> {
    let mut notes = Vec::new();
    if vnet.compute.is_some() {
        notes.push("Kubernetes runs on this network: enable compute on it in the local UI.".to_owned());
    }
    if vnet.kubernetes.is_some() {
        notes.push(
            "Enabled for Kubernetes: enable it on the local UI's Kubernetes page, or apply device/network.json."
                .to_owned(),
        );
    }
    if let Some(pool) = vnet.ip_pool {
        notes.push(format!(
            "IP pool {}: set it in the local UI, or apply device/network.json (Add-HcsVirtualNetwork takes no pool).",
            pool.value
        ));
    }
    notes
}

fn apply_vnets(device: &str, vnets: &[&VirtualNetwork], cluster: bool) -> String {
    let mut out = format!(
        "# {GENERATED}\n\
         # Adds the virtual networks (VLANs) of {device} to their virtual switches. Run it in the\n\
         # device's PowerShell interface. A network that is present with the same VLAN, address\n\
         # space, gateway and DNS servers is left alone; a missing one is added. One that differs\n\
         # is removed and added again, unless Kubernetes runs on it (the device file's `compute`,\n\
         # or the device's EnabledForK8s): then `asenet diff` classes the change as redeploy, and\n\
         # the script stops before it changes anything, saying what to do by hand. Each network\n\
         # gets one line of output. Compute is enabled on a network in the local UI.\n"
    );
    let items: Vec<Item> = vnets.iter().map(|vnet| vnet_item(vnet, cluster)).collect();
    out.push_str(&converge::render(Script::Apply, &items, quote, comment));
    out
}

fn remove_vnets(device: &str, vnets: &[&VirtualNetwork], cluster: bool) -> String {
    let mut out = format!(
        "# {GENERATED}\n\
         # Removes the virtual networks that apply-vnets.ps1 adds on {device}. A virtual switch\n\
         # cannot be removed while it has virtual networks: run this first. Run it in the\n\
         # device's PowerShell interface; a network already gone is reported as absent. A\n\
         # network Kubernetes runs on (the device file's `compute`, or the device's\n\
         # EnabledForK8s) is not removed: that is a redeploy, and the script stops before it\n\
         # changes anything, saying what to do by hand.\n"
    );
    let items: Vec<Item> = vnets.iter().map(|vnet| vnet_item(vnet, cluster)).collect();
    out.push_str(&converge::render(Script::Remove, &items, quote, comment));
    out
}
