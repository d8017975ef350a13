use super::{FleetDiagnostic, device_name, in_device};
use crate::diagnostic::{Diagnostic, Severity, Span, declare_rule};
use crate::fleet::sweep::{self, Item};
use crate::fleet::{FileId, Fleet, FleetDevice, Topology};
use crate::model::AddrRange;

declare_rule! {
    /// ## What it does
    /// Reports a device's Kubernetes range that collides with something the device
    /// reaches: its pod or service CIDR overlapping a fleet network its site reaches
    /// (`[[networks]] sites`) or another device's subnet that it meets; its node IP range
    /// or external pool overlapping a fleet network that does not hold the device's own
    /// subnet. A device's subnets are its static ports' prefixes and its virtual networks'
    /// address spaces (`[[virtual_networks]] subnet`).
    ///
    /// A default pod CIDR (`172.27.0.0/16`) or service CIDR (`172.28.0.0/16`) counts: the
    /// diagnostic then points at `[kubernetes]`.
    ///
    /// ## Why is this bad?
    /// Microsoft's instructions for the Kubernetes ranges: "Make sure that these are not in
    /// use in your network". Inside the cluster a pod or service CIDR wins over every
    /// route: pods can no longer reach the remote network or device that uses those
    /// addresses, and nothing reports it.
    ///
    /// ## Example
    /// ```toml
    /// # asenet-fleet.toml                  # store042.toml
    /// [[networks]]                         [kubernetes]
    /// name = "hq-lan"                      node_ips = "192.168.10.20-192.168.10.22"
    /// prefix = "172.27.0.0/16"             # pod_cidr defaults to 172.27.0.0/16
    /// sites = ["*"]
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [kubernetes]
    /// pod_cidr = "10.244.0.0/16"
    /// ```
    pub static FLEET_RANGE_COLLISION = Rule {
        kind: Fleet,
        code: "ASE603",
        name: "fleet-range-collision",
        severity: Severity::Error,
        summary: "a pod/service CIDR, node range or pool overlaps a network or subnet it reaches",
    };
}

/// What a swept range is. A pair is read in this order: the earlier class is the device's
/// range that collides, the later one what it reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    /// A pod or service CIDR.
    ClusterCidr,
    /// The node IP range or the external service IP pool: addresses on the device's link.
    OnLinkRange,
    /// A fleet network the device's site reaches.
    Network,
    /// A device's subnet (a static port's prefix, a virtual network's address space).
    Subnet,
}

use Class::{ClusterCidr, Network, OnLinkRange, Subnet};

#[derive(Clone, Copy)]
struct Held {
    /// The device, or the network's index for a fleet network.
    index: usize,
    class: Class,
    what: &'static str,
    span: Span,
}

pub fn check(fleet: &Fleet, devices: &[FleetDevice], topology: &Topology, found: &mut Vec<FleetDiagnostic>) {
    let mut items = Vec::new();
    let mut push = |group, class, range, index, what, span| {
        items.push(Item { group, class, range, value: Held { index, class, what, span } });
    };
    for (device, fleet_device) in devices.iter().enumerate() {
        let Some(network) = fleet_device.clean() else { continue };
        let group = topology.component[device];
        for subnet in crate::fleet::device_subnets(network) {
            push(group, Subnet, AddrRange::of_net(subnet.value), device, "subnet", subnet.span);
        }
        let Some(kubernetes) = &network.kubernetes else { continue };
        let default = |is_default| if is_default { kubernetes.header } else { Span::default() };
        let pod_span = if kubernetes.pod_cidr_is_default() { default(true) } else { kubernetes.pod_cidr.span };
        let service_span =
            if kubernetes.service_cidr_is_default() { default(true) } else { kubernetes.service_cidr.span };
        let pod_what = if kubernetes.pod_cidr_is_default() { "default pod CIDR" } else { "pod CIDR" };
        let service_what = if kubernetes.service_cidr_is_default() { "default service CIDR" } else { "service CIDR" };
        push(group, ClusterCidr, AddrRange::of_net(kubernetes.pod_cidr.value), device, pod_what, pod_span);
        push(group, ClusterCidr, AddrRange::of_net(kubernetes.service_cidr.value), device, service_what, service_span);
        push(group, OnLinkRange, kubernetes.node_ips.value, device, "node IP range", kubernetes.node_ips.span);
        if let Some(pool) = kubernetes.service_ips {
            push(group, OnLinkRange, pool.value, device, "external service IP pool", pool.span);
        }
    }
    for (group, reached) in topology.networks_reached.iter().enumerate() {
        for &index in reached {
            let network = &fleet.networks[index];
            push(group, Network, AddrRange::of_net(network.prefix.value), index, "network", network.prefix.span);
        }
    }
    let compared = |a: Class, b: Class| {
        let (low, high) = (a.min(b), a.max(b));
        matches!((low, high), (ClusterCidr, Network) | (ClusterCidr, Subnet) | (OnLinkRange, Network))
    };
    let wanted = |a: &Held, b: &Held| {
        let (range, target) = if a.class < b.class { (a, b) } else { (b, a) };
        match target.class {
            // Its own subnets are `cluster-cidr-collision`'s (ASE102), in the device alone.
            Subnet => range.index != target.index,
            // A node range or pool inside a subnet the network holds is the network's own.
            Network if range.class == OnLinkRange => {
                let prefix = fleet.networks[target.index].prefix.value;
                let network = devices[range.index].clean().expect("clean");
                !crate::fleet::device_subnets(network).any(|subnet| prefix.contains(&subnet.value))
            }
            _ => true,
        }
    };
    for (a, b, shared) in sweep::pairs(items, compared, wanted) {
        let (range, target) = if a.class < b.class { (a, b) } else { (b, a) };
        let device = range.index;
        let (target_name, file, related) = if target.class == Network {
            let network = &fleet.networks[target.index];
            let name = format!("fleet network `{}` ({})", network.name.value, network.prefix.value);
            (name, FileId::Fleet, format!("network `{}`, which the device's site reaches", network.name.value))
        } else {
            let name = format!("a subnet of {}", device_name(devices, target.index));
            (name, FileId::Device(target.index), format!("subnet of {}", device_name(devices, target.index)))
        };
        let message =
            format!("the {} of {} overlaps {target_name}, which it reaches", range.what, device_name(devices, device));
        let help = if range.class == ClusterCidr {
            "move the pod or service CIDR to a range that no network the device reaches uses"
        } else {
            "take the node IPs and the pool from the device's own subnet, outside every network it reaches"
        };
        let diagnostic = Diagnostic::new(&FLEET_RANGE_COLLISION, range.span, message)
            .with_primary_label(format!("{shared} is in both"))
            .with_help(help);
        found.push(in_device(device, diagnostic, (file, target.span, related)));
    }
}
