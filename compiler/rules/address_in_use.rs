use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use crate::diagnostic::{Diagnostic, Severity, Sink, Span, declare_rule};
use crate::model::{AddrRange, Network, network_and_broadcast};
use crate::text::join;

declare_rule! {
    /// ## What it does
    /// Reports an address the device already uses that lies inside the node IPs or the
    /// external service IPs: a port's own address, a gateway or a DNS server, of any port or
    /// virtual network.
    /// An address with several uses (a router that is gateway and DNS server) is reported
    /// once per range, with each use labelled. Also reports a range that holds the network
    /// or broadcast address of the compute port's subnet (on a compute switch of two ports,
    /// the subnet of the one that holds the range; with a compute virtual network, its
    /// subnet).
    ///
    /// A compute subnet of /31 or /32 has no network or broadcast address to avoid; a range
    /// that runs past the compute subnet is left to `range-outside-subnet`.
    ///
    /// ## Why is this bad?
    /// Every address of the node range goes to a Kubernetes VM and every address of the
    /// external range to a MetalLB service: the device hands them out without asking
    /// whether something on the network already answers there. Two hosts answering ARP for
    /// one address break both (see docs/device-facts.md#no-overlaps: "Duplicate IP: Some IP
    /// addresses allocated to Azure Stack may be active on the network"). The network and broadcast
    /// addresses of a subnet are no host's address at all. A range written as a CIDR
    /// (`node_ips = "192.168.10.0/30"`) means every address in it, these two included.
    ///
    /// ## Example
    /// ```toml
    /// [ports.Port3]
    /// address = "192.168.10.20/24"
    /// gateway = "192.168.10.1"
    ///
    /// [kubernetes]
    /// node_ips = "192.168.10.20-192.168.10.21"
    /// service_ips = "192.168.10.0/28"
    /// ```
    ///
    /// ## Use instead
    /// Free host addresses of the subnet:
    /// ```toml
    /// [kubernetes]
    /// node_ips = "192.168.10.30-192.168.10.31"
    /// service_ips = "192.168.10.40-192.168.10.49"
    /// ```
    pub static ADDRESS_IN_USE = Rule {
        code: "ASE104",
        name: "address-in-use",
        severity: Severity::Error,
        summary: "a port address, or a port's or virtual network's gateway or DNS server, lies inside node IPs or \
                  external service IPs, or a range holds its subnet's network/broadcast address",
    };
}

/// One use of an address: whose (`Port3`), as what (`gateway`), and where it is written.
struct Use {
    /// `Port3`, or ``virtual network `vnet-k8s` ``.
    port: String,
    role: &'static str,
    span: Span,
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let Some(kubernetes) = &network.kubernetes else { return };
    let mut uses: BTreeMap<Ipv4Addr, Vec<Use>> = BTreeMap::new();
    for port in &network.ports {
        let Some(addressing) = port.static_addressing() else { continue };
        let id = port.id.to_string();
        let mut add = |address: Ipv4Addr, role: &'static str, span: Span| {
            uses.entry(address).or_default().push(Use { port: id.clone(), role, span });
        };
        for (node, address) in addressing.node_addresses() {
            let role = if node == Some(1) {
                "address on node 2"
            } else if node == Some(0) {
                "address on node 1"
            } else {
                "address"
            };
            add(address.value.addr(), role, address.span);
        }
        if let Some(gateway) = addressing.gateway {
            add(gateway.value, "gateway", gateway.span);
        }
        for server in &addressing.dns {
            add(server.value, "DNS server", server.span);
        }
    }

    for vnet in &network.virtual_networks {
        let owner = format!("virtual network `{}`", vnet.name.value);
        let mut add = |address: Ipv4Addr, role: &'static str, span: Span| {
            uses.entry(address).or_default().push(Use { port: owner.clone(), role, span });
        };
        add(vnet.gateway.value, "gateway", vnet.gateway.span);
        for server in &vnet.dns {
            add(server.value, "DNS server", server.span);
        }
    }

    // What a suggested range must also leave out: every address above, and the routers.
    let taken: BTreeSet<Ipv4Addr> =
        uses.keys().copied().chain(network.routes.iter().map(|route| route.next_hop.value)).collect();

    let mut ranges = vec![(kubernetes.node_ips, "node IP range", "node IPs go to the Kubernetes VMs")];
    ranges.extend(
        kubernetes.service_ips.map(|range| (range, "external service IP range", "MetalLB hands these to services")),
    );
    for (range, what, owner) in ranges {
        let (first, last) = (range.value.first(), range.value.last());
        for (address, users) in uses.range(first..=last) {
            let mut diagnostic = Diagnostic::new(
                &ADDRESS_IN_USE,
                range.span,
                format!("{what} {} holds {address}, {}", range.value, describe(users)),
            )
            .with_primary_label(format!("{address} is already in use"));
            for user in users {
                diagnostic =
                    diagnostic.with_label(user.span, format!("{}'s {} is {address} here", user.port, user.role));
            }
            sink.push(
                diagnostic
                    .with_help(format!("{owner}: move or shrink the range so that it leaves out {address} (see docs/device-facts.md#no-overlaps)")),
            );
        }
        report_subnet_edges(network, range.value, range.span, what, &taken, sink);
    }
}

