use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::Network;

declare_rule! {
    /// ## What it does
    /// Warns about a data network without `dns`: the packet core signals no DNS server to
    /// its UEs. Write `dns = []` to say the UEs bring their own.
    ///
    /// ## Why is this bad?
    /// "If you don't configure DNS servers for a data network, all UEs using that network
    /// will be unable to resolve domain names." An empty list is a choice the articles allow
    /// ("if all UEs in the network will use their own locally configured DNS servers … you
    /// can omit this configuration"), and the API requires the list to be written, empty or
    /// not (see docs/device-facts.md#ap5gc-dns).
    ///
    /// ## Example
    /// ```toml
    /// [[packet_core.data_networks]]
    /// name = "internet"
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [[packet_core.data_networks]]
    /// name = "internet"
    /// dns = ["10.232.45.53"]      # or `dns = []`: the UEs bring their own
    /// ```
    pub static DATA_NETWORK_WITHOUT_DNS = Rule {
        code: "ASE713",
        name: "data-network-without-dns",
        severity: Severity::Warning,
        summary: "a data network without `dns`: its UEs cannot resolve names",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let Some(core) = &network.packet_core else { return };
    for data_network in core.data_networks.iter().filter(|data_network| data_network.dns.is_none()) {
        sink.push(
            Diagnostic::new(
                &DATA_NETWORK_WITHOUT_DNS,
                data_network.name.span,
                format!("data network `{}` has no DNS servers for its UEs", data_network.name.value),
            )
            .with_primary_label("no `dns`")
            .with_help(
                "add `dns = [\"a.b.c.d\"]` with the servers the UEs should use, or `dns = []` if they bring their own (see \
                 docs/device-facts.md#ap5gc-dns)",
            ),
        );
    }
}
