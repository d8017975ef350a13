use crate::diagnostic::{Diagnostic, Severity, Sink};
use crate::model::Network;

declare_rule! {
    /// ## What it does
    /// Reports a default route (`0.0.0.0/0`) on the compute port while another port has
    /// the gateway.
    ///
    /// Quiet when the compute port itself has the gateway (the route agrees with it), when
    /// no other port has one, and when there is no single compute port. Only a `/0`
    /// destination counts; a narrower route, however wide, leaves the default alone.
    ///
    /// ## Why is this bad?
    /// The Kubernetes VMs reach the internet and Azure through the internal virtual switch,
    /// whose NAT sends their traffic "through the port that is configured with a default
    /// gateway" (F32). The source document's scenario is exactly this: compute on Port 3,
    /// facing a private network, while "internet-facing traffic can go through Port 2",
    /// and custom routes on Port 3 carry "only the relevant traffic" (F29). A default
    /// route on the compute port takes all of the VMs' traffic that no narrower route
    /// claims, IoT Edge's calls to Azure included, away from the uplink and into the
    /// private network, where it is filtered or lost.
    ///
    /// A warning, not an error: a site that does send everything through a firewall on
    /// the compute network can allow it with `[lint] allow = ["ASE207"]`.
    ///
    /// ## Example
    /// ```toml
    /// [ports.Port2]
    /// address = "10.10.2.20/24"
    /// gateway = "10.10.2.1"
    ///
    /// [[routes]]
    /// interface = "Port3"
    /// destination = "0.0.0.0/0"
    /// next_hop = "192.168.10.1"
    /// ```
    ///
    /// ## Use instead
    /// Routes to the private networks behind the compute network's router only:
    /// ```toml
    /// [[routes]]
    /// interface = "Port3"
    /// destination = "192.168.0.0/16"
    /// next_hop = "192.168.10.1"
    /// ```
    pub static DEFAULT_ROUTE_OVERRIDE = Rule {
        code: "ASE207",
        name: "default-route-override",
        severity: Severity::Warning,
        summary: "a 0.0.0.0/0 route on the compute port while another port has the gateway",
        check: Some(check),
    };
}

fn check(network: &Network, sink: &mut Sink) {
    let Some(compute) = network.compute_port() else { return };
    // The first other gateway in the file: the uplink the default route takes over from.
    let Some((uplink, gateway)) = network
        .ports
        .iter()
        .filter(|port| port.id != compute.id)
        .filter_map(|port| port.gateway().map(|gateway| (port.id, gateway)))
        .min_by_key(|(_, gateway)| gateway.span)
    else {
        return;
    };
    let compute_id = compute.id;
    for route in &network.routes {
        if route.interface.value != compute_id || route.destination.value.prefix_len() != 0 {
            continue;
        }
        sink.push(
            Diagnostic::new(
                &DEFAULT_ROUTE_OVERRIDE,
                route.destination.span,
                format!(
                    "default route on the compute port {compute_id} takes the Kubernetes VMs' internet traffic \
                     away from {uplink}'s gateway"
                ),
            )
            .with_primary_label(format!("all traffic via {} on {compute_id}", route.next_hop.value))
            .with_label(gateway.span, format!("the uplink: {uplink}'s gateway {} here", gateway.value))
            .with_help(format!(
                "replace it with routes to the private networks behind {}, and let internet traffic leave \
                 through {uplink} (F29)",
                route.next_hop.value
            )),
        );
    }
}
