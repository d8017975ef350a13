use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use crate::diagnostic::{Diagnostic, Severity, Sink, Span, declare_rule};
use crate::model::{AddrRange, Network};

declare_rule! {
    /// ## What it does
    /// Reports the pod CIDR and the service CIDR when they overlap each other or an address
    /// the site uses: a port's subnet, a virtual network's subnet, the node IPs, the external service IPs, a port's DNS
    /// server, or the destination of a custom route that lies inside (or equals) one of
    /// them. The CIDRs are the defaults `172.27.0.0/16` and `172.28.0.0/16` unless
    /// `[kubernetes]` sets `pod_cidr` or `service_cidr` (see docs/device-facts.md#cluster-cidrs).
    ///
    /// A route that covers a whole cluster CIDR, such as `0.0.0.0/0` or `172.16.0.0/12`,
    /// is fine: the cluster's own, longer routes win for its addresses. Anything inside a
    /// port subnet that is already reported (a node IP range, a DNS server, a route into
    /// that subnet) is not reported again: moving the CIDR fixes both. Gateways are not
    /// checked on their own: a gateway lies in its port's subnet, which is.
    ///
    /// ## Why is this bad?
    /// "Make sure that these are not in use in your network" (see
    /// docs/device-facts.md#cluster-cidrs). Calico gives the pod CIDR's addresses to pods, and
    /// Kubernetes the service CIDR's to services, whose traffic kube-proxy captures inside the VMs.
    /// A site address inside either may become a pod's or a service's, and traffic from the cluster
    /// meant for the site then goes to the pod or service: a route there is shadowed, a DNS server
    /// there stops answering, node and external service IPs there clash with pods. Overlapping pod
    /// and service CIDRs break both. The CIDRs can only be changed
    /// (`Set-HcsKubeClusterNetworkInfo`) before compute is configured (see
    /// docs/device-facts.md#changing-cluster-cidrs): afterwards the fix is a reset.
    ///
    /// ## Example
    /// The site has a network in 172.27/16, the default pod CIDR:
    /// ```toml
    /// [[routes]]
    /// interface = "Port3"
    /// destination = "172.27.8.0/24"
    /// next_hop = "192.168.10.1"
    /// ```
    ///
    /// ## Use instead
    /// Move the pod CIDR to a block the site does not use:
    /// ```toml
    /// [kubernetes]
    /// pod_cidr = "10.96.0.0/16"
    /// ```
    pub static CLUSTER_CIDR_COLLISION = Rule {
        code: "ASE102",
        name: "cluster-cidr-collision",
        severity: Severity::Error,
        summary: "pod or service CIDR overlaps each other, a port or virtual network subnet, a range or a DNS server, or a route \
                  destination lies inside one; a route that covers a cluster CIDR (0.0.0.0/0) is fine",
    };
}

/// The pod or the service CIDR.
struct ClusterCidr {
    /// `pod CIDR`
    what: &'static str,
    /// `pod_cidr`
    key: &'static str,
    /// As written, host bits included.
    written: Ipv4Net,
    /// Without host bits: what the cluster uses.
    net: Ipv4Net,
    span: Span,
    default: bool,
    /// What the cluster gives its addresses to: `pods`.
    owner: &'static str,
}

impl ClusterCidr {
    fn range(&self) -> AddrRange {
        AddrRange::of_net(self.net)
    }

    /// `the pod CIDR 172.27.0.0/16`
    fn name(&self) -> String {
        format!("the {} {}", self.what, self.written)
    }

    /// The secondary label at the CIDR, or at `[kubernetes]` for a default.
    fn label(&self) -> String {
        if self.default {
            format!("the {} is {} by default (see docs/device-facts.md#cluster-cidrs)", self.what, self.written)
        } else {
            format!("{} is defined here", self.name())
        }
    }

    fn help(&self) -> String {
        let fix = "a block no site network uses; it can only be changed before compute is configured (see docs/device-facts.md#changing-cluster-cidrs)";
        if self.default {
            format!(
                "the default {} {} is in use on this site: add `{} = \"...\"` with {fix}",
                self.what, self.net, self.key
            )
        } else {
            format!("set `{}` to {fix}", self.key)
        }
    }
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let Some(kubernetes) = &network.kubernetes else { return };
    let pod = ClusterCidr {
        what: "pod CIDR",
        key: "pod_cidr",
        written: kubernetes.pod_cidr.value,
        net: kubernetes.pod_cidr.value.trunc(),
        span: kubernetes.pod_cidr.span,
        default: kubernetes.pod_cidr_is_default(),
        owner: "pods",
    };
    let service = ClusterCidr {
        what: "service CIDR",
        key: "service_cidr",
        written: kubernetes.service_cidr.value,
        net: kubernetes.service_cidr.value.trunc(),
        span: kubernetes.service_cidr.span,
        default: kubernetes.service_cidr_is_default(),
        owner: "a service",
    };
    if let Some(shared) = pod.range().intersection(service.range()) {
        // The one written later is reported; a default (at the `[kubernetes]` header) comes first.
        let (earlier, later) = if pod.span <= service.span { (&pod, &service) } else { (&service, &pod) };
        sink.push(
            Diagnostic::new(
                &CLUSTER_CIDR_COLLISION,
                later.span,
                format!(
                    "{} {} {} {}",
                    later.what,
                    later.written,
                    Relation::of(later.range(), earlier.range()).as_str(),
                    earlier.name()
                ),
            )
            .with_primary_label(format!("{shared} shared"))
            .with_label(earlier.span, earlier.label())
            .with_help(format!(
                "give pods and services separate blocks: move `{}` so the two share no address (see docs/device-facts.md#cluster-cidrs, docs/device-facts.md#changing-cluster-cidrs)",
                later.key
            )),
        );
    }

