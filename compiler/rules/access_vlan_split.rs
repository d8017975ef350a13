use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::{InterfaceRole, Network};

declare_rule! {
    /// ## What it does
    /// Reports access interfaces (N2 and N3 in 5G, S1-MME and S1-U in 4G) whose virtual
    /// networks share the access subnet but carry different VLAN IDs.
    ///
    /// ## Why is this bad?
    /// N2 and N3 are one access network, one subnet with one gateway (see
    /// docs/device-facts.md#ap5gc-access-subnet). VLAN tags separate layer 2 networks ("to
    /// separate N2 and N3 traffic (which share a port on the ASE device)", see
    /// docs/device-facts.md#ap5gc-vlans): one subnet on two VLANs is two segments with one
    /// address plan, and the gateway, the RAN and one of the interfaces end up on different
    /// segments. To separate N2 and N3 by VLAN, give each VLAN its own subnet, and the site
    /// two access networks, which the site's one `accessSubnet` cannot describe: keep them on
    /// one VLAN.
    ///
    /// ## Example
    /// ```toml
    /// [[virtual_networks]]
    /// name = "N2"
    /// vlan = 10
    /// subnet = "10.232.44.0/24"
    ///
    /// [[virtual_networks]]
    /// name = "N3"
    /// vlan = 20
    /// subnet = "10.232.44.0/24"
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [[virtual_networks]]
    /// name = "N3"
    /// vlan = 10
    /// subnet = "10.232.44.0/24"
    /// ```
    pub static ACCESS_VLAN_SPLIT = Rule {
        code: "ASE718",
        name: "access-vlan-split",
        severity: Severity::Error,
        summary: "the access interfaces share a subnet on two different VLANs",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let Some(core) = &network.packet_core else { return };
    let Some((control, user)) = network.access_networks() else { return };
    if control.net() != user.net() || control.vlan.value == user.vlan.value {
        return;
    }
    let (n2, n3) = (core.name(InterfaceRole::ControlPlaneAccess), core.name(InterfaceRole::UserPlaneAccess));
    sink.push(
        Diagnostic::new(
            &ACCESS_VLAN_SPLIT,
            user.vlan.span,
            format!(
                "{n3}'s virtual network `{}` is on VLAN {}, {n2}'s `{}` on VLAN {}, both with the access subnet {}",
                user.name.value,
                user.vlan.value,
                control.name.value,
                control.vlan.value,
                user.net()
            ),
        )
        .with_primary_label(format!("{n3}: VLAN {}", user.vlan.value))
        .with_label(control.vlan.span, format!("{n2}: VLAN {}", control.vlan.value))
        .with_help(format!(
            "put `{}` and `{}` on one VLAN, `vlan = {}`: the access network is one subnet on one segment (see \
             docs/device-facts.md#ap5gc-access-subnet, docs/device-facts.md#ap5gc-vlans)",
            control.name.value, user.name.value, control.vlan.value
        )),
    );
}
