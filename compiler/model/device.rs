use std::fmt;

/// The device family; it decides the physical ports (F16-F19).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceModel {
    ProGpu,
    ProR,
    MiniR,
    Pro2,
}

impl DeviceModel {
    pub const ALL: [DeviceModel; 4] = [DeviceModel::ProGpu, DeviceModel::ProR, DeviceModel::MiniR, DeviceModel::Pro2];

    pub fn as_str(self) -> &'static str {
        match self {
            DeviceModel::ProGpu => "pro-gpu",
            DeviceModel::ProR => "pro-r",
            DeviceModel::MiniR => "mini-r",
            DeviceModel::Pro2 => "pro-2",
        }
    }

    pub fn port_count(self) -> u8 {
        match self {
            DeviceModel::ProGpu => 6,
            DeviceModel::ProR | DeviceModel::MiniR | DeviceModel::Pro2 => 4,
        }
    }

    pub fn ports(self) -> impl Iterator<Item = PortId> {
        (1..=self.port_count()).map(PortId)
    }

    /// The port named `name` (`Port3`), if this model has it.
    pub fn port(self, name: &str) -> Option<PortId> {
        self.ports().find(|port| port.to_string() == name)
    }
}

/// Physical nodes of the device (F1, F2).
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

    /// The Kubernetes VMs: one master plus one worker per physical node (F2).
    pub fn kubernetes_nodes(self) -> &'static [&'static str] {
        match self {
            NodeCount::One => &["master", "worker1"],
            NodeCount::Two => &["master", "worker1", "worker2"],
        }
    }
}

/// A physical port, `Port1`..`Port6`: the device's InterfaceAlias (F20).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PortId(u8);

impl PortId {
    pub fn number(self) -> u8 {
        self.0
    }
}

impl fmt::Display for PortId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Port{}", self.0)
    }
}
