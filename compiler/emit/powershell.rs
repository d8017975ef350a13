//! The device-side PowerShell scripts for BGP peers (`routes/apply-bgp.ps1`,
//! `routes/remove-bgp.ps1`, `Set-HcsBGPPeer`) and virtual networks
//! (`network/apply-vnets.ps1`, `network/remove-vnets.ps1`, `Add-HcsVirtualNetwork`).
//!
//! Every script converges and can run twice: it reads what the device has, compares it
//! with the file, and per item writes one line saying what it did (`present`, `added`,
//! `replaced`, `removed`, `absent`). An item that differs is removed and added again, since
//! the device cmdlets have no "update" for these parameters. Names are written as
//! single-quoted PowerShell strings ([`quote`]), so no name can end its string.

use std::fmt::Write as _;

use super::{GENERATED, OutputFile};
use crate::model::{BgpPeer, Network, VirtualNetwork};

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
        files.push(OutputFile::new("network/apply-vnets.ps1", apply_vnets(device, &vnets)));
        files.push(OutputFile::new("network/remove-vnets.ps1", remove_vnets(device, &vnets)));
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
        "$peer = Get-HcsBGPPeers -SwitchName {} | Where-Object {{ $_.PeerAddress -eq '{}' }}",
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
        write!(set, " -HoldTimeInSeconds {}", hold_time.value).expect("writing to a String");
    }
    set
}

/// `Remove-HcsBGPPeer` of one peer, known by its address and switch.
pub(crate) fn remove_peer_command(peer: &BgpPeer) -> String {
    format!("Remove-HcsBGPPeer -PeerAddress '{}' -SwitchName {}", peer.peer_address.value, quote(&peer.switch.value))
}

fn apply_bgp(device: &str, peers: &[&BgpPeer]) -> String {
    let mut out = format!(
        "# {GENERATED}\n\
         # Sets the BGP peers of MetalLB on {device}: with peers, MetalLB announces the external\n\
         # service IPs over BGP instead of layer 2. Run it in the device's PowerShell interface.\n\
         # A peer that is present with the same ASNs and hold time is left alone; one that\n\
         # differs is removed and set again. Each peer gets one line of output.\n"
    );
    for peer in peers {
        let label = describe_peer(peer);
        let mut same =
            format!("$peer.PeerAsn -eq {} -and $peer.SelfAsn -eq {}", peer.peer_asn.value, peer.self_asn.value);
        let set = set_peer_command(peer);
        if let Some(hold_time) = peer.hold_time {
            write!(same, " -and $peer.HoldTimeInSeconds -eq {}", hold_time.value).expect("writing to a String");
        }
        write!(
            out,
            "\n{find}\n\
             if ($peer -and {same}) {{\n    Write-Output {present}\n}} elseif ($peer) {{\n    \
             Remove-HcsBGPPeer -PeerAddress '{address}' -SwitchName {switch}\n    {set}\n    \
             Write-Output {replaced}\n}} else {{\n    {set}\n    Write-Output {added}\n}}\n",
            find = find_peer(peer),
            present = quote(&format!("present: {label}")),
            replaced = quote(&format!("replaced: {label}")),
            added = quote(&format!("added: {label}")),
            address = peer.peer_address.value,
            switch = quote(&peer.switch.value),
        )
        .expect("writing to a String");
    }
    out
}

fn remove_bgp(device: &str, peers: &[&BgpPeer]) -> String {
    let mut out = format!(
        "# {GENERATED}\n\
         # Removes the BGP peers that apply-bgp.ps1 sets on {device}; without peers MetalLB\n\
         # works in layer 2 mode again. Run it in the device's PowerShell interface; a peer\n\
         # already gone is reported as absent.\n"
    );
    for peer in peers {
        let label = describe_peer(peer);
        write!(
            out,
            "\n{find}\nif ($peer) {{\n    Remove-HcsBGPPeer -PeerAddress '{address}' -SwitchName {switch}\n    \
             Write-Output {removed}\n}} else {{\n    Write-Output {absent}\n}}\n",
            find = find_peer(peer),
            address = peer.peer_address.value,
            switch = quote(&peer.switch.value),
            removed = quote(&format!("removed: {label}")),
            absent = quote(&format!("absent: {label}")),
        )
        .expect("writing to a String");
    }
    out
}