/// Reports `range` if it holds the network or broadcast address of the compute subnet,
/// suggesting a range that leaves out those and every `taken` address.
fn report_subnet_edges(
    network: &Network,
    range: AddrRange,
    span: Span,
    what: &str,
    taken: &BTreeSet<Ipv4Addr>,
    sink: &mut Sink,
) {
    // The compute port whose subnet holds the range; a switch on two ports (the documented
    // two-node teamed switch, docs/device-facts.md#no-teaming) has two subnets. A range that runs
    // past the subnet is `range-outside-subnet`'s to report.
    // With a compute virtual network, its subnet is the one.
    let Some(subnets) = network.compute_subnets() else { return };
    let Some(compute) = subnets.iter().find(|compute| AddrRange::of_net(compute.subnet.value).contains_range(range))
    else {
        return;
    };
    let (owner, subnet) = (&compute.owner, compute.subnet);
    let Some((network_address, broadcast)) = network_and_broadcast(subnet.value) else { return };
    let role = match (network.compute_virtual_network(), subnets.len()) {
        (Some(_), _) => "the compute network",
        (None, 1) => "the compute port",
        (None, _) => "a compute port",
    };
    let edges: Vec<(Ipv4Addr, &str)> = [(network_address, "network"), (broadcast, "broadcast")]
        .into_iter()
        .filter(|(address, _)| range.contains(*address))
        .collect();
    if edges.is_empty() {
        return;
    }
    let addresses: Vec<String> = edges.iter().map(|(address, _)| address.to_string()).collect();
    let kinds: Vec<&str> = edges.iter().map(|(_, kind)| *kind).collect();
    let (addresses, kinds) = (addresses.join(" and "), kinds.join(" and "));
    let (noun, primary_label) = if edges.len() == 1 {
        ("address", format!("{addresses} is not a host address"))
    } else {
        ("addresses", format!("{addresses} are not host addresses"))
    };
    // Shift the range off one edge, keeping its size; trim it when it holds both.
    let first_host = Ipv4Addr::from(u32::from(network_address) + 1);
    let last_host = Ipv4Addr::from(u32::from(broadcast) - 1);
    let shift = |first: u32, last: u32| AddrRange::new(Ipv4Addr::from(first), Ipv4Addr::from(last));
    let (first, last) = (u32::from(range.first()), u32::from(range.last()));
    let better = match (range.contains(network_address), range.contains(broadcast)) {
        (true, false) => shift(first + 1, last + 1).filter(|better| better.last() <= last_host),
        (false, true) => shift(first - 1, last - 1).filter(|better| better.first() >= first_host),
        _ => AddrRange::new(first_host.max(range.first()), last_host.min(range.last())),
    }
    .filter(|better| taken.range(better.first()..=better.last()).next().is_none());
    let mut help = match better {
        Some(better) => format!("move the range off {addresses}, e.g. `{better}`"),
        None => format!("take host addresses of {}: {first_host} to {last_host}", subnet.value),
    };
    if is_cidr_shaped(range) {
        help.push_str("; a range written as a CIDR holds its network and broadcast addresses too");
    }
    sink.push(
        Diagnostic::new(
            &ADDRESS_IN_USE,
            span,
            format!("{what} {range} holds {addresses}, the {kinds} {noun} of {owner}'s subnet {}", subnet.value),
        )
        .with_primary_label(primary_label)
        .with_label(subnet.span, format!("{owner}, {role}, is on {} here", subnet.value))
        .with_help(help),
    );
}

/// Whether `range` is exactly one CIDR block, as `node_ips = "192.168.10.0/30"` gives.
fn is_cidr_shaped(range: AddrRange) -> bool {
    let size = range.size();
    size.is_power_of_two() && u64::from(u32::from(range.first())) % size == 0
}

/// `Port2's gateway`, `Port2's gateway and DNS server`, `Port2's gateway and Port4's address`.
fn describe(users: &[Use]) -> String {
    let same_port = users.iter().all(|user| user.port == users[0].port);
    if same_port {
        let mut roles: Vec<String> = users.iter().map(|user| user.role.to_owned()).collect();
        roles.dedup();
        return format!("{}'s {}", users[0].port, join(&roles));
    }
    join(&users.iter().map(|user| format!("{}'s {}", user.port, user.role)).collect::<Vec<_>>())
}
