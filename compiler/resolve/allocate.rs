//! Deterministic address allocation (docs/input-format.md): pinned addresses first, then every unpinned
//! service in file order takes the lowest free address of its pool.
//!
//! Each pool is walked by one forward cursor over a sorted set of taken addresses, so
//! allocating n services costs O(n log n) whatever the size of the pool.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use crate::model::{
    AddrRange, Claimant, ClusterDemand, ExternalDemand, Kubernetes, PoolUsage, Service, ServiceType,
    cluster_ip_capacity, reserved_cluster_ips,
};

/// Gives every service its addresses and edgehub its external IP, and records in
/// `kubernetes` what each pool held, what was asked of it and who got nothing.
pub fn allocate(kubernetes: &mut Kubernetes, services: &mut [Service]) {
    kubernetes.cluster_pool = allocate_cluster_ips(kubernetes.service_cidr.value, services);
    allocate_external_ips(kubernetes, services);
}

fn allocate_cluster_ips(service_cidr: Ipv4Net, services: &mut [Service]) -> PoolUsage<ClusterDemand> {
    let service_cidr = service_cidr.trunc();
    let range = AddrRange::of_net(service_cidr);
    let reserved: BTreeSet<Ipv4Addr> =
        reserved_cluster_ips(service_cidr).into_iter().map(|(address, _)| address).collect();
    let pins: BTreeSet<Ipv4Addr> =
        services.iter().filter_map(|service| service.cluster_ip.map(|pin| pin.value)).collect();
    // A pin outside the CIDR or on a reserved address takes nothing from it
    // (`pinned-ip-invalid` judges it).
    let pinned = pins.iter().filter(|pin| range.contains(**pin) && !reserved.contains(pin)).count() as u64;
    let mut usage = PoolUsage {
        capacity: cluster_ip_capacity(service_cidr),
        demand: ClusterDemand { pinned, unpinned: 0 },
        unserved: Vec::new(),
    };
    let mut pool = Cursor::new(range, reserved.into_iter().chain(pins).collect());
    for (index, service) in services.iter_mut().enumerate() {
        service.allocated.cluster_ip = match (service.cluster_ip, service.headless) {
            (Some(pin), _) => Some(pin.value),
            (None, Some(_)) => None,
            (None, None) => {
                usage.demand.unpinned += 1;
                let address = pool.next_free();
                if address.is_none() {
                    usage.unserved.push(Claimant::Service(index));
                }
                address
            }
        };
    }
    usage
}

