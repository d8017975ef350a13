use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::{Network, NodeCount, PortConfig};

declare_rule! {
    /// ## What it does
    /// On a two-node device, reports a port of a virtual switch that has neither a static
    /// `address` nor `dhcp = true`.
    ///
    /// The compute switch's ports are left to `compute-port-dynamic`, which reports them
    /// already.
    ///
    /// ## Why is this bad?
    /// "For a two node cluster, only the network interfaces with a set IP address are
    /// supported by the network topology" (see
    /// docs/device-facts.md#two-node-port-addresses). A switch on a port without an address is not
    /// part of the cluster's topology: the device refuses it, and its virtual networks and
    /// workloads have no path.
    ///
    /// ## Example
    /// ```toml
    /// [device]
    /// nodes = 2
    ///
    /// [ports.Port5]
    ///
    /// [switches.vswitch-port5]
    /// ports = ["Port5"]
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [ports.Port5]
    /// address = "192.168.50.20/24"
    /// ```
    pub static CLUSTER_PORT_UNADDRESSED = Rule {
        code: "ASE318",
        name: "cluster-port-unaddressed",
        severity: Severity::Error,
        summary: "a two-node device's switch sits on a port without an address",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    if network.device.nodes.value != NodeCount::Two {
        return;
    }
    let compute = network.compute_switch().map(|switch| switch.name.value.as_str());
    for switch in &network.switches {
        if compute == Some(switch.name.value.as_str()) {
            continue;
        }
        for port in &switch.ports {
            let Some(configured) = network.port(port.value) else { continue };
            if !matches!(configured.config, PortConfig::Unconfigured) {
                continue;
            }
            sink.push(
                Diagnostic::new(
                    &CLUSTER_PORT_UNADDRESSED,
                    port.span,
                    format!("switch `{}` sits on {}, which has no address", switch.name.value, port.value),
                )
                .with_primary_label("no address")
                .with_label(configured.span, format!("{} has neither `address` nor `dhcp = true`", port.value))
                .with_label(network.device.nodes.span, "a two-node device")
                .with_help(format!(
                    "give {} an `address` (or `dhcp = true`): a two-node cluster supports only interfaces with an \
                     IP address (see docs/device-facts.md#two-node-port-addresses)",
                    port.value
                )),
            );
        }
    }
}
