use std::collections::BTreeSet;

use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::{Network, PortConfig};

declare_rule! {
    /// ## What it does
    /// Reports the virtual network of a packet core interface that does not fit its port:
    /// the port has no static address, or the network is untagged (VLAN 0) and its subnet,
    /// or its gateway where the port has one, differs from the port's.
    ///
    /// ## Why is this bad?
    /// The prerequisites allocate an address for the access and data ports ("One IP address
    /// for port 5", "One IP address for all data networks on port 6"), and the interfaces'
    /// networks take the port's network: "**Subnet mask** and **Gateway** must match the
    /// external values for the port", "even if the gateway is not set on the ASE port
    /// itself" (see docs/device-facts.md#ap5gc-interface-networks). An untagged network is
    /// the port's own layer 2 segment, so another subnet there is unreachable. A tagged
    /// network (VLAN 1-4094) is another segment with a subnet of its own, and is not
    /// compared. An interface on the wrong port is `interface-on-wrong-port`'s to report.
    ///
    /// ## Example
    /// ```toml
    /// [ports.Port5]
    /// address = "10.232.44.10/24"
    ///
    /// [[virtual_networks]]
    /// name = "N2"
    /// switch = "vswitch-port5"
    /// vlan = 0
    /// subnet = "10.232.48.0/24"
    /// gateway = "10.232.48.1"
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// subnet = "10.232.44.0/24"
    /// gateway = "10.232.44.1"
    /// ```
    pub static INTERFACE_NETWORK_PORT_MISMATCH = Rule {
        code: "ASE709",
        name: "interface-network-port-mismatch",
        severity: Severity::Error,
        summary: "a packet core interface's port has no static address, or its untagged virtual network is not the \
                  port's subnet and gateway",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let Some(core) = &network.packet_core else { return };
    let mut seen_networks = BTreeSet::new();
    let mut seen_ports = BTreeSet::new();
    for interface in core.interfaces().filter(|interface| network.interface_on_its_port(interface)) {
        let (Some(vnet), Some(port_id)) = (network.interface_network(interface), network.interface_port(interface))
        else {
            continue;
        };
        let Some(port) = network.port(port_id) else { continue };
        let name = core.describe(interface);
        let Some(addressing) = port.static_addressing() else {
            if seen_ports.insert(port_id) {
                let how = match port.config {
                    PortConfig::Dhcp { .. } => "takes its address from DHCP",
                    _ => "has no address",
                };
                sink.push(
                    Diagnostic::new(
                        &INTERFACE_NETWORK_PORT_MISMATCH,
                        port.span,
                        format!("{port_id}, the port of {name}, {how}"),
                    )
                    .with_primary_label("no static address")
                    .with_label(vnet.switch.span, format!("virtual network `{}` is on {port_id}", vnet.name.value))
                    .with_help(format!(
                        "give {port_id} a static `address` on its network: the packet core's ports have one, whose mask and \
                         gateway the interfaces' networks take (see docs/device-facts.md#ap5gc-interface-networks)"
                    )),
                );
            }
            continue;
        };
        if vnet.vlan.value != 0 || !seen_networks.insert(vnet.name.value.clone()) {
            continue;
        }
        let port_subnet = addressing.address.value.trunc();
        if vnet.net() != port_subnet {
            sink.push(
                Diagnostic::new(
                    &INTERFACE_NETWORK_PORT_MISMATCH,
                    vnet.subnet.span,
                    format!(
                        "virtual network `{}` ({name}) is untagged on {port_id} with subnet {}, but {port_id} is on \
                         {port_subnet}",
                        vnet.name.value,
                        vnet.net()
                    ),
                )
                .with_primary_label("not the port's subnet")
                .with_label(addressing.address.span, format!("{port_id}'s subnet {port_subnet}"))
                .with_help(format!(
                    "use {port_id}'s subnet mask and gateway for `{}` (subnet `{port_subnet}`), or put it on a VLAN of its own \
                     with `vlan` (see docs/device-facts.md#ap5gc-interface-networks)",
                    vnet.name.value
                )),
            );
            continue;
        }
        if let Some(gateway) = addressing.gateway.filter(|gateway| gateway.value != vnet.gateway.value) {
            sink.push(
                Diagnostic::new(
                    &INTERFACE_NETWORK_PORT_MISMATCH,
                    vnet.gateway.span,
                    format!(
                        "virtual network `{}` ({name}) has gateway {}, but {port_id}'s gateway is {}",
                        vnet.name.value, vnet.gateway.value, gateway.value
                    ),
                )
                .with_primary_label("not the port's gateway")
                .with_label(gateway.span, format!("{port_id}'s gateway"))
                .with_help(format!(
                    "use {port_id}'s gateway, `{}`, for `{}` (see docs/device-facts.md#ap5gc-interface-networks)",
                    gateway.value, vnet.name.value
                )),
            );
        }
    }
}
