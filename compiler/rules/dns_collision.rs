use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, Severity, Sink, Span, declare_rule};
use crate::model::Network;
use crate::model::dns::{self, Owner, Record, Zone, ZoneKind};

declare_rule! {
    /// ## What it does
    /// Reports two records with one name in a zone that `asenet build` writes: two
    /// services with the same `hostname`; a `hostname` equal to a name the platform puts in
    /// the site zone `<device>.<domain>` (`compute`, `ecr`, `kubernetes-dashboard`,
    /// docs/device-facts.md#system-endpoints, docs/device-facts.md#names-and-dns, and `ns`, the
    /// zone's name server); in the cluster zone, a service whose `<name>.<namespace>.svc` is
    /// `kubernetes.default.svc` or `kube-dns.kube-system.svc` (see
    /// docs/device-facts.md#reserved-addresses).
    ///
    /// The device's own endpoints under `<device>.<domain>` count too, though the site zone
    /// does not carry them (their address is the device's, not a Kubernetes one): a
    /// `hostname` of `login` or `management` takes the name of the device's Azure Resource
    /// Manager endpoints (see docs/device-facts.md#names-and-dns).
    ///
    /// A `hostname` needs a LoadBalancer service and `device.domain`: without them it has
    /// nowhere to go, which is `missing-or-conflicting` (ASE006).
    ///
    /// Names collide whether or not the pool had an address for each service: a service
    /// that `pool-exhausted` reports as left without an address still owns its name.
    ///
    /// ## Why is this bad?
    /// A resolver answers a name with every address it has, in any order: clients reach
    /// either service at random, or a service instead of the Kubernetes API that
    /// `compute.<device>.<domain>` must reach (see docs/device-facts.md#names-and-dns). A service
    /// named `kube-dns` in `kube-system` would take the cluster's DNS name away from CoreDNS.
    ///
    /// ## Example
    /// ```toml
    /// [[services]]
    /// name = "web"
    /// namespace = "shop"
    /// type = "LoadBalancer"
    /// ports = [{ port = 443 }]
    /// hostname = "compute"
    /// ```
    ///
    /// ## Use instead
    /// A name of its own; with `share_ip`, services that share one address need the
    /// `hostname` on one of them only:
    /// ```toml
    /// hostname = "shop"
    /// ```
    pub static DNS_COLLISION = Rule {
        code: "ASE405",
        name: "dns-collision",
        severity: Severity::Error,
        summary: "two records with one name in an emitted zone",
    };
}

/// The device's endpoints under `<device>.<domain>` that are not in the site zone (see
/// docs/device-facts.md#names-and-dns).
const DEVICE_ENDPOINTS: &[(&str, &str)] =
    &[("login", "Azure Resource Manager login endpoint"), ("management", "Azure Resource Manager endpoint")];

pub(super) fn check(network: &Network, sink: &mut Sink) {
    for zone in dns::zones(network) {
        check_zone(&zone, sink);
        if zone.kind == ZoneKind::Site {
            check_device_endpoints(network, &zone, sink);
        }
    }
}

/// Reports a service `hostname` that is one of the device's own endpoint names (see
/// docs/device-facts.md#names-and-dns).
fn check_device_endpoints(network: &Network, zone: &Zone, sink: &mut Sink) {
    let Some(domain) = &network.device.domain else { return };
    for record in &zone.records {
        let Owner::Service(service) = &record.owner else { continue };
        let Some((name, what)) = DEVICE_ENDPOINTS.iter().find(|(name, _)| *name == record.name) else { continue };
        let fqdn = format!("{name}.{}", zone.origin);
        sink.push(
            Diagnostic::new(
                &DNS_COLLISION,
                service.hostname.as_ref().map_or(service.name.span, |hostname| hostname.span),
                format!("`{fqdn}` is the device's {what}"),
            )
            .with_primary_label(target(record))
            .with_label(
                domain.span,
                format!("the device's {what} is `{fqdn}` (see docs/device-facts.md#names-and-dns)"),
            )
            .with_help("give this service another `hostname`: the device's own endpoints keep their names"),
        );
    }
}

fn check_zone(zone: &Zone, sink: &mut Sink) {
    let mut first_by_name: BTreeMap<&str, &Record> = BTreeMap::new();
    for record in &zone.records {
        let Some(first) = first_by_name.get(record.name.as_str()).copied() else {
            first_by_name.insert(&record.name, record);
            continue;
        };
        // Two services with one namespace and name are `duplicate` (ASE007) already.
        if let (Owner::Service(a), Owner::Service(b)) = (&first.owner, &record.owner)
            && zone.kind == ZoneKind::Cluster
            && (&a.name.value, &a.namespace.value) == (&b.name.value, &b.namespace.value)
        {
            continue;
        }
        let Owner::Service(service) = &record.owner else { continue };
        let fqdn = format!("{}.{}", record.name, zone.origin);
        let (span, label) = match &first.owner {
            Owner::Platform { what, span } => (*span, format!("{what} is `{fqdn}`")),
            Owner::Service(other) => (
                other.hostname.as_ref().filter(|_| zone.kind == ZoneKind::Site).map_or(other.name.span, |h| h.span),
                format!("`{fqdn}` is `{}` already", other.qualified_name()),
            ),
        };
        let (primary, help): (Span, &str) = match (zone.kind, &first.owner) {
            (ZoneKind::Site, Owner::Platform { .. }) => (
                service.hostname.as_ref().map_or(service.name.span, |h| h.span),
                "give this service another `hostname`: the device's Kubernetes endpoints keep their names",
            ),
            (ZoneKind::Site, Owner::Service(_)) => (
                service.hostname.as_ref().map_or(service.name.span, |h| h.span),
                "give this service a `hostname` of its own; services that share an IP need it on one of them only",
            ),
            (ZoneKind::Cluster, _) => (service.name.span, "rename the service, or move it to a namespace of its own"),
        };
        sink.push(
            Diagnostic::new(&DNS_COLLISION, primary, format!("`{fqdn}` would have two records"))
                .with_primary_label(target(record))
                .with_label(span, label)
                .with_help(help),
        );
    }
}

/// `shop -> 192.168.10.40`, or what a service the pool left out will point at.
fn target(record: &Record) -> String {
    match record.address {
        Some(address) => format!("{} -> {address}", record.name),
        None => format!("{} -> no address yet: its pool ran out", record.name),
    }
}
