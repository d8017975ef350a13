//! What a change to a device file does to the running device: [`plan`] compares two resolved
//! networks (and the artifacts built from them) and classifies every difference by what
//! applying it takes. No IO: `cli/diff.rs` reads the files and prints the plan.
//!
//! The comparison is of meaning, not text: items are matched by identity (a port by its
//! name, a service by `namespace/name`, a route by interface and destination, a DNS record by
//! zone and name), so reordering the file, its tables or its keys, or spelling a default
//! out, changes nothing. Each section is one function over both sides ([`SECTIONS`]); a new
//! table of the model is a new function and one line there.

pub mod classes;
pub mod facts;
mod networks;
mod packet_core;
pub mod render;
mod routes;
mod services;

pub use facts::Fact;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Display;

use crate::emit::OutputFile;
use crate::model::dns::{self, ZoneKind};
use crate::model::{Keyword, Network, Port, PortConfig, PortId};

/// What applying a change takes, from least to most: the order is the severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Takes effect on the running device without touching what runs: a grown external IP
    /// range, a service added without moving another.
    AppliesLive,
    /// An artifact is applied again: the route script, `kubectl apply` of services.yaml, a
    /// reload of the site zone. Nothing a client sees changes address.
    Reapply,
    /// A service's external or cluster IP changes, or something clients use goes away:
    /// clients, pinned firewall rules and DNS caches see it.
    Disruptive,
    /// Compute must be torn down and configured again: pod or service CIDR, node IPs, the
    /// compute port or its network.
    Redeploy,
}

impl Class {
    pub const ALL: [Class; 4] = [Class::AppliesLive, Class::Reapply, Class::Disruptive, Class::Redeploy];

    pub fn as_str(self) -> &'static str {
        match self {
            Class::AppliesLive => "applies-live",
            Class::Reapply => "reapply",
            Class::Disruptive => "disruptive",
            Class::Redeploy => "redeploy",
        }
    }
}

/// The part of the device a change is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    Device,
    Port,
    Switch,
    /// `[[virtual_networks]]`: the VLANs on the switches.
    VirtualNetwork,
    Kubernetes,
    Service,
    Dns,
    Route,
    /// `[[bgp_peers]]` and MetalLB's mode (layer 2 or BGP).
    BgpPeer,
    /// `[[virtual_ips]]`: a two-node cluster's virtual IPs.
    VirtualIp,
    /// `[packet_core]`: the Azure Private 5G Core packet core and its data networks.
    PacketCore,
    /// An artifact that differs where no other change explains it.
    Artifact,
}

impl Section {
    pub fn as_str(self) -> &'static str {
        match self {
            Section::Device => "device",
            Section::Port => "port",
            Section::Switch => "switch",
            Section::VirtualNetwork => "virtual-network",
            Section::Kubernetes => "kubernetes",
            Section::Service => "service",
            Section::Dns => "dns",
            Section::Route => "route",
            Section::BgpPeer => "bgp-peer",
            Section::VirtualIp => "virtual-ip",
            Section::PacketCore => "packet-core",
            Section::Artifact => "artifact",
        }
    }
}

/// One difference between the two sides, with what applying it takes and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub class: Class,
    pub section: Section,
    /// What changed: `shop/api`, `Port3 192.168.20.0/24`, `seed-gpu.contoso.local ingest`.
    pub subject: String,
    /// Which property, or `added`, `removed`, `renamed`.
    pub what: String,
    pub before: Option<String>,
    pub after: Option<String>,
    /// Why the change has its class, as a sentence without the final period.
    pub reason: String,
    pub fact: &'static Fact,
    /// For a moved allocation: what moved it (`because `shop/web` was added before it`).
    pub cause: Option<String>,
    /// How to avoid the change, when there is a way (pin the old address).
    pub help: Option<String>,
    /// The device commands this change takes, in order (the route cmdlets).
    pub commands: Vec<String>,
}

