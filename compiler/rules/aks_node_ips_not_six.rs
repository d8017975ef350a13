use std::net::Ipv4Addr;

use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::{AKS_NODE_IPS, AddrRange, Network};

declare_rule! {
    /// ## What it does
    /// On an Azure Private 5G Core site (a file with `[packet_core]`), reports a Kubernetes
    /// node range that is not exactly six addresses.
    ///
    /// Which rule sizes the node range: with `[packet_core]`, Kubernetes is the AKS cluster
    /// that runs the packet core, and this rule applies; without it, the device's own
    /// Kubernetes takes `nodes + 1` addresses and `too-few-node-ips` (ASE105) applies.
    ///
    /// ## Why is this bad?
    /// The prerequisites allocate "Six sequential IP addresses for the Azure Kubernetes
    /// Service on Azure Stack HCI (AKS-HCI) cluster nodes", and the commissioning steps say
    /// "Enter six IP addresses in a range for the node IP addresses on the management
    /// network" (see docs/device-facts.md#aks-node-ips). Microsoft's automation refuses any
    /// other range: "must contain 6 contiguous IP addresses". With fewer, the cluster
    /// cannot be created; more are not what the cluster takes.
    ///
    /// ## Example
    /// ```toml
    /// [kubernetes]
    /// node_ips = "10.232.40.20-10.232.40.24"
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [kubernetes]
    /// node_ips = "10.232.40.20-10.232.40.25"
    /// ```
    pub static AKS_NODE_IPS_NOT_SIX = Rule {
        code: "ASE701",
        name: "aks-node-ips-not-six",
        severity: Severity::Error,
        summary: "with `[packet_core]`, the node IP range is not six addresses",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let (Some(kubernetes), true) = (&network.kubernetes, network.is_aks_site()) else { return };
    let range = kubernetes.node_ips;
    let held = range.value.size();
    if held == AKS_NODE_IPS {
        return;
    }
    let six = u32::from(range.value.first())
        .checked_add(AKS_NODE_IPS as u32 - 1)
        .and_then(|last| AddrRange::new(range.value.first(), Ipv4Addr::from(last)));
    let mut help = "give `node_ips` six sequential addresses on the management network".to_owned();
    if let Some(six) = six {
        help.push_str(&format!(": `{six}`, if those are free"));
    }
    help.push_str(" (see docs/device-facts.md#aks-node-ips)");
    let mut diagnostic = Diagnostic::new(
        &AKS_NODE_IPS_NOT_SIX,
        range.span,
        format!(
            "node IP range {} holds {held} {}, but the AKS cluster of a packet core takes six",
            range.value,
            if held == 1 { "address" } else { "addresses" }
        ),
    )
    .with_primary_label(if held < AKS_NODE_IPS {
        "too few for the AKS cluster"
    } else {
        "more than the AKS cluster takes"
    });
    if let Some(core) = &network.packet_core {
        diagnostic = diagnostic.with_label(core.header, "the packet core runs on the device's AKS cluster");
    }
    sink.push(diagnostic.with_help(help));
}