    let subnets: Vec<_> =
        network.ports.iter().filter_map(|port| Some((port.id, port.subnet()?, port.static_addressing()?))).collect();
    for cidr in [&pod, &service] {
        // Port subnets that collide with this CIDR: what lies inside them is their consequence.
        let mut reported: Vec<AddrRange> = Vec::new();
        for (id, subnet, _) in &subnets {
            let range = AddrRange::of_net(subnet.value);
            if report_range(cidr, range, &format!("{id}'s subnet {}", subnet.value), subnet.span, sink) {
                reported.push(range);
            }
        }
        for vnet in &network.virtual_networks {
            let range = AddrRange::of_net(vnet.net());
            let what = format!("virtual network `{}`'s subnet {}", vnet.name.value, vnet.net());
            if report_range(cidr, range, &what, vnet.subnet.span, sink) {
                reported.push(range);
            }
        }
        let covered = |range: AddrRange| reported.iter().any(|subnet| subnet.contains_range(range));

        let mut ranges = vec![(kubernetes.node_ips, "node IP range")];
        ranges.extend(kubernetes.service_ips.map(|range| (range, "external service IP range")));
        for (range, what) in ranges {
            if !covered(range.value) {
                report_range(cidr, range.value, &format!("{what} {}", range.value), range.span, sink);
            }
        }

        for (id, _, addressing) in &subnets {
            for server in &addressing.dns {
                if cidr.net.contains(&server.value) && !covered(single(server.value)) {
                    sink.push(
                        Diagnostic::new(
                            &CLUSTER_CIDR_COLLISION,
                            server.span,
                            format!("{id}'s DNS server {} is inside {}", server.value, cidr.name()),
                        )
                        .with_primary_label(format!("the cluster may give this address to {}", cidr.owner))
                        .with_label(cidr.span, cidr.label())
                        .with_help(cidr.help()),
                    );
                }
            }
        }

        for route in &network.routes {
            let destination = route.destination.value.trunc();
            if !cidr.net.contains(&destination) || covered(AddrRange::of_net(destination)) {
                continue;
            }
            let message = if destination == cidr.net {
                format!("route destination {} is {}", route.destination.value, cidr.name())
            } else {
                format!("route destination {} lies inside {}", route.destination.value, cidr.name())
            };
            sink.push(
                Diagnostic::new(&CLUSTER_CIDR_COLLISION, route.destination.span, message)
                    .with_primary_label(format!("the cluster may give these addresses to {}", cidr.owner))
                    .with_label(cidr.span, cidr.label())
                    .with_help(cidr.help()),
            );
        }
    }
}

/// Reports `range` (a port subnet, node or external service IPs) if it shares addresses
/// with `cidr`; says whether it did.
fn report_range(cidr: &ClusterCidr, range: AddrRange, what: &str, span: Span, sink: &mut Sink) -> bool {
    let Some(shared) = cidr.range().intersection(range) else { return false };
    let message = match Relation::of(range, cidr.range()) {
        Relation::Overlaps => format!("{what} overlaps {} in {shared}", cidr.name()),
        relation => format!("{what} {} {}", relation.as_str(), cidr.name()),
    };
    sink.push(
        Diagnostic::new(&CLUSTER_CIDR_COLLISION, span, message)
            .with_primary_label(format!("{shared} shared"))
            .with_label(cidr.span, cidr.label())
            .with_help(cidr.help()),
    );
    true
}

/// How one block stands to another that it overlaps.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Relation {
    Inside,
    Holds,
    Overlaps,
}

impl Relation {
    fn of(range: AddrRange, other: AddrRange) -> Self {
        if other.contains_range(range) {
            Relation::Inside
        } else if range.contains_range(other) {
            Relation::Holds
        } else {
            Relation::Overlaps
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Relation::Inside => "lies inside",
            Relation::Holds => "holds all of",
            Relation::Overlaps => "overlaps",
        }
    }
}

fn single(address: Ipv4Addr) -> AddrRange {
    AddrRange::of_net(Ipv4Net::from(address))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_file_without_kubernetes_has_no_cluster_cidrs() {
        let source = "[device]\nname = \"x\"\n[ports.Port4]\naddress = \"172.27.5.10/24\"\n\
                      [[routes]]\ninterface = \"Port4\"\ndestination = \"172.28.1.0/24\"\nnext_hop = \"172.27.5.1\"\n";
        let checked = crate::check(source);
        assert!(checked.diagnostics.iter().all(|d| d.code() != "ASE102"), "{:?}", checked.diagnostics);
    }
}
