use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::{Network, OnSubnet, PortConfig, VirtualNetwork, on_subnet};

declare_rule! {
    /// ## What it does
    /// Reports a port's gateway that no host on the port's subnet can be: an address
    /// outside the subnet, the subnet's network or broadcast address, or the port's own
    /// address.
    ///
    /// Network and broadcast addresses count only up to /30: a /31 is a point-to-point
    /// link whose two addresses are both hosts (RFC 3021), and a /32 has room for the port
    /// alone, so any gateway is outside it.
    ///
    /// The gateway of a `[[virtual_networks]]` entry is judged the same way against its
    /// `subnet`: `Add-HcsVirtualNetwork` wants "the gateway IP address ... in the same
    /// subnet as the parameter passed in as address space" (see:
    /// docs/device-facts.md#virtual-networks).
    ///
    /// ## Why is this bad?
    /// A static configuration is "IP, DNS server, and default gateway" (see
    /// docs/device-facts.md#names-and-dns), and the gateway is the router through which the device
    /// reaches everything beyond its subnet, Azure included (see
    /// docs/device-facts.md#ports-pro-gpu); the internal virtual switch sends the Kubernetes VMs'
    /// outbound traffic through "the port that is configured with a default gateway" (see
    /// docs/device-facts.md#reserved-addresses). A gateway must answer ARP on the port's own
    /// subnet, as the device demands of the gateway of a virtual network (see
    /// docs/device-facts.md#virtual-networks: "must [be] in the same subnet as [the] address
    /// space"). Off the subnet, the host cannot reach it; the network or broadcast address is
    /// nobody, or everybody; the port's own address loops back to the device. Either way the device
    /// loses its uplink. The usual cause is a wrong prefix length on `address`.
    ///
    /// ## Example
    /// ```toml
    /// [ports.Port2]
    /// address = "10.10.2.20/24"
    /// gateway = "10.10.3.1"
    /// ```
    ///
    /// ## Use instead
    /// The router on Port2's subnet, or the prefix length that puts it there:
    /// ```toml
    /// [ports.Port2]
    /// address = "10.10.2.20/24"
    /// gateway = "10.10.2.1"
    /// ```
    pub static GATEWAY_OFF_LINK = Rule {
        code: "ASE201",
        name: "gateway-off-link",
        severity: Severity::Error,
        summary: "a port's or virtual network's gateway is outside its subnet or is its network, broadcast or own \
                  address",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    for vnet in &network.virtual_networks {
        check_virtual_network(vnet, sink);
    }
    for port in &network.ports {
        let PortConfig::Static(addressing) = &port.config else { continue };
        let Some(gateway) = addressing.gateway else { continue };
        let id = port.id;
        let address = addressing.address;
        let own = address.value.addr();
        let subnet = address.value.trunc();
        let (message, primary, label, help) = match on_subnet(subnet, gateway.value) {
            OnSubnet::Outside => {
                let help = if subnet.prefix_len() == 32 {
                    format!("a /32 leaves no room for a gateway: give {id}'s address its real prefix length")
                } else {
                    format!("use the router on {subnet} as gateway, or correct the prefix length of {id}'s address")
                };
                (
                    format!("gateway {} is not on {id}'s subnet {subnet}", gateway.value),
                    "not on-link",
                    format!("{id} is {subnet} here"),
                    help,
                )
            }
            _ if gateway.value == own => (
                format!("gateway {} is {id}'s own address", gateway.value),
                "the port itself",
                format!("{id}'s address is {own} here"),
                format!("use the address of the router on {subnet}, not the port's"),
            ),
            OnSubnet::Network => (
                format!("gateway {} is the network address of {id}'s subnet {subnet}", gateway.value),
                "network address",
                format!("{id} is {subnet} here"),
                format!("use the router's address on {subnet}; no host has the network address"),
            ),
            OnSubnet::Broadcast => (
                format!("gateway {} is the broadcast address of {id}'s subnet {subnet}", gateway.value),
                "broadcast address",
                format!("{id} is {subnet} here"),
                format!("use the router's address on {subnet}; no host has the broadcast address"),
            ),
            OnSubnet::Host => continue,
        };
        sink.push(
            Diagnostic::new(&GATEWAY_OFF_LINK, gateway.span, message)
                .with_primary_label(primary)
                .with_label(address.span, label)
                .with_help(help),
        );
    }
}

fn check_virtual_network(vnet: &VirtualNetwork, sink: &mut Sink) {
    let gateway = vnet.gateway;
    let subnet = vnet.net();
    let name = &vnet.name.value;
    let (message, primary) = match on_subnet(subnet, gateway.value) {
        OnSubnet::Outside => {
            (format!("gateway {} is not in virtual network `{name}`'s subnet {subnet}", gateway.value), "not on-link")
        }
        OnSubnet::Network => {
            (format!("gateway {} is the network address of virtual network `{name}`", gateway.value), "network address")
        }
        OnSubnet::Broadcast => (
            format!("gateway {} is the broadcast address of virtual network `{name}`", gateway.value),
            "broadcast address",
        ),
        OnSubnet::Host => return,
    };
    sink.push(
        Diagnostic::new(&GATEWAY_OFF_LINK, gateway.span, message)
            .with_primary_label(primary)
            .with_label(vnet.subnet.span, format!("`{name}` is {subnet} here"))
            .with_help(format!(
                "use the router's address on {subnet}: Add-HcsVirtualNetwork wants the gateway inside the address \
                 space (see: docs/device-facts.md#virtual-networks)"
            )),
    );
}
