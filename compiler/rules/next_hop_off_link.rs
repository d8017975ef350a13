use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::{Network, OnSubnet, on_subnet};

declare_rule! {
    /// ## What it does
    /// Reports a route whose next hop is not on its interface's subnet, or is the subnet's
    /// network or broadcast address, which no router can have. As for a gateway
    /// (`gateway-off-link`), those two count only up to /30: on a /31 both addresses are
    /// hosts (RFC 3021).
    ///
    /// ## Why is this bad?
    /// A next hop must be reachable without routing: on the interface's own subnet. The
    /// Kubernetes VMs refuse such a route (`ip route` answers "Nexthop has invalid
    /// gateway"), so the deploy fails or, worse, the traffic silently takes the default
    /// route. Microsoft's own `Add-HcsNetRoute` example (see
    /// docs/device-facts.md#route-constraints) shows a next hop inside the destination
    /// (`192.168.20.1` for `192.168.20.0/24`); that is only right when the interface itself is on
    /// that subnet.
    ///
    /// With a compute virtual network, a route through its switch's port belongs to the
    /// Kubernetes VMs on that VLAN: its next hop must be on the virtual network's subnet.
    ///
    /// Quiet when the interface has no static address: see `dynamic-route-interface`.
    ///
    /// ## Example
    /// ```toml
    /// [ports.Port3]
    /// address = "192.168.10.20/24"
    ///
    /// [[routes]]
    /// interface = "Port3"
    /// destination = "192.168.20.0/24"
    /// next_hop = "192.168.20.1"
    /// ```
    ///
    /// ## Use instead
    /// A router on Port3's subnet that reaches 192.168.20.0/24:
    /// ```toml
    /// next_hop = "192.168.10.1"
    /// ```
    pub static NEXT_HOP_OFF_LINK = Rule {
        code: "ASE203",
        name: "next-hop-off-link",
        severity: Severity::Error,
        summary: "a route's next hop is not on its interface's subnet, or is its network or broadcast address",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    for route in &network.routes {
        let Some((subnet, port)) = network.interface_subnet(route.interface.value) else { continue };
        let next_hop = route.next_hop.value;
        let (message, primary, mut help) = match on_subnet(subnet.value, next_hop) {
            OnSubnet::Outside => (
                format!("next hop {next_hop} is not on {port}'s subnet {}", subnet.value),
                "not on-link",
                format!("use a router on {} as next hop", subnet.value),
            ),
            OnSubnet::Network => (
                format!("next hop {next_hop} is the network address of {port}'s subnet {}", subnet.value),
                "network address",
                format!("use a router's address on {}; no host has the network address", subnet.value),
            ),
            OnSubnet::Broadcast => (
                format!("next hop {next_hop} is the broadcast address of {port}'s subnet {}", subnet.value),
                "broadcast address",
                format!("use a router's address on {}; no host has the broadcast address", subnet.value),
            ),
            OnSubnet::Host => continue,
        };
        if route.destination.value.contains(&next_hop) && !subnet.value.contains(&next_hop) {
            help.push_str(&format!(
                "; {next_hop} is inside the destination {}, as in Microsoft's `Add-HcsNetRoute` example, \
                 which assumes {port} is on that subnet",
                route.destination.value
            ));
        }
        sink.push(
            Diagnostic::new(&NEXT_HOP_OFF_LINK, route.next_hop.span, message)
                .with_primary_label(primary)
                .with_label(subnet.span, format!("{port} is {} here", subnet.value))
                .with_help(help),
        );
    }
}