impl Change {
    fn new(class: Class, section: Section, subject: impl Into<String>, what: impl Into<String>) -> Self {
        Change {
            class,
            section,
            subject: subject.into(),
            what: what.into(),
            before: None,
            after: None,
            reason: String::new(),
            fact: &facts::COMPUTE_IPS,
            cause: None,
            help: None,
            commands: Vec::new(),
        }
    }

    fn values(mut self, before: Option<impl Display>, after: Option<impl Display>) -> Self {
        self.before = before.map(|value| value.to_string());
        self.after = after.map(|value| value.to_string());
        self
    }

    fn because(mut self, reason: impl Into<String>, fact: &'static Fact) -> Self {
        self.reason = reason.into();
        self.fact = fact;
        self
    }
}

/// Every change, the worst class first, then by section and subject.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub changes: Vec<Change>,
}

impl Plan {
    /// The worst class of the plan; `None` when the two sides mean the same.
    pub fn class(&self) -> Option<Class> {
        self.changes.iter().map(|change| change.class).max()
    }

    /// The device commands of every change, in plan order: removals before additions, so
    /// that a replaced route is never present twice.
    pub fn commands(&self) -> Vec<&str> {
        routes::ordered_commands(&self.changes)
    }
}

/// One side of the comparison: a network without errors and its compared artifacts
/// ([`crate::emit::emit_compared`]).
#[derive(Clone, Copy)]
pub struct Side<'a> {
    pub network: &'a Network,
    pub artifacts: &'a [OutputFile],
}

type SectionFn = fn(&Side, &Side, &mut Vec<Change>);

/// The sections of the model, in the order a plan lists changes of the same class.
const SECTIONS: &[SectionFn] = &[
    device,
    ports,
    switches,
    networks::virtual_networks,
    kubernetes,
    services::compare,
    site_zone,
    routes::compare,
    networks::bgp_peers,
    networks::virtual_ips,
    packet_core::compare,
];

/// What changes from `old` to `new`. Empty when the two mean the same.
pub fn plan(old: Side, new: Side) -> Plan {
    let mut changes = Vec::new();
    for section in SECTIONS {
        section(&old, &new, &mut changes);
    }
    unexplained_artifacts(&old, &new, &mut changes);
    // Stable: within one subject the order of the section function stays.
    changes.sort_by(|a, b| b.class.cmp(&a.class).then(a.section.cmp(&b.section)).then(a.subject.cmp(&b.subject)));
    Plan { changes }
}

fn device(old: &Side, new: &Side, out: &mut Vec<Change>) {
    let (old, new) = (&old.network.device, &new.network.device);
    let hardware = "another model or node count is another device: compute is configured anew on it";
    if old.model.value != new.model.value {
        out.push(
            Change::new(Class::Redeploy, Section::Device, "device", "model")
                .values(Some(old.model.value.as_str()), Some(new.model.value.as_str()))
                .because(hardware, &facts::DEVICE_MODELS),
        );
    }
    if old.nodes.value != new.nodes.value {
        out.push(
            Change::new(Class::Redeploy, Section::Device, "device", "nodes")
                .values(Some(old.nodes.value.get()), Some(new.nodes.value.get()))
                .because(hardware, &facts::DEVICE_MODELS),
        );
    }
    let names = |device: &crate::model::Device| {
        device
            .node_names
            .as_ref()
            .map(|names| names.value.iter().map(|name| name.value.clone()).collect::<Vec<_>>().join(", "))
    };
    if names(old) != names(new) {
        out.push(
            Change::new(Class::Reapply, Section::Device, "device", "node names")
                .values(names(old).or(Some("(none)".into())), names(new).or(Some("(none)".into())))
                .because(
                    "device/network.json names each port's node: the rebuilt package applies only to a device whose \
                     nodes have these names",
                    &facts::NODE_NAMES,
                ),
        );
    }
    let (old_layout, new_layout) = (old.package_layout(), new.package_layout());
    if old_layout != new_layout {
        out.push(
            Change::new(Class::Reapply, Section::Device, "device", "package layout")
                .values(Some(old_layout.release()), Some(new_layout.release()))
                .because(
                    "device/network.json is written in the layout of another release: apply the rebuilt package to \
                     a device that runs it",
                    &facts::PACKAGE_LAYOUTS,
                ),
        );
    }
    let text = |value: &Option<crate::model::Located<String>>| value.as_ref().map(|v| v.value.clone());
    for (what, before, after) in
        [("name", text(&old.name), text(&new.name)), ("domain", text(&old.domain), text(&new.domain))]
    {
        if before != after {
            out.push(
                Change::new(Class::Reapply, Section::Device, "device", what)
                    .values(before.or(Some("(none)".into())), after.or(Some("(none)".into())))
                    .because("the site zone takes the new name: serve the new zone file", &facts::SITE_DNS),
            );
        }
    }
}

