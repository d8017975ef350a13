use crate::diagnostic::{Diagnostic, Severity, Sink, Span, declare_rule};
use crate::model::{AddrRange, Kubernetes, Network};

declare_rule! {
    /// ## What it does
    /// With a `[kubernetes]` section, reports a file where no virtual switch and no virtual
    /// network has `compute = true`, and every compute place after the first when several
    /// have it: two switches, a switch and a virtual network, or two virtual networks.
    /// A virtual network with `compute = true` is where Kubernetes lives instead of its
    /// switch's own subnet (see: docs/device-network.md#virtual-networks).
    ///
    /// ## Why is this bad?
    /// Kubernetes runs on the one virtual switch enabled for compute: "you can enable compute
    /// only on one virtual switch at a time" (see docs/device-facts.md#one-compute-switch). Without
    /// one, the node IPs and external service IPs have no network to live on and compute cannot be
    /// configured; with two, the file does not say which network the Kubernetes VMs are on, and the
    /// device takes only one of them.
    ///
    /// When none is set, the help names the switch (or the port) whose subnet holds the
    /// node IPs, since that is where compute belongs. A file without `[kubernetes]` may have
    /// no compute switch (see docs/device-facts.md#kubernetes-optional). While the file has input
    /// errors (ASE0xx), a missing compute switch is not reported: the switch may be the table or
    /// key that did not resolve.
    ///
    /// ## Example
    /// ```toml
    /// [switches.vswitch-port2]
    /// ports = ["Port2"]
    /// compute = true
    ///
    /// [switches.vswitch-port3]
    /// ports = ["Port3"]
    /// compute = true
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [switches.vswitch-port2]
    /// ports = ["Port2"]
    ///
    /// [switches.vswitch-port3]
    /// ports = ["Port3"]
    /// compute = true
    /// ```
    pub static COMPUTE_SWITCH_COUNT = Rule {
        code: "ASE305",
        name: "compute-switch-count",
        severity: Severity::Error,
        summary: "Kubernetes configured with no compute switch or network, or compute enabled in more than one place \
                 ",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let Some(kubernetes) = &network.kubernetes else { return };
    let switches =
        network.switches.iter().filter_map(|switch| Some((format!("switch `{}`", switch.name.value), switch.compute?)));
    let vnets = network
        .virtual_networks
        .iter()
        .filter_map(|vnet| Some((format!("virtual network `{}`", vnet.name.value), vnet.compute?)));
    let mut compute: Vec<(String, Span)> = switches.chain(vnets).collect();
    compute.sort_by_key(|(_, span)| *span);
    let mut compute = compute.into_iter();
    let Some((first, first_span)) = compute.next() else {
        if !network.unresolved.input_errors {
            sink.push(no_compute_switch(network, kubernetes));
        }
        return;
    };
    for (place, span) in compute {
        sink.push(
            Diagnostic::new(&COMPUTE_SWITCH_COUNT, span, format!("{first} and {place} both have compute enabled"))
                .with_primary_label(format!("compute enabled on {place} too"))
                .with_label(first_span, format!("{first} already has compute enabled here"))
                .with_help(format!(
                    "keep `compute = true` in one place only (see docs/device-facts.md#one-compute-switch): remove it from {first} or from {place}"
                )),
        );
    }
}

fn no_compute_switch(network: &Network, kubernetes: &Kubernetes) -> Diagnostic {
    let diagnostic = Diagnostic::new(&COMPUTE_SWITCH_COUNT, kubernetes.header, "Kubernetes has no compute switch")
        .with_primary_label("no switch has `compute = true`");
    let node_ips = kubernetes.node_ips.value;
    let home = network.ports.iter().find_map(|port| {
        let subnet = port.subnet()?;
        AddrRange::of_net(subnet.value).contains(node_ips.first()).then_some((port, subnet))
    });
    let Some((port, subnet)) = home else {
        return diagnostic
            .with_help("add `compute = true` to the virtual switch of the port whose subnet holds the node IPs (see docs/device-facts.md#one-compute-switch)");
    };
    let diagnostic =
        diagnostic.with_label(subnet.span, format!("the node IPs are on {}'s subnet {}", port.id, subnet.value));
    let switch = network.switches.iter().find(|switch| switch.ports.iter().any(|p| p.value == port.id));
    match switch {
        Some(switch) => diagnostic
            .with_label(switch.name.span, format!("switch `{}` is on {}", switch.name.value, port.id))
            .with_help(format!(
                "add `compute = true` to switch `{}` (see docs/device-facts.md#one-compute-switch)",
                switch.name.value
            )),
        None => diagnostic.with_help(format!(
            "add a switch on {id} with compute enabled: `[switches.vswitch-{lower}]`, `ports = [\"{id}\"]`, \
             `compute = true` (see docs/device-facts.md#one-compute-switch)",
            id = port.id,
            lower = port.id.to_string().to_lowercase(),
        )),
    }
}
