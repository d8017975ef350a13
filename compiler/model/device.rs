use std::fmt;

use super::Keyword;

/// The device family; it decides the physical ports (see docs/device-facts.md#ports).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceModel {
    ProGpu,
    ProR,
    MiniR,
    Pro2,
}

impl Keyword for DeviceModel {
    const ALL: &'static [Self] = &[DeviceModel::ProGpu, DeviceModel::ProR, DeviceModel::MiniR, DeviceModel::Pro2];

    fn as_str(self) -> &'static str {
        match self {
            DeviceModel::ProGpu => "pro-gpu",
            DeviceModel::ProR => "pro-r",
            DeviceModel::MiniR => "mini-r",
            DeviceModel::Pro2 => "pro-2",
        }
    }
}

impl DeviceModel {
    pub fn port_count(self) -> u8 {
        match self {
            DeviceModel::ProGpu => 6,
            DeviceModel::ProR | DeviceModel::MiniR | DeviceModel::Pro2 => 4,
        }
    }

    pub fn ports(self) -> impl Iterator<Item = PortId> {
        (1..=self.port_count()).map(PortId)
    }

    /// The port named `name` (`Port3`), if this model has it. Exactly as `PortId` writes
    /// it: `Port03` and `port3` are not ports. Every route names one, so no allocation.
    pub fn port(self, name: &str) -> Option<PortId> {
        let &[digit] = name.strip_prefix("Port")?.as_bytes() else { return None };
        self.ports().find(|port| digit.checked_sub(b'0') == Some(port.0))
    }
}

/// Physical nodes of the device (see docs/device-facts.md#node-ips,
/// docs/device-facts.md#kubernetes-vms).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeCount {
    One,
    Two,
}

impl NodeCount {
    pub fn get(self) -> u8 {
        match self {
            NodeCount::One => 1,
            NodeCount::Two => 2,
        }
    }

    /// The Kubernetes VMs: one master plus one worker per physical node (see
    /// docs/device-facts.md#kubernetes-vms).
    pub fn kubernetes_nodes(self) -> &'static [&'static str] {
        match self {
            NodeCount::One => &["master", "worker1"],
            NodeCount::Two => &["master", "worker1", "worker2"],
        }
    }
}

/// The layout of `Set-DeviceConfiguration`'s `network` declaration, which changed with the
/// device's software (see docs/device-facts.md#package-layouts).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PackageLayout {
    /// Up to 2309: a virtual switch names its one port in `interfaceName`; a virtual
    /// network's `network` is its network address.
    Release2309,
    /// 2312: a virtual switch lists its ports in `interfaces`.
    Release2312,
    /// From 2403: as 2312, and a virtual network's `network` is a prefix (`10.0.0.0/24`).
    Release2403,
}

impl PackageLayout {
    /// The newest layout asenet documents, for a file that names no release.
    pub const NEWEST: PackageLayout = PackageLayout::Release2403;

    /// The layout of release `YYMM`: releases before 2309 are written as 2309's, and those
    /// after 2403 as 2403's, the nearest documented.
    pub fn of_release(release: u16) -> PackageLayout {
        match release {
            ..2312 => PackageLayout::Release2309,
            2312..2403 => PackageLayout::Release2312,
            _ => PackageLayout::Release2403,
        }
    }

    /// The release whose layout this is, as the docs name it.
    pub fn release(self) -> u16 {
        match self {
            PackageLayout::Release2309 => 2309,
            PackageLayout::Release2312 => 2312,
            PackageLayout::Release2403 => 2403,
        }
    }
}

/// A physical port, `Port1`..`Port6`: the device's InterfaceAlias (see
/// docs/device-facts.md#port-names).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PortId(u8);

impl PortId {
    /// `PortN`; whether a model has it is [`DeviceModel::port`]'s to say.
    pub const fn new(number: u8) -> PortId {
        PortId(number)
    }

    pub fn number(self) -> u8 {
        self.0
    }
}

impl fmt::Display for PortId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Port{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_port_is_found_by_its_exact_name() {
        let names =
            ["Port1", "Port3", "Port4", "Port6", "Port0", "Port7", "Port10", "Port03", "port3", "Port 3", "Port", ""];
        for model in DeviceModel::ALL {
            for name in names {
                let expected = model.ports().find(|port| port.to_string() == name);
                assert_eq!(model.port(name), expected, "{} {name:?}", model.as_str());
            }
        }
        assert_eq!(DeviceModel::ProGpu.port("Port6"), Some(PortId(6)));
        assert_eq!(DeviceModel::ProR.port("Port6"), None);
    }
}
