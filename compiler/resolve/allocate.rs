//! Deterministic address allocation (docs/input-format.md): pinned addresses first, then every unpinned
//! service in file order takes the lowest free address of its pool.
//!
//! Each pool is walked by one forward cursor over a sorted set of taken addresses, so
//! allocating n services costs O(n log n) whatever the size of the pool.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use crate::model::{AddrRange, Kubernetes, Service, ServiceType, reserved_cluster_ips};

pub fn allocate(kubernetes: &mut Kubernetes, services: &mut [Service]) {
    allocate_cluster_ips(kubernetes.service_cidr.value, services);
    let pool = kubernetes.service_ips.map(|pool| pool.value);
    kubernetes.edgehub_ip = allocate_external_ips(pool, kubernetes.iot_edge.is_some(), services);
}

fn allocate_cluster_ips(service_cidr: Ipv4Net, services: &mut [Service]) {
    let service_cidr = service_cidr.trunc();
    let mut taken: BTreeSet<Ipv4Addr> =
        reserved_cluster_ips(service_cidr).into_iter().map(|(address, _)| address).collect();
    taken.extend(services.iter().filter_map(|service| service.cluster_ip.map(|pin| pin.value)));
    let mut pool = Cursor::new(AddrRange::of_net(service_cidr), taken);
    for service in services {
        service.allocated.cluster_ip = match (service.cluster_ip, service.headless) {
            (Some(pin), _) => Some(pin.value),
            (None, Some(_)) => None,
            (None, None) => pool.next_free(),
        };
    }
}

/// Gives each LoadBalancer service (or `share_ip` group) one external IP; returns edgehub's.
/// Without a pool only pins are given: a pinned service has its address whatever the pool
/// (`pinned-ip-invalid` judges it), and only the unpinned ones run out.
fn allocate_external_ips(pool: Option<AddrRange>, iot_edge: bool, services: &mut [Service]) -> Option<Ipv4Addr> {
    let load_balancers = || services.iter().filter(|service| service.kind.value == ServiceType::LoadBalancer);
    // A sharing group takes the pin of its first pinned member.
    let mut shared: BTreeMap<String, Ipv4Addr> = BTreeMap::new();
    for service in load_balancers() {
        if let (Some(key), Some(pin)) = (&service.share_ip, service.load_balancer_ip) {
            shared.entry(key.value.clone()).or_insert(pin.value);
        }
    }
    let taken = load_balancers().filter_map(|service| service.load_balancer_ip.map(|pin| pin.value)).collect();
    let mut pool = Cursor::new(pool, taken);
    let edgehub = if iot_edge { pool.next_free() } else { None };
    for service in services.iter_mut().filter(|service| service.kind.value == ServiceType::LoadBalancer) {
        service.allocated.external_ip = match (service.load_balancer_ip, &service.share_ip) {
            (Some(pin), _) => Some(pin.value),
            (None, Some(key)) => match shared.get(&key.value) {
                Some(address) => Some(*address),
                None => {
                    let address = pool.next_free();
                    if let Some(address) = address {
                        shared.insert(key.value.clone(), address);
                    }
                    address
                }
            },
            (None, None) => pool.next_free(),
        };
    }
    edgehub
}

/// Hands out the free addresses of a range in ascending order.
struct Cursor {
    /// The next candidate, `None` once the range is used up.
    next: Option<Ipv4Addr>,
    last: Ipv4Addr,
    taken: BTreeSet<Ipv4Addr>,
}

impl Cursor {
    /// A cursor over `range`; over no range at all, one that never has a free address.
    fn new(range: impl Into<Option<AddrRange>>, taken: BTreeSet<Ipv4Addr>) -> Self {
        match range.into() {
            Some(range) => Cursor { next: Some(range.first()), last: range.last(), taken },
            None => Cursor { next: None, last: Ipv4Addr::UNSPECIFIED, taken },
        }
    }