/// A port's settings, as text to show and compare.
fn port_settings(port: &Port) -> (String, Option<String>, Vec<String>) {
    match &port.config {
        PortConfig::Static(addressing) => (
            addressing.node_addresses().map(|(_, address)| address.value.to_string()).collect::<Vec<_>>().join(", "),
            addressing.gateway.map(|gateway| gateway.value.to_string()),
            addressing.dns.iter().map(|server| server.value.to_string()).collect(),
        ),
        PortConfig::Dhcp { .. } => ("DHCP".to_owned(), None, Vec::new()),
        PortConfig::Unconfigured => ("not configured".to_owned(), None, Vec::new()),
    }
}

fn compute_port(network: &Network) -> Option<PortId> {
    network.compute_port().map(|port| port.id)
}

fn ports(old: &Side, new: &Side, out: &mut Vec<Change>) {
    let (old, new) = (old.network, new.network);
    let computes = [compute_port(old), compute_port(new)];
    let ids: BTreeSet<PortId> = old.ports.iter().chain(&new.ports).map(|port| port.id).collect();
    for id in ids {
        let is_compute = computes.contains(&Some(id));
        let subject = id.to_string();
        let (before, after) = (old.port(id), new.port(id));
        let (class, reason, fact) = if is_compute {
            (Class::Redeploy, "the compute port's network is where the Kubernetes VMs live", &facts::COMPUTE_IPS)
        } else {
            (
                Class::Disruptive,
                "the device's address on this network changes for what reaches it",
                &facts::PORT_SETTINGS,
            )
        };
        match (before, after) {
            (None, Some(port)) => out.push(
                Change::new(if is_compute { class } else { Class::AppliesLive }, Section::Port, subject, "added")
                    .values(None::<String>, Some(port_settings(port).0))
                    .because("a newly configured port: set it in the local UI", &facts::PORT_SETTINGS),
            ),
            (Some(port), None) => out.push(
                Change::new(class, Section::Port, subject, "removed")
                    .values(Some(port_settings(port).0), None::<String>)
                    .because(reason, fact),
            ),
            (Some(old_port), Some(new_port)) => {
                let (old_address, old_gateway, old_dns) = port_settings(old_port);
                let (new_address, new_gateway, new_dns) = port_settings(new_port);
                if old_address != new_address {
                    out.push(
                        Change::new(class, Section::Port, &subject, "address")
                            .values(Some(old_address), Some(new_address))
                            .because(reason, fact),
                    );
                }
                if old_gateway != new_gateway {
                    let none = || "(none)".to_owned();
                    out.push(
                        Change::new(Class::Disruptive, Section::Port, &subject, "gateway")
                            .values(Some(old_gateway.unwrap_or_else(none)), Some(new_gateway.unwrap_or_else(none)))
                            .because("traffic through this port leaves by another router", &facts::PORT_SETTINGS),
                    );
                }
                if old_dns != new_dns {
                    out.push(
                        Change::new(Class::AppliesLive, Section::Port, &subject, "DNS servers")
                            .values(Some(old_dns.join(", ")), Some(new_dns.join(", ")))
                            .because("a port setting of the local UI; no address changes", &facts::PORT_SETTINGS),
                    );
                }
                let mtu = |port: &Port| port.mtu.map_or("default".to_owned(), |mtu| mtu.value.to_string());
                if mtu(old_port) != mtu(new_port) {
                    let (class, reason) = if is_compute {
                        (Class::Disruptive, "the Kubernetes VMs and pods take the compute switch's MTU")
                    } else {
                        (Class::AppliesLive, "a port setting of the local UI; no address changes")
                    };
                    out.push(
                        Change::new(class, Section::Port, &subject, "MTU")
                            .values(Some(mtu(old_port)), Some(mtu(new_port)))
                            .because(reason, &facts::PORT_SETTINGS),
                    );
                }
            }
            (None, None) => {}
        }
    }
}

