use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::{AKS_SERVICE_IPS, Network};

declare_rule! {
    /// ## What it does
    /// On an Azure Private 5G Core site (a file with `[packet_core]`), reports a Kubernetes
    /// service range that is missing or holds other than one or two addresses.
    ///
    /// ## Why is this bad?
    /// The AKS cluster that runs the packet core takes "One service IP address for accessing
    /// local monitoring tools for the packet core instance", entered as "one IP address in a
    /// range for the service IP address, also on the management network" (see
    /// docs/device-facts.md#aks-node-ips). Microsoft's automation accepts one or two ("must
    /// contain 1 or 2 contiguous IP addresses"), and so does asenet. Without it the packet
    /// core's dashboards and distributed tracing have no address.
    ///
    /// ## Example
    /// ```toml
    /// [kubernetes]
    /// node_ips = "10.232.40.20-10.232.40.25"
    /// service_ips = "10.232.40.30-10.232.40.32"
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [kubernetes]
    /// node_ips = "10.232.40.20-10.232.40.25"
    /// service_ips = "10.232.40.30-10.232.40.30"
    /// ```
    pub static AKS_SERVICE_IPS_COUNT = Rule {
        code: "ASE702",
        name: "aks-service-ips-count",
        severity: Severity::Error,
        summary: "with `[packet_core]`, the service IP range is missing or not one or two addresses",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let (Some(kubernetes), true) = (&network.kubernetes, network.is_aks_site()) else { return };
    let core_label = |diagnostic: Diagnostic| match &network.packet_core {
        Some(core) => diagnostic.with_label(core.header, "the packet core runs on the device's AKS cluster"),
        None => diagnostic,
    };
    let Some(range) = kubernetes.service_ips else {
        let diagnostic = Diagnostic::new(
            &AKS_SERVICE_IPS_COUNT,
            kubernetes.header,
            "the AKS cluster of a packet core has no service IP",
        )
        .with_primary_label("no `service_ips`");
        sink.push(core_label(diagnostic).with_help(
            "add `service_ips = \"a.b.c.d-a.b.c.d\"`: one free address on the management network, for the packet core's \
             local monitoring tools (see docs/device-facts.md#aks-node-ips)",
        ));
        return;
    };
    let held = range.value.size();
    if AKS_SERVICE_IPS.contains(&held) {
        return;
    }
    let first = range.value.first();
    let diagnostic = Diagnostic::new(
        &AKS_SERVICE_IPS_COUNT,
        range.span,
        format!(
            "service IP range {} holds {held} addresses, but the AKS cluster of a packet core takes one or two",
            range.value
        ),
    )
    .with_primary_label("one or two addresses");
    sink.push(core_label(diagnostic).with_help(format!(
        "give `service_ips` one address, `{first}-{first}`, for the packet core's local monitoring tools \
         (see docs/device-facts.md#aks-node-ips)"
    )));
}
