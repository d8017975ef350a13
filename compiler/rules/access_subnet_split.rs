use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::{InterfaceRole, Network};

declare_rule! {
    /// ## What it does
    /// Reports access interfaces (N2 and N3 in 5G, S1-MME and S1-U in 4G) whose virtual
    /// networks have different subnets or different gateways.
    ///
    /// ## Why is this bad?
    /// The access network is one subnet with one default gateway, holding "One IP address for
    /// the control plane interface" and "One IP address for the user plane interface"; the
    /// site takes one `accessSubnet` and one `accessGateway` for both interfaces (see
    /// docs/device-facts.md#ap5gc-access-subnet). With two subnets, one of the interfaces is
    /// configured in Azure on a subnet its network on the device does not have.
    ///
    /// ## Example
    /// ```toml
    /// [[virtual_networks]]
    /// name = "N2"
    /// subnet = "10.232.44.0/24"
    /// gateway = "10.232.44.1"
    ///
    /// [[virtual_networks]]
    /// name = "N3"
    /// subnet = "10.232.46.0/24"
    /// gateway = "10.232.46.1"
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [[virtual_networks]]
    /// name = "N3"
    /// subnet = "10.232.44.0/24"
    /// gateway = "10.232.44.1"
    /// ```
    pub static ACCESS_SUBNET_SPLIT = Rule {
        code: "ASE708",
        name: "access-subnet-split",
        severity: Severity::Error,
        summary: "the two access interfaces' virtual networks have different subnets or gateways",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let Some(core) = &network.packet_core else { return };
    let Some((control, user)) = network.access_networks() else { return };
    let (n2, n3) = (core.name(InterfaceRole::ControlPlaneAccess), core.name(InterfaceRole::UserPlaneAccess));
    let help = format!(
        "give `{}` and `{}` the access subnet and its gateway: {n2} and {n3} are one access network (see \
         docs/device-facts.md#ap5gc-access-subnet)",
        control.name.value, user.name.value
    );
    if control.net() != user.net() {
        sink.push(
            Diagnostic::new(
                &ACCESS_SUBNET_SPLIT,
                user.subnet.span,
                format!(
                    "{n3}'s virtual network `{}` is on {}, {n2}'s `{}` on {}",
                    user.name.value,
                    user.net(),
                    control.name.value,
                    control.net()
                ),
            )
            .with_primary_label(format!("{n3}: {}", user.net()))
            .with_label(control.subnet.span, format!("{n2}: {}", control.net()))
            .with_help(help),
        );
    } else if control.gateway.value != user.gateway.value {
        sink.push(
            Diagnostic::new(
                &ACCESS_SUBNET_SPLIT,
                user.gateway.span,
                format!(
                    "{n3}'s virtual network `{}` has gateway {}, {n2}'s `{}` gateway {}",
                    user.name.value, user.gateway.value, control.name.value, control.gateway.value
                ),
            )
            .with_primary_label(format!("{n3}'s gateway"))
            .with_label(control.gateway.span, format!("{n2}'s gateway"))
            .with_help(help),
        );
    }
}
