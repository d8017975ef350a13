use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::{AddrRange, Kubernetes, Network, Service, cluster_ip_capacity, reserved_cluster_ips};
use crate::text::join;

declare_rule! {
    /// ## What it does
    /// Reports an address pool too small for what the file asks of it, once per pool:
    ///
    /// - the external service IPs (the MetalLB pool): each LoadBalancer service needs one
    ///   address, a `share_ip` group one for all its members, a pinned `load_balancer_ip`
    ///   its own; with `iot_edge = true`, `edgehub` needs one more (see
    ///   docs/device-facts.md#external-service-ips, docs/device-facts.md#edgehub); each of the
    ///   `iot_modules` and `vms` one more ("one additional IP for each extra service or module that
    ///   you'll deploy"; see: docs/device-facts.md#modules-and-vms). A LoadBalancer service in a
    ///   file without `service_ips` has a pool of 0. asenet counts modules and VMs but places no
    ///   address for them: the device gives them free addresses of the pool when they are deployed.
    /// - the service CIDR: every service needs a cluster IP of its own; the network
    ///   address, `.1`, `.10` and the broadcast address are reserved (see
    ///   docs/device-facts.md#reserved-addresses).
    ///
    /// The diagnostic gives what the pool holds and what is needed, and points at the first
    /// service left without an address. A pin outside its pool takes nothing from it (see
    /// `pinned-ip-invalid`).
    ///
    /// ## Why is this bad?
    /// "Modules show as running but do not have an IP assigned … the range of IPs you
    /// provided for Kubernetes external service IPs isn't sufficient. Extend this range"
    /// (see docs/device-facts.md#too-few-service-ips). A LoadBalancer service without an address
    /// stays `<pending>`, unreachable from the site; IoT Edge modules cannot reach `edgehub`. A
    /// full service CIDR refuses new services outright.
    ///
    /// ## Example
    /// ```toml
    /// [kubernetes]
    /// service_ips = "192.168.10.40-192.168.10.41"
    /// iot_edge = true
    ///
    /// [[services]]
    /// name = "web"
    /// type = "LoadBalancer"
    ///
    /// [[services]]
    /// name = "api"
    /// type = "LoadBalancer"
    /// ```
    ///
    /// ## Use instead
    /// Extend the range (external service IPs can be changed without a reboot,
    /// docs/device-facts.md#edgehub), or let services share one address with the same `share_ip`
    /// key (see docs/device-facts.md#shared-ips):
    /// ```toml
    /// [kubernetes]
    /// service_ips = "192.168.10.40-192.168.10.49"
    /// ```
    pub static POOL_EXHAUSTED = Rule {
        code: "ASE106",
        name: "pool-exhausted",
        severity: Severity::Error,
        summary: "external IPs fewer than the LoadBalancer IPs needed (+1 for edgehub), or the service \
                  CIDR has fewer free addresses than services",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let Some(kubernetes) = &network.kubernetes else { return };
    check_external_ips(kubernetes, &network.services, sink);
    check_cluster_ips(kubernetes, &network.services, sink);
}

fn check_external_ips(kubernetes: &Kubernetes, services: &[Service], sink: &mut Sink) {
    // What allocation saw: distinct pins inside the pool, one address per `share_ip` group
    // without a pin, one per other unpinned service, edgehub's, the modules' and the VMs'.
    let usage = &kubernetes.external_pool;
    let demand = usage.demand;
    let needed = demand.total();
    let capacity = usage.capacity;
    if usage.unserved.is_empty() && needed <= capacity {
        return;
    }
    let starved = usage.first_unserved_service().and_then(|index| services.get(index));

    let mut parts = Vec::new();
    if demand.edgehub {
        parts.push("1 for edgehub".to_owned());
    }
    match demand.iot_modules {
        0 => {}
        1 => parts.push("1 for an IoT Edge module".to_owned()),
        n => parts.push(format!("{n} for IoT Edge modules")),
    }
    match demand.vms {
        0 => {}
        1 => parts.push("1 for a VM".to_owned()),
        n => parts.push(format!("{n} for VMs")),
    }
    if demand.pinned > 0 {
        parts.push(format!("{} pinned", demand.pinned));
    }
    match demand.share_groups {
        0 => {}
        1 => parts.push("1 for a `share_ip` group".to_owned()),
        n => parts.push(format!("{n} for `share_ip` groups")),
    }
    if demand.lone_services > 0 {
        let first = demand.pinned == 0 && demand.share_groups == 0;
        parts.push(match (demand.lone_services, first) {
            (1, true) => "1 for a LoadBalancer service".to_owned(),
            (1, false) => "1 for another LoadBalancer service".to_owned(),
            (n, true) => format!("{n} for LoadBalancer services"),
            (n, false) => format!("{n} for other LoadBalancer services"),
        });
    }
    let needed_label = format!("needed: {}", join(&parts));
    let share = if demand.services() >= 2 {
        ", or let services share an address with one `share_ip` key (see docs/device-facts.md#shared-ips)"
    } else {
        ""
    };

    let mut diagnostic = match kubernetes.service_ips {
        Some(range) => {
            let example = u32::try_from(needed - 1)
                .ok()
                .and_then(|extra| u32::from(range.value.first()).checked_add(extra))
                .and_then(|last| AddrRange::new(range.value.first(), Ipv4Addr::from(last)))
                .filter(|example| example.size() == needed)
                .map(|example| format!(", e.g. `{example}`"))
                .unwrap_or_default();
            Diagnostic::new(
                &POOL_EXHAUSTED,
                range.span,
                format!(
                    "external service IP range {} holds {capacity} {}, but {needed} {} needed",
                    range.value,
                    addresses(capacity),
                    if needed == 1 { "is" } else { "are" }
                ),
            )
            .with_help(format!("extend the range to {needed} addresses or more{example} (see docs/device-facts.md#too-few-service-ips){share}"))
        }
        None => Diagnostic::new(
            &POOL_EXHAUSTED,
            kubernetes.header,
            format!(
                "`[kubernetes]` has no `service_ips`, but {needed} external {} needed",
                if needed == 1 { "IP is" } else { "IPs are" }
            ),
        )
        .with_help(format!(
            "add `service_ips = \"FIRST-LAST\"` with {needed} or more free addresses of the compute subnet (see docs/device-facts.md#external-service-ips, \
             docs/device-facts.md#edgehub){share}"
        )),
    }
    .with_primary_label(needed_label);
    if let Some(service) = starved {
        diagnostic = diagnostic
            .with_label(service.name.span, format!("`{}` is left without an external IP", service.qualified_name()));
    }
    for count in [kubernetes.iot_modules, kubernetes.vms].into_iter().flatten().filter(|count| count.value > 0) {
        let what = if Some(count) == kubernetes.vms { "VMs" } else { "IoT Edge modules" };
        diagnostic = diagnostic.with_label(
            count.span,
            format!("{} {what} take an external IP each (see docs/device-facts.md#too-few-service-ips)", count.value),
        );
    }
    if let Some(span) = kubernetes.iot_edge {
        let label = match kubernetes.edgehub_ip {
            Some(address) => format!("edgehub takes {address} (see docs/device-facts.md#edgehub)"),
            None => "edgehub is left without an external IP (see docs/device-facts.md#edgehub)".to_owned(),
        };
        diagnostic = diagnostic.with_label(span, label);
    }
    sink.push(diagnostic);
}

fn check_cluster_ips(kubernetes: &Kubernetes, services: &[Service], sink: &mut Sink) {
    let usage = &kubernetes.cluster_pool;
    let Some(starved) = usage.first_unserved_service().and_then(|index| services.get(index)) else { return };
    let capacity = usage.capacity;
    let needed = usage.demand.total();
    let cidr = kubernetes.service_cidr;
    let net = cidr.value.trunc();
    let reserved: Vec<Ipv4Addr> = reserved_cluster_ips(net).into_iter().map(|(address, _)| address).collect();

    let reserved_list: Vec<String> = reserved.iter().map(Ipv4Addr::to_string).collect();
    let wider = (12..net.prefix_len())
        .rev()
        .filter_map(|prefix| Ipv4Net::new(net.network(), prefix).ok().map(|wider| wider.trunc()))
        .find(|wider| cluster_ip_capacity(*wider) >= needed)
        .map(|wider| format!(", e.g. `{wider}`"))
        .unwrap_or_default();
    let cidr_name = if kubernetes.service_cidr_is_default() { "the default service CIDR" } else { "service CIDR" };
    sink.push(
        Diagnostic::new(
            &POOL_EXHAUSTED,
            cidr.span,
            format!(
                "{cidr_name} {} has {capacity} cluster {} for services, but {needed} are needed",
                cidr.value,
                if capacity == 1 { "IP" } else { "IPs" }
            ),
        )
        .with_primary_label(format!(
            "{} {} less {} reserved: {} (see docs/device-facts.md#reserved-addresses)",
            AddrRange::of_net(net).size(),
            addresses(AddrRange::of_net(net).size()),
            reserved.len(),
            join(&reserved_list)
        ))
        .with_label(starved.name.span, format!("`{}` is left without a cluster IP", starved.qualified_name()))
        .with_help(format!(
            "widen the service CIDR{wider}; cluster IPs cannot be shared, and the CIDR can only be changed before \
             compute is configured (see docs/device-facts.md#changing-cluster-cidrs)"
        )),
    );
}

fn addresses(count: u64) -> &'static str {
    if count == 1 { "address" } else { "addresses" }
}
