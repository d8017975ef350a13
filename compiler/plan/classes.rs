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
/// `Add-HcsVirtualNetwork` sets, and whether compute runs on it (set in the local UI).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum NetworkField {
    Vlan,
    Subnet,
    Gateway,
    DnsServers,
    Compute,
}

impl NetworkField {
    /// The fields a script compares with what the device reports, in the order it compares
    /// them (compute is set in the local UI, and no cmdlet reports it on a virtual network).
    pub const COMPARED: [NetworkField; 4] =
        [NetworkField::Vlan, NetworkField::Subnet, NetworkField::Gateway, NetworkField::DnsServers];

    /// As `asenet diff` and the scripts name it.
    pub fn as_str(self) -> &'static str {
        match self {
            NetworkField::Vlan => "VLAN",
            NetworkField::Subnet => "subnet",
            NetworkField::Gateway => "gateway",
            NetworkField::DnsServers => "DNS servers",
            NetworkField::Compute => "compute",
        }
    }
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

/// A virtual network; `compute`: Kubernetes runs on it, on either side.
///
/// Adding one changes nothing that runs, even one that compute will move to: the move is a
/// change of its own (of the switch, the cluster or the network compute leaves), and it is
/// made in the local UI, not by a script. Anything else on a compute network is frozen
/// while the cluster is deployed (docs/device-facts.md#virtual-networks-fixed). On another
/// network, no cmdlet changes one in place: it is removed and added again, which what is
/// attached to it (VMs) notices unless only its DNS servers change.
pub fn virtual_network(compute: bool, difference: Difference<NetworkField>) -> Class {
    match (compute, difference) {
        (_, Difference::Added) => Class::Reapply,
        (true, _) | (_, Difference::Changed(NetworkField::Compute)) => Class::Redeploy,
        (false, Difference::Removed) => Class::Disruptive,
        (false, Difference::Changed(NetworkField::DnsServers)) => Class::Reapply,
        (false, Difference::Changed(NetworkField::Vlan | NetworkField::Subnet | NetworkField::Gateway)) => {
            Class::Disruptive
        }
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
    fn only_a_compute_network_is_frozen() {
        for field in NetworkField::COMPARED {
            assert_eq!(virtual_network(true, Difference::Changed(field)), Class::Redeploy);
            assert!(virtual_network(false, Difference::Changed(field)) < Class::Redeploy);
        }
        assert_eq!(virtual_network(true, Difference::Removed), Class::Redeploy);
        assert_eq!(virtual_network(true, Difference::Added), Class::Reapply);
        assert_eq!(virtual_network(false, Difference::Changed(NetworkField::Compute)), Class::Redeploy);
    }
}
