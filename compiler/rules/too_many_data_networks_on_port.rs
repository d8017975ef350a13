use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::{DataNetwork, MAX_DATA_NETWORKS_PER_PORT, Network, PortId};

declare_rule! {
    /// ## What it does
    /// Reports a port that carries more than six of the packet core's data networks. A data
    /// network is on the port of the switch its interface's virtual network is on.
    ///
    /// ## Why is this bad?
    /// "No more than six data networks can be configured on the same port." A site attaches
    /// up to ten: "If you want to deploy more than six VLAN-separated data networks, the
    /// additional (up to four) data networks must be deployed on ASE port 5" (port 3 on a
    /// Pro 2), see docs/device-facts.md#ap5gc-data-networks.
    ///
    /// ## Example
    /// Seven `[[packet_core.data_networks]]` whose virtual networks are all on
    /// `vswitch-port6`.
    ///
    /// ## Use instead
    /// Six on the data port's switch, the seventh on the access port's (`vswitch-port5`),
    /// VLAN-separated:
    /// ```toml
    /// [[virtual_networks]]
    /// name = "N6-DN7"
    /// switch = "vswitch-port5"
    /// vlan = 70
    /// ```
    pub static TOO_MANY_DATA_NETWORKS_ON_PORT = Rule {
        code: "ASE705",
        name: "too-many-data-networks-on-port",
        severity: Severity::Error,
        summary: "more than six data networks on one port",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let Some(core) = &network.packet_core else { return };
    let mut by_port: BTreeMap<PortId, Vec<&DataNetwork>> = BTreeMap::new();
    for data_network in &core.data_networks {
        if let Some(port) = network.interface_port(&data_network.interface) {
            by_port.entry(port).or_default().push(data_network);
        }
    }
    for (port, networks) in by_port {
        let Some(extra) = networks.get(MAX_DATA_NETWORKS_PER_PORT) else { continue };
        let first = networks[0];
        sink.push(
            Diagnostic::new(
                &TOO_MANY_DATA_NETWORKS_ON_PORT,
                extra.interface.virtual_network.span,
                format!("{} data networks are on {port}, more than {MAX_DATA_NETWORKS_PER_PORT}", networks.len()),
            )
            .with_primary_label(format!("data network `{}`, the {}th on {port}", extra.name.value, MAX_DATA_NETWORKS_PER_PORT + 1))
            .with_label(first.interface.virtual_network.span, format!("the first on {port}"))
            .with_help(
                "keep at most six data networks on one port: put the others on the access port's switch, each on a VLAN of \
                 its own (see docs/device-facts.md#ap5gc-data-networks)",
            ),
        );
    }
}
