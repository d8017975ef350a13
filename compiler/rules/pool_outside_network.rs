use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::{AddrRange, Network, network_and_broadcast};

declare_rule! {
    /// ## What it does
    /// Reports a virtual network's `ip_pool` that is not inside its `subnet`, or that holds
    /// the subnet's network or broadcast address (up to /30; a /31's two addresses and a
    /// /32 are hosts).
    ///
    /// ## Why is this bad?
    /// The pool's addresses go to VMs, and on a network enabled for Kubernetes to pods, on
    /// that network's VLAN: the device asks for "a contiguous range of static IPs for
    /// Kubernetes pods in the virtual network" (see docs/device-facts.md#ip-pools). An
    /// address outside the subnet is on no link the VLAN has; the network and broadcast
    /// addresses are no host's. The pool cannot be changed once the AKS cluster is
    /// deployed, so a wrong one costs a redeploy.
    ///
    /// ## Example
    /// ```toml
    /// [[virtual_networks]]
    /// name = "N3"
    /// switch = "vswitch-port5"
    /// vlan = 0
    /// subnet = "10.10.20.0/24"
    /// gateway = "10.10.20.1"
    /// kubernetes = true
    /// ip_pool = "10.10.21.20-10.10.21.20"
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// ip_pool = "10.10.20.20-10.10.20.20"
    /// ```
    pub static POOL_OUTSIDE_NETWORK = Rule {
        code: "ASE324",
        name: "pool-outside-network",
        severity: Severity::Error,
        summary: "a virtual network's IP pool is not inside its subnet, or holds its network or broadcast address",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    for vnet in &network.virtual_networks {
        let Some(pool) = vnet.ip_pool else { continue };
        let subnet = vnet.net();
        let name = &vnet.name.value;
        let (message, label) = if !AddrRange::of_net(subnet).contains_range(pool.value) {
            (
                format!("virtual network `{name}`'s IP pool {} is not inside its subnet {subnet}", pool.value),
                "outside the subnet".to_owned(),
            )
        } else {
            let edges: Vec<String> = network_and_broadcast(subnet)
                .into_iter()
                .flat_map(|(network, broadcast)| [(network, "network"), (broadcast, "broadcast")])
                .filter(|(address, _)| pool.value.contains(*address))
                .map(|(address, kind)| format!("the {kind} address {address}"))
                .collect();
            if edges.is_empty() {
                continue;
            }
            let edges = crate::text::join(&edges);
            (
                format!("virtual network `{name}`'s IP pool {} holds {edges} of {subnet}", pool.value),
                format!("holds {edges}"),
            )
        };
        sink.push(
            Diagnostic::new(&POOL_OUTSIDE_NETWORK, pool.span, message)
                .with_primary_label(label)
                .with_label(vnet.subnet.span, format!("`{name}` is {subnet} here"))
                .with_help(format!(
                    "take host addresses of {subnet} for the pool: its VMs and pods live on that VLAN (see \
                     docs/device-facts.md#ip-pools)"
                )),
        );
    }
}
