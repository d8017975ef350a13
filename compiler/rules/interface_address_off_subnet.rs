use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::{Network, OnSubnet, on_subnet};

declare_rule! {
    /// ## What it does
    /// Reports a packet core interface whose address is not a host of its virtual network:
    /// outside the network's subnet, its network or broadcast address, or its gateway.
    ///
    /// When the network's `ip_pool` is exactly the address, as it should be, the pool rules
    /// report the same address instead (`pool-outside-network` ASE324, `pool-holds-gateway`
    /// ASE325): this rule judges the address of an interface whose pool does not stand for
    /// it yet (`interface-pool-mismatch` ASE706 reports that).
    ///
    /// ## Why is this bad?
    /// The interface's address is the one address of its network's Kubernetes pool ("Add a
    /// range of one IP address for the appropriate address", see
    /// docs/device-facts.md#ap5gc-interface-pools), and the packet core sends through the
    /// network's gateway. An address outside the subnet is unreachable on that link; the
    /// network or broadcast address is no host's; the gateway's address belongs to the
    /// router (or, without a router, to the gNB the articles make the gateway, see
    /// docs/device-facts.md#ap5gc-interface-networks).
    ///
    /// ## Example
    /// ```toml
    /// [[virtual_networks]]
    /// name = "N2"
    /// subnet = "10.232.44.0/24"
    /// gateway = "10.232.44.1"
    ///
    /// [packet_core]
    /// control_plane = { virtual_network = "N2", address = "10.232.44.1" }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// control_plane = { virtual_network = "N2", address = "10.232.44.20" }
    /// ```
    pub static INTERFACE_ADDRESS_OFF_SUBNET = Rule {
        code: "ASE707",
        name: "interface-address-off-subnet",
        severity: Severity::Error,
        summary: "a packet core interface's address is outside its virtual network's subnet, or its network, broadcast or \
                  gateway address",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let Some(core) = &network.packet_core else { return };
    for interface in core.interfaces().filter(|interface| !network.interface_pool_is_its_address(interface)) {
        let Some(vnet) = network.interface_network(interface) else { continue };
        let (address, subnet) = (interface.address.value, vnet.net());
        let name = core.describe(interface);
        let (problem, label) = match on_subnet(subnet, address) {
            OnSubnet::Outside => {
                (format!("is outside virtual network `{}`'s subnet {subnet}", vnet.name.value), "off the subnet")
            }
            OnSubnet::Network => {
                (format!("is the network address of virtual network `{}`", vnet.name.value), "network address")
            }
            OnSubnet::Broadcast => {
                (format!("is the broadcast address of virtual network `{}`", vnet.name.value), "broadcast address")
            }
            OnSubnet::Host if address == vnet.gateway.value => {
                (format!("is the gateway of virtual network `{}`", vnet.name.value), "the gateway's address")
            }
            OnSubnet::Host => continue,
        };
        let other_span = if address == vnet.gateway.value { vnet.gateway.span } else { vnet.subnet.span };
        sink.push(
            Diagnostic::new(&INTERFACE_ADDRESS_OFF_SUBNET, interface.address.span, format!("{name} address {address} {problem}"))
                .with_primary_label(label)
                .with_label(other_span, format!("virtual network `{}`: {subnet}, gateway {}", vnet.name.value, vnet.gateway.value))
                .with_help(format!(
                    "give {name} a free host address of {subnet}, other than the gateway; it is also the one address of the \
                     network's Kubernetes pool (see docs/device-facts.md#ap5gc-interface-pools)"
                )),
        );
    }
}
