use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::bounds::{Bound, PEER_ASN, SELF_ASN};
use crate::model::{Located, Network};

declare_rule! {
    /// ## What it does
    /// Reports a BGP peer's `peer_asn` or `self_asn` outside 1-65534 and 131072-4294967294.
    ///
    /// ## Why is this bad?
    /// The device's BGP documentation says "ASNs are 16-bit numbers between 1 and 65534 and
    /// 32-bit numbers between 131072 and 4294967294" (see: docs/device-facts.md#bgp). The
    /// numbers between are reserved (65535 and 4294967295 by RFC 7300, 65536-131071 for
    /// documentation and reserved use, 0 by RFC 7607): `Set-HcsBGPPeer` refuses them, or a
    /// router drops the session.
    ///
    /// ## Example
    /// ```toml
    /// [[bgp_peers]]
    /// switch = "vswitch-port3"
    /// peer_address = "192.168.10.1"
    /// peer_asn = 65535
    /// self_asn = 0
    /// ```
    ///
    /// ## Use instead
    /// Private ASNs, 64512-65534 or 4200000000-4294967294:
    /// ```toml
    /// peer_asn = 64512
    /// self_asn = 64513
    /// ```
    pub static BGP_ASN_INVALID = Rule {
        code: "ASE312",
        name: "bgp-asn-invalid",
        severity: Severity::Error,
        summary: "a BGP AS number outside 1-65534 and 131072-4294967294",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    for peer in &network.bgp_peers {
        for (bound, asn) in [(&PEER_ASN, peer.peer_asn), (&SELF_ASN, peer.self_asn)] {
            report(bound, asn, sink);
        }
    }
}

fn report(bound: &Bound, asn: Located<i64>, sink: &mut Sink) {
    if bound.allows(asn.value) {
        return;
    }
    let allowed = bound.describe();
    sink.push(
        Diagnostic::new(&BGP_ASN_INVALID, asn.span, format!("`{}` {} is not a usable AS number", bound.key, asn.value))
            .with_primary_label(format!("not {allowed}"))
            .with_help(format!(
                "use an AS number of {allowed}; private ones are 64512-65534 and 4200000000-4294967294 (see: \
                 docs/device-facts.md#bgp)"
            )),
    );
}
