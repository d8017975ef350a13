use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::{Network, OnSubnet, on_subnet};

declare_rule! {
    /// ## What it does
    /// On a two-node device, reports a port whose two node addresses (`addresses`) are not
    /// on one subnet: another network, or another prefix length.
    ///
    /// This is also how each node's gateway is judged: `gateway-off-link` holds the
    /// gateway to the first node's subnet, and this rule holds the second node to that
    /// subnet, so a gateway is on-link for both nodes or one of the two rules says so.
    ///
    /// ## Why is this bad?
    /// A port of a two-node cluster is one network seen from two nodes: the port's
    /// gateway, DNS servers and virtual switch serve both, and the cluster's networks
    /// (`Get-DeviceVip` lists them) are the subnets the nodes share (see
    /// docs/device-facts.md#node-addresses). A node on another subnet cannot reach the
    /// gateway the port names, and the cluster does not see the port as one network: its
    /// traffic, and a virtual IP on it, fail over to a node that cannot carry them.
    ///
    /// ## Example
    /// ```toml
    /// [device]
    /// name = "store042"
    /// nodes = 2
    ///
    /// [ports.Port2]
    /// addresses = ["10.10.2.20/24", "10.10.3.21/24"]
    /// gateway = "10.10.2.1"
    /// ```
    ///
    /// ## Use instead
    /// Both nodes on the port's subnet:
    /// ```toml
    /// [ports.Port2]
    /// addresses = ["10.10.2.20/24", "10.10.2.21/24"]
    /// gateway = "10.10.2.1"
    /// ```
    pub static NODE_ADDRESSES_SPLIT = Rule {
        code: "ASE319",
        name: "node-addresses-split",
        severity: Severity::Error,
        summary: "a port's two node addresses are on two subnets",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    for port in &network.ports {
        let Some(addressing) = port.static_addressing() else { continue };
        let Some(second) = addressing.second_node else { continue };
        let first = addressing.address;
        let (first_net, second_net) = (first.value.trunc(), second.value.trunc());
        if first_net == second_net {
            continue;
        }
        let id = port.id;
        let mut diagnostic = Diagnostic::new(
            &NODE_ADDRESSES_SPLIT,
            second.span,
            format!("{id}'s node addresses are on two subnets, {first_net} and {second_net}"),
        )
        .with_primary_label(format!("node 2 is on {second_net}"))
        .with_label(first.span, format!("node 1 is on {first_net}"));
        if let Some(gateway) = addressing.gateway
            && on_subnet(second_net, gateway.value) != OnSubnet::Host
        {
            diagnostic =
                diagnostic.with_label(gateway.span, format!("gateway {} is off-link for node 2", gateway.value));
        }
        sink.push(diagnostic.with_help(format!(
            "give both nodes an address on one subnet with one prefix length, e.g. node 2 on {first_net}: the \
             port's gateway and virtual switch serve both nodes (see docs/device-facts.md#node-addresses)"
        )));
    }
}
