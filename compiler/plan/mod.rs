//! What a change to a device file does to the running device: [`plan`] compares two resolved
//! networks (and the artifacts built from them) and classifies every difference by what
//! applying it takes. No IO: `cli/diff.rs` reads the files and prints the plan.
//!
//! The comparison is of meaning, not text: items are matched by identity (a port by its
//! name, a service by `namespace/name`, a route by interface and destination, a DNS record by
//! zone and name), so reordering the file, its tables or its keys, or spelling a default
//! out, changes nothing. Each section is a file with one function over both sides, `compare`
//! ([`SECTIONS`]); a new table of the model is a new file and one line there.

// One file per section (its `compare`; `SECTIONS` gives their order).
mod artifacts;
mod bgp_peers;
mod device;
mod dns;
mod kubernetes;
mod packet_core;
mod ports;
mod routes;
mod services;
mod switches;
mod virtual_ips;
mod virtual_networks;

pub mod classes;
pub mod drift;
pub mod facts;
pub mod render;

pub use facts::Fact;

use std::fmt::Display;

use crate::emit::OutputFile;
use crate::model::Network;

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
    device::compare,
    ports::compare,
    switches::compare,
    virtual_networks::compare,
    kubernetes::compare,
    services::compare,
    dns::compare,
    routes::compare,
    bgp_peers::compare,
    virtual_ips::compare,
    packet_core::compare,
];

/// What changes from `old` to `new`. Empty when the two mean the same.
pub fn plan(old: Side, new: Side) -> Plan {
    let mut changes = Vec::new();
    for section in SECTIONS {
        section(&old, &new, &mut changes);
    }
    // Last: it reads which sections changed.
    artifacts::compare(&old, &new, &mut changes);
    // Stable: within one subject the order of the section function stays.
    changes.sort_by(|a, b| b.class.cmp(&a.class).then(a.section.cmp(&b.section)).then(a.subject.cmp(&b.subject)));
    Plan { changes }
}

/// An optional address as a change shows it.
fn address(address: Option<std::net::Ipv4Addr>) -> String {
    address.map_or("(none)".to_owned(), |address| address.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORE: &str = include_str!("../../tests/diff/store.toml");

    /// `(class, section, subject, what, cause)` of each change from the store to `new`.
    fn changes(new: &str) -> Vec<(Class, Section, String, String, Option<String>)> {
        changes_between(STORE, new)
    }

    /// `(class, section, subject, what, cause)` of each change from `old` to `new` (the section
    /// files' tests use it too).
    pub(super) fn changes_between(old: &str, new: &str) -> Vec<(Class, Section, String, String, Option<String>)> {
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
