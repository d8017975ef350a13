use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use crate::diagnostic::{Diagnostic, Fix, Severity, Sink, declare_rule};
use crate::model::{Kubernetes, Located, Network};
use crate::rules::kubernetes_vms_label;

/// Calico gives each node blocks of this prefix length from the pod CIDR.
const POD_BLOCK_PREFIX: u8 = 26;
/// kube-apiserver refuses a larger service CIDR ("the mask must be >= 12").
const SERVICE_CIDR_LARGEST: u8 = 12;
/// The smallest service CIDR that holds `.10`, the address of `kube-dns` (see
/// docs/device-facts.md#reserved-addresses).
const SERVICE_CIDR_SMALLEST: u8 = 28;

declare_rule! {
    /// ## What it does
    /// Reports pod and service CIDRs of a size the cluster cannot use:
    ///
    /// - a service CIDR larger than /12 or smaller than /28 (error);
    /// - a pod CIDR smaller than one /26 per Kubernetes VM: 2 blocks for a one-node device
    ///   (master, worker1), so at least a /25, and 3 for a two-node device, so at least a
    ///   /24 (error);
    /// - a pod or service CIDR with host bits set, such as `10.96.0.1/16` (warning).
    ///
    /// ## Why is this bad?
    /// kube-apiserver refuses a service CIDR larger than /12 ("specified
    /// --service-cluster-ip-range is too large; for 32-bit addresses, the mask must be >=
    /// 12"), and the cluster never starts. A service CIDR smaller than /28 has no `.10`, the
    /// address `kube-dns` takes (see docs/device-facts.md#reserved-addresses), and at most four
    /// addresses for services.
    ///
    /// Calico hands pod addresses to each node in /26 blocks; a node that gets no block
    /// runs no pods. The cluster has one VM per physical node plus the master (see
    /// docs/device-facts.md#kubernetes-vms).
    ///
    /// The pod and service CIDRs can only be set before compute is configured (see
    /// docs/device-facts.md#changing-cluster-cidrs), so a wrong size means a reset later. Host bits
    /// are probably harmless: the official sample passes `-PodSubnet 10.96.0.1/16` (see
    /// docs/device-facts.md#changing-cluster-cidrs), but how the device treats them is not
    /// documented, and the network address says what is meant.
    ///
    /// ## Example
    /// ```toml
    /// [kubernetes]
    /// pod_cidr = "10.96.0.1/27"
    /// service_cidr = "10.0.0.0/8"
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [kubernetes]
    /// pod_cidr = "10.96.0.0/16"
    /// service_cidr = "10.97.0.0/16"
    /// ```
    pub static CIDR_SIZE = Rule {
        code: "ASE109",
        name: "cidr-size",
        severity: Severity::Error,
        summary: "service CIDR shorter than /12 or longer than /28; pod CIDR smaller than one /26 per node; \
                  (warning) host bits set",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let Some(kubernetes) = &network.kubernetes else { return };
    check_service_cidr(kubernetes.service_cidr, sink);
    check_pod_cidr(network, kubernetes, sink);
    for (cidr, what) in [(kubernetes.pod_cidr, "pod CIDR"), (kubernetes.service_cidr, "service CIDR")] {
        let network_address = cidr.value.trunc();
        if cidr.value == network_address {
            continue;
        }
        let diagnostic = Diagnostic::new(
            &CIDR_SIZE,
            cidr.span,
            format!("{what} {} has host bits set", cidr.value),
        )
        .with_primary_label(format!("the network is {network_address}"))
        .with_help(format!(
            "write `{network_address}`: the official sample (see docs/device-facts.md#changing-cluster-cidrs) has host bits too, but how the device treats them \
             is not documented"
        ));
        let fix = Fix::replace_string(
            format!("clear the host bits: `{network_address}`"),
            cidr.span,
            &network_address.to_string(),
        );
        sink.push(Diagnostic { severity: Severity::Warning, ..diagnostic.with_fix(fix) });
    }
}

fn check_service_cidr(cidr: Located<Ipv4Net>, sink: &mut Sink) {
    let prefix = cidr.value.prefix_len();
    let (message, label, suggested) = if prefix < SERVICE_CIDR_LARGEST {
        (
            format!("service CIDR {} is larger than /{SERVICE_CIDR_LARGEST}", cidr.value),
            "kube-apiserver refuses more than 2^20 service addresses".to_owned(),
            SERVICE_CIDR_LARGEST,
        )
    } else if prefix > SERVICE_CIDR_SMALLEST {
        let kube_dns = Ipv4Addr::from(u32::from(cidr.value.network()).saturating_add(10));
        (
            format!("service CIDR {} is smaller than /{SERVICE_CIDR_SMALLEST}", cidr.value),
            format!(
                "{} addresses, without {kube_dns} for kube-dns (see docs/device-facts.md#reserved-addresses)",
                1u64 << (32 - prefix)
            ),
            SERVICE_CIDR_SMALLEST,
        )
    } else {
        return;
    };
    let example = with_prefix(cidr.value, suggested);
    sink.push(Diagnostic::new(&CIDR_SIZE, cidr.span, message).with_primary_label(label).with_help(format!(
        "use a prefix from /{SERVICE_CIDR_LARGEST} to /{SERVICE_CIDR_SMALLEST}, e.g. `{example}`, on a block \
                 no site network uses; it can only be changed before compute is configured (see docs/device-facts.md#changing-cluster-cidrs)"
    )));
}

fn check_pod_cidr(network: &Network, kubernetes: &Kubernetes, sink: &mut Sink) {
    let cidr = kubernetes.pod_cidr;
    let vms: Vec<&str> = kubernetes.nodes.iter().map(|node| node.name).collect();
    let blocks = if cidr.value.prefix_len() > POD_BLOCK_PREFIX {
        0
    } else {
        1u64 << (POD_BLOCK_PREFIX - cidr.value.prefix_len())
    };
    if blocks >= vms.len() as u64 {
        return;
    }
    // The longest prefix that holds a /26 for every VM.
    let needed_prefix = POD_BLOCK_PREFIX - (vms.len() as u32).next_power_of_two().trailing_zeros() as u8;
    let example = with_prefix(cidr.value, needed_prefix);
    let held = match blocks {
        0 => format!("not even one /{POD_BLOCK_PREFIX}"),
        1 => format!("1 /{POD_BLOCK_PREFIX} block"),
        n => format!("{n} /{POD_BLOCK_PREFIX} blocks"),
    };
    let (device_span, device_label) = kubernetes_vms_label(network);
    sink.push(
        Diagnostic::new(
            &CIDR_SIZE,
            cidr.span,
            format!("pod CIDR {} holds {held}, but {} Kubernetes VMs need one each", cidr.value, vms.len()),
        )
        .with_primary_label(format!("{} addresses", 1u64 << (32 - cidr.value.prefix_len())))
        .with_label(device_span, device_label)
        .with_help(format!(
            "use a /{needed_prefix} or larger, e.g. `{example}`, on a block no site network uses; it can only be \
             changed before compute is configured (see docs/device-facts.md#changing-cluster-cidrs)"
        )),
    );
}

/// The network of `prefix` that holds `net`'s address.
fn with_prefix(net: Ipv4Net, prefix: u8) -> Ipv4Net {
    Ipv4Net::new(net.addr(), prefix).map(|net| net.trunc()).unwrap_or(net)
}
