use std::net::Ipv4Addr;

use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::{AddrRange, Network};
use crate::rules::kubernetes_vms_label;
use crate::text::join;

declare_rule! {
    /// ## What it does
    /// Reports a node IP range with fewer addresses than the device has Kubernetes VMs:
    /// one master plus one worker per physical node, so 2 for a one-node device (master,
    /// worker1) and 3 for a two-node device (master, worker1, worker2). The VMs take the
    /// addresses in that order; the message names those left without one.
    ///
    /// Not on an Azure Private 5G Core site: with `[packet_core]`, Kubernetes is the AKS
    /// cluster that runs the packet core, whose node range is exactly six addresses and whose
    /// service range is one or two, which `aks-node-ips-not-six` (ASE701) and
    /// `aks-service-ips-count` (ASE702) check instead (see docs/device-facts.md#aks-node-ips).
    ///
    /// ## Why is this bad?
    /// "For an n-node device, a contiguous range of a minimum of n+1 IPv4 addresses (or
    /// more) are provided for the compute VM" (see docs/device-facts.md#node-ips), because "the
    /// 1-node device has one master node and one worker node" and "the 2-node Azure Stack Edge
    /// device has one master node and two worker nodes" (see docs/device-facts.md#kubernetes-vms).
    /// With fewer, compute cannot be configured. Some checklists say 2 for a two-node device too
    /// (see docs/device-facts.md#checklists); the tutorials and the topology (see
    /// docs/device-facts.md#kubernetes-vms) say 3, and asenet follows them.
    ///
    /// ## Example
    /// ```toml
    /// [device]
    /// nodes = 2
    ///
    /// [kubernetes]
    /// node_ips = "192.168.10.30-192.168.10.31"
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [kubernetes]
    /// node_ips = "192.168.10.30-192.168.10.32"
    /// ```
    pub static TOO_FEW_NODE_IPS = Rule {
        code: "ASE105",
        name: "too-few-node-ips",
        severity: Severity::Error,
        summary: "node IPs hold fewer than `device.nodes + 1` addresses, one per Kubernetes VM",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let Some(kubernetes) = &network.kubernetes else { return };
    if network.is_aks_site() {
        return;
    }
    let range = kubernetes.node_ips;
    let vms: Vec<&str> = kubernetes.nodes.iter().map(|node| node.name).collect();
    let needed = vms.len() as u64;
    let held = range.value.size();
    if held >= needed {
        return;
    }
    let without: Vec<&str> =
        kubernetes.nodes.iter().filter(|node| node.address.is_none()).map(|node| node.name).collect();
    let (device_span, device_label) = kubernetes_vms_label(network);
    let example = u32::from(range.value.first())
        .checked_add(needed as u32 - 1)
        .and_then(|last| AddrRange::new(range.value.first(), Ipv4Addr::from(last)));
    let mut help = format!(
        "give the range {needed} contiguous addresses, one each for {} (see docs/device-facts.md#node-ips, docs/device-facts.md#kubernetes-vms)",
        join(&vms)
    );
    if let Some(example) = example {
        help.push_str(&format!(": `{example}`, if those are free"));
    }
    sink.push(
        Diagnostic::new(
            &TOO_FEW_NODE_IPS,
            range.span,
            format!(
                "node IP range {} holds {held} {}, but {needed} Kubernetes VMs need one each",
                range.value,
                if held == 1 { "address" } else { "addresses" }
            ),
        )
        .with_primary_label(format!("no address left for {}", join(&without)))
        .with_label(device_span, device_label)
        .with_help(help),
    );
}
