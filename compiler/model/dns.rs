//! The DNS zones asenet emits, as records listed from the model. This is the one list:
//! `dns-collision` (ASE405) checks it and the zone emitter writes it, so the check and the
//! artifact can never disagree.
//!
//! A service's record is listed even when allocation left the service without an address
//! (`address: None`; `pool-exhausted` reports that): whether two names collide does not
//! depend on whether the pool had room for both. Only records with an address are written.

use std::net::Ipv4Addr;

use super::names::is_dns_name;
use super::{Network, Service};
use crate::diagnostic::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZoneKind {
    /// `<cluster_domain>`: what CoreDNS's kubernetes plugin answers, for review only.
    Cluster,
    /// `<device>.<domain>`: for the site's DNS servers (see docs/device-facts.md#system-endpoints,
    /// docs/device-facts.md#names-and-dns).
    Site,
}

#[derive(Debug)]
pub struct Zone<'a> {
    pub kind: ZoneKind,
    /// The zone's name without the final dot: `cluster.local`, `seed-gpu.contoso.local`.
    pub origin: String,
    /// The record (relative name) that the zone's SOA and NS name as its server.
    pub nameserver: &'static str,
    /// Every A record in model order: the platform's names first, then services in file order.
    pub records: Vec<Record<'a>>,
}

#[derive(Debug)]
pub struct Record<'a> {
    /// The owner name relative to the origin: `compute`, `web.shop.svc`.
    pub name: String,
    /// `None` for a service that allocation left without an address.
    pub address: Option<Ipv4Addr>,
    pub owner: Owner<'a>,
}

/// Why a record exists.
#[derive(Debug)]
pub enum Owner<'a> {
    /// A name the platform defines, and the value in the file that brings it into the zone.
    Platform {
        what: &'static str,
        span: Span,
    },
    Service(&'a Service),
}

/// The zones of `network`: the cluster zone, then the site zone, each when it exists.
pub fn zones(network: &Network) -> Vec<Zone<'_>> {
    cluster_zone(network).into_iter().chain(site_zone(network)).collect()
}

/// The cluster zone, when Kubernetes is configured: `kubernetes.default.svc` (`.1`),
/// `kube-dns.kube-system.svc` (`.10`, docs/device-facts.md#reserved-addresses), the name server
/// `ns.dns` that CoreDNS answers with (kube-dns's address), and `<name>.<namespace>.svc` for every
/// service's cluster IP. A headless service (`cluster_ip = "None"`) has no cluster IP and no record
/// here.
pub fn cluster_zone(network: &Network) -> Option<Zone<'_>> {
    let kubernetes = network.kubernetes.as_ref()?;
    // `.1` and `.10` of the service CIDR (see docs/device-facts.md#reserved-addresses); `cidr-size`
    // makes sure the CIDR holds both.
    let base = u32::from(kubernetes.service_cidr.value.network());
    let (kubernetes_ip, kube_dns_ip) =
        (Ipv4Addr::from(base.saturating_add(1)), Ipv4Addr::from(base.saturating_add(10)));
    let span = kubernetes.service_cidr.span;
    let platform = |name: &str, address, what| Record {
        name: name.to_owned(),
        address: Some(address),
        owner: Owner::Platform { what, span },
    };
    let mut records = vec![
        platform("ns.dns", kube_dns_ip, "the cluster DNS server's name"),
        platform(
            "kubernetes.default.svc",
            kubernetes_ip,
            "the Kubernetes API service (see docs/device-facts.md#reserved-addresses)",
        ),
        platform(
            "kube-dns.kube-system.svc",
            kube_dns_ip,
            "the cluster DNS service (see docs/device-facts.md#reserved-addresses)",
        ),
    ];
    // A headless service's name answers with its ready pods' addresses (Kubernetes' DNS
    // specification), which exist only at run time: the zone has no record for it.
    records.extend(network.services.iter().filter(|service| service.headless.is_none()).map(|service| Record {
        name: format!("{}.{}.svc", service.name.value, service.namespace.value),
        address: service.allocated.cluster_ip,
        owner: Owner::Service(service),
    }));
    Some(Zone {
        kind: ZoneKind::Cluster,
        origin: kubernetes.cluster_domain.value.clone(),
        nameserver: "ns.dns",
        records,
    })
}

/// The site zone `<device>.<domain>` (the name lowercased), when the device has a name and
/// a `domain` that make a DNS name and Kubernetes is configured (every record in it is a
/// Kubernetes address): `compute`, `ecr` and
/// `kubernetes-dashboard` on the master node's IP (see docs/device-facts.md#system-endpoints,
/// docs/device-facts.md#names-and-dns), the name server `ns` (the first DNS server the device's
/// ports use, which is where the zone is to be served, else the master node), and each service's
/// `hostname` on its external IP.
pub fn site_zone(network: &Network) -> Option<Zone<'_>> {
    let name = network.device.name.as_ref()?;
    let domain = network.device.domain.as_ref()?;
    let kubernetes = network.kubernetes.as_ref()?;
    let origin = format!("{}.{}", name.value.to_ascii_lowercase(), domain.value);
    // A name or domain that breaks its naming rule is `invalid-name`'s to report; no zone
    // is made of it.
    if !is_dns_name(&origin) {
        return None;
    }
    let master = kubernetes.nodes.first().and_then(|node| node.address);
    let span = domain.span;
    let platform = |name: &str, address, what| Record {
        name: name.to_owned(),
        address: Some(address),
        owner: Owner::Platform { what, span },
    };
    let site_dns = network.ports.iter().filter_map(|port| match &port.config {
        super::PortConfig::Static(addressing) => addressing.dns.first().map(|server| server.value),
        _ => None,
    });
    let mut records: Vec<Record> = Vec::new();
    if let Some(server) = site_dns.chain(master).next() {
        records.push(platform("ns", server, "the zone's name server"));
    }
    if let Some(master) = master {
        records.push(platform("compute", master, "the Kubernetes API endpoint (see docs/device-facts.md#system-endpoints, docs/device-facts.md#names-and-dns)"));
        records.push(platform(
            "ecr",
            master,
            "the edge container registry (see docs/device-facts.md#system-endpoints)",
        ));
        records.push(platform(
            "kubernetes-dashboard",
            master,
            "the Kubernetes dashboard (see docs/device-facts.md#system-endpoints)",
        ));
    }
    records.extend(network.services.iter().filter_map(|service| {
        Some(Record {
            name: service.hostname.as_ref()?.value.clone(),
            address: service.allocated.external_ip,
            owner: Owner::Service(service),
        })
    }));
    Some(Zone { kind: ZoneKind::Site, origin, nameserver: "ns", records })
}
