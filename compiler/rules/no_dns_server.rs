use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::{Network, PortConfig};

declare_rule! {
    /// ## What it does
    /// With Kubernetes (whose node IPs are always static), reports a file where no static
    /// port and not the compute virtual network names a DNS server, and no port takes its
    /// settings from DHCP (which could hand one out).
    ///
    /// A DNS server named only on another virtual network does not count: it serves the VMs
    /// attached to that VLAN, not the device or its Kubernetes VMs.
    ///
    /// ## Why is this bad?
    /// The device's checklists say "Static IPv4 configuration requires IP, DNS server, and
    /// default gateway" (see docs/device-facts.md#names-and-dns; see:
    /// docs/device-facts.md#dns-servers). Without a DNS server the device cannot resolve Azure's
    /// endpoints, activation and the readiness checks fail ("The Domain Name System (DNS) server is
    /// available and functioning"), and the Kubernetes VMs have nothing to forward names outside
    /// the cluster to.
    ///
    /// ## Example
    /// ```toml
    /// [ports.Port2]
    /// address = "10.10.2.20/24"
    /// gateway = "10.10.2.1"
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [ports.Port2]
    /// address = "10.10.2.20/24"
    /// gateway = "10.10.2.1"
    /// dns = ["10.10.2.53"]
    /// ```
    pub static NO_DNS_SERVER = Rule {
        code: "ASE317",
        name: "no-dns-server",
        severity: Severity::Warning,
        summary: "no port and not the compute network names a DNS server while the node IPs are static",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let Some(kubernetes) = &network.kubernetes else { return };
    if network.unresolved.input_errors {
        return;
    }
    let mut static_ports = Vec::new();
    for port in &network.ports {
        match &port.config {
            PortConfig::Dhcp { .. } => return,
            PortConfig::Static(addressing) if !addressing.dns.is_empty() => return,
            PortConfig::Static(addressing) => static_ports.push((port.id, addressing.address.span)),
            PortConfig::Unconfigured => {}
        }
    }
    // A virtual network's DNS servers are its VMs'; only the compute network's reach the
    // Kubernetes VMs, which live on it.
    if network.virtual_networks.iter().any(|vnet| vnet.compute.is_some() && !vnet.dns.is_empty()) {
        return;
    }
    let mut diagnostic = Diagnostic::new(
        &NO_DNS_SERVER,
        kubernetes.node_ips.span,
        "no DNS server on any port or on the compute network, and the node IPs are static",
    )
    .with_primary_label("static node IPs need a DNS server beside them");
    let with_gateway = network.ports.iter().find(|port| port.gateway().is_some());
    for (id, span) in &static_ports {
        diagnostic = diagnostic.with_label(*span, format!("{id} has no `dns`"));
    }
    for vnet in network.virtual_networks.iter().filter(|vnet| vnet.compute.is_none()) {
        if let Some(server) = vnet.dns.first() {
            let name = &vnet.name.value;
            diagnostic = diagnostic
                .with_label(server.span, format!("serves the VMs on virtual network `{name}`, not the device"));
        }
    }
    let port = with_gateway.map_or_else(|| "the uplink port".to_owned(), |port| port.id.to_string());
    sink.push(diagnostic.with_help(format!(
        "add `dns = [\"...\"]` with the site's DNS servers to {port}: a static configuration is IP, DNS server and \
         default gateway (see docs/device-facts.md#names-and-dns)"
    )));
}
