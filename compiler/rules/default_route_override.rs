use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use std::net::Ipv4Addr;

use crate::model::{AddrRange, Located, Network, PortId, Route};

declare_rule! {
    /// ## What it does
    /// Reports a default route (`0.0.0.0/0`) on the compute port while another port has
    /// the gateway, and routes on the compute port that together cover every address
    /// without a `/0`: `0.0.0.0/1` with `128.0.0.0/1`, the trick VPN clients use to
    /// override a default route without replacing it. Each half is longer than `/0`, so
    /// the pair wins over the default for every destination.
    ///
    /// With compute on a virtual network (`compute = true` in `[[virtual_networks]]`), the
    /// compute port is the one port of that network's switch: the VLAN rides on it and the
    /// routes name it. The virtual network's own `gateway` is not the uplink (every
    /// virtual network has one, compute or not); another port's gateway still is.
    ///
    /// Quiet when the compute port itself has the gateway (the route agrees with it), when
    /// no other port has one, and when there is no single compute port. Routes that leave
    /// some addresses to the default, however wide, leave the default alone.
    ///
    /// ## Why is this bad?
    /// The Kubernetes VMs reach the internet and Azure through the internal virtual switch,
    /// whose NAT sends their traffic "through the port that is configured with a default
    /// gateway" (see docs/device-facts.md#reserved-addresses). The scenario of Microsoft's
    /// Kubernetes networking article is exactly this: compute on Port 3, facing a private network,
    /// while "internet-facing traffic can go through Port 2", and custom routes on Port 3 carry
    /// "only the relevant traffic" (see docs/device-facts.md#route-constraints). A default route on
    /// the compute port takes all of the VMs' traffic that no narrower route claims, IoT Edge's
    /// calls to Azure included, away from the uplink and into the private network, where it is
    /// filtered or lost.
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
        summary: "a 0.0.0.0/0 route on the compute port (or routes that cover every address, like 0.0.0.0/1 + \
                  128.0.0.0/1) while another port has the gateway",
    };
}

/// The port the Kubernetes VMs' compute interface leaves by, and how messages name it: the
/// compute switch's one port, or the one port of the switch that carries the compute
/// virtual network (the VLAN rides on that port, and custom routes name it).
fn compute_port(network: &Network) -> Option<(PortId, String)> {
    if let Some(port) = network.compute_port() {
        return Some((port.id, format!("the compute port {}", port.id)));
    }
    let compute = network.compute_network()?;
    let vnet = compute.virtual_network?;
    match compute.switch.ports.as_slice() {
        [port] => Some((
            port.value,
            format!("{}, the port of the compute virtual network `{}`,", port.value, vnet.name.value),
        )),
        _ => None,
    }
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let Some((compute_id, place)) = compute_port(network) else { return };
    // The first other gateway in the file: the uplink the default route takes over from.
    // A virtual network's own gateway is not one: every virtual network has one, and the
    // VMs' internet traffic leaves through the port with the default gateway (docs/device-facts.md#reserved-addresses).
    let Some((uplink, gateway)) = network
        .ports
        .iter()
        .filter(|port| port.id != compute_id)
        .filter_map(|port| port.gateway().map(|gateway| (port.id, gateway)))
        .min_by_key(|(_, gateway)| gateway.span)
    else {
        return;
    };
    for route in &network.routes {
        if route.interface.value != compute_id || route.destination.value.prefix_len() != 0 {
            continue;
        }
        sink.push(
            Diagnostic::new(
                &DEFAULT_ROUTE_OVERRIDE,
                route.destination.span,
                format!(
                    "default route on {place} takes the Kubernetes VMs' internet traffic away from {uplink}'s \
                     gateway"
                ),
            )
            .with_primary_label(format!("all traffic via {} on {compute_id}", route.next_hop.value))
            .with_label(gateway.span, format!("the uplink: {uplink}'s gateway {} here", gateway.value))
            .with_help(format!(
                "replace it with routes to the private networks behind {}, and let internet traffic leave \
                 through {uplink} (see docs/device-facts.md#route-constraints)",
                route.next_hop.value
            )),
        );
    }
    report_split_default(network, (compute_id, &place), uplink, gateway, sink);
}

/// Reports routes on the compute port that cover every address without a `/0` among them.
fn report_split_default(
    network: &Network,
    (compute, place): (PortId, &str),
    uplink: PortId,
    gateway: Located<Ipv4Addr>,
    sink: &mut Sink,
) {
    let mut routes: Vec<&Route> = network.routes.iter().filter(|route| route.interface.value == compute).collect();
    if routes.iter().any(|route| route.destination.value.prefix_len() == 0) {
        return;
    }
    // The widest destinations, each not inside another: sorted by start, wider first.
    routes.sort_by_key(|route| {
        let net = route.destination.value.trunc();
        (net.network(), net.prefix_len(), route.header)
    });
    let mut widest: Vec<&Route> = Vec::new();
    for route in routes {
        let range = AddrRange::of_net(route.destination.value.trunc());
        if widest.last().is_some_and(|last| AddrRange::of_net(last.destination.value.trunc()).contains_range(range)) {
            continue;
        }
        widest.push(route);
    }
    // CIDR blocks either nest or are disjoint: sorted and disjoint, they cover every
    // address when each starts where the previous one ended.
    let mut next: u64 = 0;
    for route in &widest {
        let range = AddrRange::of_net(route.destination.value.trunc());
        if u64::from(u32::from(range.first())) != next {
            return;
        }
        next = u64::from(u32::from(range.last())) + 1;
    }
    if next != 1 << 32 {
        return;
    }
    widest.sort_by_key(|route| route.header);
    let Some((last, others)) = widest.split_last() else { return };
    let names: Vec<String> = widest.iter().map(|route| route.destination.value.to_string()).collect();
    let names = match names.as_slice() {
        [init @ .., tail] => format!("{} and {tail}", init.join(", ")),
        [] => unreachable!("the routes cover every address"),
    };
    let mut diagnostic = Diagnostic::new(
        &DEFAULT_ROUTE_OVERRIDE,
        last.destination.span,
        format!(
            "routes {names} on {place} cover every address: together they take the Kubernetes \
             VMs' internet traffic away from {uplink}'s gateway"
        ),
    )
    .with_primary_label("completes the cover of every address");
    for route in others {
        diagnostic =
            diagnostic.with_label(route.destination.span, format!("via {} on {compute}", route.next_hop.value));
    }
    sink.push(
        diagnostic
            .with_label(gateway.span, format!("the uplink: {uplink}'s gateway {} here", gateway.value))
            .with_help(
                "each is longer than the default route, so together they override it for every destination: keep \
             routes to the private networks behind the compute network's router only, and let internet traffic \
             leave through the uplink (see docs/device-facts.md#route-constraints)",
            ),
    );
}
