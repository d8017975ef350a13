use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::{Keyword, Network, PortLayout};
use crate::text::join_or;

declare_rule! {
    /// ## What it does
    /// Reports `[packet_core]` on a device model that does not run Azure Private 5G Core:
    /// only the Pro GPU (`pro-gpu`) and the Pro 2 (`pro-2`) do.
    ///
    /// ## Why is this bad?
    /// Every step of the deployment exists for those two models only: the articles' pivots
    /// are "Azure Stack Edge Pro GPU" and "Azure Stack Edge Pro 2", each with its own port
    /// layout ("Port 5 - access network", "Port 6 - data networks" on a Pro GPU; "Port 2 -
    /// management", "Port 3 - access network", "Port 4 - data networks" on a Pro 2), see
    /// docs/device-facts.md#ap5gc-ports. A Pro R or a Mini R has neither layout.
    ///
    /// ## Example
    /// ```toml
    /// [device]
    /// model = "pro-r"
    ///
    /// [packet_core]
    /// technology = "5G"
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [device]
    /// model = "pro-gpu"
    /// ```
    pub static PACKET_CORE_MODEL_UNSUPPORTED = Rule {
        code: "ASE703",
        name: "packet-core-model-unsupported",
        severity: Severity::Error,
        summary: "`[packet_core]` on a model that does not run Azure Private 5G Core (a Pro R or a Mini R)",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let Some(core) = &network.packet_core else { return };
    let model = network.device.model;
    if network.unresolved.model || PortLayout::of(model.value).is_some() {
        return;
    }
    let supported: Vec<&str> = PortLayout::models().map(|model| model.as_str()).collect();
    sink.push(
        Diagnostic::new(
            &PACKET_CORE_MODEL_UNSUPPORTED,
            core.header,
            format!("a {} does not run Azure Private 5G Core", model.value.as_str()),
        )
        .with_primary_label("a packet core")
        .with_label(model.span, format!("the device is a {}", model.value.as_str()))
        .with_help(format!(
            "Azure Private 5G Core runs on a {} (see docs/device-facts.md#ap5gc-ports): set `model` to the device's, or \
             remove `[packet_core]`",
            join_or(&supported)
        )),
    );
}
