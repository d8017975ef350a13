use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::{Network, PortConfig};

declare_rule! {
    /// ## What it does
    /// With a `[kubernetes]` section, reports a compute port (a port of the switch with
    /// `compute = true`) that gets its address by DHCP, or that the file leaves without
    /// an address: a data port not configured keeps its factory default, DHCP (see
    /// docs/device-facts.md#port-defaults).
    ///
    /// Quiet when compute runs on a virtual network (`compute = true` in
    /// `[[virtual_networks]]`): the Kubernetes VMs then sit on that VLAN, whose address
    /// space and gateway are static by construction (`Add-HcsVirtualNetwork -AddressSpace
    /// -GatewayIPAddress`, see docs/device-facts.md#vlan-ids), and the node IPs must lie
    /// in it (ASE103). The port's own untagged address, DHCP or none, decides nothing
    /// about them.
    ///
    /// ## Why is this bad?
    /// The Kubernetes node IPs are static: "DHCP mode is not supported for Kubernetes node
    /// IPs" (see docs/device-facts.md#node-ips-static), and they must lie on the compute port's
    /// subnet (see docs/device-facts.md#compute-subnet). A DHCP lease decides that subnet outside
    /// this file: when the scope changes, the static node and external service IPs end up on a
    /// network they are not part of, and compute breaks without a single change to the device.
    /// asenet also cannot check the ranges against a subnet it does not know. A warning, since no
    /// document forbids a DHCP compute port outright (see docs/device-facts.md#port-defaults).
    ///
    /// A compute port with no address at all is reported too: on the device it is on DHCP
    /// (Port2 and up, docs/device-facts.md#port-defaults), and in the file nothing says which
    /// subnet the ranges belong to, so no other rule can check them.
    ///
    /// ## Example
    /// ```toml
    /// [ports.Port3]
    /// dhcp = true
    ///
    /// [kubernetes]
    /// node_ips = "192.168.10.30-192.168.10.31"
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [ports.Port3]
    /// address = "192.168.10.20/24"
    /// ```
    pub static COMPUTE_PORT_DYNAMIC = Rule {
        code: "ASE306",
        name: "compute-port-dynamic",
        severity: Severity::Warning,
        summary: "the compute port uses DHCP, or has no address, while node IPs are static",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let Some(kubernetes) = &network.kubernetes else { return };
    if network.has_compute_virtual_network() {
        // The node IPs' subnet is the virtual network's, written in the file (see the doc).
        return;
    }
    let Some(switch) = network.compute_switch() else { return };
    for port in switch.ports.iter().filter_map(|port| network.port(port.value)) {
        let id = port.id;
        let (span, message, primary, help) = match port.config {
            PortConfig::Static(_) => continue,
            PortConfig::Dhcp { span } => (
                span,
                format!("compute port {id} uses DHCP, but the node IPs {} are static", kubernetes.node_ips.value),
                format!("{id}'s subnet comes from a DHCP lease"),
                format!(
                    "replace {id}'s `dhcp = true` with a static `address` on the node IPs' subnet (see docs/device-facts.md#node-ips-static, docs/device-facts.md#compute-subnet)"
                ),
            ),
            PortConfig::Unconfigured => (
                port.span,
                format!("compute port {id} has no address, but the node IPs {} are static", kubernetes.node_ips.value),
                format!("no `address` for {id}"),
                format!(
                    "give {id} a static `address` on the node IPs' subnet (see docs/device-facts.md#node-ips-static, docs/device-facts.md#compute-subnet): a data port left unconfigured \
                     stays on DHCP, its factory default (see docs/device-facts.md#port-defaults)"
                ),
            ),
        };
        sink.push(
            Diagnostic::new(&COMPUTE_PORT_DYNAMIC, span, message)
                .with_primary_label(primary)
                .with_label(kubernetes.node_ips.span, "static node IPs here")
                .with_help(help),
        );
    }
}
