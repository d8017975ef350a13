//! The one table of what each difference of a device object takes, for the objects the
//! device scripts converge: virtual networks, BGP peers and custom routes. `plan` classes
//! its changes of these objects with it, and `emit::converge` derives from it what each
//! script may do in each state it finds: a script never removes or replaces an object where
//! the difference is [`Class::Redeploy`]; it stops and says why instead.
//!
//! A difference is [`Difference::Added`] (the file has the object, the device or the old
//! file not), [`Difference::Removed`] (the reverse) or [`Difference::Changed`] in one field.

use super::Class;

/// How one object differs between two sides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Difference<F> {
    Added,
    Removed,
    Changed(F),
}

/// What a virtual network is compared by: what `Get-HcsVirtualNetwork` reports and
/// `Add-HcsVirtualNetwork` sets, whether compute runs on it and whether it is enabled for
/// Kubernetes (both set in the local UI), and its IP pool (the local UI or
/// `device/network.json`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum NetworkField {
    Vlan,
    Subnet,
    Gateway,
    Compute,
    Kubernetes,
    IpPool,
    DnsServers,
}

impl NetworkField {
    /// Every field, in the order `asenet diff` names them.
    pub const ALL: [NetworkField; 7] = [
        NetworkField::Vlan,
        NetworkField::Subnet,
        NetworkField::Gateway,
        NetworkField::Compute,
        NetworkField::Kubernetes,
        NetworkField::IpPool,
        NetworkField::DnsServers,
    ];

    /// The fields a script compares with what the device reports and can set with
    /// `Add-HcsVirtualNetwork`, in the order it compares them. Whether Kubernetes runs on
    /// the network the script reads too (`EnabledForK8s`), to know it must not touch it.
    pub const COMPARED: [NetworkField; 4] =
        [NetworkField::Vlan, NetworkField::Subnet, NetworkField::Gateway, NetworkField::DnsServers];

    /// As `asenet diff` and the scripts name it.
    pub fn as_str(self) -> &'static str {
        match self {
            NetworkField::Vlan => "VLAN",
            NetworkField::Subnet => "subnet",
            NetworkField::Gateway => "gateway",
            NetworkField::Compute => "compute",
            NetworkField::Kubernetes => "Kubernetes",
            NetworkField::IpPool => "IP pool",
            NetworkField::DnsServers => "DNS servers",
        }
    }
}

/// What runs on a virtual network, on either side of a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetworkUse {
    /// Kubernetes runs on it (`compute = true`).
    Compute,
    /// It is enabled for Kubernetes on a device with a cluster: pods attach to it, and the
    /// cluster was given it, with its pool, when it was deployed.
    Attached,
    /// Neither: VMs may use it.
    Free,
}

/// What a BGP peer is compared by (its key is its switch and address).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PeerField {
    AsNumbers,
    HoldTime,
}

impl PeerField {
    pub const COMPARED: [PeerField; 2] = [PeerField::AsNumbers, PeerField::HoldTime];

    pub fn as_str(self) -> &'static str {
        match self {
            PeerField::AsNumbers => "AS numbers",
            PeerField::HoldTime => "hold time",
        }
    }
}

/// What a custom route is compared by (its key is its interface and destination).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RouteField {
    NextHop,
    Metric,
}

impl RouteField {
    pub const COMPARED: [RouteField; 2] = [RouteField::NextHop, RouteField::Metric];

    pub fn as_str(self) -> &'static str {
        match self {
            RouteField::NextHop => "next hop",
            RouteField::Metric => "metric",
        }
    }
}

/// A virtual network, by what runs on it on either side.
///
/// Adding one compute will run on changes nothing that runs: the move of compute is a
/// change of its own (of the switch, the cluster or the network compute leaves), made in the
/// local UI. Anything else on a compute network is frozen while the cluster is deployed
/// (docs/device-facts.md#virtual-networks-fixed). A network enabled for Kubernetes is given
/// to the cluster with its pool when the cluster is deployed: adding one is a redeploy too
/// (docs/device-facts.md#ip-pools), since no other change says so. On another network, no
/// cmdlet changes one in place: it is removed and added again, which what is attached to
/// it (VMs) notices unless only its DNS servers change; its pool is set in the local UI or
/// `device/network.json`, and VMs deployed keep their addresses.
pub fn virtual_network(usage: NetworkUse, difference: Difference<NetworkField>) -> Class {
    match (usage, difference) {
        (NetworkUse::Compute, Difference::Added) => Class::Reapply,
        (NetworkUse::Compute | NetworkUse::Attached, _) | (_, Difference::Changed(NetworkField::Compute)) => {
            Class::Redeploy
        }
        (NetworkUse::Free, Difference::Added) => Class::Reapply,
        (NetworkUse::Free, Difference::Removed) => Class::Disruptive,
        (NetworkUse::Free, Difference::Changed(NetworkField::DnsServers | NetworkField::IpPool)) => Class::Reapply,
        (
            NetworkUse::Free,
            Difference::Changed(
                NetworkField::Vlan | NetworkField::Subnet | NetworkField::Gateway | NetworkField::Kubernetes,
            ),
        ) => Class::Disruptive,
    }
}

/// A BGP peer: `Set-HcsBGPPeer` and `Remove-HcsBGPPeer` while compute runs (the change of
/// MetalLB's mode, from none to some peers or back, is a change of its own).
pub fn bgp_peer(_difference: Difference<PeerField>) -> Class {
    Class::Reapply
}

/// A custom route: `Add-HcsNetRoute` and `Remove-HcsNetRoute` while compute runs
/// (docs/device-facts.md#route-constraints).
pub fn route(_difference: Difference<RouteField>) -> Class {
    Class::Reapply
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_network_kubernetes_uses_is_frozen() {
        for field in NetworkField::COMPARED {
            for usage in [NetworkUse::Compute, NetworkUse::Attached] {
                assert_eq!(virtual_network(usage, Difference::Changed(field)), Class::Redeploy);
            }
            assert!(virtual_network(NetworkUse::Free, Difference::Changed(field)) < Class::Redeploy);
        }
        assert_eq!(virtual_network(NetworkUse::Compute, Difference::Removed), Class::Redeploy);
        assert_eq!(virtual_network(NetworkUse::Compute, Difference::Added), Class::Reapply);
        assert_eq!(virtual_network(NetworkUse::Attached, Difference::Added), Class::Redeploy);
        assert_eq!(virtual_network(NetworkUse::Free, Difference::Changed(NetworkField::Compute)), Class::Redeploy);
    }
}
