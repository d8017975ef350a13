use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::Network;

declare_rule! {
    /// ## What it does
    /// Reports a route whose destination lies inside its interface's own subnet, or is
    /// that subnet: a single host (`192.168.10.7`), a part of it (`192.168.10.128/25`) or
    /// all of it (`192.168.10.0/24` on a port at `192.168.10.20/24`). Host bits in the
    /// destination do not matter (`192.168.10.5/24` is `192.168.10.0/24`).
    ///
    /// A destination that covers the subnet and more (`192.168.0.0/16`, `0.0.0.0/0`) is not
    /// redundant and is left alone. Quiet when the interface uses DHCP or has no address:
    /// its subnet is unknown, and `dynamic-route-interface` reports the route.
    ///
    /// ## Why is this bad?
    /// "If you have a flat subnet, then you don't need to add these routes" (see
    /// docs/device-facts.md#route-constraints): the Kubernetes VMs reach every host of the compute
    /// port's subnet directly, through the connected route. A custom route there adds nothing at
    /// best. At worst, being at least as specific as the connected route, it sends traffic for
    /// hosts one ARP away through a router, which may drop it or send it back onto the same wire.
    ///
    /// ## Example
    /// ```toml
    /// [ports.Port3]
    /// address = "192.168.10.20/24"
    ///
    /// [[routes]]
    /// interface = "Port3"
    /// destination = "192.168.10.0/24"
    /// next_hop = "192.168.10.1"
    /// ```
    ///
    /// ## Use instead
    /// No route; or a route to a network behind the router:
    /// ```toml
    /// [[routes]]
    /// interface = "Port3"
    /// destination = "192.168.20.0/24"
    /// next_hop = "192.168.10.1"
    /// ```
    pub static REDUNDANT_ROUTE = Rule {
        code: "ASE205",
        name: "redundant-route",
        severity: Severity::Warning,
        summary: "the destination lies inside the interface's own subnet: a flat subnet needs no route",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    for route in &network.routes {
        let Some((subnet, port)) = network.interface_subnet(route.interface.value) else { continue };
        let destination = route.destination.value.trunc();
        if !subnet.value.contains(&destination) {
            continue;
        }
        let (message, primary) = if destination == subnet.value {
            (format!("route to {destination} is redundant: it is {port}'s own subnet"), "the port's own subnet")
        } else {
            (format!("route to {destination} is redundant: it lies inside {port}'s subnet {}", subnet.value), "on-link")
        };
        sink.push(
            Diagnostic::new(&REDUNDANT_ROUTE, route.destination.span, message)
                .with_primary_label(primary)
                .with_label(subnet.span, format!("{port} is {} here", subnet.value))
                .with_help(format!(
                    "remove the route: the Kubernetes VMs reach {destination} directly on {} (see docs/device-facts.md#route-constraints: a flat \
                     subnet needs no route)",
                    route.interface.value
                )),
        );
    }
}

#[cfg(test)]
mod tests {
    /// A DHCP port's subnet is unknown: a route there is `dynamic-route-interface`'s
    /// business alone, whatever its destination.
    #[test]
    fn quiet_on_a_dhcp_port() {
        let source = r#"
            [device]
            name = "fixture"

            [ports.Port3]
            dhcp = true

            [[routes]]
            interface = "Port3"
            destination = "192.168.10.0/24"
            next_hop = "192.168.10.1"
        "#;
        let codes: Vec<_> = crate::check(source).diagnostics.iter().map(|d| d.code()).collect();
        assert_eq!(codes, ["ASE301"]);
    }
}
