//! The `virtual-network` section. A virtual network is known by its switch and name, as
//! `Remove-HcsVirtualNetwork` knows it. No cmdlet changes one in place: a change is a removal
//! and an addition, the commands the change carries. A virtual network with compute on it,
//! on either side, cannot be modified once the cluster is deployed: any change to it is a
//! redeploy, and it carries no commands (they come after compute is torn down).

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use super::classes::{self, Difference, NetworkField, NetworkUse};
use super::{Change, Class, Section, Side, facts};
use crate::emit::powershell;
use crate::model::{Network, VirtualNetwork};

/// `VLAN 10, 10.20.10.0/24 via 10.20.10.1, DNS 10.20.10.53, compute`.
fn describe(vnet: &VirtualNetwork) -> String {
    let mut text = format!("VLAN {}, {} via {}", vnet.vlan.value, vnet.net(), vnet.gateway.value);
    if !vnet.dns.is_empty() {
        let dns: Vec<String> = vnet.dns.iter().map(|server| server.value.to_string()).collect();
        text.push_str(&format!(", DNS {}", dns.join(" ")));
    }
    if vnet.compute.is_some() {
        text.push_str(", compute");
    }
    if vnet.kubernetes.is_some() {
        text.push_str(", Kubernetes");
    }
    if let Some(pool) = vnet.ip_pool {
        text.push_str(&format!(", pool {}", pool.value));
    }
    text
}

/// The fields that differ, in [`NetworkField::ALL`]'s order.
fn differences(was: &VirtualNetwork, is: &VirtualNetwork) -> Vec<NetworkField> {
    let dns = |vnet: &VirtualNetwork| vnet.dns.iter().map(|server| server.value).collect::<Vec<Ipv4Addr>>();
    let differs = |field: NetworkField| match field {
        NetworkField::Vlan => was.vlan.value != is.vlan.value,
        NetworkField::Subnet => was.net() != is.net(),
        NetworkField::Gateway => was.gateway.value != is.gateway.value,
        NetworkField::Compute => was.compute.is_some() != is.compute.is_some(),
        NetworkField::Kubernetes => was.kubernetes.is_some() != is.kubernetes.is_some(),
        NetworkField::IpPool => was.ip_pool.map(|pool| pool.value) != is.ip_pool.map(|pool| pool.value),
        NetworkField::DnsServers => dns(was) != dns(is),
    };
    NetworkField::ALL.into_iter().filter(|&field| differs(field)).collect()
}

const FROZEN: &str = "Kubernetes runs on this virtual network, and virtual networks can't be modified once the \
                      cluster is deployed: tear compute down, change the network, configure compute again";

const FROZEN_POOLS: &str = "pods attach to this virtual network (enabled for Kubernetes), and its IP pool and \
                            settings can't be modified once the Kubernetes cluster is deployed: tear compute down, \
                            change the network, configure compute again";

