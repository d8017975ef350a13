use crate::diagnostic::{Diagnostic, Severity, Sink, Span, declare_rule};
use crate::model::{AddrRange, Network, SubnetOwner, overlaps};
use crate::rules::teaming_unsupported::is_documented_team;

declare_rule! {
    /// ## What it does
    /// Reports address blocks that must be disjoint but share addresses: two port subnets,
    /// a virtual network's subnet and a port's or another virtual network's, or the
    /// Kubernetes node IPs and the external service IPs. The message names both blocks and
    /// the exact addresses they share.
    ///
    /// The two ports of a documented two-node teamed switch (Port3 + Port4 on a pro-gpu,
    /// Port1 + Port2 on a pro-2, docs/device-facts.md#no-teaming) are one team and may share a
    /// subnet: the members of the team are addressed on the same subnet (see:
    /// docs/device-facts.md#two-node-teamed-pair). Any other team is `teaming-unsupported`,
    /// and its ports' subnets are judged as any two ports'.
    ///
    /// An untagged virtual network (`vlan = 0`) is on its switch's own link: its subnet may
    /// be exactly its switch's port's subnet, or another untagged network's on that switch,
    /// as Azure Private 5G Core and AKS set up their N2, N3 and N6 networks ("subnet mask
    /// and gateway match the external values", see docs/device-facts.md#untagged-networks).
    ///
    /// With `[packet_core]`, the virtual networks of the packet core's interfaces may share
    /// one subnet, and an untagged one may be its own port's subnet on the access or data
    /// port: N2 and N3 are one access subnet, data networks may share "one subnet for all
    /// data networks", and the interfaces' networks take "the external values for the port"
    /// (see docs/device-facts.md#ap5gc-access-subnet, docs/device-facts.md#ap5gc-vlans,
    /// docs/device-facts.md#ap5gc-interface-networks).
    ///
    /// ## Why is this bad?
    /// Every address on the device must have one owner (see docs/device-facts.md#no-overlaps: the
    /// readiness checker fails on "overlapping IP addresses for Edge Compute"). If MetalLB hands a
    /// node's address to a service, both answer ARP for it and traffic to the node or the service
    /// is lost. Two ports on overlapping subnets make the host's choice of interface arbitrary.
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
        summary: "two of: port subnets, virtual network subnets, node IPs, external service IPs overlap",
    };
}

/// One address block: what it is, as a phrase, and where it is written.
#[derive(Clone)]
struct Block {
    what: String,
    span: Span,
    /// The documented teamed switch a port is in, if any: its members may share a subnet.
    team: Option<String>,
    /// The switch whose untagged link the block is on (a port of the switch, or a VLAN 0
    /// virtual network on it), and whether it is a virtual network: an untagged network may
    /// have exactly the subnet of another block on its link.
    link: Option<(String, bool)>,
    range: AddrRange,
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let mut subnets: Vec<(AddrRange, Block)> = network
        .ports
        .iter()
        .filter_map(|port| {
            let subnet = port.subnet()?;
            let team = network
                .switches
                .iter()
                .find(|switch| switch.ports.iter().any(|p| p.value == port.id) && is_documented_team(network, switch))
                .map(|switch| switch.name.value.clone());
            // The packet core's interfaces and their ports may be one network.
            let team = team.or_else(|| {
                let shared = network.packet_core_shared_subnet(SubnetOwner::Port(port.id))?;
                Some(format!("packet core {shared}"))
            });
            let link = network
                .switches
                .iter()
                .find(|switch| switch.ports.iter().any(|p| p.value == port.id))
                .map(|switch| (switch.name.value.clone(), false));
            let range = AddrRange::of_net(subnet.value.trunc());
            let what = format!("{}'s subnet {}", port.id, subnet.value);
            Some((range, Block { what, span: subnet.span, team, link, range }))
        })
        .collect();
    subnets.extend(network.virtual_networks.iter().map(|vnet| {
        let what = format!("virtual network `{}`'s subnet {}", vnet.name.value, vnet.net());
        let team = network
            .packet_core_shared_subnet(SubnetOwner::VirtualNetwork(vnet))
            .map(|shared| format!("packet core {shared}"));
        let link = (vnet.vlan.value == 0).then(|| (vnet.switch.value.clone(), true));
        let range = AddrRange::of_net(vnet.net());
        (range, Block { what, span: vnet.subnet.span, team, link, range })
    }));
    report(overlaps(subnets), "give each port and virtual network a subnet of its own", sink);

    let Some(kubernetes) = &network.kubernetes else { return };
    let Some(service_ips) = kubernetes.service_ips else { return };
    let ranges = vec![
        (
            kubernetes.node_ips.value,
            Block {
                what: format!("node IP range {}", kubernetes.node_ips.value),
                span: kubernetes.node_ips.span,
                team: None,
                link: None,
                range: kubernetes.node_ips.value,
            },
        ),
        (
            service_ips.value,
            Block {
                what: format!("external service IP range {}", service_ips.value),
                span: service_ips.span,
                team: None,
                link: None,
                range: service_ips.value,
            },
        ),
    ];
    report(overlaps(ranges), "make the node IPs and the external service IPs two separate ranges", sink);
}

/// Two blocks with one subnet on one switch's untagged link, one of them a virtual network.
fn one_untagged_link(first: &Block, second: &Block) -> bool {
    match (&first.link, &second.link) {
        (Some((a, a_vnet)), Some((b, b_vnet))) => a == b && (*a_vnet || *b_vnet) && first.range == second.range,
        _ => false,
    }
}

fn report(found: Vec<crate::model::Overlap<Block>>, help: &str, sink: &mut Sink) {
    for overlap in found {
        if overlap.first.team.is_some() && overlap.first.team == overlap.second.team {
            continue;
        }
        if one_untagged_link(&overlap.first, &overlap.second) {
            continue;
        }
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
