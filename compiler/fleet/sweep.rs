//! Overlap by sort and sweep: every overlapping pair in O(n log n + pairs), never a loop
//! over all pairs.

use crate::model::AddrRange;

/// One range to sweep: its group (only ranges of one group are compared), its class (what
/// kind of range it is, an enum of the rule's; see [`pairs`]), and what it stands for.
pub struct Item<C, T> {
    pub group: usize,
    pub class: C,
    pub range: AddrRange,
    pub value: T,
}

/// Every pair of items of one group whose ranges overlap and for which `compared(class,
/// class)` holds (so that, say, pod CIDRs are compared with networks but not with each
/// other), with the addresses they share; the earlier-starting item first. A range is only
/// compared with the ranges still open where it starts.
pub fn pairs<C: Copy + Ord, T: Clone>(
    mut items: Vec<Item<C, T>>,
    compared: impl Fn(C, C) -> bool,
    wanted: impl Fn(&T, &T) -> bool,
) -> Vec<(T, T, AddrRange)> {
    items.sort_by_key(|item| (item.group, item.range.first(), std::cmp::Reverse(item.range.last())));
    let mut found = Vec::new();
    // The ranges that may still overlap what comes, one list per class. A list is pruned
    // only when a range of a class compared with it arrives: a thousand equal pod CIDRs
    // then cost one pass, not a thousand.
    let mut open: std::collections::BTreeMap<C, Vec<usize>> = std::collections::BTreeMap::new();
    for (index, item) in items.iter().enumerate() {
        for (&class, list) in open.iter_mut() {
            if !compared(class, item.class) {
                continue;
            }
            list.retain(|&earlier| {
                let earlier = &items[earlier];
                earlier.group == item.group && earlier.range.last() >= item.range.first()
            });
            for &earlier in list.iter() {
                let earlier = &items[earlier];
                if wanted(&earlier.value, &item.value) {
                    let shared = earlier.range.intersection(item.range).expect("open ranges overlap the new one");
                    found.push((earlier.value.clone(), item.value.clone(), shared));
                }
            }
        }
        open.entry(item.class).or_default().push(index);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(group: usize, class: u8, text: &str, value: &'static str) -> Item<u8, &'static str> {
        let (first, last) = text.split_once('-').unwrap();
        Item { group, class, range: AddrRange::new(first.parse().unwrap(), last.parse().unwrap()).unwrap(), value }
    }

    #[test]
    fn finds_every_overlapping_pair_within_a_group() {
        let items = vec![
            item(0, 0, "10.0.0.0-10.0.0.255", "a"),
            item(0, 0, "10.0.0.10-10.0.0.20", "b"),
            item(0, 0, "10.0.0.15-10.0.0.16", "c"),
            item(0, 0, "10.0.1.0-10.0.1.9", "d"),
            item(1, 0, "10.0.0.0-10.0.0.255", "e"),
        ];
        let found: Vec<_> =
            pairs(items, |_, _| true, |_, _| true).into_iter().map(|(a, b, r)| (a, b, r.to_string())).collect();
        assert_eq!(
            found,
            [
                ("a", "b", "10.0.0.10-10.0.0.20".to_owned()),
                ("a", "c", "10.0.0.15-10.0.0.16".to_owned()),
                ("b", "c", "10.0.0.15-10.0.0.16".to_owned()),
            ]
        );
    }

    #[test]
    fn classes_that_are_not_compared_are_skipped() {
        let items = vec![
            item(0, 1, "10.0.0.0-10.0.0.255", "pod-a"),
            item(0, 1, "10.0.0.0-10.0.0.255", "pod-b"),
            item(0, 2, "10.0.0.7-10.0.0.7", "net"),
        ];
        let found: Vec<_> = pairs(items, |a, b| a != b, |_, _| true).into_iter().map(|(a, b, _)| (a, b)).collect();
        assert_eq!(found, [("pod-a", "net"), ("pod-b", "net")]);
    }
}
