//! The `dns` section: the records of the site zone, known by zone and name.

use std::collections::{BTreeMap, BTreeSet};

use super::{Change, Class, Section, Side, facts};
use crate::model::Network;
use crate::model::dns::{self, ZoneKind};

/// The records of the site zone: the names the site's DNS servers answer. The cluster zone
/// is CoreDNS's own, built from the live Services: its changes follow the services'.
pub(super) fn compare(old: &Side, new: &Side, out: &mut Vec<Change>) {
    type Records = BTreeMap<String, BTreeSet<std::net::Ipv4Addr>>;
    let records = |network: &Network| -> Option<(String, Records)> {
        let zone = dns::site_zone(network)?;
        debug_assert_eq!(zone.kind, ZoneKind::Site);
        let mut records = Records::new();
        for record in zone.records {
            // A record without an address (its pool ran out) is not served.
            if let Some(address) = record.address {
                records.entry(record.name).or_default().insert(address);
            }
        }
        Some((zone.origin, records))
    };
    let reload = "reload the site zone on the site's DNS servers";
    let (before, after) = (records(old.network), records(new.network));
    let (before, after) = match (before, after) {
        (None, None) => return,
        (before, after) if before.as_ref().map(|z| &z.0) != after.as_ref().map(|z| &z.0) => {
            out.push(
                Change::new(Class::Reapply, Section::Dns, "site zone", "zone")
                    .values(
                        Some(before.map_or("(none)".to_owned(), |zone| zone.0)),
                        Some(after.map_or("(none)".to_owned(), |zone| zone.0)),
                    )
                    .because("serve the new zone file on the site's DNS servers", &facts::SITE_DNS),
            );
            return;
        }
        (Some(before), Some(after)) => (before, after),
        _ => return,
    };
    let origin = before.0;
    let show = |addresses: &BTreeSet<std::net::Ipv4Addr>| {
        addresses.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
    };
    let mut removed: Vec<(&String, &BTreeSet<std::net::Ipv4Addr>)> =
        before.1.iter().filter(|(name, _)| !after.1.contains_key(*name)).collect();
    for (name, addresses) in &after.1 {
        match before.1.get(name) {
            Some(was) if was == addresses => {}
            Some(was) => out.push(
                Change::new(Class::Reapply, Section::Dns, format!("{origin} {name}"), "address")
                    .values(Some(show(was)), Some(show(addresses)))
                    .because(reload, &facts::SITE_DNS),
            ),
            None => {
                // The same addresses under a name that went away: a renamed record.
                let renamed = removed.iter().position(|(_, was)| *was == addresses);
                let change = match renamed.map(|index| removed.remove(index)) {
                    Some((old_name, _)) => {
                        Change::new(Class::Reapply, Section::Dns, format!("{origin} {name}"), "renamed")
                            .values(Some(old_name), Some(name))
                            .because(
                                format!(
                                    "{reload}; `{old_name}` stops resolving once it has, and after its TTL in caches"
                                ),
                                &facts::SITE_DNS,
                            )
                    }
                    None => Change::new(Class::Reapply, Section::Dns, format!("{origin} {name}"), "added")
                        .values(None::<String>, Some(show(addresses)))
                        .because(reload, &facts::SITE_DNS),
                };
                out.push(change);
            }
        }
    }
    for (name, addresses) in removed {
        out.push(
            Change::new(Class::Reapply, Section::Dns, format!("{origin} {name}"), "removed")
                .values(Some(show(addresses)), None::<String>)
                .because(format!("{reload}; the name stops resolving"), &facts::SITE_DNS),
        );
    }
}
