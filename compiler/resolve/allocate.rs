//! Deterministic address allocation (SPEC §1): pinned addresses first, then every unpinned
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
    if let Some(pool) = kubernetes.service_ips {
        kubernetes.edgehub_ip = allocate_external_ips(pool.value, kubernetes.iot_edge, services);
    }
}

fn allocate_cluster_ips(service_cidr: Ipv4Net, services: &mut [Service]) {
    let service_cidr = service_cidr.trunc();
    let mut taken: BTreeSet<Ipv4Addr> = reserved_cluster_ips(service_cidr).into();
    taken.extend(services.iter().filter_map(|service| service.cluster_ip.map(|pin| pin.value)));
    let mut pool = Cursor::new(AddrRange::of_net(service_cidr), taken);
    for service in services {
        service.allocated.cluster_ip = match service.cluster_ip {
            Some(pin) => Some(pin.value),
            None => pool.next_free(),
        };
    }
}

/// Gives each LoadBalancer service (or `share_ip` group) one external IP; returns edgehub's.
fn allocate_external_ips(pool: AddrRange, iot_edge: bool, services: &mut [Service]) -> Option<Ipv4Addr> {
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
    range: AddrRange,
    next: Option<Ipv4Addr>,
    taken: BTreeSet<Ipv4Addr>,
}

impl Cursor {
    fn new(range: AddrRange, taken: BTreeSet<Ipv4Addr>) -> Self {
        Cursor { range, next: Some(range.first()), taken }
    }

    fn next_free(&mut self) -> Option<Ipv4Addr> {
        while let Some(candidate) = self.next {
            self.next =
                u32::from(candidate).checked_add(1).map(Ipv4Addr::from).filter(|next| self.range.contains(*next));
            if !self.taken.contains(&candidate) {
                return Some(candidate);
            }
        }
        None
    }
}
