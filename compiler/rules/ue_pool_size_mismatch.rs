use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::Network;

declare_rule! {
    /// ## What it does
    /// Reports a data network whose dynamic and static UE pools are of different sizes.
    ///
    /// ## Why is this bad?
    /// "If you decide to support both methods for a particular data network, ensure that the
    /// IP address pools are of the same size and don't overlap"; the API refuses otherwise:
    /// "If you define both, they must be of the same size" (see docs/device-facts.md#ue-pools).
    ///
    /// ## Example
    /// ```toml
    /// [[packet_core.data_networks]]
    /// dynamic_ue_pool = "198.51.100.0/24"
    /// static_ue_pool = "203.0.113.0/25"
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// dynamic_ue_pool = "198.51.100.0/24"
    /// static_ue_pool = "203.0.113.0/24"
    /// ```
    pub static UE_POOL_SIZE_MISMATCH = Rule {
        code: "ASE711",
        name: "ue-pool-size-mismatch",
        severity: Severity::Error,
        summary: "a data network's dynamic and static UE pools differ in size",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let Some(core) = &network.packet_core else { return };
    for data_network in &core.data_networks {
        let (Some(dynamic), Some(fixed)) = (data_network.dynamic_pool, data_network.static_pool) else { continue };
        let (dynamic_length, static_length) = (dynamic.value.prefix_len(), fixed.value.prefix_len());
        if dynamic_length == static_length {
            continue;
        }
        let size = |length: u8| 1u64 << (32 - u32::from(length));
        sink.push(
            Diagnostic::new(
                &UE_POOL_SIZE_MISMATCH,
                fixed.span,
                format!(
                    "data network `{}`: static UE pool {} holds {} addresses, dynamic UE pool {} holds {}",
                    data_network.name.value,
                    fixed.value,
                    size(static_length),
                    dynamic.value,
                    size(dynamic_length)
                ),
            )
            .with_primary_label(format!("a /{static_length}"))
            .with_label(dynamic.span, format!("a /{dynamic_length}"))
            .with_help(format!(
                "give both pools one prefix length, /{dynamic_length} or /{static_length}: the packet core takes a dynamic and \
                 a static pool of one size (see docs/device-facts.md#ue-pools)"
            )),
        );
    }
}
