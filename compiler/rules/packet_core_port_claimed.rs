use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::{InterfaceRole, Keyword, Network, Protocol, ServiceType, USER_PLANE_ACCESS_PORT};

declare_rule! {
    /// ## What it does
    /// Reports a LoadBalancer service that claims a port the packet core needs on one of its
    /// access addresses: SCTP 38412 (N2, 5G) or SCTP 36412 (S1-MME, 4G) on the control plane
    /// address, UDP 2152 (N3, S1-U) on the user plane address.
    ///
    /// The ports the access network must have open, as facts (see
    /// docs/device-facts.md#ap5gc-required-ports):
    ///
    /// | port | interface | technology |
    /// |---|---|---|
    /// | SCTP 38412 inbound | N2 | 5G |
    /// | SCTP 36412 inbound | S1-MME | 4G |
    /// | UDP 2152 in and out | N3, S1-U | both |
    /// | all IP traffic | N6, SGi (the data ports) | both |
    /// | TCP 443 inbound | the management network: the packet core's local monitoring tools | both |
    ///
    /// ## Why is this bad?
    /// "SCTP 38412 Inbound | Port 5 (Access network) | Control plane access signaling (N2
    /// interface)"; "UDP 2152 In/Outbound | Port 5 (Access network) | Access network user
    /// plane data (N3 interface for 5G, S1-U for 4G)". A service answering there takes the
    /// RAN's signalling or user traffic from the packet core.
    ///
    /// ## Example
    /// ```toml
    /// [[services]]
    /// name = "sctp-probe"
    /// type = "LoadBalancer"
    /// load_balancer_ip = "10.232.44.20"   # the N2 address
    /// ports = [{ port = 38412, protocol = "SCTP" }]
    /// ```
    ///
    /// ## Use instead
    /// An address of the service IP range, not the packet core's.
    pub static PACKET_CORE_PORT_CLAIMED = Rule {
        code: "ASE716",
        name: "packet-core-port-claimed",
        severity: Severity::Error,
        summary: "a service claims SCTP 38412/36412 or UDP 2152 on the packet core's access address",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let Some(core) = &network.packet_core else { return };
    let claimed = [
        (&core.control_plane, Protocol::Sctp, core.technology.value.control_plane_port()),
        (&core.user_plane, Protocol::Udp, USER_PLANE_ACCESS_PORT),
    ];
    for service in network.services.iter().filter(|service| service.kind.value == ServiceType::LoadBalancer) {
        let Some(external) = service.allocated.external_ip.or(service.load_balancer_ip.map(|pin| pin.value)) else {
            continue;
        };
        for (interface, protocol, number) in claimed {
            if interface.address.value != external {
                continue;
            }
            let port = service
                .ports
                .iter()
                .find(|port| port.protocol.value == protocol && port.port.value == i64::from(number));
            let Some(port) = port else { continue };
            let name = core.name(interface.role);
            let what = match interface.role {
                InterfaceRole::ControlPlaneAccess => "signalling with the RAN",
                _ => "user traffic with the RAN",
            };
            sink.push(
                Diagnostic::new(
                    &PACKET_CORE_PORT_CLAIMED,
                    port.span,
                    format!(
                        "service `{}` claims {} {number} on {external}, the {name} address",
                        service.qualified_name(),
                        protocol.as_str()
                    ),
                )
                .with_primary_label(format!("the packet core's {name} port"))
                .with_label(
                    interface.address.span,
                    format!("{name} is here: {} {number} carries its {what}", protocol.as_str()),
                )
                .with_help(
                    "give the service another address, from the service IP range, not the packet core's (see \
                     docs/device-facts.md#ap5gc-required-ports)",
                ),
            );
        }
    }
}
