//! The lowest free prefixes of a size: CIDR arithmetic over what is taken.

use ipnet::Ipv4Net;

use crate::model::AddrRange;

/// The private blocks of RFC 1918, searched in this order when no `--in` is given.
pub const PRIVATE_BLOCKS: [&str; 3] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

/// Up to `count` prefixes of length `size` inside `within`, lowest first, that share no
/// address with any of `taken`. Sorts `taken` once, then jumps past each taken range: the
/// cost is that of the sort, not of the size of `within`.
pub fn free_prefixes(size: u8, within: Ipv4Net, mut taken: Vec<AddrRange>, count: usize) -> Vec<Ipv4Net> {
    let mut found = Vec::new();
    if size < within.prefix_len() || size > 32 || count == 0 {
        return found;
    }
    taken.sort();
    let step = 1u64 << (32 - size);
    let end = u64::from(u32::from(within.broadcast()));
    let mut candidate = u64::from(u32::from(within.network()));
    let mut taken = taken.into_iter().peekable();
    while candidate + step - 1 <= end && found.len() < count {
        let last = candidate + step - 1;
        // Ranges that end before the candidate can never matter again.
        while taken.peek().is_some_and(|range| u64::from(u32::from(range.last())) < candidate) {
            taken.next();
        }
        // Among the rest, the first that starts inside the candidate, if any; ranges are
        // sorted by start, and one that starts earlier and reaches it was kept above.
        let blocking = taken
            .clone()
            .take_while(|range| u64::from(u32::from(range.first())) <= last)
            .map(|range| u64::from(u32::from(range.last())))
            .filter(|&reach| reach >= candidate)
            .max();
        match blocking {
            Some(reach) => candidate = (reach / step + 1) * step,
            None => {
                let address = std::net::Ipv4Addr::from(candidate as u32);
                found.push(Ipv4Net::new(address, size).expect("size is at most 32"));
                candidate += step;
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(text: &str) -> AddrRange {
        let net: Ipv4Net = text.parse().unwrap();
        AddrRange::of_net(net)
    }

    fn free(size: u8, within: &str, taken: &[&str], count: usize) -> Vec<String> {
        let taken = taken.iter().map(|text| range(text)).collect();
        free_prefixes(size, within.parse().unwrap(), taken, count).iter().map(ToString::to_string).collect()
    }

    #[test]
    fn skips_what_is_taken_and_keeps_alignment() {
        assert_eq!(free(28, "10.0.0.0/24", &[], 2), ["10.0.0.0/28", "10.0.0.16/28"]);
        assert_eq!(free(28, "10.0.0.0/24", &["10.0.0.0/27", "10.0.0.40/32"], 2), ["10.0.0.48/28", "10.0.0.64/28"]);
        assert_eq!(free(24, "10.0.0.0/16", &["10.0.0.0/16"], 1), Vec::<String>::new());
        assert_eq!(free(32, "10.0.0.0/31", &["10.0.0.0/32"], 5), ["10.0.0.1/32"]);
    }

    #[test]
    fn a_large_range_that_starts_early_still_blocks() {
        assert_eq!(free(28, "10.0.0.0/24", &["10.0.0.0/25", "10.0.0.5/32"], 1), ["10.0.0.128/28"]);
        // A short range behind a long one, both passed, must not send the search back.
        assert_eq!(free(28, "10.0.0.0/24", &["10.0.0.0/26", "10.0.0.1/32", "10.0.0.64/28"], 1), ["10.0.0.80/28"]);
    }

    #[test]
    fn the_top_of_the_address_space_does_not_overflow() {
        assert_eq!(free(30, "255.255.255.0/24", &["255.255.255.0/25"], 1), ["255.255.255.128/30"]);
        assert_eq!(free(0, "0.0.0.0/0", &[], 1), ["0.0.0.0/0"]);
        assert_eq!(free(8, "10.0.0.0/16", &[], 1), Vec::<String>::new());
    }
}
