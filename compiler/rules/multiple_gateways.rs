use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::Network;

declare_rule! {
    /// ## What it does
    /// Reports every port with a gateway after the first one in the file. Each report
    /// points at the extra gateway and at the first.
    ///
    /// Every port counts, the management port (Port1) included: the host has one routing
    /// table. A DHCP port's gateway is unknown here and does not count.
    ///
    /// ## Why is this bad?
    /// "A device ideally tries to use the network interface card (NIC) with the lowest
    /// route metric. However, there's no clear way for an Azure Stack Edge device to
    /// identify the NIC with the lowest metric" (see docs/device-facts.md#multiple-gateways). With
    /// two gateways the device may send its Azure and internet traffic, and the Kubernetes VMs'
    /// NATed traffic (see docs/device-facts.md#reserved-addresses), through either port; the one
    /// that cannot reach Azure breaks the device now and then, and the diagnostic tests warn "if
    /// all gateways don't have internet connectivity" (see docs/device-facts.md#multiple-gateways).
    ///
    /// A warning, not an error: the documented answer is to "ensure that traffic can reach
    /// your laptop's network on all gateways" (see docs/device-facts.md#multiple-gateways). Once
    /// that holds, allow the rule for the file with `[lint] allow = ["ASE202"]`.
    ///
    /// ## Example
    /// ```toml
    /// [ports.Port2]
    /// address = "10.10.2.20/24"
    /// gateway = "10.10.2.1"
    ///
    /// [ports.Port3]
    /// address = "192.168.10.20/24"
    /// gateway = "192.168.10.1"
    /// ```
    ///
    /// ## Use instead
    /// One gateway, on the uplink; the Kubernetes VMs reach other private networks behind
    /// Port3 through custom routes:
    /// ```toml
    /// [ports.Port3]
    /// address = "192.168.10.20/24"
    ///
    /// [[routes]]
    /// interface = "Port3"
    /// destination = "192.168.20.0/24"
    /// next_hop = "192.168.10.1"
    /// ```
    pub static MULTIPLE_GATEWAYS = Rule {
        code: "ASE202",
        name: "multiple-gateways",
        severity: Severity::Warning,
        summary: "more than one port has a gateway",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    // In file order, so that "first" means the first one the reader meets.
    let mut gateways: Vec<_> =
        network.ports.iter().filter_map(|port| port.gateway().map(|gateway| (gateway, port.id))).collect();
    gateways.sort_by_key(|(gateway, _)| gateway.span);
    let Some(((first, first_port), others)) = gateways.split_first() else { return };
    let count = gateways.len();
    for (gateway, port) in others {
        sink.push(
            Diagnostic::new(
                &MULTIPLE_GATEWAYS,
                gateway.span,
                format!(
                    "{count} ports have a gateway: {port}'s {} competes with {first_port}'s {}",
                    gateway.value, first.value
                ),
            )
            .with_primary_label(format!("another gateway, on {port}"))
            .with_label(first.span, format!("the first gateway, on {first_port}"))
            .with_help(
                "keep one gateway, on the uplink port, and remove the others; or make sure every gateway \
                 reaches Azure and your management network (see docs/device-facts.md#multiple-gateways)",
            ),
        );
    }
}
