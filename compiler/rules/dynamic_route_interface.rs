use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::{Network, PortConfig};

declare_rule! {
    /// ## What it does
    /// Reports a route whose interface uses DHCP or has no address at all.
    ///
    /// ## Why is this bad?
    /// The source document is explicit: "Make sure that the network interface that you'll
    /// use has a static configuration" (F29). With DHCP the subnet can change under the
    /// route, and the next hop with it; asenet cannot even check that the next hop is
    /// on-link.
    ///
    /// ## Example
    /// ```toml
    /// [ports.Port3]
    /// dhcp = true
    ///
    /// [[routes]]
    /// interface = "Port3"
    /// destination = "192.168.20.0/24"
    /// next_hop = "192.168.10.1"
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [ports.Port3]
    /// address = "192.168.10.20/24"
    /// ```
    pub static DYNAMIC_ROUTE_INTERFACE = Rule {
        code: "ASE301",
        name: "dynamic-route-interface",
        severity: Severity::Error,
        summary: "a route's interface is DHCP or not configured: it must be static (F29)",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    for route in &network.routes {
        let Some(port) = network.port(route.interface.value) else { continue };
        let id = port.id;
        let diagnostic = match &port.config {
            PortConfig::Static(_) => continue,
            PortConfig::Dhcp { span } => Diagnostic::new(
                &DYNAMIC_ROUTE_INTERFACE,
                route.interface.span,
                format!("route on {id}, which uses DHCP"),
            )
            .with_label(*span, format!("{id} uses DHCP here")),
            PortConfig::Unconfigured => Diagnostic::new(
                &DYNAMIC_ROUTE_INTERFACE,
                route.interface.span,
                format!("route on {id}, which has no address"),
            )
            .with_label(port.span, format!("{id} has no `address` here")),
        };
        sink.push(
            diagnostic.with_primary_label("needs a static address").with_help(format!(
                "give {id} a static `address` (F29: routes need a statically configured interface)"
            )),
        );
    }
}
