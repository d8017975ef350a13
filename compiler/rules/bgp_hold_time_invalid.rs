use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::Network;
use crate::model::bounds::HOLD_TIME;

declare_rule! {
    /// ## What it does
    /// Reports a BGP peer's `hold_time` that is neither 0 nor 3 to 65535 seconds.
    ///
    /// ## Why is this bad?
    /// BGP's hold time is a 16-bit number of seconds that "MUST be either zero or at least
    /// three seconds" (RFC 4271, 4.2), and MetalLB refuses a peer whose hold time rounds to
    /// 1 or 2 seconds ("invalid hold time ...: must be 0 or >=3s", MetalLB v0.16.1
    /// `internal/config/config.go`; see: docs/device-facts.md#bgp). The peer then never
    /// comes up and no external IP is announced. 0 turns keepalives off.
    ///
    /// ## Example
    /// ```toml
    /// [[bgp_peers]]
    /// switch = "vswitch-port3"
    /// peer_address = "192.168.10.1"
    /// peer_asn = 64512
    /// self_asn = 64513
    /// hold_time = 2
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// hold_time = 90
    /// ```
    pub static BGP_HOLD_TIME_INVALID = Rule {
        code: "ASE316",
        name: "bgp-hold-time-invalid",
        severity: Severity::Error,
        summary: "a BGP hold time that is not 0 or 3-65535 seconds (RFC 4271, MetalLB)",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    for peer in &network.bgp_peers {
        let Some(hold_time) = peer.hold_time else { continue };
        if HOLD_TIME.allows(hold_time.value) {
            continue;
        }
        let allowed = HOLD_TIME.describe();
        sink.push(
            Diagnostic::new(
                &BGP_HOLD_TIME_INVALID,
                hold_time.span,
                format!("BGP hold time {} s for peer {} is not {allowed}", hold_time.value, peer.peer_address.value),
            )
            .with_primary_label(format!("{allowed} seconds"))
            .with_help(format!(
                "use {allowed} seconds (0: no keepalives), as BGP (RFC 4271) and MetalLB accept; 90 is common \
                 (see: docs/device-facts.md#bgp)"
            )),
        );
    }
}
