use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::{Network, VirtualNetwork, repeats};

declare_rule! {
    /// ## What it does
    /// Reports two virtual networks with one VLAN ID on one virtual switch.
    ///
    /// VLAN 0 is not a VLAN: it is the switch's untagged link, which several networks may
    /// share, as Azure Private 5G Core sets up N2 and N3 "without VLANs" on one switch (see
    /// docs/device-facts.md#untagged-networks).
    ///
    /// ## Why is this bad?
    /// "You can configure multiple virtual LANs on the same virtual switch", each with "a
    /// unique number" as its VLAN ID (see: docs/device-facts.md#vlan-ids). Frames
    /// of one VLAN on one switch belong to one network: two address spaces on it cannot be
    /// told apart, and the device refuses the second network. The same ID on two different
    /// switches is fine: they are different trunks.
    ///
    /// Two virtual networks of `[packet_core]` interfaces on one switch with one VLAN and one
    /// subnet are one network, which the articles configure so (N2 and N3 on the access
    /// subnet, data networks on one subnet, "without VLANs"): not reported (see
    /// docs/device-facts.md#ap5gc-vlans).
    ///
    /// ## Example
    /// ```toml
    /// [[virtual_networks]]
    /// name = "vnet-cameras"
    /// switch = "vswitch-port3"
    /// vlan = 10
    /// subnet = "10.20.10.0/24"
    /// gateway = "10.20.10.1"
    ///
    /// [[virtual_networks]]
    /// name = "vnet-doors"
    /// switch = "vswitch-port3"
    /// vlan = 10
    /// subnet = "10.20.11.0/24"
    /// gateway = "10.20.11.1"
    /// ```
    ///
    /// ## Use instead
    /// One VLAN per network:
    /// ```toml
    /// vlan = 11
    /// ```
    pub static DUPLICATE_VLAN = Rule {
        code: "ASE311",
        name: "duplicate-vlan",
        severity: Severity::Error,
        summary: "two virtual networks with one VLAN ID on one virtual switch",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    fn key(vnet: &VirtualNetwork) -> (&str, i64) {
        (&vnet.switch.value, vnet.vlan.value)
    }
    let tagged = network.virtual_networks.iter().filter(|vnet| vnet.vlan.value != 0);
    for (earlier, vnet) in repeats(tagged, key) {
        // N2 and N3 on one access subnet, data networks on one subnet: one network. An
        // interface on the wrong port is `interface-on-wrong-port`'s to report.
        if network.packet_core_networks_share(earlier, vnet)
            || [earlier, vnet].iter().any(|vnet| !network.interface_network_on_its_port(vnet))
        {
            continue;
        }
        sink.push(
            Diagnostic::new(
                &DUPLICATE_VLAN,
                vnet.vlan.span,
                format!(
                    "virtual networks `{}` and `{}` both use VLAN {} on switch `{}`",
                    earlier.name.value, vnet.name.value, vnet.vlan.value, vnet.switch.value
                ),
            )
            .with_primary_label(format!("VLAN {} again", vnet.vlan.value))
            .with_label(earlier.vlan.span, format!("`{}` uses VLAN {} here", earlier.name.value, vnet.vlan.value))
            .with_help("give each virtual network on a switch its own VLAN ID, as the trunk carries them"),
        );
    }
}
