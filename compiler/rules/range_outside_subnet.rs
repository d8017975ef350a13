use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use ipnet::Ipv4Net;

use crate::model::{AddrRange, Kubernetes, Located, Network, PortId};

declare_rule! {
    /// ## What it does
    /// Reports node IPs or external service IPs that are not all inside the subnet of the
    /// compute port (the port of the switch with `compute = true`), and says which
    /// addresses lie outside.
    ///
    /// With a virtual network that has `compute = true`, the ranges must lie in that
    /// network's `subnet` instead: the Kubernetes VMs sit on that VLAN.
    ///
    /// A compute switch on two ports (the documented two-node teamed switch,
    /// docs/device-facts.md#no-teaming) has two subnets: each range must lie inside one of them.
    ///
    /// Quiet when there is no single compute switch, or a port of it is not static: other
    /// rules report that, and without a static subnet there is nothing to compare with.
    ///
    /// ## Why is this bad?
    /// The node IPs go to the Kubernetes VMs' NIC on the compute switch, so they "must be
    /// in the same network where you enabled compute and the virtual switch was created"
    /// (see docs/device-facts.md#compute-subnet). The external service IPs are announced by MetalLB
    /// in layer-2 mode, which answers ARP on that same network (see
    /// docs/device-facts.md#compute-subnet, docs/device-facts.md#networking-components): an address
    /// of another subnet is never reached. The device accepts the ranges; the cluster then fails to
    /// come up or its services stay unreachable.
    ///
    /// ## Example
    /// ```toml
    /// [ports.Port3]
    /// address = "192.168.10.20/24"
    ///
    /// [kubernetes]
    /// node_ips = "192.168.10.254-192.168.11.1"
    /// service_ips = "192.168.20.40-192.168.20.49"
    /// ```
    ///
    /// ## Use instead
    /// Free addresses of 192.168.10.0/24:
    /// ```toml
    /// [kubernetes]
    /// node_ips = "192.168.10.30-192.168.10.31"
    /// service_ips = "192.168.10.40-192.168.10.49"
    /// ```
    pub static RANGE_OUTSIDE_SUBNET = Rule {
        code: "ASE103",
        name: "range-outside-subnet",
        severity: Severity::Error,
        summary: "node IPs or external service IPs are not inside the compute port's subnet",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let Some(kubernetes) = &network.kubernetes else { return };
    if let Some(vnet) = network.compute_virtual_network() {
        let owner = format!("virtual network `{}`", vnet.name.value);
        let subnet = Located::new(vnet.net(), vnet.subnet.span);
        check_one_subnet(kubernetes, &owner, "the compute network", subnet, sink);
        return;
    }
    let Some(switch) = network.compute_switch() else { return };
    let subnets: Option<Vec<(PortId, Located<Ipv4Net>)>> =
        switch.ports.iter().map(|port| Some((port.value, network.port(port.value)?.subnet()?))).collect();
    let Some(subnets) = subnets else { return };
    if let [(id, subnet)] = subnets.as_slice() {
        check_one_subnet(kubernetes, &id.to_string(), "the compute port", *subnet, sink);
    } else {
        check_teamed(kubernetes, &switch.name.value, &subnets, sink);
    }
}

/// The ranges of a compute switch on several ports: each inside one port's subnet.
fn check_teamed(kubernetes: &Kubernetes, switch: &str, subnets: &[(PortId, Located<Ipv4Net>)], sink: &mut Sink) {
    let mut ranges = vec![(kubernetes.node_ips, "node IP range", "take the node IPs")];
    ranges.extend(kubernetes.service_ips.map(|range| (range, "external service IP range", "take them")));
    let names: Vec<String> = subnets.iter().map(|(id, subnet)| format!("{id}'s {}", subnet.value)).collect();
    let names = names.join(" nor ");
    for (range, what, take) in ranges {
        if subnets.iter().any(|(_, subnet)| AddrRange::of_net(subnet.value).contains_range(range.value)) {
            continue;
        }
        let mut diagnostic = Diagnostic::new(
            &RANGE_OUTSIDE_SUBNET,
            range.span,
            format!("{what} {} lies inside neither {names}, the subnets of compute switch `{switch}`", range.value),
        )
        .with_primary_label("not inside one compute subnet");
        for (id, subnet) in subnets {
            diagnostic =
                diagnostic.with_label(subnet.span, format!("{id}, a compute port, is on {} here", subnet.value));
        }
        sink.push(diagnostic.with_help(format!(
            "the Kubernetes VMs and MetalLB sit on the compute network: {take} from the free addresses of one of \
             these subnets (see docs/device-facts.md#compute-subnet)"
        )));
    }
}

/// The ranges of a compute switch on one port: inside its subnet.
fn check_one_subnet(kubernetes: &Kubernetes, id: &str, role: &str, subnet: Located<Ipv4Net>, sink: &mut Sink) {
    let inside = AddrRange::of_net(subnet.value);

    let mut ranges = vec![(
        kubernetes.node_ips,
        "node IP range",
        "the Kubernetes VMs' NIC sits on the compute network: take the node IPs",
    )];
    ranges.extend(kubernetes.service_ips.map(|range| {
        (range, "external service IP range", "MetalLB answers ARP for them on the compute network: take them")
    }));
    for (range, what, why) in ranges {
        if inside.contains_range(range.value) {
            continue;
        }
        let (message, primary_label) = if inside.intersection(range.value).is_none() {
            (
                format!("{what} {} is not on {id}'s subnet {}", range.value, subnet.value),
                format!("outside {}", subnet.value),
            )
        } else {
            let outside: Vec<String> = outside_parts(range.value, inside).iter().map(AddrRange::to_string).collect();
            let verb = if outside.len() == 1 { "lies" } else { "lie" };
            let outside = outside.join(" and ");
            (
                format!(
                    "{what} {} does not fit in {id}'s subnet {}: {outside} {verb} outside",
                    range.value, subnet.value
                ),
                format!("{outside} outside"),
            )
        };
        sink.push(
            Diagnostic::new(&RANGE_OUTSIDE_SUBNET, range.span, message)
                .with_primary_label(primary_label)
                .with_label(subnet.span, format!("{id}, {role}, is on {} here", subnet.value))
                .with_help(format!(
                    "{why} from the free addresses of {} (see docs/device-facts.md#compute-subnet)",
                    subnet.value
                )),
        );
    }
}

/// The parts of `range` below and above `inside`, which it overlaps.
fn outside_parts(range: AddrRange, inside: AddrRange) -> Vec<AddrRange> {
    let before = u32::from(inside.first()).checked_sub(1).map(std::net::Ipv4Addr::from);
    let after = u32::from(inside.last()).checked_add(1).map(std::net::Ipv4Addr::from);
    let below = before.and_then(|before| AddrRange::new(range.first(), before.min(range.last())));
    let above = after.and_then(|after| AddrRange::new(after.max(range.first()), range.last()));
    below.into_iter().chain(above).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(text: &str) -> AddrRange {
        let (first, last) = text.split_once('-').unwrap();
        AddrRange::new(first.parse().unwrap(), last.parse().unwrap()).unwrap()
    }

    #[test]
    fn outside_parts_are_below_and_above() {
        let inside = range("10.0.1.0-10.0.1.255");
        let parts = |text| outside_parts(range(text), inside).iter().map(AddrRange::to_string).collect::<Vec<_>>();
        assert_eq!(parts("10.0.0.250-10.0.1.5"), ["10.0.0.250-10.0.0.255"]);
        assert_eq!(parts("10.0.1.250-10.0.2.0"), ["10.0.2.0"]);
        assert_eq!(parts("10.0.0.255-10.0.2.1"), ["10.0.0.255", "10.0.2.0-10.0.2.1"]);
        let everything = range("0.0.0.0-255.255.255.255");
        assert_eq!(outside_parts(range("0.0.0.0-0.0.0.1"), everything), []);
    }
}

#[cfg(test)]
mod quiet_tests {
    fn codes(source: &str) -> Vec<&'static str> {
        crate::check(source).diagnostics.iter().map(|d| d.code()).collect()
    }

    const KUBERNETES: &str = "\n[kubernetes]\nnode_ips = \"10.0.0.30-10.0.0.31\"\n";

    #[test]
    fn quiet_without_a_static_compute_port() {
        let dhcp =
            "[device]\nname = \"x\"\n[ports.Port3]\ndhcp = true\n[switches.s]\nports = [\"Port3\"]\ncompute = true\n";
        assert!(!codes(&format!("{dhcp}{KUBERNETES}")).contains(&"ASE103"));
        let no_switch = "[device]\nname = \"x\"\n[ports.Port3]\naddress = \"192.168.10.20/24\"\n";
        assert!(!codes(&format!("{no_switch}{KUBERNETES}")).contains(&"ASE103"));
    }
}
