use std::net::Ipv4Addr;

use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::{BgpPeer, Network, repeats};

declare_rule! {
    /// ## What it does
    /// Reports two `[[bgp_peers]]` with one `peer_address` on one switch.
    ///
    /// ## Why is this bad?
    /// `Set-HcsBGPPeer` keys a peer by its address and switch (`Remove-HcsBGPPeer
    /// -PeerAddress -SwitchName`, see: docs/device-facts.md#bgp): the second entry replaces
    /// the first, and which ASNs and hold time win depends on the order the script runs.
    /// MetalLB too would get two `BGPPeer`s for one session.
    ///
    /// ## Example
    /// ```toml
    /// [[bgp_peers]]
    /// switch = "vswitch-port3"
    /// peer_address = "192.168.10.1"
    /// peer_asn = 64512
    /// self_asn = 64513
    ///
    /// [[bgp_peers]]
    /// switch = "vswitch-port3"
    /// peer_address = "192.168.10.1"
    /// peer_asn = 64600
    /// self_asn = 64513
    /// ```
    ///
    /// ## Use instead
    /// One entry per router; a second router has its own address:
    /// ```toml
    /// [[bgp_peers]]
    /// switch = "vswitch-port3"
    /// peer_address = "192.168.10.2"
    /// peer_asn = 64512
    /// self_asn = 64513
    /// ```
    pub static DUPLICATE_BGP_PEER = Rule {
        code: "ASE313",
        name: "duplicate-bgp-peer",
        severity: Severity::Error,
        summary: "two BGP peers with one address on one switch",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    fn key(peer: &BgpPeer) -> (&str, Ipv4Addr) {
        (&peer.switch.value, peer.peer_address.value)
    }
    for (earlier, peer) in repeats(&network.bgp_peers, key) {
        sink.push(
            Diagnostic::new(
                &DUPLICATE_BGP_PEER,
                peer.peer_address.span,
                format!("BGP peer {} on switch `{}` is defined twice", peer.peer_address.value, peer.switch.value),
            )
            .with_primary_label("defined again here")
            .with_label(earlier.peer_address.span, "first defined here")
            .with_help("keep one `[[bgp_peers]]` entry per router and switch"),
        );
    }
}