    fn next_free(&mut self) -> Option<Ipv4Addr> {
        while let Some(candidate) = self.next {
            self.next = (candidate < self.last).then(|| Ipv4Addr::from(u32::from(candidate) + 1));
            if !self.taken.contains(&candidate) {
                return Some(candidate);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use crate::model::Allocation;

    const HEAD: &str = r#"
[device]
name = "fixture"

[ports.Port3]
address = "192.168.10.20/24"

[switches.vswitch-port3]
ports = ["Port3"]
compute = true
"#;

    /// What every service was given, and edgehub's external IP.
    fn allocate(kubernetes: &str, services: &str) -> (Vec<Allocation>, Option<Ipv4Addr>) {
        let checked = crate::check(&format!("{HEAD}\n[kubernetes]\n{kubernetes}\n{services}"));
        let network = checked.network.expect("the text is TOML");
        let addresses = network.services.iter().map(|service| service.allocated).collect();
        (addresses, network.kubernetes.expect("[kubernetes] resolves").edgehub_ip)
    }

    fn ip(text: &str) -> Option<Ipv4Addr> {
        Some(text.parse().unwrap())
    }

    fn service(name: &str, extra: &str) -> String {
        format!("[[services]]\nname = \"{name}\"\nnamespace = \"shop\"\nports = [{{ port = 80 }}]\n{extra}\n")
    }

    #[test]
    fn cluster_ips_skip_reserved_and_pinned_addresses() {
        let services = [
            service("a", ""),
            service("b", "cluster_ip = \"10.96.0.3\""),
            service("c", ""),
            (4..=13).map(|n| service(&format!("s{n}"), "")).collect(),
        ]
        .concat();
        let kubernetes = "node_ips = \"192.168.10.30-192.168.10.31\"\nservice_cidr = \"10.96.0.0/28\"";
        let (addresses, _) = allocate(kubernetes, &services);
        let cluster: Vec<_> = addresses.iter().map(|given| given.cluster_ip).collect();
        let expected: Vec<_> = ["2", "3", "4", "5", "6", "7", "8", "9", "11", "12", "13", "14"]
            .iter()
            .map(|last| ip(&format!("10.96.0.{last}")))
            .chain([None])
            .collect();
        assert_eq!(cluster, expected, ".0, .1, .10 and .15 are never handed out; the 13th service finds none");
    }

    #[test]
    fn a_small_service_cidr_reserves_only_what_it_holds() {
        let services = [service("a", ""), service("b", ""), service("c", "")].concat();
        let kubernetes = "node_ips = \"192.168.10.30-192.168.10.31\"\nservice_cidr = \"10.96.0.0/30\"";
        let (addresses, _) = allocate(kubernetes, &services);
        let cluster: Vec<_> = addresses.iter().map(|given| given.cluster_ip).collect();
        assert_eq!(cluster, [ip("10.96.0.2"), None, None]);
    }

    #[test]
    fn external_ips_pins_first_then_edgehub_then_file_order_with_sharing() {
        let lb = "type = \"LoadBalancer\"";
        let services = [
            service("a", lb),
            service("b", &format!("{lb}\nload_balancer_ip = \"192.168.10.40\"")),
            service("c", &format!("{lb}\nshare_ip = \"k\"")),
            service("d", &format!("{lb}\nshare_ip = \"k\"")),
            service("e", &format!("{lb}\nshare_ip = \"p\"")),
            service("f", &format!("{lb}\nshare_ip = \"p\"\nload_balancer_ip = \"192.168.10.49\"")),
            service("g", ""),
        ]
        .concat();
        let kubernetes = "node_ips = \"192.168.10.30-192.168.10.31\"\nservice_ips = \"192.168.10.40-192.168.10.49\"\niot_edge = true";
        let (addresses, edgehub) = allocate(kubernetes, &services);
        let external: Vec<_> = addresses.iter().map(|given| given.external_ip).collect();
        assert_eq!(edgehub, ip("192.168.10.41"));
        assert_eq!(
            external,
            [
                ip("192.168.10.42"),
                ip("192.168.10.40"),
                ip("192.168.10.43"),
                ip("192.168.10.43"),
                ip("192.168.10.49"),
                ip("192.168.10.49"),
                None,
            ]
        );
    }

    #[test]
    fn without_a_pool_pins_are_kept_and_the_rest_get_nothing() {
        let lb = "type = \"LoadBalancer\"";
        let services = [
            service("a", &format!("{lb}\nload_balancer_ip = \"192.168.10.40\"\nshare_ip = \"k\"")),
            service("b", &format!("{lb}\nshare_ip = \"k\"")),
            service("c", lb),
        ]
        .concat();
        let kubernetes = "node_ips = \"192.168.10.30-192.168.10.31\"\niot_edge = true";
        let (addresses, edgehub) = allocate(kubernetes, &services);
        let external: Vec<_> = addresses.iter().map(|given| given.external_ip).collect();
        assert_eq!(external, [ip("192.168.10.40"), ip("192.168.10.40"), None]);
        assert_eq!(edgehub, None);
    }

    #[test]
    fn a_pool_ending_at_the_last_address_ends_cleanly() {
        let lb = "type = \"LoadBalancer\"";
        let services = [service("a", lb), service("b", lb)].concat();
        let kubernetes = "node_ips = \"192.168.10.30-192.168.10.31\"\nservice_ips = \"255.255.255.255/32\"";
        let (addresses, _) = allocate(kubernetes, &services);
        let external: Vec<_> = addresses.iter().map(|given| given.external_ip).collect();
        assert_eq!(external, [ip("255.255.255.255"), None]);
    }
}