fn switches(old: &Side, new: &Side, out: &mut Vec<Change>) {
    let describe = |network: &Network| -> BTreeMap<String, String> {
        network
            .switches
            .iter()
            .map(|switch| {
                let ports: Vec<String> = switch.ports.iter().map(|port| port.value.to_string()).collect();
                let compute = if switch.compute.is_some() { ", compute" } else { "" };
                (switch.name.value.clone(), format!("{}{compute}", ports.join(" + ")))
            })
            .collect()
    };
    let (before, after) = (describe(old.network), describe(new.network));
    let names: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    for name in names {
        let (was, is) = (before.get(name), after.get(name));
        if was == is {
            continue;
        }
        let compute = was.into_iter().chain(is).any(|text| text.ends_with(", compute"));
        let what = match (was, is) {
            (None, _) => "added",
            (_, None) => "removed",
            _ => "ports",
        };
        let change = Change::new(Class::AppliesLive, Section::Switch, name.as_str(), what).values(was, is);
        out.push(if compute {
            Change { class: Class::Redeploy, ..change }
                .because("compute moves to another virtual switch or port", &facts::COMPUTE_SWITCH)
        } else if what == "added" {
            change.because("a new virtual switch; compute stays where it is", &facts::COMPUTE_SWITCH)
        } else {
            Change { class: Class::Disruptive, ..change }
                .because("what uses this virtual switch loses or changes its port", &facts::COMPUTE_SWITCH)
        });
    }
}

