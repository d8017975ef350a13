//! The `bgp-peer` section. A BGP peer is known by its switch and address, as
//! `Remove-HcsBGPPeer` knows it; no cmdlet changes one in place: a change is a removal and an
//! addition, the commands the change carries.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use super::classes::{self, Difference, PeerField};
use super::{Change, Class, Section, Side, facts};
use crate::emit::powershell;
use crate::model::{BgpPeer, Network};

/// `peer AS 64512, self AS 64513, hold time 90 s`.
fn describe_peer(peer: &BgpPeer) -> String {
    let mut text = format!("peer AS {}, self AS {}", peer.peer_asn.value, peer.self_asn.value);
    if let Some(hold_time) = peer.hold_time {
        text.push_str(&format!(", hold time {} s", hold_time.value));
    }
    text
}

const PEERS: &str = "run routes/apply-bgp.ps1 (Set-HcsBGPPeer, Remove-HcsBGPPeer) on the device's PowerShell \
                     interface; the external IPs stay what they are";

pub(super) fn compare(old: &Side, new: &Side, out: &mut Vec<Change>) {
    let (old, new) = (old.network, new.network);
    let by_key = |network: &'_ Network| -> BTreeMap<(String, Ipv4Addr), usize> {
        network
            .bgp_peers
            .iter()
            .enumerate()
            .map(|(index, peer)| ((peer.switch.value.clone(), peer.peer_address.value), index))
            .collect()
    };
    let mode = |network: &Network| if network.bgp_peers.is_empty() { "layer 2" } else { "BGP" };
    if mode(old) != mode(new) {
        out.push(
            Change::new(Class::Disruptive, Section::BgpPeer, "MetalLB", "mode")
                .values(Some(mode(old)), Some(mode(new)))
                .because(
                    "MetalLB announces the external service IPs another way (ARP on the compute network, or routes to \
                     the BGP peers): until the network follows, clients do not reach the services",
                    &facts::BGP_MODE,
                ),
        );
    }
    let (before, after) = (by_key(old), by_key(new));
    let keys: BTreeSet<&(String, Ipv4Addr)> = before.keys().chain(after.keys()).collect();
    for key in keys {
        let was = before.get(key).map(|&index| &old.bgp_peers[index]);
        let is = after.get(key).map(|&index| &new.bgp_peers[index]);
        let subject = format!("{} on {}", key.1, key.0);
        let (difference, commands) = match (was, is) {
            (None, Some(peer)) => (Difference::Added, vec![powershell::set_peer_command(peer)]),
            (Some(peer), None) => (Difference::Removed, vec![powershell::remove_peer_command(peer)]),
            (Some(was), Some(is)) if describe_peer(was) == describe_peer(is) => continue,
            (Some(was), Some(is)) => {
                let field = if was.peer_asn.value != is.peer_asn.value || was.self_asn.value != is.self_asn.value {
                    PeerField::AsNumbers
                } else {
                    PeerField::HoldTime
                };
                (
                    Difference::Changed(field),
                    vec![powershell::remove_peer_command(was), powershell::set_peer_command(is)],
                )
            }
            (None, None) => continue,
        };
        let what = match difference {
            Difference::Added => "added",
            Difference::Removed => "removed",
            Difference::Changed(field) => field.as_str(),
        };
        let hold_time = |peer: &BgpPeer| peer.hold_time.map_or("default".to_owned(), |t| format!("{} s", t.value));
        let (before, after) = match (was, is) {
            (Some(was), Some(is)) if what == "hold time" => (Some(hold_time(was)), Some(hold_time(is))),
            _ => (was.map(describe_peer), is.map(describe_peer)),
        };
        let mut change = Change::new(classes::bgp_peer(difference), Section::BgpPeer, subject, what)
            .values(before, after)
            .because(PEERS, &facts::BGP_MODE);
        change.commands = commands;
        out.push(change);
    }
}
