use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, Severity, Sink, Span, declare_rule};
use crate::model::{DeviceModel, Network, NodeCount, PortId, Switch};

declare_rule! {
    /// ## What it does
    /// Reports a virtual switch on several ports (NIC teaming), and a port used by two
    /// switches.
    ///
    /// ## Why is this bad?
    /// "NIC Teaming or link aggregation is not supported with Azure Stack Edge", nor is
    /// Switch Embedded Teaming (see docs/device-facts.md#no-teaming), and "only one virtual switch
    /// can be configured per network interface" (see docs/device-facts.md#one-compute-switch). The
    /// only teamed switches are those of the documented two-node topologies: Port3 + Port4 on a
    /// two-node pro-gpu, Port1 + Port2 on a two-node pro-2 (see docs/device-facts.md#no-teaming);
    /// those are allowed.
    ///
    /// ## Example
    /// ```toml
    /// [switches.vswitch-data]
    /// ports = ["Port3", "Port4"]
    /// compute = true
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [switches.vswitch-port3]
    /// ports = ["Port3"]
    /// compute = true
    /// ```
    pub static TEAMING_UNSUPPORTED = Rule {
        code: "ASE302",
        name: "teaming-unsupported",
        severity: Severity::Error,
        summary: "a switch with several ports, or a port in two switches; the two-node teamed pairs are allowed",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let documented_pair = documented_teamed_pair(network.device.model.value, network.device.nodes.value);
    for switch in &network.switches {
        if switch.ports.len() > 1 && !is_pair(switch, documented_pair) {
            sink.push(teamed_switch(switch, documented_pair));
        }
    }
    let mut first_use: BTreeMap<PortId, (Span, &str)> = BTreeMap::new();
    for switch in &network.switches {
        for port in &switch.ports {
            let Some((first_span, first_switch)) = first_use.get(&port.value).copied() else {
                first_use.insert(port.value, (port.span, &switch.name.value));
                continue;
            };
            sink.push(
                Diagnostic::new(
                    &TEAMING_UNSUPPORTED,
                    port.span,
                    format!("{} is in switch `{first_switch}` and in switch `{}`", port.value, switch.name.value),
                )
                .with_primary_label("second switch on this port")
                .with_label(first_span, format!("first used by `{first_switch}` here"))
                .with_help("a port carries one virtual switch (see docs/device-facts.md#one-compute-switch): remove it from one of them"),
            );
        }
    }
}

/// Whether `switch` is the teamed switch of a documented two-node topology (see
/// docs/device-facts.md#no-teaming).
pub(crate) fn is_documented_team(network: &Network, switch: &Switch) -> bool {
    is_pair(switch, documented_teamed_pair(network.device.model.value, network.device.nodes.value))
}

/// The teamed pair of a documented two-node topology (see docs/device-facts.md#no-teaming), if this
/// device has one.
fn documented_teamed_pair(model: DeviceModel, nodes: NodeCount) -> Option<[u8; 2]> {
    match (model, nodes) {
        (DeviceModel::ProGpu, NodeCount::Two) => Some([3, 4]),
        (DeviceModel::Pro2, NodeCount::Two) => Some([1, 2]),
        _ => None,
    }
}

fn is_pair(switch: &Switch, pair: Option<[u8; 2]>) -> bool {
    let mut numbers: Vec<u8> = switch.ports.iter().map(|port| port.value.number()).collect();
    numbers.sort_unstable();
    pair.is_some_and(|pair| numbers == pair)
}

fn teamed_switch(switch: &Switch, pair: Option<[u8; 2]>) -> Diagnostic {
    let names: Vec<String> = switch.ports.iter().map(|port| port.value.to_string()).collect();
    let help = match pair {
        Some([a, b]) => {
            format!(
                "give the switch one port; on this two-node device only Port{a} + Port{b} may be teamed (see docs/device-facts.md#no-teaming)"
            )
        }
        None => {
            "give the switch one port: NIC teaming is not supported (see docs/device-facts.md#no-teaming)".to_owned()
        }
    };
    let mut diagnostic = Diagnostic::new(
        &TEAMING_UNSUPPORTED,
        switch.ports[1].span,
        format!("switch `{}` teams {}", switch.name.value, names.join(" and ")),
    )
    .with_primary_label("a second port")
    .with_help(help);
    diagnostic = diagnostic.with_label(switch.name.span, "switch defined here");
    diagnostic
}
