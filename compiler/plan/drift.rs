//! `asenet drift`: the plan from what is on a device to what its file says, with what the
//! device's exports cannot show set aside. The device side is the import of the exports
//! (`crate::import`), checked like any device file; `cli/drift.rs` reads, checks and prints.
//!
//! What the exports do not carry (custom routes from `Get-HcsNetRoute`, a virtual network's
//! DNS servers, the pod and service CIDRs, ...) would otherwise show as drift. [`set_aside`]
//! copies those parts of the file onto the device side before the plan is made, and lists
//! each as not compared; nothing is reported as in sync that was not compared.

use std::fmt::Write as _;

use serde::Serialize;

use super::render::{self, Compared};
use super::{Change, Plan, Section};
use crate::escape::{markdown, terminal};
use crate::model::{DEFAULT_MTU, Network, PortId};

/// Which exports the device side was imported from, beyond `Get-DeviceConfiguration`'s.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Exports {
    /// `Get-DeviceVip`'s: the virtual IPs.
    pub vip: bool,
    /// `kubectl get services,ipaddresspools...`: the services and BGP peers.
    pub cluster: bool,
}

/// A part of the file no export shows: it was not compared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NotCompared {
    /// What the file holds: `custom routes (3)`.
    pub what: String,
    /// Where the device shows it, or why no export can.
    pub why: String,
}

/// The labels of the two sides of a drift plan: `before` is the device, `after` the file.
pub const SIDES: (&str, &str) = ("device", "file");

/// Copies onto `device` what no export shows, taken from `file_copy` (a copy of the device
/// file's network, moved piece by piece), and lists each such part the file has.
pub fn set_aside(device: &mut Network, file_copy: Network, exports: Exports) -> Vec<NotCompared> {
    let mut not_compared = Vec::new();
    let mut note = |what: String, why: &str| not_compared.push(NotCompared { what, why: why.to_owned() });
    let file = file_copy;
    if !file.routes.is_empty() {
        note(
            format!("custom routes ({})", file.routes.len()),
            "the configuration export has no routes: compare `Get-HcsNetRoute` with routes/apply-routes.ps1",
        );
    }
    device.routes = file.routes;
    if !exports.cluster {
        if !file.services.is_empty() {
            note(
                format!("services ({})", file.services.len()),
                "pass the cluster's export with --cluster to compare them",
            );
        }
        if !file.bgp_peers.is_empty() {
            note(
                format!("BGP peers ({})", file.bgp_peers.len()),
                "pass the cluster's export with --cluster to compare them",
            );
        }
        device.services = file.services;
        device.bgp_peers = file.bgp_peers;
    }
    if !exports.vip && !file.virtual_ips.is_empty() {
        note(format!("virtual IPs ({})", file.virtual_ips.len()), "pass `Get-DeviceVip`'s export with --vip");
        device.virtual_ips = file.virtual_ips;
    }
    // An MTU reaches the export on its port's switch only; the device's default is no MTU.
    let switched: std::collections::BTreeSet<PortId> =
        file.switches.iter().flat_map(|switch| switch.ports.iter().map(|port| port.value)).collect();
    let mut unswitched = 0;
    for file_port in &file.ports {
        let Some(port) = device.ports.iter_mut().find(|port| port.id == file_port.id) else { continue };
        if file_port.mtu.is_some() && !switched.contains(&file_port.id) {
            unswitched += 1;
            port.mtu = file_port.mtu;
        } else if port.mtu.is_none() && file_port.mtu.is_some_and(|mtu| mtu.value == DEFAULT_MTU) {
            port.mtu = file_port.mtu;
        }
    }
    if unswitched > 0 {
        note(
            format!("MTU of ports on no switch ({unswitched})"),
            "the export gives an MTU per virtual switch only: compare the port in the local UI",
        );
    }
    let mut dns = 0;
    for file_vnet in file.virtual_networks {
        let same = |vnet: &&mut crate::model::VirtualNetwork| {
            vnet.name.value == file_vnet.name.value && vnet.switch.value == file_vnet.switch.value
        };
        if let Some(vnet) = device.virtual_networks.iter_mut().find(same) {
            dns += usize::from(!file_vnet.dns.is_empty());
            vnet.dns = file_vnet.dns;
        }
    }
    if dns > 0 {
        note(
            format!("DNS servers of virtual networks ({dns})"),
            "the configuration export has no DNS servers for a virtual network: compare `Get-HcsVirtualNetwork`",
        );
    }
    if let (Some(on_device), Some(in_file)) = (device.kubernetes.as_mut(), file.kubernetes) {
        note(
            "pod and service CIDRs, cluster domain, IoT Edge, VM interface".to_owned(),
            "set when compute is configured, not in the configuration export: compare \
             `Get-HcsKubeClusterNetworkInfo`",
        );
        on_device.pod_cidr = in_file.pod_cidr;
        on_device.service_cidr = in_file.service_cidr;
        on_device.cluster_domain = in_file.cluster_domain;
        on_device.iot_edge = in_file.iot_edge;
        on_device.vm_interface = in_file.vm_interface;
        on_device.iot_modules = in_file.iot_modules;
        on_device.vms = in_file.vms;
        if !exports.cluster {
            on_device.edgehub_ip = in_file.edgehub_ip;
            on_device.external_pool = in_file.external_pool;
            on_device.cluster_pool = in_file.cluster_pool;
        }
    }
    if file.packet_core.is_some() {
        note("the packet core".to_owned(), "an Azure Private 5G Core site is Azure's: compare it in the Azure portal");
    }
    device.packet_core = file.packet_core;
    // The release is compared only when both sides name it: a file that names none takes the
    // newest layout, which says nothing of the device.
    match (device.device.software_version, file.device.software_version) {
        (Some(_), Some(_)) => {}
        (_, in_file) => device.device.software_version = in_file,
    }
    device.lint = file.lint;
    not_compared
}

