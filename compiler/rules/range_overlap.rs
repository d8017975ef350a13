use crate::diagnostic::{Diagnostic, Severity, Sink, Span, declare_rule};
use crate::model::{AddrRange, Network, overlaps};

declare_rule! {
    /// ## What it does
    /// Reports address blocks that must be disjoint but share addresses: two port subnets,
    /// or the Kubernetes node IPs and the external service IPs. The message names both
    /// blocks and the exact addresses they share.
    ///
    /// ## Why is this bad?
    /// Every address on the device must have one owner (F44: the readiness checker fails
    /// on "overlapping IP addresses for Edge Compute"). If MetalLB hands a node's address to
    /// a service, both answer ARP for it and traffic to the node or the service is lost.
    /// Two ports on overlapping subnets make the host's choice of interface arbitrary.
    ///
    /// ## Example
    /// ```toml
    /// [kubernetes]
    /// node_ips = "192.168.10.30-192.168.10.35"
    /// service_ips = "192.168.10.32-192.168.10.49"
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [kubernetes]
    /// node_ips = "192.168.10.30-192.168.10.32"
    /// service_ips = "192.168.10.40-192.168.10.49"
    /// ```
    pub static RANGE_OVERLAP = Rule {
        code: "ASE101",
        name: "range-overlap",
        severity: Severity::Error,
        summary: "two of: port subnets, node IPs, external service IPs overlap",
    };
}

/// One address block: what it is, as a phrase, and where it is written.
#[derive(Clone)]
struct Block {
    what: String,
    span: Span,
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let subnets = network
        .ports
        .iter()
        .filter_map(|port| {
            let subnet = port.subnet()?;
            let block = Block { what: format!("{}'s subnet {}", port.id, subnet.value), span: subnet.span };
            Some((AddrRange::of_net(subnet.value), block))
        })
        .collect();
    report(overlaps(subnets), "give each port a subnet of its own", sink);

    let Some(kubernetes) = &network.kubernetes else { return };
    let Some(service_ips) = kubernetes.service_ips else { return };
    let ranges = vec![
        (
            kubernetes.node_ips.value,
            Block { what: format!("node IP range {}", kubernetes.node_ips.value), span: kubernetes.node_ips.span },
        ),
        (
            service_ips.value,
            Block { what: format!("external service IP range {}", service_ips.value), span: service_ips.span },
        ),
    ];
    report(overlaps(ranges), "make the node IPs and the external service IPs two separate ranges", sink);
}

fn report(found: Vec<crate::model::Overlap<Block>>, help: &str, sink: &mut Sink) {
    for overlap in found {
        let (earlier, later) = if overlap.first.span <= overlap.second.span {
            (overlap.first, overlap.second)
        } else {
            (overlap.second, overlap.first)
        };
        sink.push(
            Diagnostic::new(&RANGE_OVERLAP, later.span, format!("{} overlaps {}", later.what, earlier.what))
                .with_primary_label(format!("{} shared", overlap.shared))
                .with_label(earlier.span, format!("{} is defined here", earlier.what))
                .with_help(help.to_owned()),
        );
    }
}
