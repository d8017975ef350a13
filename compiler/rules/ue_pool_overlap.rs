use crate::diagnostic::{Diagnostic, Severity, Sink, Span, declare_rule};
use crate::model::uses::address_uses;
use crate::model::{AddrRange, Network};

declare_rule! {
    /// ## What it does
    /// Reports a UE pool that shares addresses with another UE pool (the other pool of its
    /// data network, or any pool of another data network) or with any other network of the
    /// site: a port's or a virtual network's subnet, an address the file gives a role (the
    /// Kubernetes node or service IPs, a pool, a gateway, a DNS server, a virtual IP, a BGP
    /// peer), the pod or service network. The first overlap of each pool is reported, with
    /// the addresses shared.
    ///
    /// ## Why is this bad?
    /// A data network's two pools must "not overlap", and the design asks for "careful
    /// planning and configuration to prevent overlapping data network IP ranges or UE IP
    /// ranges" (see docs/device-facts.md#ue-pools). The UEs' addresses are routed to the
    /// packet core's N6 (SGi) address; a pool that holds the site's own addresses makes them
    /// unreachable, and two data networks with one pool cannot tell their UEs apart.
    ///
    /// ## Example
    /// ```toml
    /// [ports.Port2]
    /// address = "10.232.40.10/24"
    ///
    /// [[packet_core.data_networks]]
    /// dynamic_ue_pool = "10.232.40.128/25"
    /// ```
    ///
    /// ## Use instead
    /// A pool of its own, from addresses the site does not use:
    /// ```toml
    /// dynamic_ue_pool = "198.51.100.0/24"
    /// ```
    pub static UE_POOL_OVERLAP = Rule {
        code: "ASE712",
        name: "ue-pool-overlap",
        severity: Severity::Error,
        summary: "a UE pool overlaps another UE pool or another network of the site",
    };
}

struct Block {
    range: AddrRange,
    what: String,
    span: Span,
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let Some(core) = &network.packet_core else { return };
    let pools: Vec<Block> = core
        .data_networks
        .iter()
        .flat_map(|data_network| {
            data_network.pools().map(move |(kind, pool)| Block {
                range: AddrRange::of_net(pool.value),
                what: format!("data network `{}`'s {kind} {}", data_network.name.value, pool.value),
                span: pool.span,
            })
        })
        .collect();
    let site = site_blocks(network);
    for (index, pool) in pools.iter().enumerate() {
        let earlier_pool = pools[..index].iter().find_map(|other| Some((other, pool.range.intersection(other.range)?)));
        let overlap =
            earlier_pool.or_else(|| site.iter().find_map(|block| Some((block, pool.range.intersection(block.range)?))));
        let Some((other, shared)) = overlap else { continue };
        sink.push(
            Diagnostic::new(&UE_POOL_OVERLAP, pool.span, format!("{} overlaps {}", pool.what, other.what))
                .with_primary_label(format!("{shared} shared"))
                .with_label(other.span, format!("{} is here", other.what))
                .with_help(
                    "give each UE pool addresses of its own, outside every other pool and network of the site (see \
                     docs/device-facts.md#ue-pools)",
                ),
        );
    }
}

/// Every other address block of the site: the ports' and virtual networks' subnets, every
/// address the file gives a role (`model::uses`: port addresses, node and service IPs,
/// pools, gateways, DNS servers, virtual IPs, BGP peers), and the pod and service networks.
fn site_blocks(network: &Network) -> Vec<Block> {
    let mut blocks: Vec<Block> = network
        .ports
        .iter()
        .filter_map(|port| {
            let subnet = port.subnet()?;
            Some(Block {
                range: AddrRange::of_net(subnet.value),
                what: format!("{}'s subnet {}", port.id, subnet.value.trunc()),
                span: subnet.span,
            })
        })
        .collect();
    blocks.extend(network.virtual_networks.iter().map(|vnet| Block {
        range: AddrRange::of_net(vnet.net()),
        what: format!("virtual network `{}`'s subnet {}", vnet.name.value, vnet.net()),
        span: vnet.subnet.span,
    }));
    blocks.extend(address_uses(network).into_iter().map(|used| Block {
        range: used.range,
        what: format!("{} {}", used.owner, used.range),
        span: used.span,
    }));
    if let Some(kubernetes) = &network.kubernetes {
        for (what, cidr, is_default) in [
            ("pod CIDR", kubernetes.pod_cidr, kubernetes.pod_cidr_is_default()),
            ("service CIDR", kubernetes.service_cidr, kubernetes.service_cidr_is_default()),
        ] {
            let net = cidr.value.trunc();
            let what = if is_default { format!("the default {what} {net}") } else { format!("the {what} {net}") };
            blocks.push(Block { range: AddrRange::of_net(net), what, span: cidr.span });
        }
    }
    blocks
}
