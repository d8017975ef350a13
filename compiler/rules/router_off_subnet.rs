use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::{InterfaceRole, Network, OnSubnet, on_subnet};

declare_rule! {
    /// ## What it does
    /// Reports a data network's `router` that cannot hold routes via the data network's
    /// interface: outside the interface's virtual network, its network or broadcast
    /// address, or the interface's own address.
    ///
    /// ## Why is this bad?
    /// The router forwards traffic for the UE pools "via the IP address you allocated to the
    /// packet core instance's user plane interface on the data network" (see
    /// docs/device-facts.md#ap5gc-napt): that address is a next hop, which the router reaches
    /// only on its own link, the interface's subnet.
    ///
    /// ## Example
    /// ```toml
    /// [[virtual_networks]]
    /// name = "N6-DN1"
    /// subnet = "10.232.45.0/24"
    ///
    /// [[packet_core.data_networks]]
    /// virtual_network = "N6-DN1"
    /// napt = false
    /// router = "10.232.99.1"
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// router = "10.232.45.1"
    /// ```
    pub static ROUTER_OFF_SUBNET = Rule {
        code: "ASE715",
        name: "router-off-subnet",
        severity: Severity::Error,
        summary: "a data network's router is not a host of its interface's subnet, or is the interface itself",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let Some(core) = &network.packet_core else { return };
    let n6 = core.name(InterfaceRole::UserPlaneData);
    for data_network in &core.data_networks {
        let Some(router) = data_network.router else { continue };
        let Some(vnet) = network.interface_network(&data_network.interface) else { continue };
        let subnet = vnet.net();
        let problem = match on_subnet(subnet, router.value) {
            _ if router.value == data_network.interface.address.value => format!("is the {n6} address itself"),
            OnSubnet::Outside => format!("is outside the {n6} subnet {subnet}"),
            OnSubnet::Network => format!("is the network address of the {n6} subnet {subnet}"),
            OnSubnet::Broadcast => format!("is the broadcast address of the {n6} subnet {subnet}"),
            OnSubnet::Host => continue,
        };
        sink.push(
            Diagnostic::new(
                &ROUTER_OFF_SUBNET,
                router.span,
                format!("router {} of data network `{}` {problem}", router.value, data_network.name.value),
            )
            .with_primary_label("cannot reach the next hop on its own link")
            .with_label(vnet.subnet.span, format!("virtual network `{}`: {subnet}", vnet.name.value))
            .with_help(format!(
                "name the router's address on {subnet}, the link it shares with the {n6} address {} (see \
                 docs/device-facts.md#ap5gc-napt)",
                data_network.interface.address.value
            )),
        );
    }
}