fn kubernetes(old: &Side, new: &Side, out: &mut Vec<Change>) {
    let subject = "kubernetes";
    let (old_k, new_k) = match (&old.network.kubernetes, &new.network.kubernetes) {
        (None, None) => return,
        (Some(_), None) | (None, Some(_)) => {
            let what = if old.network.kubernetes.is_none() { "added" } else { "removed" };
            out.push(
                Change::new(Class::Redeploy, Section::Kubernetes, subject, what)
                    .because("compute is configured, or torn down, as a whole", &facts::COMPUTE_IPS),
            );
            return;
        }
        (Some(old_k), Some(new_k)) => (old_k, new_k),
    };
    let redeploy = |what: &str, before: String, after: String, reason: &str, fact| {
        (before != after).then(|| {
            Change::new(Class::Redeploy, Section::Kubernetes, subject, what)
                .values(Some(before), Some(after))
                .because(reason, fact)
        })
    };
    out.extend(redeploy(
        "node IPs",
        old_k.node_ips.value.to_string(),
        new_k.node_ips.value.to_string(),
        "the Kubernetes VMs take these addresses when compute is configured",
        &facts::COMPUTE_IPS,
    ));
    out.extend(redeploy(
        "pod CIDR",
        old_k.pod_cidr.value.to_string(),
        new_k.pod_cidr.value.to_string(),
        "set with Set-HcsKubeClusterNetworkInfo before compute is configured; the cluster is created with it",
        &facts::POD_AND_SERVICE_SUBNETS,
    ));
    out.extend(redeploy(
        "service CIDR",
        old_k.service_cidr.value.to_string(),
        new_k.service_cidr.value.to_string(),
        "set with Set-HcsKubeClusterNetworkInfo before compute is configured; the cluster is created with it",
        &facts::POD_AND_SERVICE_SUBNETS,
    ));
    out.extend(redeploy(
        "cluster domain",
        old_k.cluster_domain.value.clone(),
        new_k.cluster_domain.value.clone(),
        "the cluster's DNS domain is fixed when the cluster is created",
        &facts::KUBERNETES_NETWORKING,
    ));
    out.extend(redeploy(
        "IoT Edge",
        on_off(old_k.iot_edge.is_some()),
        on_off(new_k.iot_edge.is_some()),
        "the IoT Edge role is configured with compute",
        &facts::EDGEHUB,
    ));
    let range = |range: Option<crate::model::Located<crate::model::AddrRange>>| {
        range.map_or("(none)".to_owned(), |range| range.value.to_string())
    };
    if old_k.service_ips.map(|r| r.value) != new_k.service_ips.map(|r| r.value) {
        let grown = match (old_k.service_ips, new_k.service_ips) {
            (Some(before), Some(after)) => after.value.contains_range(before.value),
            (None, Some(_)) => true,
            _ => false,
        };
        let what = if grown { "external service IPs grown" } else { "external service IPs" };
        out.push(
            Change::new(Class::AppliesLive, Section::Kubernetes, subject, what)
                .values(Some(range(old_k.service_ips)), Some(range(new_k.service_ips)))
                .because(
                    "set in the local UI; the new range takes effect immediately, without a restart \
                     (services whose address moves are listed on their own)",
                    &facts::EXTERNAL_SERVICE_IPS,
                ),
        );
    }
    let count = |value: Option<crate::model::Located<i64>>| value.map_or(0, |count| count.value);
    for (what, before, after) in [
        ("IoT Edge modules", count(old_k.iot_modules), count(new_k.iot_modules)),
        ("VMs", count(old_k.vms), count(new_k.vms)),
    ] {
        if before != after {
            out.push(
                Change::new(Class::AppliesLive, Section::Kubernetes, subject, what)
                    .values(Some(before), Some(after))
                    .because(
                        "each takes an external service IP from the pool when it is deployed: the pool's demand \
                         changes (the check counts it), no address of a service moves",
                        &facts::MODULES_AND_VMS,
                    ),
            );
        }
    }
    if old_k.vm_interface.value != new_k.vm_interface.value {
        out.push(
            Change::new(Class::Reapply, Section::Kubernetes, subject, "VM interface")
                .values(Some(&old_k.vm_interface.value), Some(&new_k.vm_interface.value))
                .because("run the nodes' route files again on the new interface", &facts::CUSTOM_ROUTES),
        );
    }
    if old_k.edgehub_ip != new_k.edgehub_ip && old_k.iot_edge.is_some() && new_k.iot_edge.is_some() {
        out.push(
            Change::new(Class::Disruptive, Section::Kubernetes, subject, "edgehub external IP")
                .values(Some(address(old_k.edgehub_ip)), Some(address(new_k.edgehub_ip)))
                .because("IoT devices reach edgehub at this address", &facts::EDGEHUB),
        );
    }
}

fn on_off(on: bool) -> String {
    if on { "on" } else { "off" }.to_owned()
}

fn address(address: Option<std::net::Ipv4Addr>) -> String {
    address.map_or("(none)".to_owned(), |address| address.to_string())
}