pub(super) fn compare(old: &Side, new: &Side, out: &mut Vec<Change>) {
    let by_key = |network: &'_ Network| -> BTreeMap<(String, String), usize> {
        network
            .virtual_networks
            .iter()
            .enumerate()
            .map(|(index, vnet)| ((vnet.switch.value.clone(), vnet.name.value.clone()), index))
            .collect()
    };
    let (before, after) = (by_key(old.network), by_key(new.network));
    let keys: BTreeSet<&(String, String)> = before.keys().chain(after.keys()).collect();
    for key in keys {
        let was = before.get(key).map(|&index| &old.network.virtual_networks[index]);
        let is = after.get(key).map(|&index| &new.network.virtual_networks[index]);
        let subject = format!("{} on {}", key.1, key.0);
        let usage = network_use(was, old.network, is, new.network);
        let class = |difference| classes::virtual_network(usage, difference);
        let frozen = |change: Change| match usage {
            NetworkUse::Compute => change.because(FROZEN, &facts::VIRTUAL_NETWORKS_FIXED),
            NetworkUse::Attached | NetworkUse::Free => change.because(FROZEN_POOLS, &facts::IP_POOLS),
        };
        let change = match (was, is) {
            (None, Some(vnet)) => {
                let change = Change::new(class(Difference::Added), Section::VirtualNetwork, subject, "added")
                    .values(None::<String>, Some(describe(vnet)));
                if change.class == Class::Redeploy {
                    change.because(
                        "a network enabled for Kubernetes is given to the cluster when it is deployed: tear compute \
                         down, add the network, configure compute again",
                        &facts::IP_POOLS,
                    )
                } else {
                    let reason = if usage == NetworkUse::Compute {
                        "a new VLAN on the switch: network/apply-vnets.ps1 adds it (Add-HcsVirtualNetwork); moving \
                         compute onto it is done in the local UI, and is a change of its own"
                    } else {
                        "a new VLAN on the switch: run network/apply-vnets.ps1 (Add-HcsVirtualNetwork); nothing running \
                         changes"
                    };
                    let mut change = change.because(reason, &facts::VIRTUAL_NETWORK_CMDLETS);
                    change.commands = vec![powershell::add_vnet_command(vnet)];
                    change
                }
            }
            (Some(vnet), None) => {
                let change = Change::new(class(Difference::Removed), Section::VirtualNetwork, subject, "removed")
                    .values(Some(describe(vnet)), None::<String>);
                if change.class == Class::Redeploy {
                    frozen(change)
                } else {
                    let mut change = change.because(
                        "what is attached to this VLAN (VMs) loses it: Remove-HcsVirtualNetwork",
                        &facts::VIRTUAL_NETWORK_CMDLETS,
                    );
                    change.commands = vec![powershell::remove_vnet_command(vnet)];
                    change
                }
            }
            (Some(was), Some(is)) => {
                let fields = differences(was, is);
                let Some(worst) = fields.iter().map(|&field| class(Difference::Changed(field))).max() else {
                    continue;
                };
                let label = fields.iter().map(|field| field.as_str()).collect::<Vec<_>>().join(", ");
                // One property changed: its two values; else the two networks.
                let pool =
                    |vnet: &VirtualNetwork| vnet.ip_pool.map_or("(none)".to_owned(), |pool| pool.value.to_string());
                let (before, after) = match fields.as_slice() {
                    [NetworkField::IpPool] => (pool(was), pool(is)),
                    [NetworkField::Vlan] => (was.vlan.value.to_string(), is.vlan.value.to_string()),
                    [NetworkField::Subnet] => (was.net().to_string(), is.net().to_string()),
                    [NetworkField::Gateway] => (was.gateway.value.to_string(), is.gateway.value.to_string()),
                    _ => (describe(was), describe(is)),
                };
                let change =
                    Change::new(worst, Section::VirtualNetwork, subject, label).values(Some(before), Some(after));
                if worst == Class::Redeploy {
                    frozen(change)
                } else if fields == [NetworkField::IpPool] {
                    // The cmdlets take no pool: the package (device/network.json) or the local UI sets it.
                    change.because(
                        "the pool VMs take their addresses from: set it in the local UI, or apply device/network.json; \
                         VMs already deployed keep their addresses",
                        &facts::IP_POOLS,
                    )
                } else {
                    let mut change = if fields.iter().all(|field| matches!(field, NetworkField::DnsServers)) {
                        change.because(
                            "no cmdlet changes a virtual network: network/apply-vnets.ps1 removes and adds it again \
                             with the new DNS servers; no address on it changes",
                            &facts::VIRTUAL_NETWORK_CMDLETS,
                        )
                    } else {
                        change.because(
                            "no cmdlet changes a virtual network: it is removed and added again, and what is attached \
                             to it (VMs) must follow its new VLAN or addresses",
                            &facts::VIRTUAL_NETWORK_CMDLETS,
                        )
                    };
                    change.commands = vec![powershell::remove_vnet_command(was), powershell::add_vnet_command(is)];
                    change
                }
            }
            (None, None) => continue,
        };
        out.push(change);
    }
}

/// What runs on a virtual network, on either side: compute, or pods (enabled for Kubernetes
/// on a side with a cluster), or neither.
pub(crate) fn network_use(
    was: Option<&VirtualNetwork>,
    old: &Network,
    is: Option<&VirtualNetwork>,
    new: &Network,
) -> NetworkUse {
    let attached = |vnet: Option<&VirtualNetwork>, network: &Network| {
        vnet.is_some_and(|vnet| vnet.kubernetes.is_some()) && network.kubernetes.is_some()
    };
    if was.into_iter().chain(is).any(|vnet| vnet.compute.is_some()) {
        NetworkUse::Compute
    } else if attached(was, old) || attached(is, new) {
        NetworkUse::Attached
    } else {
        NetworkUse::Free
    }
}
