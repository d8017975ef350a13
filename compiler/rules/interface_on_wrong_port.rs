use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::{InterfaceRole, Keyword, Network, PortId, PortLayout};
use crate::text::join_or;

declare_rule! {
    /// ## What it does
    /// On an Azure Private 5G Core site, reports an interface on the wrong physical port:
    /// the control and user plane access interfaces (N2 and N3 in 5G, S1-MME and S1-U in 4G)
    /// off the access port, a data network's interface (N6, SGi) off the data and access
    /// ports, or compute (the AKS cluster's management network) off the management ports.
    /// An interface's port is the port of the switch its virtual network is on.
    ///
    /// | model | management (compute) | access (N2, N3) | data networks (N6) |
    /// |---|---|---|---|
    /// | `pro-gpu` | Port2, Port3 or Port4 | Port5 | Port6, or Port5 |
    /// | `pro-2` | Port2 | Port3 | Port4, or Port3 |
    ///
    /// ## Why is this bad?
    /// "AP5GC uses physical port 5 for access signaling and data (5G N2 and N3 reference
    /// points/4G S1 and S1-U reference points) and port 6 for core data (5G N6/4G SGi
    /// reference points)", and the devices are cabled so: "Port 5 - access network (and
    /// optionally, data networks)", "Port 6 - data networks", and for management "You can
    /// choose any port from 2 to 4" (see docs/device-facts.md#ap5gc-ports; the Pro 2 uses
    /// ports 2, 3 and 4). The virtual switches follow: "select **vswitch-port5** for N2 and
    /// N3, and select **vswitch-port6** for N6" (see
    /// docs/device-facts.md#ap5gc-virtual-switches). An interface on another port is cabled
    /// to the wrong network: the RAN cannot reach N2 and N3, or user traffic leaves on the
    /// wrong link.
    ///
    /// ## Example
    /// ```toml
    /// [[virtual_networks]]
    /// name = "N3"
    /// switch = "vswitch-port6"   # Port6: the data port
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [[virtual_networks]]
    /// name = "N3"
    /// switch = "vswitch-port5"   # Port5: the access port
    /// ```
    pub static INTERFACE_ON_WRONG_PORT = Rule {
        code: "ASE704",
        name: "interface-on-wrong-port",
        severity: Severity::Error,
        summary: "a packet core interface (or compute) is on another port than the model's layout gives it",
    };
}

/// What `port` is for on `layout`, as a phrase.
fn role(layout: &PortLayout, port: PortId) -> &'static str {
    if port == layout.access {
        "the access port"
    } else if port == layout.data {
        "the data port"
    } else if layout.management.contains(&port) {
        "a management port"
    } else {
        "a port the packet core does not use"
    }
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let Some(core) = &network.packet_core else { return };
    let model = network.device.model.value;
    let Some(layout) = PortLayout::of(model) else { return };
    for interface in core.interfaces() {
        let (Some(vnet), Some(port)) = (network.interface_network(interface), network.interface_port(interface)) else {
            continue;
        };
        let Some(allowed) = network.interface_ports(interface.role) else { continue };
        if allowed.contains(&port) {
            continue;
        }
        let name = core.describe(interface);
        let expected: Vec<String> = allowed.iter().map(|port| format!("{port} ({})", role(&layout, *port))).collect();
        let layout_text = format!(
            "on a {}, {} and {} are on {} and the data networks on {} (see docs/device-facts.md#ap5gc-ports)",
            model.as_str(),
            core.name(InterfaceRole::ControlPlaneAccess),
            core.name(InterfaceRole::UserPlaneAccess),
            layout.access,
            layout.data
        );
        sink.push(
            Diagnostic::new(
                &INTERFACE_ON_WRONG_PORT,
                interface.virtual_network.span,
                format!("{name} is on {port}, {}, not on {}", role(&layout, port), join_or(&expected)),
            )
            .with_primary_label(format!("virtual network `{}` is on {port}", vnet.name.value))
            .with_label(vnet.switch.span, format!("switch `{}` sits on {port}", vnet.switch.value))
            .with_help(format!(
                "put virtual network `{}` on the switch of {}: {layout_text}",
                vnet.name.value, allowed[0]
            )),
        );
    }
    check_compute(network, &layout, sink);
}

/// Compute, the AKS cluster's management network, is on one of the management ports.
fn check_compute(network: &Network, layout: &PortLayout, sink: &mut Sink) {
    let Some(compute) = network.compute_network() else { return };
    let [port] = compute.switch.ports.as_slice() else { return };
    if layout.management.contains(&port.value) {
        return;
    }
    let management: Vec<String> = layout.management.iter().map(ToString::to_string).collect();
    let span = compute.virtual_network.and_then(|vnet| vnet.compute).or(compute.switch.compute).unwrap_or(port.span);
    sink.push(
        Diagnostic::new(
            &INTERFACE_ON_WRONG_PORT,
            span,
            format!(
                "compute is on {}, not on the management network: on a {}, that is {}",
                port.value,
                network.device.model.value.as_str(),
                join_or(&management)
            ),
        )
        .with_primary_label("the AKS cluster's management network")
        .with_label(port.span, format!("switch `{}` sits on {}", compute.switch.name.value, port.value))
        .with_help(format!(
            "enable compute on the switch of {}: the AKS cluster's node and service IPs are on the management \
             network (see docs/device-facts.md#ap5gc-ports, docs/device-facts.md#aks-node-ips)",
            join_or(&management)
        )),
    );
}
