use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::{Network, PortConfig};

declare_rule! {
    /// ## What it does
    /// Reports a device none of whose data ports (Port2 and up) can reach a router: no
    /// data port has a `gateway`, and none uses DHCP.
    ///
    /// A DHCP data port counts as an uplink, since DHCP normally hands out the gateway
    /// with the address (all data ports are DHCP by default, docs/device-facts.md#port-defaults). A
    /// gateway on Port1 does not count: Port1 is the management port (see
    /// docs/device-facts.md#ports-pro-gpu, docs/device-facts.md#ports-pro-r,
    /// docs/device-facts.md#ports-pro-2). A file with no data port at all is reported too: it
    /// describes a device with no uplink. The diagnostic points at the first data port, or at
    /// `[device]` when there is none. Quiet while the file has input errors (ASE0xx): the gateway
    /// may be the key that was misspelt or did not parse.
    ///
    /// ## Why is this bad?
    /// "At least one data network interface from among Port 2 - Port 6 needs to be
    /// connected to the Internet (with connectivity to Azure)" (see
    /// docs/device-facts.md#ports-pro-gpu; Port 2 to Port 4 on the pro-2,
    /// docs/device-facts.md#ports-pro-2). Without a gateway the device cannot reach Azure: it
    /// cannot be activated, updated or managed from the portal, and the Kubernetes VMs, whose
    /// internal switch is NATed "through the port that is configured with a default gateway" (see
    /// docs/device-facts.md#reserved-addresses), cannot pull images.
    ///
    /// ## Example
    /// ```toml
    /// [ports.Port2]
    /// address = "10.10.2.20/24"
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [ports.Port2]
    /// address = "10.10.2.20/24"
    /// gateway = "10.10.2.1"
    /// dns = ["10.10.2.53"]
    /// ```
    pub static NO_UPLINK = Rule {
        code: "ASE309",
        name: "no-uplink",
        severity: Severity::Warning,
        summary: "no data port (Port2 and up) has a gateway: the device cannot reach Azure",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    if network.unresolved.input_errors {
        return;
    }
    let data_ports: Vec<_> = network.ports.iter().filter(|port| port.id.number() >= 2).collect();
    let has_uplink = data_ports.iter().any(|port| match &port.config {
        PortConfig::Static(addressing) => addressing.gateway.is_some(),
        PortConfig::Dhcp { .. } => true,
        PortConfig::Unconfigured => false,
    });
    if has_uplink {
        return;
    }
    let (mut diagnostic, help) = match data_ports.split_first() {
        Some((first, others)) => {
            let mut diagnostic =
                Diagnostic::new(&NO_UPLINK, first.span, "no data port has a gateway, so the device cannot reach Azure")
                    .with_primary_label(format!("{} has no gateway", first.id));
            for port in others {
                diagnostic = diagnostic.with_label(port.span, format!("{} has none either", port.id));
            }
            let which = if others.is_empty() { first.id.to_string() } else { "one of them".to_owned() };
            let help = format!(
                "give {which} a `gateway` (and `dns`) towards the internet: at least one data port must reach \
                 Azure (see docs/device-facts.md#ports-pro-gpu, docs/device-facts.md#ports-pro-2)"
            );
            (diagnostic, help)
        }
        None => (
            Diagnostic::new(&NO_UPLINK, network.device.header, "the device has no data port, so it cannot reach Azure")
                .with_primary_label("no `[ports.Port2]` or higher in this file"),
            "add a data port with `address`, `gateway` and `dns`, e.g. `[ports.Port2]`: at least one data port \
             must reach Azure (see docs/device-facts.md#ports-pro-gpu, docs/device-facts.md#ports-pro-2)"
                .to_owned(),
        ),
    };
    if let Some(gateway) = network.ports.iter().filter(|port| port.id.number() == 1).find_map(|port| port.gateway()) {
        diagnostic =
            diagnostic.with_label(gateway.span, "Port1's gateway does not count: Port1 is the management port");
    }
    sink.push(diagnostic.with_help(help));
}