fn find_vnet(vnet: &VirtualNetwork) -> String {
    format!(
        "$vnet = Get-HcsVirtualNetwork | Where-Object {{ $_.Name -eq {} -and $_.VirtualSwitchName -eq {} }}",
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
        write!(add, " -DnsServers {}", dns.join(",")).expect("writing to a String");
    }
    add
}

fn apply_vnets(device: &str, vnets: &[&VirtualNetwork]) -> String {
    let mut out = format!(
        "# {GENERATED}\n\
         # Adds the virtual networks (VLANs) of {device} to their virtual switches. Run it in the\n\
         # device's PowerShell interface. A network that is present with the same VLAN, address\n\
         # space, gateway and DNS servers is left alone; one that differs is removed and added\n\
         # again. Each network gets one line of output. Compute is enabled on a network in the\n\
         # device's local UI, not by this script.\n"
    );
    for vnet in vnets {
        let label = describe_vnet(vnet);
        let subnet = vnet.net();
        let dns_joined: Vec<String> = vnet.dns.iter().map(|server| server.value.to_string()).collect();
        let add = add_vnet_command(vnet);
        let same = format!(
            "$vnet.VlanId -eq {} -and $vnet.AddressSpace -eq '{subnet}' -and $vnet.GatewayIPAddress -eq '{}' -and \
             (@($vnet.DnsServers) -join ',') -eq '{}'",
            vnet.vlan.value,
            vnet.gateway.value,
            dns_joined.join(",")
        );
        let mut compute = if vnet.compute.is_some() {
            "# Kubernetes runs on this network: enable compute on it in the local UI.\n".to_owned()
        } else {
            String::new()
        };
        // Add-HcsVirtualNetwork takes neither: the local UI or device/network.json sets them.
        if vnet.kubernetes.is_some() {
            compute.push_str("# Enabled for Kubernetes: enable it on the local UI's Kubernetes page, or apply device/network.json.\n");
        }
        if let Some(pool) = vnet.ip_pool {
            compute.push_str(&format!(
                "# IP pool {}: set it in the local UI, or apply device/network.json (Add-HcsVirtualNetwork takes no pool).\n",
                pool.value
            ));
        }
        write!(
            out,
            "\n{compute}{find}\n\
             if ($vnet -and {same}) {{\n    Write-Output {present}\n}} elseif ($vnet) {{\n    {remove}\n    {add}\n    \
             Write-Output {replaced}\n}} else {{\n    {add}\n    Write-Output {added}\n}}\n",
            find = find_vnet(vnet),
            remove = remove_vnet_command(vnet),
            present = quote(&format!("present: {label}")),
            replaced = quote(&format!("replaced: {label}")),
            added = quote(&format!("added: {label}")),
        )
        .expect("writing to a String");
    }
    out
}

fn remove_vnets(device: &str, vnets: &[&VirtualNetwork]) -> String {
    let mut out = format!(
        "# {GENERATED}\n\
         # Removes the virtual networks that apply-vnets.ps1 adds on {device}. A virtual switch\n\
         # cannot be removed while it has virtual networks: run this first. Run it in the\n\
         # device's PowerShell interface; a network already gone is reported as absent.\n"
    );
    for vnet in vnets {
        let label = describe_vnet(vnet);
        write!(
            out,
            "\n{find}\nif ($vnet) {{\n    {remove}\n    Write-Output {removed}\n}} else {{\n    Write-Output {absent}\n}}\n",
            find = find_vnet(vnet),
            remove = remove_vnet_command(vnet),
            removed = quote(&format!("removed: {label}")),
            absent = quote(&format!("absent: {label}")),
        )
        .expect("writing to a String");
    }
    out
}