/// Gives edgehub and each LoadBalancer service (or `share_ip` group) one external IP.
/// Without a pool only pins are given: a pinned service has its address whatever the pool
/// (`pinned-ip-invalid` judges it), and only the unpinned ones run out.
fn allocate_external_ips(kubernetes: &mut Kubernetes, services: &mut [Service]) {
    let range = kubernetes.service_ips.map(|pool| pool.value);
    let iot_edge = kubernetes.iot_edge.is_some();
    let load_balancers = || services.iter().filter(|service| service.kind.value == ServiceType::LoadBalancer);
    // A sharing group takes the pin of its first pinned member; an unpinned group, what the
    // pool gave its first member (nothing, once the pool is used up).
    let mut shared: BTreeMap<String, Option<Ipv4Addr>> = BTreeMap::new();
    for service in load_balancers() {
        if let (Some(key), Some(pin)) = (&service.share_ip, service.load_balancer_ip) {
            shared.entry(key.value.clone()).or_insert(Some(pin.value));
        }
    }
    let taken: BTreeSet<Ipv4Addr> =
        load_balancers().filter_map(|service| service.load_balancer_ip.map(|pin| pin.value)).collect();
    // A pin outside the pool takes nothing from it.
    let pinned = taken.iter().filter(|pin| range.is_some_and(|range| range.contains(**pin))).count() as u64;
    let mut usage = PoolUsage {
        capacity: range.map_or(0, AddrRange::size),
        demand: ExternalDemand {
            edgehub: iot_edge,
            // Modules and VMs take addresses of the pool only when the device deploys them:
            // they are counted, not placed.
            iot_modules: kubernetes.iot_modules.map_or(0, |count| count.value as u64),
            vms: kubernetes.vms.map_or(0, |count| count.value as u64),
            pinned,
            share_groups: 0,
            lone_services: 0,
        },
        unserved: Vec::new(),
    };
    let mut pool = Cursor::new(range, taken);
    let edgehub = if iot_edge { pool.next_free() } else { None };
    if iot_edge && edgehub.is_none() {
        usage.unserved.push(Claimant::Edgehub);
    }
    for (index, service) in services.iter_mut().enumerate() {
        if service.kind.value != ServiceType::LoadBalancer {
            continue;
        }
        let address = match (service.load_balancer_ip, &service.share_ip) {
            (Some(pin), _) => Some(pin.value),
            (None, Some(key)) => *shared.entry(key.value.clone()).or_insert_with(|| {
                usage.demand.share_groups += 1;
                pool.next_free()
            }),
            (None, None) => {
                usage.demand.lone_services += 1;
                pool.next_free()
            }
        };
        if address.is_none() {
            usage.unserved.push(Claimant::Service(index));
        }
        service.allocated.external_ip = address;
    }
    kubernetes.edgehub_ip = edgehub;
    kubernetes.external_pool = usage;
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

    use crate::model::{Allocation, Claimant, ClusterDemand, ExternalDemand, Kubernetes};

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

    /// The `[kubernetes]` table after allocation, with what it recorded of each pool.
    fn kubernetes_of(kubernetes: &str, services: &str) -> Kubernetes {
        let checked = crate::check(&format!("{HEAD}\n[kubernetes]\n{kubernetes}\n{services}"));
        checked.network.expect("the text is TOML").kubernetes.expect("[kubernetes] resolves")
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

    #[test]
    fn each_pool_records_its_capacity_its_demand_and_who_got_nothing() {
        let lb = "type = \"LoadBalancer\"";
        let services = [
            service(
                "a",
                &format!("{lb}\nload_balancer_ip = \"192.168.10.40\"\nshare_ip = \"k\"\ncluster_ip = \"10.96.0.2\""),
            ),
            service("b", &format!("{lb}\nshare_ip = \"k\"\ncluster_ip = \"10.96.0.1\"")),
            service("c", &format!("{lb}\nload_balancer_ip = \"192.168.10.99\"")),
            service("d", &format!("{lb}\nload_balancer_ip = \"192.168.10.40\"")),
            service("e", &format!("{lb}\nshare_ip = \"g\"")),
            service("f", &format!("{lb}\nshare_ip = \"g\"")),
            service("g", lb),
            service("h", lb),
            service("i", "cluster_ip = \"None\""),
            service("j", &format!("{lb}\nshare_ip = \"z\"")),
            service("k", &format!("{lb}\nshare_ip = \"z\"")),
        ]
        .concat();
        let kubernetes = "node_ips = \"192.168.10.30-192.168.10.31\"\nservice_ips = \"192.168.10.40-192.168.10.43\"\n\
                          service_cidr = \"10.96.0.0/29\"\niot_edge = true\niot_modules = 2\nvms = 1";
        let kubernetes = kubernetes_of(kubernetes, &services);

        let external = &kubernetes.external_pool;
        assert_eq!(external.capacity, 4);
        assert_eq!(
            external.demand,
            ExternalDemand { edgehub: true, iot_modules: 2, vms: 1, pinned: 1, share_groups: 2, lone_services: 2 },
            ".40 is pinned twice and counts once; .99 is outside the pool and takes nothing from it"
        );
        assert_eq!(external.demand.total(), 9);
        assert_eq!(kubernetes.edgehub_ip, ip("192.168.10.41"));
        assert_eq!(
            external.unserved,
            [Claimant::Service(7), Claimant::Service(9), Claimant::Service(10)],
            "`g` and group `g` take .42 and .43; `h` and both members of group `z` find none"
        );
        assert_eq!(external.first_unserved_service(), Some(7));

        let cluster = &kubernetes.cluster_pool;
        assert_eq!(cluster.capacity, 5, "a /29 less .0, .1 and .7");
        assert_eq!(
            cluster.demand,
            ClusterDemand { pinned: 1, unpinned: 8 },
            "the pin on reserved .1 takes nothing; the headless `i` asks nothing"
        );
        assert_eq!(
            cluster.unserved,
            [6, 7, 9, 10].map(Claimant::Service),
            "`c`..`f` take .3 to .6; the rest find none"
        );
    }

    #[test]
    fn edgehub_without_a_pool_is_unserved_before_any_service() {
        let lb = "type = \"LoadBalancer\"";
        let services = [service("a", "cluster_ip = \"None\""), service("b", lb)].concat();
        let kubernetes = kubernetes_of("node_ips = \"192.168.10.30-192.168.10.31\"\niot_edge = true", &services);
        let external = &kubernetes.external_pool;
        assert_eq!(external.capacity, 0);
        assert_eq!(external.demand.total(), 2);
        assert_eq!(external.unserved, [Claimant::Edgehub, Claimant::Service(1)]);
        assert_eq!(external.first_unserved_service(), Some(1));
        assert!(kubernetes.cluster_pool.unserved.is_empty());
    }
}
