use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::uses::address_uses;
use crate::model::{Keyword, Network};

declare_rule! {
    /// ## What it does
    /// Reports a virtual IP whose `address` is another address of the device or its
    /// network: a port's address on either node, the other virtual IP, a gateway, a DNS
    /// server or a BGP peer, or an address inside the node IPs, the external service IPs or
    /// a virtual network's IP pool.
    ///
    /// ## Why is this bad?
    /// "A virtual IP is an available IP in the cluster network" (see
    /// docs/device-facts.md#virtual-ips): the cluster answers for it on whichever node holds
    /// it. An address something else answers for, or one the device hands out to a
    /// Kubernetes VM, a service or a pod, is two hosts on one address, which the network
    /// readiness check calls a duplicate IP (see docs/device-facts.md#no-overlaps).
    ///
    /// ## Example
    /// ```toml
    /// [ports.Port2]
    /// addresses = ["10.126.77.23/21", "10.126.76.65/21"]
    ///
    /// [[virtual_ips]]
    /// type = "ACS"
    /// address = "10.126.76.65"
    /// cluster_network = "10.126.72.0/21"
    /// ```
    ///
    /// ## Use instead
    /// An address nothing else has:
    /// ```toml
    /// [[virtual_ips]]
    /// type = "ACS"
    /// address = "10.126.72.10"
    /// cluster_network = "10.126.72.0/21"
    /// ```
    pub static VIP_ADDRESS_IN_USE = Rule {
        code: "ASE322",
        name: "vip-address-in-use",
        severity: Severity::Error,
        summary: "a virtual IP is another address of the device, or inside one of its ranges",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let uses = address_uses(network);
    for vip in &network.virtual_ips {
        let Some(address) = vip.static_address() else { continue };
        let taken: Vec<_> =
            uses.iter().filter(|other| other.span != address.span && other.range.contains(address.value)).collect();
        let Some(first) = taken.first() else { continue };
        let kind = vip.kind.value.as_str();
        let mut diagnostic = Diagnostic::new(
            &VIP_ADDRESS_IN_USE,
            address.span,
            format!("the {kind} virtual IP {} is taken by {}", address.value, first.owner),
        )
        .with_primary_label("already in use");
        for other in &taken {
            let label = if other.range.size() == 1 {
                format!("{} is {} here", other.owner, address.value)
            } else {
                format!("{} {} holds it", other.owner, other.range)
            };
            diagnostic = diagnostic.with_label(other.span, label);
        }
        sink.push(diagnostic.with_help(format!(
            "give the virtual IP an available address of {} that nothing else has (see \
             docs/device-facts.md#virtual-ips)",
            vip.cluster_network.value
        )));
    }
}
