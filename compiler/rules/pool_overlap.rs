use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::Network;
use crate::model::uses::{Role, address_uses};

declare_rule! {
    /// ## What it does
    /// Reports a virtual network's `ip_pool` that shares addresses with another range the
    /// device hands out (another network's pool, the node IPs, the external service IPs),
    /// or that holds one of the device's own addresses or its neighbours' (a port's address
    /// on either node, a virtual IP, a DNS server, a BGP peer, another network's gateway).
    /// Its own gateway is `pool-holds-gateway`'s.
    ///
    /// ## Why is this bad?
    /// The device gives each address of the pool to a VM or a pod (see
    /// docs/device-facts.md#ip-pools) without asking whether something already answers
    /// there; an address two owners hand out, or one a host already has, ends as two hosts
    /// on one address, which the network readiness check calls a duplicate IP (see
    /// docs/device-facts.md#no-overlaps).
    ///
    /// ## Example
    /// ```toml
    /// [kubernetes]
    /// node_ips = "192.168.10.30-192.168.10.31"
    ///
    /// [[virtual_networks]]
    /// name = "vnet-compute-vms"
    /// switch = "vswitch-port3"
    /// vlan = 0
    /// subnet = "192.168.10.0/24"
    /// gateway = "192.168.10.1"
    /// ip_pool = "192.168.10.31-192.168.10.39"
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// ip_pool = "192.168.10.100-192.168.10.139"
    /// ```
    pub static POOL_OVERLAP = Rule {
        code: "ASE326",
        name: "pool-overlap",
        severity: Severity::Error,
        summary: "a virtual network's IP pool shares addresses with another range or holds an address in use",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let uses = address_uses(network);
    let pools: Vec<usize> = (0..uses.len()).filter(|&index| uses[index].role == Role::IpPool).collect();
    for (position, &index) in pools.iter().enumerate() {
        let pool = &uses[index];
        let own_gateway = network
            .virtual_networks
            .iter()
            .find(|vnet| vnet.ip_pool.is_some_and(|p| p.span == pool.span))
            .map(|vnet| vnet.gateway.span);
        for (other_index, other) in uses.iter().enumerate() {
            let is_range = matches!(other.role, Role::IpPool | Role::NodeIps | Role::ServiceIps);
            // Each pair of pools once; the pool itself and its own gateway never.
            let earlier_pool = other.role == Role::IpPool && pools[..=position].contains(&other_index);
            if earlier_pool || Some(other.span) == own_gateway {
                continue;
            }
            let Some(shared) = pool.range.intersection(other.range) else { continue };
            let (message, label) = if is_range {
                (
                    format!("{} {} shares {shared} with {} {}", pool.owner, pool.range, other.owner, other.range),
                    format!("{} {} here", other.owner, other.range),
                )
            } else {
                (
                    format!("{} {} holds {shared}, {}", pool.owner, pool.range, other.owner),
                    format!("{} is {shared} here", other.owner),
                )
            };
            sink.push(
                Diagnostic::new(&POOL_OVERLAP, pool.span, message)
                    .with_primary_label(format!("{shared} is taken"))
                    .with_label(other.span, label)
                    .with_help(format!(
                        "move or shrink the pool so that it leaves out {shared}: the device gives each pool address to a \
                         VM or pod (see docs/device-facts.md#ip-pools)"
                    )),
            );
        }
    }
}
