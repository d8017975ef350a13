use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::{Keyword, Network, ServiceType};

declare_rule! {
    /// ## What it does
    /// Reports a LoadBalancer service whose ports use more than one protocol (TCP and UDP,
    /// or either with SCTP).
    ///
    /// ## Why is this bad?
    /// "Kubernetes doesn't currently allow multi-protocol LoadBalancer services" on the
    /// device (see docs/device-facts.md#shared-ips): the service is refused, or comes up without an
    /// external IP. The documented workaround is two services, one per protocol, on the same pods,
    /// that share one IP through the same sharing key (see docs/device-facts.md#shared-ips), which
    /// is what `share_ip` sets. A warning, since newer Kubernetes and MetalLB releases accept mixed
    /// protocols.
    ///
    /// ## Example
    /// ```toml
    /// [[services]]
    /// name = "dns"
    /// namespace = "infra"
    /// type = "LoadBalancer"
    /// ports = [{ port = 53, protocol = "TCP" }, { port = 53, protocol = "UDP" }]
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [[services]]
    /// name = "dns-tcp"
    /// namespace = "infra"
    /// type = "LoadBalancer"
    /// ports = [{ port = 53, protocol = "TCP" }]
    /// share_ip = "dns"
    ///
    /// [[services]]
    /// name = "dns-udp"
    /// namespace = "infra"
    /// type = "LoadBalancer"
    /// ports = [{ port = 53, protocol = "UDP" }]
    /// share_ip = "dns"
    /// ```
    pub static MIXED_PROTOCOL = Rule {
        code: "ASE404",
        name: "mixed-protocol",
        severity: Severity::Warning,
        summary: "one LoadBalancer service with TCP and UDP (suggest two services with `share_ip`)",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    if network.kubernetes.is_none() {
        return;
    }
    for service in network.services.iter().filter(|service| service.kind.value == ServiceType::LoadBalancer) {
        let Some(first) = service.ports.first() else { continue };
        let first_protocol = first.protocol.value;
        let Some(other) = service.ports.iter().find(|port| port.protocol.value != first_protocol) else { continue };
        // Every protocol the service has, in the order its ports name them.
        let mut protocols: Vec<&str> = Vec::new();
        for port in &service.ports {
            let protocol = port.protocol.value.as_str();
            if !protocols.contains(&protocol) {
                protocols.push(protocol);
            }
        }
        let (a, b) = (first_protocol.as_str(), other.protocol.value.as_str());
        let mixes = crate::text::list(&protocols).replace('`', "");
        let names: Vec<String> =
            protocols.iter().map(|protocol| format!("{}-{}", service.name.value, protocol.to_lowercase())).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let names = crate::text::list(&names);
        let both = if protocols.len() == 2 { "both" } else { "all" };
        let name = &service.name.value;
        let key = service.share_ip.as_ref().map_or(name.as_str(), |key| key.value.as_str());
        let pin = match service.load_balancer_ip {
            Some(ip) => format!(" and `load_balancer_ip = \"{}\"`", ip.value),
            None => String::new(),
        };
        sink.push(
            Diagnostic::new(&MIXED_PROTOCOL, other.span, format!("LoadBalancer service `{name}` mixes {mixes}"))
                .with_primary_label(format!("{b} here"))
                .with_label(first.span, format!("{a} here"))
                .with_label(service.kind.span, "a LoadBalancer service")
                .with_help(format!(
                    "split it into one service per protocol, e.g. {names}, {both} with `share_ip = \"{key}\"`{pin} \
                     to keep one external IP (see docs/device-facts.md#shared-ips)"
                )),
        );
    }
}