/// The records of the site zone: the names the site's DNS servers answer. The cluster zone
/// is CoreDNS's own, built from the live Services: its changes follow the services'.
fn site_zone(old: &Side, new: &Side, out: &mut Vec<Change>) {
    type Records = BTreeMap<String, BTreeSet<std::net::Ipv4Addr>>;
    let records = |network: &Network| -> Option<(String, Records)> {
        let zone = dns::site_zone(network)?;
        debug_assert_eq!(zone.kind, ZoneKind::Site);
        let mut records = Records::new();
        for record in zone.records {
            // A record without an address (its pool ran out) is not served.
            if let Some(address) = record.address {
                records.entry(record.name).or_default().insert(address);
            }
        }
        Some((zone.origin, records))
    };
    let reload = "reload the site zone on the site's DNS servers";
    let (before, after) = (records(old.network), records(new.network));
    let (before, after) = match (before, after) {
        (None, None) => return,
        (before, after) if before.as_ref().map(|z| &z.0) != after.as_ref().map(|z| &z.0) => {
            out.push(
                Change::new(Class::Reapply, Section::Dns, "site zone", "zone")
                    .values(
                        Some(before.map_or("(none)".to_owned(), |zone| zone.0)),
                        Some(after.map_or("(none)".to_owned(), |zone| zone.0)),
                    )
                    .because("serve the new zone file on the site's DNS servers", &facts::SITE_DNS),
            );
            return;
        }
        (Some(before), Some(after)) => (before, after),
        _ => return,
    };
    let origin = before.0;
    let show = |addresses: &BTreeSet<std::net::Ipv4Addr>| {
        addresses.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
    };
    let mut removed: Vec<(&String, &BTreeSet<std::net::Ipv4Addr>)> =
        before.1.iter().filter(|(name, _)| !after.1.contains_key(*name)).collect();
    for (name, addresses) in &after.1 {
        match before.1.get(name) {
            Some(was) if was == addresses => {}
            Some(was) => out.push(
                Change::new(Class::Reapply, Section::Dns, format!("{origin} {name}"), "address")
                    .values(Some(show(was)), Some(show(addresses)))
                    .because(reload, &facts::SITE_DNS),
            ),
            None => {
                // The same addresses under a name that went away: a renamed record.
                let renamed = removed.iter().position(|(_, was)| *was == addresses);
                let change = match renamed.map(|index| removed.remove(index)) {
                    Some((old_name, _)) => {
                        Change::new(Class::Reapply, Section::Dns, format!("{origin} {name}"), "renamed")
                            .values(Some(old_name), Some(name))
                            .because(
                                format!(
                                    "{reload}; `{old_name}` stops resolving once it has, and after its TTL in caches"
                                ),
                                &facts::SITE_DNS,
                            )
                    }
                    None => Change::new(Class::Reapply, Section::Dns, format!("{origin} {name}"), "added")
                        .values(None::<String>, Some(show(addresses)))
                        .because(reload, &facts::SITE_DNS),
                };
                out.push(change);
            }
        }
    }
    for (name, addresses) in removed {
        out.push(
            Change::new(Class::Reapply, Section::Dns, format!("{origin} {name}"), "removed")
                .values(Some(show(addresses)), None::<String>)
                .because(format!("{reload}; the name stops resolving"), &facts::SITE_DNS),
        );
    }
}

/// Which sections feed an artifact: a differing artifact that none of them explains is a
/// change of its own, so that nothing the device is given escapes the plan.
fn feeds(path: &str) -> &'static [Section] {
    match path {
        "kubernetes/services.yaml" => &[Section::Service, Section::Kubernetes],
        _ if path.starts_with("metallb/") => &[Section::Kubernetes, Section::BgpPeer],
        _ if path.starts_with("network/") => &[Section::VirtualNetwork],
        "routes/apply-bgp.ps1" | "routes/remove-bgp.ps1" => &[Section::BgpPeer],
        _ if path.starts_with("dns/") => &[Section::Dns, Section::Device, Section::Service, Section::Kubernetes],
        _ if path.starts_with("private5g/") => &[Section::PacketCore, Section::VirtualNetwork, Section::Device],
        _ if path.starts_with("device/") => &[
            Section::Device,
            Section::Port,
            Section::Switch,
            Section::VirtualNetwork,
            Section::Kubernetes,
            Section::VirtualIp,
        ],
        _ => &[],
    }
}

