use std::collections::BTreeSet;

use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::Network;

declare_rule! {
    /// ## What it does
    /// Warns about DNS servers on the virtual network of a packet core interface.
    ///
    /// ## Why is this bad?
    /// The commissioning steps leave them empty: "**DNS server** and **DNS suffix** should be
    /// left blank" (see docs/device-facts.md#ap5gc-interface-networks). The interfaces'
    /// networks carry the RAN's signalling and the user plane; the DNS servers the UEs use
    /// are the data network's, signalled by the packet core (its `dns`).
    ///
    /// ## Example
    /// ```toml
    /// [[virtual_networks]]
    /// name = "N6-DN1"
    /// dns = ["10.232.45.53"]
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [[virtual_networks]]
    /// name = "N6-DN1"
    ///
    /// [[packet_core.data_networks]]
    /// virtual_network = "N6-DN1"
    /// dns = ["10.232.45.53"]
    /// ```
    pub static INTERFACE_NETWORK_DNS = Rule {
        code: "ASE710",
        name: "interface-network-dns",
        severity: Severity::Warning,
        summary: "DNS servers on a packet core interface's virtual network, which the articles leave blank",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let Some(core) = &network.packet_core else { return };
    let mut seen = BTreeSet::new();
    for interface in core.interfaces() {
        let Some(vnet) = network.interface_network(interface) else { continue };
        let Some(first) = vnet.dns.first() else { continue };
        if !seen.insert(vnet.name.value.clone()) {
            continue;
        }
        let name = core.describe(interface);
        sink.push(
            Diagnostic::new(
                &INTERFACE_NETWORK_DNS,
                first.span,
                format!("virtual network `{}` ({name}) has DNS servers", vnet.name.value),
            )
            .with_primary_label("left blank on the packet core's networks")
            .with_help(format!(
                "remove `dns` from `{}`: the DNS servers UEs use are a data network's `dns` in `[packet_core]` (see \
                 docs/device-facts.md#ap5gc-interface-networks)",
                vnet.name.value
            )),
        );
    }
}
