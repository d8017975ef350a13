use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::Network;
use crate::model::bounds::VLAN;

declare_rule! {
    /// ## What it does
    /// Reports a virtual network whose `vlan` is not 0 (untagged) or 1 to 4094.
    ///
    /// ## Why is this bad?
    /// `Add-HcsVirtualNetwork -VlanId` takes 0 for an untagged network, or "a VlanID in the
    /// range 1-4094" for a tagged one (see: docs/device-facts.md#vlan-ids). 802.1Q
    /// keeps 4095 for itself and has no higher ID; the device refuses the network. One
    /// device UI page says "1-4096"; asenet follows the PowerShell reference and 802.1Q.
    ///
    /// ## Example
    /// ```toml
    /// [[virtual_networks]]
    /// name = "vnet-cameras"
    /// switch = "vswitch-port3"
    /// vlan = 4095
    /// subnet = "10.20.10.0/24"
    /// gateway = "10.20.10.1"
    /// ```
    ///
    /// ## Use instead
    /// The VLAN ID configured on the trunk:
    /// ```toml
    /// vlan = 10
    /// ```
    pub static VLAN_OUT_OF_RANGE = Rule {
        code: "ASE310",
        name: "vlan-out-of-range",
        severity: Severity::Error,
        summary: "a virtual network's VLAN ID is not 0 (untagged) or 1-4094",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    for vnet in &network.virtual_networks {
        let vlan = vnet.vlan;
        if VLAN.allows(vlan.value) {
            continue;
        }
        sink.push(
            Diagnostic::new(
                &VLAN_OUT_OF_RANGE,
                vlan.span,
                format!("VLAN ID {} of virtual network `{}` is not {}", vlan.value, vnet.name.value, VLAN.describe()),
            )
            .with_primary_label("0 for untagged, or a tagged VLAN ID from 1")
            .with_help(format!(
                "use the VLAN ID of the trunk ({}), or 0 for an untagged network (see: \
                 docs/device-facts.md#vlan-ids)",
                VLAN.describe()
            )),
        );
    }
}
