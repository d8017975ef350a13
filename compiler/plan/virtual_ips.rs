//! The `virtual-ip` section: a two-node cluster's virtual IPs, known by their type.

use std::collections::{BTreeMap, BTreeSet};

use super::{Change, Class, Section, Side, facts};
use crate::model::{Keyword, Network, VirtualIp, VirtualIpAddress};

/// `192.168.181.10 on 192.168.0.0/16`, or `DHCP on 192.168.0.0/16`.
fn describe_vip(vip: &VirtualIp) -> String {
    let address = match vip.address {
        VirtualIpAddress::Static(address) => address.value.to_string(),
        VirtualIpAddress::Dhcp(_) => "DHCP".to_owned(),
    };
    format!("{address} on {}", vip.cluster_network.value)
}

/// The virtual IPs, known by their type (ACS, NFS): what `Set-DeviceVip` sets.
pub(super) fn compare(old: &Side, new: &Side, out: &mut Vec<Change>) {
    let by_type = |network: &Network| -> BTreeMap<&'static str, String> {
        network.virtual_ips.iter().map(|vip| (vip.kind.value.as_str(), describe_vip(vip))).collect()
    };
    let (before, after) = (by_type(old.network), by_type(new.network));
    let kinds: BTreeSet<&&str> = before.keys().chain(after.keys()).collect();
    for kind in kinds {
        let (was, is) = (before.get(kind), after.get(kind));
        if was == is {
            continue;
        }
        let subject = format!("{kind} virtual IP");
        let change = match (was, is) {
            (None, Some(_)) => Change::new(Class::Reapply, Section::VirtualIp, subject, "added")
                .because("apply device/vip.json with Set-DeviceVip; nothing that runs moves", &facts::VIRTUAL_IPS),
            _ => Change::new(
                Class::Disruptive,
                Section::VirtualIp,
                subject,
                if is.is_none() { "removed" } else { "address" },
            )
            .because(
                "clients that reach the cluster's services at the old virtual IP lose them; apply device/vip.json \
                     with Set-DeviceVip",
                &facts::VIRTUAL_IPS,
            ),
        };
        out.push(change.values(was, is));
    }
}
