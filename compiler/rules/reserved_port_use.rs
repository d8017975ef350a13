use crate::diagnostic::{Diagnostic, Severity, Sink, Span, declare_rule};
use crate::model::{DeviceModel, Keyword, Network, NodeCount, PortId, Switch};

declare_rule! {
    /// ## What it does
    /// Reports a compute switch (`compute = true`, or the switch of a virtual network with
    /// `compute = true`) on a port the device keeps for something
    /// else:
    /// - **Port1, on every model**: the management port. It is "automatically configured as
    ///   a management-only port" on the pro-gpu (see docs/device-facts.md#ports-pro-gpu) and pro-r
    ///   (see docs/device-facts.md#ports-pro-r), it is "used for the initial configuration" and "to
    ///   configure management settings only" on the pro-2 (see docs/device-facts.md#ports-pro-2),
    ///   and it "reverts back to static IP" on a reset (see docs/device-facts.md#port-defaults).
    ///   The mini-r's documents do not name it (see docs/device-facts.md#ports-mini-r); it is the
    ///   same 1 GbE setup port, so it is reported there too.
    /// - **Port3 and Port4 of a pro-2**: "reserved for Network Function Manager workload
    ///   deployments" (see docs/device-facts.md#ports-pro-2), and for Private MEC on a two-node
    ///   cluster (see docs/device-facts.md#two-node-ports).
    /// - **Port3 and Port4 of a two-node pro-gpu**: "used for storage and cluster traffic";
    ///   switchless, "they aren't available for workload traffic" (see
    ///   docs/device-facts.md#two-node-ports).
    ///
    /// On a two-node pro-2, Port1 and Port2 carry one teamed switch for "clustering, storage
    /// and management traffic" (see docs/device-facts.md#two-node-ports,
    /// docs/device-facts.md#no-teaming) and Port3/Port4 are reserved, so compute on that teamed
    /// switch is the documented topology and is not reported. The pro-gpu's Port5 and Port6 must be
    /// connected for Network Function Manager (see docs/device-facts.md#ports-pro-gpu), which does
    /// not make them unavailable to compute: they are not reported.
    ///
    /// ## Why is this bad?
    /// Kubernetes traffic on the management port competes with the local UI and the
    /// device's own management, and a device reset puts the port back to its factory
    /// static address under the cluster. On reserved ports, compute takes bandwidth and
    /// the virtual switch from the workloads the port exists for. A warning: no document
    /// forbids enabling compute there outright (see docs/device-facts.md#two-node-ports).
    ///
    /// ## Example
    /// ```toml
    /// [switches.vswitch-port1]
    /// ports = ["Port1"]
    /// compute = true
    /// ```
    ///
    /// ## Use instead
    /// A data port:
    /// ```toml
    /// [switches.vswitch-port2]
    /// ports = ["Port2"]
    /// compute = true
    /// ```
    pub static RESERVED_PORT_USE = Rule {
        code: "ASE307",
        name: "reserved-port-use",
        severity: Severity::Warning,
        summary: "compute on the management port (Port1) or on ports reserved for other workloads",
    };
}

/// Why a port should not carry compute.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reservation {
    Management,
    NetworkFunctions,
    ClusterStorage,
}

