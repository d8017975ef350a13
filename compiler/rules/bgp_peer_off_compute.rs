use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::Network;

declare_rule! {
    /// ## What it does
    /// Reports a BGP peer on a switch that does not carry compute: neither the switch with
    /// `compute = true` nor the switch of the virtual network with `compute = true`.
    ///
    /// Quiet while the file has no single compute network (`compute-switch-count` reports
    /// that).
    ///
    /// ## Why is this bad?
    /// The BGP speakers are MetalLB's, inside the Kubernetes VMs, and those VMs have a NIC
    /// only on the compute network: "you'll configure the BGP peers on the virtual switch
    /// that you enabled for compute" (see: docs/device-facts.md#bgp). A peer on another
    /// switch is unreachable from them; the external IPs are never announced.
    ///
    /// With any `[[bgp_peers]]`, MetalLB works in BGP mode and stops its layer 2
    /// announcements (no more ARP answers for the external IPs): the external service IPs
    /// are reachable only through the routes the peers learn, so a peer that never comes up
    /// leaves every LoadBalancer service unreachable.
    ///
    /// ## Example
    /// ```toml
    /// [switches.vswitch-port2]
    /// ports = ["Port2"]
    ///
    /// [switches.vswitch-port3]
    /// ports = ["Port3"]
    /// compute = true
    ///
    /// [[bgp_peers]]
    /// switch = "vswitch-port2"
    /// peer_address = "10.10.2.1"
    /// peer_asn = 64512
    /// self_asn = 64513
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [[bgp_peers]]
    /// switch = "vswitch-port3"
    /// peer_address = "192.168.10.1"
    /// peer_asn = 64512
    /// self_asn = 64513
    /// ```
    pub static BGP_PEER_OFF_COMPUTE = Rule {
        code: "ASE315",
        name: "bgp-peer-off-compute",
        severity: Severity::Error,
        summary: "a BGP peer on a switch that does not carry compute",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let Some(compute) = network.compute_network() else { return };
    let compute_switch = &compute.switch.name;
    for peer in &network.bgp_peers {
        if peer.switch.value == compute_switch.value {
            continue;
        }
        let (span, label) = match compute.virtual_network {
            Some(vnet) => (vnet.switch.span, format!("compute runs on `{}`, on this switch", vnet.name.value)),
            None => (compute_switch.span, "the compute switch".to_owned()),
        };
        sink.push(
            Diagnostic::new(
                &BGP_PEER_OFF_COMPUTE,
                peer.switch.span,
                format!(
                    "BGP peer {} is on switch `{}`, which does not carry compute",
                    peer.peer_address.value, peer.switch.value
                ),
            )
            .with_primary_label("not the compute switch")
            .with_label(span, label)
            .with_help(format!(
                "MetalLB speaks BGP from the Kubernetes VMs, on the compute network: put the peer on switch `{}` \
                 (see: docs/device-facts.md#bgp)",
                compute_switch.value
            )),
        );
    }
}
