//! Services: matched by `namespace/name`, then a removed and an added service with the same
//! settings are one renamed service. Allocation is positional (pins first, then file order),
//! so a service added, removed or moved can move the address of every unpinned service after
//! it; each such move is named with what caused it and how to pin the old address.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use super::{Change, Class, Section, Side, facts};
use crate::model::{AddrRange, Keyword, Network, Service, ServiceType};

/// Everything of a service but its name: what a rename keeps.
fn settings(service: &Service) -> impl PartialEq + '_ {
    let ports: Vec<_> = service
        .ports
        .iter()
        .map(|port| {
            (
                port.port.value,
                port.protocol.value,
                port.target_port.as_ref().map(|t| &t.value),
                port.node_port.map(|n| n.value),
            )
        })
        .collect();
    (
        service.kind.value,
        ports,
        service.load_balancer_ip.map(|pin| pin.value),
        service.cluster_ip.map(|pin| pin.value),
        service.headless.is_some(),
        service.share_ip.as_ref().map(|key| &key.value),
        service.hostname.as_ref().map(|name| &name.value),
        service.selector.as_ref().map(|labels| &labels.value),
    )
}

fn ports_text(service: &Service) -> String {
    service
        .ports
        .iter()
        .map(|port| {
            let target = port.target_port.as_ref().map(|t| format!("->{}", t.value)).unwrap_or_default();
            format!("{}/{}{target}", port.port.value, port.protocol.value.as_str())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn describe(service: &Service) -> String {
    let mut text = format!("{} {}", service.kind.value.as_str(), ports_text(service));
    if let Some(address) = service.allocated.external_ip {
        text.push_str(&format!(", external IP {address}"));
    }
    if let Some(address) = service.allocated.cluster_ip {
        text.push_str(&format!(", cluster IP {address}"));
    }
    text
}

/// The two sides' services paired: `pairs` (old index, new index) in new file order.
struct Matching {
    pairs: Vec<(usize, usize)>,
    /// Old index -> new index, and back.
    new_of_old: BTreeMap<usize, usize>,
    old_of_new: BTreeMap<usize, usize>,
}

fn matching(old: &[Service], new: &[Service]) -> Matching {
    let key = |service: &Service| (service.namespace.value.clone(), service.name.value.clone());
    let old_by_key: BTreeMap<_, usize> = old.iter().enumerate().map(|(index, s)| (key(s), index)).collect();
    let mut new_of_old = BTreeMap::new();
    for (index, service) in new.iter().enumerate() {
        if let Some(&old_index) = old_by_key.get(&key(service)) {
            new_of_old.entry(old_index).or_insert(index);
        }
    }
    let mut old_of_new: BTreeMap<usize, usize> = new_of_old.iter().map(|(&o, &n)| (n, o)).collect();
    // Renames: each unmatched new service takes the first unmatched old one with its settings.
    let mut unmatched_old: Vec<usize> = (0..old.len()).filter(|index| !new_of_old.contains_key(index)).collect();
    for (index, service) in new.iter().enumerate() {
        if old_of_new.contains_key(&index) {
            continue;
        }
        let wanted = settings(service);
        if let Some(position) = unmatched_old.iter().position(|&o| settings(&old[o]) == wanted) {
            let old_index = unmatched_old.remove(position);
            new_of_old.insert(old_index, index);
            old_of_new.insert(index, old_index);
        }
    }
    let pairs = old_of_new.iter().map(|(&n, &o)| (o, n)).collect();
    Matching { pairs, new_of_old, old_of_new }
}

pub fn compare(old: &Side, new: &Side, out: &mut Vec<Change>) {
    let (old_net, new_net) = (old.network, new.network);
    let (old_services, new_services) = (&old_net.services, &new_net.services);
    let matching = matching(old_services, new_services);
    let kubectl = "kubectl apply -f kubernetes/services.yaml";
    for (index, service) in new_services.iter().enumerate() {
        if !matching.old_of_new.contains_key(&index) {
            out.push(
                Change::new(Class::AppliesLive, Section::Service, service.qualified_name(), "added")
                    .values(None::<String>, Some(describe(service)))
                    .because(
                        format!("`{kubectl}` adds it; services whose address it moves are listed on their own"),
                        &facts::KUBERNETES_SERVICES,
                    ),
            );
        }
    }
    for (index, service) in old_services.iter().enumerate() {
        if !matching.new_of_old.contains_key(&index) {
            out.push(
                Change::new(Class::Disruptive, Section::Service, service.qualified_name(), "removed")
                    .values(Some(describe(service)), None::<String>)
                    .because(
                        format!(
                            "its clients lose it: `kubectl delete service -n {} {}` (apply does not delete)",
                            service.namespace.value, service.name.value
                        ),
                        &facts::KUBERNETES_SERVICES,
                    ),
            );
        }
    }
    let context = Context::new(old_net, new_net, &matching);
    for &(old_index, new_index) in &matching.pairs {
        let (was, is) = (&old_services[old_index], &new_services[new_index]);
        let subject = is.qualified_name();
        if was.qualified_name() != is.qualified_name() {
            out.push(
                Change::new(Class::Disruptive, Section::Service, &subject, "renamed")
                    .values(Some(was.qualified_name()), Some(is.qualified_name()))
                    .because(
                        format!(
                            "the Service is recreated under its new name and cluster DNS name: delete the old one \
                             (`kubectl delete service -n {} {}`), then `{kubectl}`",
                            was.namespace.value, was.name.value
                        ),
                        &facts::KUBERNETES_SERVICES,
                    ),
            );
        }
        if was.kind.value != is.kind.value {
            out.push(
                Change::new(Class::Reapply, Section::Service, &subject, "type")
                    .values(Some(was.kind.value.as_str()), Some(is.kind.value.as_str()))
                    .because(format!("`{kubectl}` changes it in place"), &facts::KUBERNETES_SERVICES),
            );
        }
        let (ports_was, ports_is) = (ports_text(was), ports_text(is));
        if ports_was != ports_is {
            let lost = was.ports.iter().any(|port| {
                !is.ports.iter().any(|p| {
                    (p.port.value, p.protocol.value, p.target_port.as_ref().map(|t| &t.value))
                        == (port.port.value, port.protocol.value, port.target_port.as_ref().map(|t| &t.value))
                })
            });
            let (class, reason) = if lost {
                (Class::Disruptive, format!("clients of a port it no longer serves lose it; then `{kubectl}`"))
            } else {
                (Class::Reapply, format!("`{kubectl}` adds the ports in place"))
            };
            out.push(
                Change::new(class, Section::Service, &subject, "ports")
                    .values(Some(ports_was), Some(ports_is))
                    .because(reason, &facts::KUBERNETES_SERVICES),
            );
        }
        out.extend(context.address(Pool::External, old_index, new_index));
        out.extend(context.address(Pool::Cluster, old_index, new_index));
        let selector = |service: &Service| {
            service.selector.as_ref().map_or("(none)".to_owned(), |labels| {
                labels.value.iter().map(|(key, value)| format!("{key}={value}")).collect::<Vec<_>>().join(", ")
            })
        };
        if selector(was) != selector(is) {
            out.push(
                Change::new(Class::Disruptive, Section::Service, &subject, "selector")
                    .values(Some(selector(was)), Some(selector(is)))
                    .because(
                        format!("the Service sends its traffic to other pods; then `{kubectl}`"),
                        &facts::KUBERNETES_SERVICES,
                    ),
            );
        }
        let key = |service: &Service| service.share_ip.as_ref().map(|key| key.value.clone());
        if key(was) != key(is) && is.kind.value == ServiceType::LoadBalancer {
            out.push(
                Change::new(Class::Reapply, Section::Service, &subject, "sharing key")
                    .values(Some(key(was).unwrap_or("(none)".into())), Some(key(is).unwrap_or("(none)".into())))
                    .because(
                        format!("`{kubectl}` updates MetalLB's sharing annotation"),
                        &facts::KUBERNETES_NETWORKING,
                    ),
            );
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Pool {
    External,
    Cluster,
}

impl Pool {
    fn name(self) -> &'static str {
        match self {
            Pool::External => "external IP",
            Pool::Cluster => "cluster IP",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Pool::External => "load_balancer_ip",
            Pool::Cluster => "cluster_ip",
        }
    }

    fn allocated(self, service: &Service) -> Option<Ipv4Addr> {
        match self {
            Pool::External => service.allocated.external_ip,
            Pool::Cluster => service.allocated.cluster_ip,
        }
    }

    fn pin(self, service: &Service) -> Option<Ipv4Addr> {
        match self {
            Pool::External => service.load_balancer_ip.map(|pin| pin.value),
            Pool::Cluster => service.cluster_ip.map(|pin| pin.value),
        }
    }

    /// Whether the service takes an address of this pool at all.
    fn draws(self, service: &Service) -> bool {
        self == Pool::Cluster || service.kind.value == ServiceType::LoadBalancer
    }
}

/// What is the same for every moved service of one pool, computed once: the plan of a file
/// with 10,000 services that all move stays linear but for the moves themselves.
struct Background {
    /// Changes of the pool itself, of edgehub, and of other services' pins.
    general: Vec<String>,
    /// New indices of added services that draw from the pool, in order.
    added: Vec<usize>,
    /// Old indices of removed services that drew from the pool, in order.
    removed: Vec<usize>,
    /// Every address pinned on the new side.
    pinned: BTreeSet<Ipv4Addr>,
}

struct Context<'a> {
    old: &'a Network,
    new: &'a Network,
    matching: &'a Matching,
    external: Background,
    cluster: Background,
}

impl<'a> Context<'a> {
    fn new(old: &'a Network, new: &'a Network, matching: &'a Matching) -> Self {
        let background = |pool| Context::background(old, new, matching, pool);
        Context { old, new, matching, external: background(Pool::External), cluster: background(Pool::Cluster) }
    }

    fn background(old: &Network, new: &Network, matching: &Matching, pool: Pool) -> Background {
        let mut general = Vec::new();
        let (old_k, new_k) = (old.kubernetes.as_ref(), new.kubernetes.as_ref());
        if pool == Pool::External {
            match (old_k.and_then(|k| k.edgehub_ip), new_k.and_then(|k| k.edgehub_ip)) {
                (Some(was), None) => general.push(format!("IoT Edge's edgehub no longer holds {was}")),
                (None, Some(is)) => general.push(format!("IoT Edge's edgehub now takes {is}")),
                (Some(was), Some(is)) if was != is => {
                    general.push(format!("IoT Edge's edgehub moved from {was} to {is}"))
                }
                _ => {}
            }
        }
        let pins_old: BTreeSet<Ipv4Addr> = old.services.iter().filter_map(|s| pool.pin(s)).collect();
        let pinned: BTreeSet<Ipv4Addr> = new.services.iter().filter_map(|s| pool.pin(s)).collect();
        let newly: Vec<usize> = (0..new.services.len())
            .filter(|&index| pool.pin(&new.services[index]).is_some_and(|pin| !pins_old.contains(&pin)))
            .collect();
        let (names, count) = first_names(new, &newly);
        push_names(&mut general, &names, count, "now pins an address", "now pin addresses");
        if pins_old.iter().any(|pin| !pinned.contains(pin)) {
            general.push("a pin of another service was removed".to_owned());
        }
        let added = (0..new.services.len())
            .filter(|index| !matching.old_of_new.contains_key(index) && drawing(pool, &new.services[*index]))
            .collect();
        let removed = (0..old.services.len())
            .filter(|index| !matching.new_of_old.contains_key(index) && drawing(pool, &old.services[*index]))
            .collect();
        Background { general, added, removed, pinned }
    }

    fn background_of(&self, pool: Pool) -> &Background {
        match pool {
            Pool::External => &self.external,
            Pool::Cluster => &self.cluster,
        }
    }

    /// The change of one service's address in `pool`, with its cause when allocation moved it.
    fn address(&self, pool: Pool, old_index: usize, new_index: usize) -> Option<Change> {
        let (was, is) = (&self.old.services[old_index], &self.new.services[new_index]);
        let (before, after) = (pool.allocated(was), pool.allocated(is));
        let subject = is.qualified_name();
        let fact = &facts::KUBERNETES_NETWORKING;
        if before == after {
            let (pin_was, pin_is) = (pool.pin(was), pool.pin(is));
            if pin_was == pin_is {
                return None;
            }
            let what =
                if pin_is.is_some() { format!("{} pinned", pool.name()) } else { format!("{} unpinned", pool.name()) };
            return Some(
                Change::new(Class::AppliesLive, Section::Service, subject, what)
                    .values(before.map(|a| a.to_string()), after.map(|a| a.to_string()))
                    .because("the address stays: nothing to apply", fact),
            );
        }
        let clients = match pool {
            Pool::External => {
                "clients outside the cluster, firewall rules and DNS caches that hold the old address lose it"
            }
            Pool::Cluster => "pods and DNS caches that hold the old address lose it",
        };
        let mut change = Change::new(Class::Disruptive, Section::Service, subject, pool.name())
            .values(Some(super::address(before)), Some(super::address(after)))
            .because(format!("{clients}; then `kubectl apply -f kubernetes/services.yaml`"), fact);
        if pool.pin(is).is_none() && after.is_some() {
            change.cause = Some(self.cause(pool, old_index, new_index, before));
            if let Some(old_address) = before
                && !self.background_of(pool).pinned.contains(&old_address)
                && self.holds(pool, old_address)
            {
                change.help = Some(format!(
                    "to keep {old_address}, pin it: `{} = \"{old_address}\"` in the `[[services]]` entry of `{}`",
                    pool.key(),
                    is.qualified_name()
                ));
            }
        }
        Some(change)
    }

    /// The pool as a cause: when its first address moved, or it no longer holds `before`.
    /// A range grown at its end moves nobody.
    fn range_moved(&self, pool: Pool, before: Option<Ipv4Addr>) -> Option<String> {
        let (old_k, new_k) = (self.old.kubernetes.as_ref()?, self.new.kubernetes.as_ref()?);
        let (old_range, new_range, what) = match pool {
            Pool::External => (old_k.service_ips?.value, new_k.service_ips?.value, "the external service IP range"),
            Pool::Cluster => (
                AddrRange::of_net(old_k.service_cidr.value.trunc()),
                AddrRange::of_net(new_k.service_cidr.value.trunc()),
                "the service CIDR",
            ),
        };
        let lost = before.is_some_and(|address| !new_range.contains(address));
        (old_range.first() != new_range.first() || lost)
            .then(|| format!("{what} changed from {old_range} to {new_range}"))
    }

    /// Whether `address` is in the new side's pool, so that pinning it is valid.
    fn holds(&self, pool: Pool, address: Ipv4Addr) -> bool {
        let Some(kubernetes) = &self.new.kubernetes else { return false };
        match pool {
            Pool::External => kubernetes.service_ips.is_some_and(|range| range.value.contains(address)),
            Pool::Cluster => kubernetes.service_cidr.value.contains(&address),
        }
    }

    /// Why the unpinned address of a service in `pool` moved: services added or removed
    /// before it in file order, services that changed places with it, the pool, other pins.
    fn cause(&self, pool: Pool, old_index: usize, new_index: usize, old_address: Option<Ipv4Addr>) -> String {
        let background = self.background_of(pool);
        fn before(indices: &[usize], limit: usize) -> &[usize] {
            &indices[..indices.partition_point(|&index| index < limit)]
        }
        let (added, added_count) = first_names(self.new, before(&background.added, new_index));
        let (removed, removed_count) = first_names(self.old, before(&background.removed, old_index));
        let mut reasons = Vec::new();
        push_names(&mut reasons, &added, added_count, "was added before it", "were added before it");
        push_names(&mut reasons, &removed, removed_count, "was removed before it", "were removed before it");
        if let Some(range) = self.range_moved(pool, old_address) {
            reasons.push(range);
        }
        reasons.extend(background.general.iter().cloned());
        if reasons.is_empty() {
            // Only then a scan of the services before it: what changed places with it.
            let mut moved_before = Vec::new();
            for index in (0..new_index).filter(|&index| drawing(pool, &self.new.services[index])) {
                if let Some(&old) = self.matching.old_of_new.get(&index)
                    && (old > old_index || !drawing(pool, &self.old.services[old]))
                {
                    moved_before.push(index);
                }
            }
            let mut moved_after = Vec::new();
            for index in (0..old_index).filter(|&index| drawing(pool, &self.old.services[index])) {
                if let Some(&new) = self.matching.new_of_old.get(&index)
                    && (new > new_index || !drawing(pool, &self.new.services[new]))
                {
                    moved_after.push(index);
                }
            }
            let (names, count) = first_names(self.new, &moved_before);
            push_names(&mut reasons, &names, count, "now comes before it", "now come before it");
            let (names, count) = first_names(self.old, &moved_after);
            push_names(&mut reasons, &names, count, "now comes after it", "now come after it");
        }
        if reasons.is_empty() {
            reasons.push("the services before it in file order changed".to_owned());
        }
        format!("because {}", reasons.join("; "))
    }
}

/// Whether `service` takes an unpinned address of `pool`: only those move each other.
fn drawing(pool: Pool, service: &Service) -> bool {
    pool.draws(service) && pool.pin(service).is_none()
}

/// `a` / `a and b` / `a, b and 3 more` followed by the verb; `names` holds the first few of
/// `total`.
fn push_names(reasons: &mut Vec<String>, names: &[String], total: usize, one: &str, many: &str) {
    let text = match (names, total) {
        (_, 0) | ([], _) => return,
        ([name], 1) => return reasons.push(format!("{name} {one}").trim_end().to_owned()),
        ([a, b, ..], 2) => format!("{a} and {b}"),
        ([a, b, c, ..], 3) => format!("{a}, {b} and {c}"),
        _ => format!("{} and {} more", names[..names.len().min(SHOWN)].join(", "), total - names.len().min(SHOWN)),
    };
    reasons.push(format!("{text} {many}").trim_end().to_owned());
}

/// How many names a cause shows before `and N more`.
const SHOWN: usize = 3;

/// The first few names of `indices` in `network`, and how many there are.
fn first_names(network: &Network, indices: &[usize]) -> (Vec<String>, usize) {
    let names =
        indices.iter().take(SHOWN).map(|&index| format!("`{}`", network.services[index].qualified_name())).collect();
    (names, indices.len())
}