/// The drift plan in the device's and the file's words: an item only one side has is
/// `only in the file` or `only on the device`, and a service pinned in the import (the
/// import pins every live address) at the address the file allocates is in sync.
pub fn in_sides_words(mut plan: Plan) -> Plan {
    plan.changes.retain(|change| !same_address_pinned(change));
    for change in &mut plan.changes {
        match change.what.as_str() {
            "added" => change.what = "only in the file".to_owned(),
            "removed" => change.what = "only on the device".to_owned(),
            _ => {}
        }
    }
    plan
}

fn same_address_pinned(change: &Change) -> bool {
    change.section == Section::Service
        && (change.what.ends_with(" pinned") || change.what.ends_with(" unpinned"))
        && change.before == change.after
}

/// The drift as terminal text: in sync, or the plan; then what was not compared.
pub fn human(compared: &[Compared], not_compared: &[NotCompared]) -> String {
    let mut out = String::new();
    for pair in compared {
        if pair.plan.changes.is_empty() {
            let (device, file) = (terminal::line(pair.old), terminal::line(pair.new));
            let _ = writeln!(out, "{device} and {file}: in sync on everything compared");
        }
    }
    if compared.iter().any(|pair| !pair.plan.changes.is_empty()) {
        out.push_str(&render::human(compared));
    }
    if !not_compared.is_empty() {
        out.push_str("\nnot compared (no export shows it):\n");
        for item in not_compared {
            let _ = writeln!(out, "  {}: {}", terminal::line(&item.what), terminal::line(&item.why));
        }
    }
    out
}

/// The drift as a Markdown comment: the plan as `diff` shows it, then what was not compared.
pub fn markdown(compared: &[Compared], not_compared: &[NotCompared]) -> String {
    let plan = render::markdown(compared);
    let mut out = plan.replacen("## asenet diff\n", "## asenet drift\n", 1);
    if compared.iter().all(|pair| pair.plan.changes.is_empty()) {
        out = out.replace("No change: both sides mean the same.", "In sync on everything compared.");
    }
    if !not_compared.is_empty() {
        out.push_str("\n### Not compared\n\n");
        for item in not_compared {
            let _ = writeln!(out, "- {}: {}", markdown::prose(&item.what), markdown::prose(&item.why));
        }
    }
    out
}

/// The drift as `diff`'s JSON plan, with `sides` (`before` is the device, `after` the file),
/// `in_sync` and `not_compared`.
pub fn json(compared: &[Compared], not_compared: &[NotCompared]) -> String {
    #[derive(Serialize)]
    struct Drift<'a> {
        in_sync: bool,
        not_compared: &'a [NotCompared],
    }
    let in_sync = compared.iter().all(|pair| pair.plan.changes.is_empty());
    render::json_with(compared, &Drift { in_sync, not_compared })
}
