use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::Network;

declare_rule! {
    /// ## What it does
    /// Reports a virtual network's `ip_pool` that holds the network's own `gateway`.
    ///
    /// ## Why is this bad?
    /// The device hands the pool's addresses to VMs and pods as their own (see
    /// docs/device-facts.md#ip-pools); the gateway is the router they send everything
    /// off-link to. A VM or pod given the router's address takes the network's way out away
    /// from every other host on the VLAN, and answers for it itself.
    ///
    /// ## Example
    /// ```toml
    /// [[virtual_networks]]
    /// name = "vnet-cameras"
    /// switch = "vswitch-port3"
    /// vlan = 10
    /// subnet = "10.20.10.0/24"
    /// gateway = "10.20.10.1"
    /// ip_pool = "10.20.10.1-10.20.10.50"
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// ip_pool = "10.20.10.2-10.20.10.50"
    /// ```
    pub static POOL_HOLDS_GATEWAY = Rule {
        code: "ASE325",
        name: "pool-holds-gateway",
        severity: Severity::Error,
        summary: "a virtual network's IP pool holds the network's gateway",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    for vnet in &network.virtual_networks {
        let Some(pool) = vnet.ip_pool else { continue };
        let gateway = vnet.gateway;
        if !pool.value.contains(gateway.value) {
            continue;
        }
        let name = &vnet.name.value;
        sink.push(
            Diagnostic::new(
                &POOL_HOLDS_GATEWAY,
                pool.span,
                format!("virtual network `{name}`'s IP pool {} holds its gateway {}", pool.value, gateway.value),
            )
            .with_primary_label("holds the gateway")
            .with_label(gateway.span, "the gateway")
            .with_help(format!(
                "leave {} out of the pool: a VM or pod would take the router's address (see \
                 docs/device-facts.md#ip-pools)",
                gateway.value
            )),
        );
    }
}
