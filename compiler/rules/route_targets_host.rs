use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::{Network, RouteTarget};

declare_rule! {
    /// ## What it does
    /// Reports a route with `target = "host"`.
    ///
    /// ## Why is this bad?
    /// "You can add these routes only to the Kubernetes master and worker VMs and not to the
    /// device (Windows host)" (see docs/device-facts.md#route-constraints). `Add-HcsNetRoute` has
    /// no way to put a route on the host, so a host route in this file would never be applied: the
    /// host keeps reaching that destination through its default gateway, while the file says
    /// otherwise.
    ///
    /// ## Example
    /// ```toml
    /// [[routes]]
    /// interface = "Port3"
    /// destination = "192.168.20.0/24"
    /// next_hop = "192.168.10.1"
    /// target = "host"
    /// ```
    ///
    /// ## Use instead
    /// A route for the Kubernetes VMs, the default target:
    /// ```toml
    /// [[routes]]
    /// interface = "Port3"
    /// destination = "192.168.20.0/24"
    /// next_hop = "192.168.10.1"
    /// ```
    pub static ROUTE_TARGETS_HOST = Rule {
        code: "ASE304",
        name: "route-targets-host",
        severity: Severity::Error,
        summary: "a route names `host`: routes apply to the Kubernetes VMs only",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    for route in &network.routes {
        if route.target.value != RouteTarget::Host {
            continue;
        }
        sink.push(
            Diagnostic::new(
                &ROUTE_TARGETS_HOST,
                route.target.span,
                format!("route to {} targets the Windows host", route.destination.value),
            )
            .with_primary_label("the host takes no custom routes")
            .with_label(route.header, "route defined here")
            .with_help(
                "remove `target = \"host\"`: custom routes apply to the Kubernetes VMs only (see docs/device-facts.md#route-constraints); \
                 the host reaches other networks through its port's gateway",
            ),
        );
    }
}