fn unexplained_artifacts(old: &Side, new: &Side, out: &mut Vec<Change>) {
    let contents = |side: &Side| -> BTreeMap<String, String> {
        side.artifacts.iter().map(|file| (file.path.clone(), file.contents.clone())).collect()
    };
    let (before, after) = (contents(old), contents(new));
    let paths: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    let explained: BTreeSet<Section> = out.iter().map(|change| change.section).collect();
    for path in paths {
        if before.get(path) == after.get(path) || feeds(path).iter().any(|section| explained.contains(section)) {
            continue;
        }
        let what = match (before.contains_key(path), after.contains_key(path)) {
            (false, _) => "added",
            (_, false) => "removed",
            _ => "differs",
        };
        out.push(
            Change::new(Class::Reapply, Section::Artifact, path.as_str(), what)
                .because("apply the artifact again", &facts::KUBERNETES_NETWORKING),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORE: &str = include_str!("../../tests/diff/store.toml");

    /// `(class, section, subject, what, cause)` of each change from the store to `new`.
    fn changes(new: &str) -> Vec<(Class, Section, String, String, Option<String>)> {
        changes_between(STORE, new)
    }

    fn changes_between(old: &str, new: &str) -> Vec<(Class, Section, String, String, Option<String>)> {
        let side = |source: &str| {
            let network = crate::check(source).network.expect("TOML");
            let artifacts = crate::emit::emit_compared(&network).expect("no refusal");
            (network, artifacts)
        };
        let (old, new) = (side(old), side(new));
        let plan = plan(Side { network: &old.0, artifacts: &old.1 }, Side { network: &new.0, artifacts: &new.1 });
        plan.changes.into_iter().map(|c| (c.class, c.section, c.subject, c.what, c.cause)).collect()
    }

    #[test]
    fn the_compute_port_moving_is_a_redeploy_another_port_is_disruptive() {
        let moved = STORE.replace("address = \"192.168.10.20/24\"", "address = \"192.168.10.21/24\"");
        assert_eq!(changes(&moved), [(Class::Redeploy, Section::Port, "Port3".into(), "address".into(), None)]);
        let uplink = STORE.replace("gateway = \"10.42.2.1\"", "gateway = \"10.42.2.254\"");
        assert_eq!(changes(&uplink), [(Class::Disruptive, Section::Port, "Port2".into(), "gateway".into(), None)]);
        let switch = STORE.replace("[switches.vswitch-port3]\nports = [\"Port3\"]\ncompute = true\n", "[switches.vswitch-port3]\nports = [\"Port3\"]\ncompute = true\n\n[switches.vswitch-port2]\nports = [\"Port2\"]\n");
        assert_eq!(
            changes(&switch),
            [(Class::AppliesLive, Section::Switch, "vswitch-port2".into(), "added".into(), None)]
        );
    }

    #[test]
    fn a_changed_selector_is_disruptive() {
        let with = |labels: &str| {
            STORE.replacen("name = \"inventory\"\n", &format!("name = \"inventory\"\nselector = {{ {labels} }}\n"), 1)
        };
        let found = changes_between(&with("app = \"inventory\""), &with("app = \"stock\""));
        assert_eq!(found, [(Class::Disruptive, Section::Service, "shop/inventory".into(), "selector".into(), None)]);
    }

    #[test]
    fn services_that_change_places_name_each_other() {
        let pos = "[[services]]\nname = \"pos\"\nnamespace = \"shop\"\ntype = \"LoadBalancer\"\nports = [{ port = 443 }]\nhostname = \"pos\"\n\n";
        let swapped = STORE.replacen(pos, "", 1).replacen(
            "[[services]]\nname = \"inventory\"",
            &format!("{pos}[[services]]\nname = \"inventory\""),
            1,
        );
        let found = changes(&swapped);
        let external: Vec<_> =
            found.iter().filter(|c| c.3 == "external IP").map(|c| (c.2.as_str(), c.4.clone().unwrap())).collect();
        assert_eq!(
            external,
            [
                ("shop/api", "because `shop/pos` now comes after it".to_owned()),
                ("shop/pos", "because `shop/api` now comes before it".to_owned()),
            ]
        );
    }

    /// A two-node device with VIPs, per-node port addresses and a Private 5G Core network.
    const CLUSTER: &str = "[device]\nname = \"c\"\nnodes = 2\nnode_names = [\"N1\", \"N2\"]\n\
        [ports.Port2]\naddresses = [\"10.1.2.20/24\", \"10.1.2.21/24\"]\ngateway = \"10.1.2.1\"\ndns = [\"10.1.2.53\"]\n\
        [ports.Port5]\naddresses = [\"10.1.5.20/24\", \"10.1.5.21/24\"]\n\
        [switches.vswitch-port2]\nports = [\"Port2\"]\ncompute = true\n\
        [switches.vswitch-port5]\nports = [\"Port5\"]\n\
        [kubernetes]\nnode_ips = \"10.1.2.30-10.1.2.36\"\n\
        [[virtual_networks]]\nname = \"N3\"\nswitch = \"vswitch-port5\"\nvlan = 0\nsubnet = \"10.1.5.0/24\"\n\
        gateway = \"10.1.5.1\"\nkubernetes = true\nip_pool = \"10.1.5.40-10.1.5.40\"\n\
        [[virtual_ips]]\ntype = \"ACS\"\naddress = \"10.1.2.10\"\ncluster_network = \"10.1.2.0/24\"\n";

    #[test]
    fn the_model_additions_are_compared_and_classified() {
        assert_eq!(changes_between(CLUSTER, CLUSTER), []);
        let node2 = CLUSTER.replace("\"10.1.5.21/24\"", "\"10.1.5.22/24\"");
        assert_eq!(
            changes_between(CLUSTER, &node2),
            [(Class::Disruptive, Section::Port, "Port5".into(), "address".into(), None)]
        );
        let compute_node2 = CLUSTER.replace("\"10.1.2.21/24\"", "\"10.1.2.22/24\"");
        assert_eq!(changes_between(CLUSTER, &compute_node2)[0].0, Class::Redeploy);
        let pool = CLUSTER.replace("10.1.5.40-10.1.5.40", "10.1.5.41-10.1.5.41");
        assert_eq!(
            changes_between(CLUSTER, &pool),
            [(Class::Redeploy, Section::VirtualNetwork, "N3 on vswitch-port5".into(), "IP pool".into(), None)]
        );
        let without_kubernetes = |text: &str| text.replace("kubernetes = true\n", "");
        let vm_pool = changes_between(&without_kubernetes(CLUSTER), &without_kubernetes(&pool));
        assert_eq!(
            vm_pool,
            [(Class::Reapply, Section::VirtualNetwork, "N3 on vswitch-port5".into(), "IP pool".into(), None)]
        );
        let enabled = changes_between(&without_kubernetes(CLUSTER), CLUSTER);
        assert_eq!(
            enabled,
            [(Class::Redeploy, Section::VirtualNetwork, "N3 on vswitch-port5".into(), "Kubernetes".into(), None)]
        );
        let moved = CLUSTER.replace("address = \"10.1.2.10\"", "address = \"10.1.2.11\"");
        assert_eq!(
            changes_between(CLUSTER, &moved),
            [(Class::Disruptive, Section::VirtualIp, "ACS virtual IP".into(), "address".into(), None)]
        );
        let nfs = format!("{CLUSTER}[[virtual_ips]]\ntype = \"NFS\"\ndhcp = true\ncluster_network = \"10.1.2.0/24\"\n");
        assert_eq!(
            changes_between(CLUSTER, &nfs),
            [(Class::Reapply, Section::VirtualIp, "NFS virtual IP".into(), "added".into(), None)]
        );
        let renamed = CLUSTER.replace("[\"N1\", \"N2\"]", "[\"N1\", \"N9\"]");
        assert_eq!(
            changes_between(CLUSTER, &renamed),
            [(Class::Reapply, Section::Device, "device".into(), "node names".into(), None)]
        );
    }

    #[test]
    fn classes_are_ordered_by_what_they_take() {
        assert!(Class::AppliesLive < Class::Reapply && Class::Reapply < Class::Disruptive);
        assert!(Class::Disruptive < Class::Redeploy);
        assert_eq!(Plan::default().class(), None);
    }

    #[test]
    fn an_artifact_no_section_explains_is_a_change() {
        let source = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/seed-scenario.toml"))
            .expect("the example is there");
        let network = crate::check(&source).network.expect("the example is TOML");
        let before = [OutputFile { path: "metallb/x.yaml".into(), contents: "a".into() }];
        let after = [OutputFile { path: "metallb/x.yaml".into(), contents: "b".into() }];
        let plan = plan(Side { network: &network, artifacts: &before }, Side { network: &network, artifacts: &after });
        assert_eq!(plan.changes.len(), 1);
        assert_eq!((plan.changes[0].section, plan.changes[0].what.as_str()), (Section::Artifact, "differs"));
    }
}