impl Reservation {
    fn what(self) -> &'static str {
        match self {
            Reservation::Management => "the management port",
            Reservation::NetworkFunctions => "reserved for Network Function Manager workloads",
            Reservation::ClusterStorage => "reserved for storage and cluster traffic",
        }
    }

    /// The short form, under the port.
    fn label(self) -> &'static str {
        match self {
            Reservation::Management => "the management port",
            Reservation::NetworkFunctions => "reserved for Network Function Manager",
            Reservation::ClusterStorage => "reserved for storage and cluster traffic",
        }
    }

    fn facts(self, model: DeviceModel) -> &'static str {
        match (self, model) {
            (Reservation::Management, DeviceModel::ProGpu) => {
                "see docs/device-facts.md#port-defaults, docs/device-facts.md#ports-pro-gpu"
            }
            (Reservation::Management, DeviceModel::ProR) => {
                "see docs/device-facts.md#port-defaults, docs/device-facts.md#ports-pro-r"
            }
            (Reservation::Management, DeviceModel::MiniR) => "see docs/device-facts.md#ports-mini-r",
            (Reservation::Management, DeviceModel::Pro2) => {
                "see docs/device-facts.md#port-defaults, docs/device-facts.md#ports-pro-2"
            }
            (Reservation::NetworkFunctions, _) => {
                "see docs/device-facts.md#ports-pro-2, docs/device-facts.md#two-node-ports"
            }
            (Reservation::ClusterStorage, _) => "see docs/device-facts.md#two-node-ports",
        }
    }
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    if network.unresolved.model {
        return;
    }
    let model = network.device.model.value;
    let nodes = network.device.nodes.value;
    // A switch with `compute = true`, or the switch of a virtual network with it: either
    // way the Kubernetes VMs' traffic crosses the switch's ports.
    let vnet_compute = network.virtual_networks.iter().filter_map(|vnet| {
        let switch = network.switch(&vnet.switch.value)?;
        Some((
            switch,
            vnet.compute?,
            format!("virtual network `{}` on switch `{}`", vnet.name.value, switch.name.value),
        ))
    });
    let computes: Vec<(&Switch, Span, String)> = network
        .switches
        .iter()
        .filter_map(|switch| Some((switch, switch.compute?, format!("switch `{}`", switch.name.value))))
        .chain(vnet_compute)
        .collect();
    for (switch, compute, place) in computes {
        // Ports of one switch with the same reservation make one diagnostic.
        let mut groups: Vec<(Reservation, Vec<usize>)> = Vec::new();
        for (index, port) in switch.ports.iter().enumerate() {
            let Some(reservation) = reservation(model, nodes, port.value, switch) else { continue };
            match groups.iter_mut().find(|(seen, _)| *seen == reservation) {
                Some((_, indices)) => indices.push(index),
                None => groups.push((reservation, vec![index])),
            }
        }
        for (reservation, indices) in groups {
            let names: Vec<String> = indices.iter().map(|&index| switch.ports[index].value.to_string()).collect();
            let names = names.join(" and ");
            let is = if indices.len() == 1 { "is" } else { "are" };
            let device = match reservation {
                Reservation::Management => String::new(),
                _ => format!(" on a {}", describe(model, nodes)),
            };
            let first = &switch.ports[indices[0]];
            let mut diagnostic = Diagnostic::new(
                &RESERVED_PORT_USE,
                first.span,
                format!("compute on {names}, which {is} {}{device}", reservation.what()),
            )
            .with_primary_label(reservation.label())
            .with_label(compute, format!("compute enabled on {place} here"));
            if reservation != Reservation::Management {
                diagnostic = diagnostic
                    .with_label(network.device.model.span, format!("the device is a {}", describe(model, nodes)));
            }
            sink.push(diagnostic.with_help(format!("{} ({})", alternative(model, nodes), reservation.facts(model))));
        }
    }
}

fn reservation(model: DeviceModel, nodes: NodeCount, port: PortId, switch: &Switch) -> Option<Reservation> {
    match (model, nodes, port.number()) {
        (DeviceModel::Pro2, NodeCount::Two, 1) if is_pro2_teamed_pair(switch) => None,
        (_, _, 1) => Some(Reservation::Management),
        (DeviceModel::Pro2, _, 3 | 4) => Some(Reservation::NetworkFunctions),
        (DeviceModel::ProGpu, NodeCount::Two, 3 | 4) => Some(Reservation::ClusterStorage),
        _ => None,
    }
}

/// The documented two-node pro-2 switch: Port1 and Port2 teamed (see
/// docs/device-facts.md#two-node-ports, docs/device-facts.md#no-teaming).
fn is_pro2_teamed_pair(switch: &Switch) -> bool {
    let mut numbers: Vec<u8> = switch.ports.iter().map(|port| port.value.number()).collect();
    numbers.sort_unstable();
    numbers == [1, 2]
}

fn describe(model: DeviceModel, nodes: NodeCount) -> String {
    match nodes {
        NodeCount::One => model.as_str().to_owned(),
        NodeCount::Two => format!("two-node {}", model.as_str()),
    }
}

/// Where compute belongs on this device instead.
fn alternative(model: DeviceModel, nodes: NodeCount) -> String {
    let ports: &[u8] = match (model, nodes) {
        (DeviceModel::Pro2, NodeCount::Two) => {
            return "enable compute on the teamed Port1 + Port2 switch instead".to_owned();
        }
        (DeviceModel::Pro2, NodeCount::One) => &[2],
        (DeviceModel::ProGpu, NodeCount::One) => &[2, 3, 4, 5, 6],
        (DeviceModel::ProGpu, NodeCount::Two) => &[2, 5, 6],
        (DeviceModel::ProR | DeviceModel::MiniR, _) => &[2, 3, 4],
    };
    let names: Vec<String> = ports.iter().map(|number| format!("Port{number}")).collect();
    match names.as_slice() {
        [one] => format!("enable compute on a switch on {one} instead"),
        [init @ .., last] => {
            format!("enable compute on a switch on a data port instead: {} or {last}", init.join(", "))
        }
        [] => unreachable!("every model has a data port"),
    }
}
