use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::Network;

declare_rule! {
    /// ## What it does
    /// Reports a route whose interface is not a port of the compute switch (the virtual
    /// switch with `compute = true`).
    ///
    /// ## Why is this bad?
    /// Custom routes are added to the Kubernetes master and worker VMs only (see
    /// docs/device-facts.md#route-constraints), and those VMs have one network interface on the
    /// external side: the one on the compute switch (the other connects to the internal switch; see
    /// docs/device-facts.md#one-compute-switch, docs/device-facts.md#reserved-addresses). A route
    /// out of any other port names an interface the VMs do not have, so it cannot be installed, and
    /// the traffic it was meant to steer keeps taking the default route.
    ///
    /// Quiet when there is no compute switch, or more than one (`compute-switch-count`
    /// reports that): then there is no compute port to compare with. Routes need no
    /// `[kubernetes]` section (they may be added before compute is configured; see
    /// docs/device-facts.md#route-constraints), so this rule runs without one.
    ///
    /// ## Example
    /// ```toml
    /// [switches.vswitch-port3]
    /// ports = ["Port3"]
    /// compute = true
    ///
    /// [[routes]]
    /// interface = "Port2"
    /// destination = "10.20.0.0/16"
    /// next_hop = "10.10.2.1"
    /// ```
    ///
    /// ## Use instead
    /// Route through the compute port, with a router on its subnet:
    /// ```toml
    /// [[routes]]
    /// interface = "Port3"
    /// destination = "10.20.0.0/16"
    /// next_hop = "192.168.10.1"
    /// ```
    pub static ROUTE_OFF_COMPUTE = Rule {
        code: "ASE303",
        name: "route-off-compute",
        severity: Severity::Error,
        summary: "a route's interface is not the compute switch's port: the VMs have no NIC there",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let Some(switch) = network.compute_network().map(|compute| compute.switch) else { return };
    let compute_ports: Vec<String> = switch.ports.iter().map(|port| port.value.to_string()).collect();
    let compute_ports = compute_ports.join(" and ");
    for route in &network.routes {
        let interface = route.interface.value;
        if switch.ports.iter().any(|port| port.value == interface) {
            continue;
        }
        let first = &switch.ports[0];
        sink.push(
            Diagnostic::new(
                &ROUTE_OFF_COMPUTE,
                route.interface.span,
                format!("route on {interface}, but the Kubernetes VMs are only on {compute_ports}"),
            )
            .with_primary_label(format!("the VMs have no interface on {interface}"))
            .with_label(first.span, format!("compute switch `{}` is on {compute_ports} here", switch.name.value))
            .with_help(format!(
                "set `interface = \"{}\"` with a next hop on its subnet: custom routes apply to the Kubernetes VMs only (see docs/device-facts.md#route-constraints)",
                first.value
            )),
        );
    }
}
