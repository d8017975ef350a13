use ipnet::Ipv4Net;

use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::{Network, PortId, Route};

declare_rule! {
    /// ## What it does
    /// Reports two routes with the same interface and the same destination prefix. The
    /// destinations are compared as networks: `192.168.20.5/24` and `192.168.20.0/24` are
    /// one destination. Every later route is reported against the first one in the file,
    /// and the message says whether they differ in next hop, in metric, or not at all.
    ///
    /// Routes to one destination on two different interfaces are not reported: they have
    /// different keys, and the metric chooses between them.
    ///
    /// ## Why is this bad?
    /// The device keys a custom route by interface and destination:
    /// `Remove-HcsNetRoute -InterfaceAlias <Port number> -DestinationPrefix <prefix>` takes
    /// nothing else (see docs/device-facts.md#route-cmdlets). Two routes with one key cannot both
    /// exist: one replaces the other, or the second `Add-HcsNetRoute` fails, depending on the order
    /// they are applied in, and removing one removes the other. A different next hop or metric does
    /// not make them two routes; which one the Kubernetes VMs end up with is an accident.
    ///
    /// ## Example
    /// ```toml
    /// [[routes]]
    /// interface = "Port3"
    /// destination = "192.168.20.0/24"
    /// next_hop = "192.168.10.1"
    ///
    /// [[routes]]
    /// interface = "Port3"
    /// destination = "192.168.20.0/24"
    /// next_hop = "192.168.10.2"
    /// metric = 200
    /// ```
    ///
    /// ## Use instead
    /// One route per interface and destination:
    /// ```toml
    /// [[routes]]
    /// interface = "Port3"
    /// destination = "192.168.20.0/24"
    /// next_hop = "192.168.10.1"
    /// ```
    pub static CONFLICTING_ROUTES = Rule {
        code: "ASE206",
        name: "conflicting-routes",
        severity: Severity::Error,
        summary: "two routes share interface + destination (the key of Remove-HcsNetRoute)",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    // One sort, one pass: O(n log n) in the number of routes, and no tree of 100,000 nodes
    // built again at every keystroke. Sorted by key, then by place in the file: each group's
    // first is the first route, the rest conflict with it.
    let mut keys: Vec<(PortId, Ipv4Net, usize)> = network
        .routes
        .iter()
        .enumerate()
        .map(|(at, route)| (route.interface.value, route.destination.value.trunc(), at))
        .collect();
    keys.sort_unstable();
    for group in keys.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
        let first = &network.routes[group[0].2];
        for &(_, _, again) in &group[1..] {
            sink.push(conflict(first, &network.routes[again]));
        }
    }
}

fn conflict(first: &Route, again: &Route) -> Diagnostic {
    let port = again.interface.value;
    let destination = again.destination.value.trunc();
    let same_next_hop = first.next_hop.value == again.next_hop.value;
    let same_metric = first.metric.value == again.metric.value;
    let differences = match (same_next_hop, same_metric) {
        (true, true) => None,
        (false, true) => Some(format!("next hop {} here, {} in the first", again.next_hop.value, first.next_hop.value)),
        (true, false) => Some(format!("metric {} here, {} in the first", again.metric.value, first.metric.value)),
        (false, false) => Some(format!(
            "next hop {} and metric {} here, {} and {} in the first",
            again.next_hop.value, again.metric.value, first.next_hop.value, first.metric.value
        )),
    };
    let (message, help) = match differences {
        None => (
            format!("the route to {destination} on {port} is defined again, with the same next hop and metric"),
            "remove this copy".to_owned(),
        ),
        Some(differences) => (
            format!("conflicting routes to {destination} on {port}: {differences}"),
            "keep one of them: the device keys a route by interface and destination only (see docs/device-facts.md#route-cmdlets), so only one \
             can exist"
                .to_owned(),
        ),
    };
    let first_label = if first.destination.value == destination {
        format!("first route to {destination} on {port} here")
    } else {
        format!("first route to {destination} on {port} here, written {}", first.destination.value)
    };
    let primary_label = if again.destination.value == destination {
        "same interface and destination".to_owned()
    } else {
        "the same prefix, with host bits".to_owned()
    };
    Diagnostic::new(&CONFLICTING_ROUTES, again.destination.span, message)
        .with_primary_label(primary_label)
        .with_label(first.destination.span, first_label)
        .with_help(help)
}

#[cfg(test)]
mod tests {
    /// One destination on two interfaces is two keys: the metric chooses between them.
    #[test]
    fn one_destination_on_two_interfaces_is_no_conflict() {
        let source = r#"
            [device]
            name = "fixture"

            [ports.Port3]
            address = "192.168.10.20/24"

            [ports.Port4]
            address = "192.168.11.20/24"

            [[routes]]
            interface = "Port3"
            destination = "192.168.20.0/24"
            next_hop = "192.168.10.1"

            [[routes]]
            interface = "Port4"
            destination = "192.168.20.0/24"
            next_hop = "192.168.11.1"
            metric = 200
        "#;
        let checked = crate::check(source);
        assert!(checked.diagnostics.iter().all(|d| d.code() != "ASE206"), "{:?}", checked.diagnostics);
    }
}
