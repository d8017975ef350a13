use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::bounds::PORT_MTU;
use crate::model::{DeviceModel, Keyword, Network, PortId};

declare_rule! {
    /// ## What it does
    /// Reports a port's `mtu` outside 1400-1500, or set on a port whose MTU is not
    /// configurable. Per model (see docs/device-facts.md#mtu):
    ///
    /// | model | ports | MTU |
    /// |---|---|---|
    /// | pro-gpu | Port1-Port4 | 1400-1500 |
    /// | pro-gpu | Port5, Port6 | not configurable |
    /// | pro-2 | Port1, Port2 | 1400-1500 |
    /// | pro-2 | Port3, Port4 | not configurable |
    /// | pro-r, mini-r | Port1-Port4 | 1400-1500 |
    ///
    /// The pro-r and the mini-r are not in the documented table (see docs/device-facts.md#mtu);
    /// asenet applies the documented range, 1400-1500, to all their ports, since the setting is the
    /// same one in the same local UI. An `mtu` on a non-configurable port is reported whatever its
    /// value, even 1500: the device keeps its default there, and a file that names a value
    /// claims a setting that is never applied.
    ///
    /// ## Why is this bad?
    /// The local UI accepts only 1400-1500 where the MTU can be set, and nothing at all on
    /// the 100 GbE (pro-2) and Mellanox (pro-gpu Port5/Port6) ports (see docs/device-facts.md#mtu).
    /// On a compute switch the Kubernetes VMs and the pod network take this MTU too (see
    /// docs/device-facts.md#mtu), so a wrong value there drops packets of every container: a
    /// 1500-byte packet with the "do not fragment" flag is lost on any link with a smaller MTU (see
    /// docs/device-facts.md#mtu).
    ///
    /// ## Example
    /// ```toml
    /// [ports.Port3]
    /// address = "192.168.10.20/24"
    /// mtu = 9000
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [ports.Port3]
    /// address = "192.168.10.20/24"
    /// mtu = 1500
    /// ```
    pub static MTU_INVALID = Rule {
        code: "ASE308",
        name: "mtu-invalid",
        severity: Severity::Error,
        summary: "MTU outside 1400-1500, or set where it is not configurable",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    if network.unresolved.model {
        return;
    }
    let model = network.device.model.value;
    for port in &network.ports {
        let Some(mtu) = port.mtu else { continue };
        let id = port.id;
        let diagnostic = if configurable(model, id) {
            if PORT_MTU.allows(mtu.value) {
                continue;
            }
            let allowed = PORT_MTU.describe();
            Diagnostic::new(&MTU_INVALID, mtu.span, format!("{id}'s MTU {} is not {allowed}", mtu.value))
                .with_primary_label(format!("not {allowed}"))
                .with_label(port.span, format!("{id} defined here"))
                .with_help(format!(
                    "give `mtu` a value of {allowed}, or remove it to keep the default (see docs/device-facts.md#mtu)"
                ))
        } else {
            Diagnostic::new(&MTU_INVALID, mtu.span, format!("{id}'s MTU is not configurable on a {}", model.as_str()))
                .with_primary_label(format!("{id} keeps its default MTU"))
                .with_label(network.device.model.span, format!("the device is a {}", model.as_str()))
                .with_help(format!("remove `mtu` from {id} (see docs/device-facts.md#mtu)"))
        };
        sink.push(diagnostic);
    }
}

/// Whether the local UI lets the MTU of `port` be set (see docs/device-facts.md#mtu).
fn configurable(model: DeviceModel, port: PortId) -> bool {
    match model {
        DeviceModel::ProGpu => port.number() <= 4,
        DeviceModel::Pro2 => port.number() <= 2,
        DeviceModel::ProR | DeviceModel::MiniR => true,
    }
}
