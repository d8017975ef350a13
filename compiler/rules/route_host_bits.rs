use crate::diagnostic::{Diagnostic, Fix, Severity, Sink, declare_rule};
use crate::model::Network;

declare_rule! {
    /// ## What it does
    /// Reports a route destination with host bits set: an address and prefix length such
    /// as `192.168.20.7/24`, where the address is not the first of its network. The help
    /// suggests the network (`192.168.20.0/24`) and, in case a single host was meant, the
    /// bare address. A bare address is a /32 and never has host bits.
    ///
    /// ## Why is this bad?
    /// A destination is "an IP address prefix" with its "prefix length" (see
    /// docs/device-facts.md#route-fields): a network. `192.168.20.7/24` is ambiguous. It routes all
    /// of `192.168.20.0/24`, yet reads as one host; reviewers see one thing and the VMs do another.
    /// What `Add-HcsNetRoute` does with such a prefix is not documented (see
    /// docs/device-facts.md#route-cmdlets), nor whether `Remove-HcsNetRoute` then finds the route
    /// again by the prefix as written; Linux's `ip route`, on the VMs, refuses it ("Invalid prefix
    /// for given prefix length").
    ///
    /// ## Example
    /// ```toml
    /// [[routes]]
    /// interface = "Port3"
    /// destination = "192.168.20.7/24"
    /// next_hop = "192.168.10.1"
    /// ```
    ///
    /// ## Use instead
    /// The network, or the bare address for a route to that one host:
    /// ```toml
    /// destination = "192.168.20.0/24"
    /// ```
    pub static ROUTE_HOST_BITS = Rule {
        code: "ASE208",
        name: "route-host-bits",
        severity: Severity::Warning,
        summary: "a destination with host bits set (suggest the network)",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    for route in &network.routes {
        let destination = route.destination.value;
        let prefix = destination.trunc();
        if destination == prefix {
            continue;
        }
        sink.push(
            Diagnostic::new(
                &ROUTE_HOST_BITS,
                route.destination.span,
                format!("route destination {destination} has host bits set"),
            )
            .with_primary_label(format!("this is the network {prefix}"))
            .with_help(format!(
                "write the network `{prefix}`, or the bare address `{}` for a route to that one host",
                destination.addr()
            ))
            .with_fix(Fix::replace_string(
                format!("clear the host bits: `{prefix}`"),
                route.destination.span,
                &prefix.to_string(),
            )),
        );
    }
}
