use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::{Network, PortId};

declare_rule! {
    /// ## What it does
    /// On a two-node device, reports a port whose two node addresses (`addresses`) are one
    /// address.
    ///
    /// Quiet on Port1 when it is left as each node's setup link (no gateway, no virtual
    /// switch): the device ships every node's Port1 with one static address, to be reached
    /// from a laptop cabled to it, and Microsoft's two-node sample keeps it so (see
    /// docs/device-facts.md#node-addresses).
    ///
    /// ## Why is this bad?
    /// Each node has its own interface on the port: two hosts answering ARP for one address
    /// on one network break each other's traffic, and the network readiness check fails on
    /// duplicate addresses (see docs/device-facts.md#no-overlaps: "Duplicate IP: Some IP
    /// addresses allocated to Azure Stack may be active on the network").
    ///
    /// ## Example
    /// ```toml
    /// [device]
    /// name = "store042"
    /// nodes = 2
    ///
    /// [ports.Port2]
    /// addresses = ["10.10.2.20/24", "10.10.2.20/24"]
    /// gateway = "10.10.2.1"
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [ports.Port2]
    /// addresses = ["10.10.2.20/24", "10.10.2.21/24"]
    /// gateway = "10.10.2.1"
    /// ```
    pub static NODE_ADDRESS_DUPLICATE = Rule {
        code: "ASE320",
        name: "node-address-duplicate",
        severity: Severity::Error,
        summary: "both nodes of a two-node device have one address on a port",
    };
}

/// The port every model sets up from a laptop (see docs/device-facts.md#port-defaults).
const SETUP_PORT: &str = "Port1";

pub(super) fn check(network: &Network, sink: &mut Sink) {
    for port in &network.ports {
        let Some(addressing) = port.static_addressing() else { continue };
        let Some(second) = addressing.second_node else { continue };
        let first = addressing.address;
        if first.value.addr() != second.value.addr() || is_setup_link(network, port.id, addressing.gateway.is_some()) {
            continue;
        }
        let (id, address) = (port.id, second.value.addr());
        sink.push(
            Diagnostic::new(&NODE_ADDRESS_DUPLICATE, second.span, format!("both nodes have {address} on {id}"))
                .with_primary_label("node 2's address")
                .with_label(first.span, "node 1's address")
                .with_help(format!(
                    "give each node its own free address on {}: two hosts answering for one address break each \
                     other (see docs/device-facts.md#no-overlaps)",
                    second.value.trunc()
                )),
        );
    }
}

/// Port1 with no gateway and no virtual switch: each node's own laptop link.
fn is_setup_link(network: &Network, id: PortId, has_gateway: bool) -> bool {
    id.to_string() == SETUP_PORT
        && !has_gateway
        && !network.switches.iter().any(|switch| switch.ports.iter().any(|port| port.value == id))
}
