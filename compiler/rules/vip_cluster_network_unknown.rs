use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::{Keyword, Network, PortConfig};

declare_rule! {
    /// ## What it does
    /// Reports a virtual IP whose `cluster_network` is the subnet of no port of the device,
    /// when every configured port has a static address (a DHCP port's subnet is not known
    /// until it has a lease, so then the rule stays quiet).
    ///
    /// ## Why is this bad?
    /// The cluster networks are the networks the nodes' ports are on: `Get-DeviceVip` lists
    /// them (`clusterNetworks`, each an address and a subnet mask), and `Set-DeviceVip`
    /// takes one of them by its address (`ClusterNetworkAddress`; see
    /// docs/device-facts.md#virtual-ips). A network no port is on is no cluster network:
    /// the device cannot place the virtual IP there.
    ///
    /// ## Example
    /// ```toml
    /// [ports.Port2]
    /// addresses = ["10.126.77.23/21", "10.126.76.65/21"]
    ///
    /// [[virtual_ips]]
    /// type = "NFS"
    /// address = "10.126.72.11"
    /// cluster_network = "10.126.72.0/24"
    /// ```
    ///
    /// ## Use instead
    /// The port's subnet, with its prefix length:
    /// ```toml
    /// cluster_network = "10.126.72.0/21"
    /// ```
    pub static VIP_CLUSTER_NETWORK_UNKNOWN = Rule {
        code: "ASE323",
        name: "vip-cluster-network-unknown",
        severity: Severity::Error,
        summary: "a virtual IP's cluster network is the subnet of no port",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    // A port that did not resolve (its error is reported) may be the one on that network.
    if network.unresolved.input_errors || network.ports.iter().any(|port| !matches!(port.config, PortConfig::Static(_)))
    {
        return;
    }
    let subnets: Vec<String> = {
        let mut subnets: Vec<_> = network
            .ports
            .iter()
            .filter_map(|port| port.static_addressing())
            .flat_map(|addressing| addressing.node_addresses().map(|(_, address)| address.value.trunc()))
            .collect();
        subnets.sort();
        subnets.dedup();
        subnets.iter().map(ToString::to_string).collect()
    };
    if subnets.is_empty() {
        return;
    }
    for vip in &network.virtual_ips {
        let cluster = vip.cluster_network;
        if subnets.contains(&cluster.value.to_string()) {
            continue;
        }
        let kind = vip.kind.value.as_str();
        sink.push(
            Diagnostic::new(
                &VIP_CLUSTER_NETWORK_UNKNOWN,
                cluster.span,
                format!("the {kind} virtual IP's cluster network {} is no port's subnet", cluster.value),
            )
            .with_primary_label("not a network the nodes are on")
            .with_help(format!(
                "name the subnet of the port the virtual IP is reached on, one of {} (see \
                 docs/device-facts.md#virtual-ips)",
                crate::text::join_or(&subnets)
            )),
        );
    }
}
