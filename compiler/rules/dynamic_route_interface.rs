use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::{Network, PortConfig};

declare_rule! {
    /// ## What it does
    /// Reports a route whose interface uses DHCP or has no address at all.
    ///
    /// ## Why is this bad?
    /// Microsoft's Kubernetes networking article is explicit: "Make sure that the network interface
    /// that you'll use has a static configuration" (see docs/device-facts.md#route-constraints).
    /// With DHCP the subnet can change under the route, and the next hop with it; asenet cannot
    /// even check that the next hop is on-link.
    ///
    /// ## Example
    /// ```toml
    /// [ports.Port3]
    /// dhcp = true
    ///
    /// [[routes]]
    /// interface = "Port3"
    /// destination = "192.168.20.0/24"
    /// next_hop = "192.168.10.1"
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [ports.Port3]
    /// address = "192.168.10.20/24"
    /// ```
    ///
    /// When the route's port is not the compute port, `route-off-compute` (ASE303) reports
    /// the route too, and the fix for both is the same: route through the compute port.
    /// Then the help says that, not "give the port a static address".
    pub static DYNAMIC_ROUTE_INTERFACE = Rule {
        code: "ASE301",
        name: "dynamic-route-interface",
        severity: Severity::Error,
        summary: "a route's interface is DHCP or not configured: it must be static",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    for route in &network.routes {
        let Some(port) = network.port(route.interface.value) else { continue };
        let id = port.id;
        let diagnostic = match &port.config {
            PortConfig::Static(_) => continue,
            PortConfig::Dhcp { span } => Diagnostic::new(
                &DYNAMIC_ROUTE_INTERFACE,
                route.interface.span,
                format!("route on {id}, which uses DHCP"),
            )
            .with_label(*span, format!("{id} uses DHCP here")),
            PortConfig::Unconfigured => Diagnostic::new(
                &DYNAMIC_ROUTE_INTERFACE,
                route.interface.span,
                format!("route on {id}, which has no address"),
            )
            .with_label(port.span, format!("{id} has no `address` here")),
        };
        // Off the compute port, `route-off-compute` reports the same route: a static address
        // on this port would not help, so both say the one fix, the compute port.
        let compute_port = network
            .compute_switch()
            .filter(|switch| switch.ports.iter().all(|port| port.value != id))
            .and_then(|switch| switch.ports.first());
        let help = match compute_port {
            Some(compute) => format!(
                "set `interface = \"{}\"`, the compute port, with a next hop on its subnet: the Kubernetes VMs \
                 have no interface on {id}, so a static address there would not make this route work",
                compute.value
            ),
            None => format!(
                "give {id} a static `address` (routes need a statically configured interface; see docs/device-facts.md#route-constraints)"
            ),
        };
        sink.push(diagnostic.with_primary_label("needs a static address").with_help(help));
    }
}
