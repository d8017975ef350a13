use std::fmt;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

/// The addresses a subnet keeps for itself, its network and broadcast addresses: only a
/// subnet up to /30 has them (a /31's two addresses are both hosts, RFC 3021; a /32 is one
/// host).
pub fn network_and_broadcast(subnet: Ipv4Net) -> Option<(Ipv4Addr, Ipv4Addr)> {
    (subnet.prefix_len() <= 30).then(|| (subnet.network(), subnet.broadcast()))
}

/// Where an address stands on a subnet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnSubnet {
    /// Not on the subnet at all: off-link.
    Outside,
    Network,
    Broadcast,
    /// An address a host on the subnet can have.
    Host,
}

/// Where `address` stands on `subnet` (see [`network_and_broadcast`]).
pub fn on_subnet(subnet: Ipv4Net, address: Ipv4Addr) -> OnSubnet {
    let subnet = subnet.trunc();
    if !subnet.contains(&address) {
        return OnSubnet::Outside;
    }
    match network_and_broadcast(subnet) {
        Some((network, _)) if address == network => OnSubnet::Network,
        Some((_, broadcast)) if address == broadcast => OnSubnet::Broadcast,
        _ => OnSubnet::Host,
    }
}

/// A contiguous, inclusive range of IPv4 addresses, `first-last`: the form the device's
/// UI takes for node and external service IPs (see docs/device-facts.md#device-pools). Never empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AddrRange {
    first: Ipv4Addr,
    last: Ipv4Addr,
}

impl AddrRange {
    /// `None` when `first` comes after `last`.
    pub fn new(first: Ipv4Addr, last: Ipv4Addr) -> Option<Self> {
        (first <= last).then_some(AddrRange { first, last })
    }

    /// Every address of `net`, network and broadcast included.
    pub fn of_net(net: Ipv4Net) -> Self {
        AddrRange { first: net.network(), last: net.broadcast() }
    }

    pub fn first(self) -> Ipv4Addr {
        self.first
    }

    pub fn last(self) -> Ipv4Addr {
        self.last
    }

    /// How many addresses the range holds (up to 2^32, hence u64).
    pub fn size(self) -> u64 {
        u64::from(u32::from(self.last)) - u64::from(u32::from(self.first)) + 1
    }

    pub fn contains(self, address: Ipv4Addr) -> bool {
        self.first <= address && address <= self.last
    }

    pub fn contains_range(self, other: AddrRange) -> bool {
        self.first <= other.first && other.last <= self.last
    }

    /// The addresses both ranges hold.
    pub fn intersection(self, other: AddrRange) -> Option<AddrRange> {
        AddrRange::new(self.first.max(other.first), self.last.min(other.last))
    }

    /// The `index`th address, counting from 0, if the range holds it.
    pub fn nth(self, index: u32) -> Option<Ipv4Addr> {
        let address = u32::from(self.first).checked_add(index)?;
        (address <= u32::from(self.last)).then(|| Ipv4Addr::from(address))
    }
}

impl fmt::Display for AddrRange {
    /// `a.b.c.d-e.f.g.h`, or the bare address for a range of one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last { write!(f, "{}", self.first) } else { write!(f, "{}-{}", self.first, self.last) }
    }
}

/// Two ranges that share `shared`; `first` starts no later than `second`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overlap<T> {
    pub shared: AddrRange,
    pub first: T,
    pub second: T,
}

/// Finds overlapping ranges with one sort and one scan: each range that overlaps an
/// earlier-starting one is reported once, against the one that reaches furthest, with the
/// addresses they share. O(n log n); never a loop over all pairs.
pub fn overlaps<T: Clone>(mut items: Vec<(AddrRange, T)>) -> Vec<Overlap<T>> {
    items.sort_by_key(|(range, _)| (range.first(), std::cmp::Reverse(range.last())));
    let mut found = Vec::new();
    let mut items = items.into_iter();
    let Some(mut reach) = items.next() else { return found };
    for (range, item) in items {
        if let Some(shared) = reach.0.intersection(range) {
            found.push(Overlap { shared, first: reach.1.clone(), second: item.clone() });
        }
        if range.last() > reach.0.last() {
            reach = (range, item);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlaps_reports_each_overlapping_range_once() {
        let items = vec![
            (range("10.0.0.0-10.0.0.255"), "a"),
            (range("10.0.1.0-10.0.1.255"), "b"),
            (range("10.0.0.32-10.0.0.35"), "c"),
            (range("10.0.0.200-10.0.1.10"), "d"),
        ];
        let found: Vec<_> = overlaps(items).into_iter().map(|o| (o.first, o.second, o.shared.to_string())).collect();
        assert_eq!(
            found,
            [
                ("a", "c", "10.0.0.32-10.0.0.35".to_owned()),
                ("a", "d", "10.0.0.200-10.0.0.255".to_owned()),
                ("d", "b", "10.0.1.0-10.0.1.10".to_owned()),
            ]
        );
    }

    fn range(text: &str) -> AddrRange {
        let (first, last) = text.split_once('-').unwrap();
        AddrRange::new(first.parse().unwrap(), last.parse().unwrap()).unwrap()
    }

    #[test]
    fn length_counts_both_ends_and_the_whole_space() {
        assert_eq!(range("10.0.0.1-10.0.0.1").size(), 1);
        assert_eq!(range("0.0.0.0-255.255.255.255").size(), 1 << 32);
    }

    #[test]
    fn intersection_is_the_shared_part() {
        let shared = range("10.0.0.10-10.0.0.40").intersection(range("10.0.0.32-10.0.0.60"));
        assert_eq!(shared.map(|r| r.to_string()), Some("10.0.0.32-10.0.0.40".to_owned()));
        assert_eq!(range("10.0.0.1-10.0.0.2").intersection(range("10.0.0.3-10.0.0.4")), None);
    }

    #[test]
    fn nth_stops_at_the_end() {
        let r = range("10.0.0.254-10.0.0.255");
        assert_eq!(r.nth(1), Some(Ipv4Addr::new(10, 0, 0, 255)));
        assert_eq!(r.nth(2), None);
        assert_eq!(range("255.255.255.255-255.255.255.255").nth(1), None);
    }
}
