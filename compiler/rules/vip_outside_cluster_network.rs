use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::{Keyword, Network, OnSubnet, on_subnet};

declare_rule! {
    /// ## What it does
    /// Reports a virtual IP whose `address` is not a host of its `cluster_network`: outside
    /// it, or its network or broadcast address.
    ///
    /// ## Why is this bad?
    /// "A virtual IP is an available IP in the cluster network. Any client connecting to the
    /// cluster network on the two-node device should be able to access this IP." (see
    /// docs/device-facts.md#virtual-ips). An address off that network is answered by neither
    /// node there, so Azure Consistent Services or the NFS shares cannot be reached through
    /// it.
    ///
    /// ## Example
    /// ```toml
    /// [[virtual_ips]]
    /// type = "ACS"
    /// address = "192.168.181.10"
    /// cluster_network = "10.126.72.0/21"
    /// ```
    ///
    /// ## Use instead
    /// An available address of the cluster network:
    /// ```toml
    /// [[virtual_ips]]
    /// type = "ACS"
    /// address = "10.126.72.10"
    /// cluster_network = "10.126.72.0/21"
    /// ```
    pub static VIP_OUTSIDE_CLUSTER_NETWORK = Rule {
        code: "ASE321",
        name: "vip-outside-cluster-network",
        severity: Severity::Error,
        summary: "a virtual IP is not a host address of its cluster network",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    for vip in &network.virtual_ips {
        let Some(address) = vip.static_address() else { continue };
        let cluster = vip.cluster_network;
        let what = match on_subnet(cluster.value, address.value) {
            OnSubnet::Host => continue,
            OnSubnet::Outside => "not on",
            OnSubnet::Network => "the network address of",
            OnSubnet::Broadcast => "the broadcast address of",
        };
        let kind = vip.kind.value.as_str();
        sink.push(
            Diagnostic::new(
                &VIP_OUTSIDE_CLUSTER_NETWORK,
                address.span,
                format!("the {kind} virtual IP {} is {what} its cluster network {}", address.value, cluster.value),
            )
            .with_primary_label(format!("{what} {}", cluster.value))
            .with_label(cluster.span, "the cluster network")
            .with_help(format!(
                "take an available host address of {}: clients on the cluster network reach the virtual IP there \
                 (see docs/device-facts.md#virtual-ips)",
                cluster.value
            )),
        );
    }
}
