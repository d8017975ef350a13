use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::{Located, Network, Service, ServiceType};

declare_rule! {
    /// ## What it does
    /// Reports pins that contradict each other:
    ///
    /// - two LoadBalancer services that pin one `load_balancer_ip` without a common
    ///   `share_ip` key (reported once per group of services that do share, against the
    ///   first service that pins the address);
    /// - services with one `share_ip` key that pin different addresses;
    /// - two services that pin one `cluster_ip`: a cluster IP is never shared.
    ///
    /// ## Why is this bad?
    /// MetalLB gives an address to two services only when they carry the same sharing key
    /// (see docs/device-facts.md#shared-ips); otherwise the second stays `<pending>`. A sharing
    /// group exists to share one address, so members pinning different ones contradict the group,
    /// and asenet could not say which address the group has. The API server refuses a second
    /// service with a cluster IP already allocated ("provided IP is already allocated").
    ///
    /// ## Example
    /// ```toml
    /// [[services]]
    /// name = "dns-tcp"
    /// type = "LoadBalancer"
    /// load_balancer_ip = "192.168.10.45"
    ///
    /// [[services]]
    /// name = "dns-udp"
    /// type = "LoadBalancer"
    /// load_balancer_ip = "192.168.10.45"
    /// ```
    ///
    /// ## Use instead
    /// One sharing key on both (see docs/device-facts.md#shared-ips):
    /// ```toml
    /// share_ip = "dns"
    /// ```
    pub static PINNED_IP_CONFLICT = Rule {
        code: "ASE108",
        name: "pinned-ip-conflict",
        severity: Severity::Error,
        summary: "two services pin one address without a common `share_ip`",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    if network.kubernetes.is_none() {
        return;
    }
    let load_balancers: Vec<&Service> =
        network.services.iter().filter(|service| service.kind.value == ServiceType::LoadBalancer).collect();
    check_shared_external_pins(&load_balancers, sink);
    check_sharing_groups(&load_balancers, sink);
    check_cluster_pins(&network.services, sink);
}

/// The services that pin each address, in file order.
fn by_address<'a>(
    services: &[&'a Service],
    pin: impl Fn(&Service) -> Option<Located<Ipv4Addr>>,
) -> BTreeMap<Ipv4Addr, Vec<(&'a Service, Located<Ipv4Addr>)>> {
    let mut pinned: BTreeMap<Ipv4Addr, Vec<(&Service, Located<Ipv4Addr>)>> = BTreeMap::new();
    for service in services {
        if let Some(pin) = pin(service) {
            pinned.entry(pin.value).or_default().push((service, pin));
        }
    }
    pinned
}

fn share_key(service: &Service) -> Option<&str> {
    service.share_ip.as_ref().map(|key| key.value.as_str())
}

fn check_shared_external_pins(load_balancers: &[&Service], sink: &mut Sink) {
    for (address, pinners) in by_address(load_balancers, |service| service.load_balancer_ip) {
        let (owner, owner_pin) = pinners[0];
        let owner_key = share_key(owner);
        // Services with one key form one group, reported once; a service without a key is a
        // group alone.
        let mut keys: BTreeSet<&str> = owner_key.into_iter().collect();
        for &(service, pin) in &pinners[1..] {
            let key = share_key(service);
            if key.is_some_and(|key| !keys.insert(key)) {
                continue;
            }
            let mut diagnostic = Diagnostic::new(
                &PINNED_IP_CONFLICT,
                pin.span,
                format!(
                    "load balancer IP {address} of `{}` is also pinned by `{}`",
                    service.qualified_name(),
                    owner.qualified_name()
                ),
            )
            .with_label(owner_pin.span, format!("`{}` pins {address} here", owner.qualified_name()));
            diagnostic = match (&service.share_ip, owner_key) {
                (None, _) => diagnostic.with_primary_label("pinned again, without `share_ip`"),
                (Some(key), None) => diagnostic.with_primary_label("pinned again").with_label(
                    key.span,
                    format!("`share_ip = \"{}\"` here, but `{}` has none", key.value, owner.qualified_name()),
                ),
                (Some(key), Some(owner_key)) => diagnostic.with_primary_label("pinned again").with_label(
                    key.span,
                    format!(
                        "`share_ip = \"{}\"` here, but `{}` has \"{owner_key}\"",
                        key.value,
                        owner.qualified_name()
                    ),
                ),
            };
            let help = match owner_key {
                Some(owner_key) => format!(
                    "to share the address, set `share_ip = \"{owner_key}\"` on `{}` as on `{}` (see docs/device-facts.md#shared-ips); \
                     otherwise pin another address",
                    service.qualified_name(),
                    owner.qualified_name()
                ),
                None => "to share the address, give both services one `share_ip` key (see docs/device-facts.md#shared-ips); otherwise pin another \
                         address"
                    .to_owned(),
            };
            sink.push(diagnostic.with_help(help));
        }
    }
}

fn check_sharing_groups(load_balancers: &[&Service], sink: &mut Sink) {
    let mut groups: BTreeMap<&str, Vec<(&Service, Located<Ipv4Addr>)>> = BTreeMap::new();
    for service in load_balancers {
        if let (Some(key), Some(pin)) = (share_key(service), service.load_balancer_ip) {
            groups.entry(key).or_default().push((service, pin));
        }
    }
    for (key, members) in groups {
        let (first, first_pin) = members[0];
        let mut reported = BTreeSet::from([first_pin.value]);
        for &(service, pin) in &members[1..] {
            if !reported.insert(pin.value) {
                continue;
            }
            sink.push(
                Diagnostic::new(
                    &PINNED_IP_CONFLICT,
                    pin.span,
                    format!(
                        "`{}` pins {}, but `{}` of the same `share_ip = \"{key}\"` pins {}",
                        service.qualified_name(),
                        pin.value,
                        first.qualified_name(),
                        first_pin.value
                    ),
                )
                .with_primary_label("a second address for one sharing group")
                .with_label(first_pin.span, format!("`{}` pins {} here", first.qualified_name(), first_pin.value))
                .with_help(format!(
                    "a `share_ip` group has one address: pin {} here too, or pin it on one member only",
                    first_pin.value
                )),
            );
        }
    }
}

fn check_cluster_pins(services: &[Service], sink: &mut Sink) {
    let services: Vec<&Service> = services.iter().collect();
    for (address, pinners) in by_address(&services, |service| service.cluster_ip) {
        let (owner, owner_pin) = pinners[0];
        for &(service, pin) in &pinners[1..] {
            sink.push(
                Diagnostic::new(
                    &PINNED_IP_CONFLICT,
                    pin.span,
                    format!(
                        "cluster IP {address} of `{}` is also pinned by `{}`",
                        service.qualified_name(),
                        owner.qualified_name()
                    ),
                )
                .with_primary_label("pinned twice")
                .with_label(owner_pin.span, format!("`{}` pins {address} here", owner.qualified_name()))
                .with_help(
                    "a cluster IP belongs to one service, `share_ip` or not: pin another address, or remove \
                     `cluster_ip` to have one allocated",
                ),
            );
        }
    }
}
