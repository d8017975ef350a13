//! Stage 3: the rule catalogue. One file per rule; each file declares its [`Rule`] with
//! [`declare_rule!`], whose doc comment is what `asenet explain CODE` prints.
//!
//! [`RULES`] is the one registry: the checker, `explain`, `rules`, `[lint]`, inline
//! suppressions and the tests all read it.

use std::fmt;

use crate::diagnostic::{self, Diagnostic, Severity, Sink, Span};
use crate::model::{Network, NodeCount};
use crate::syntax::suppression::Suppression;

/// Declares a `static` [`Rule`] whose `doc` is the item's doc comment.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub static $ident:ident = Rule { $($field:ident: $value:expr),* $(,)? };
    ) => {
        $(#[doc = $doc])*
        pub static $ident: $crate::rules::Rule = $crate::rules::Rule {
            doc: concat!($($doc, "\n"),*),
            $($field: $value),*
        };
    };
}

pub mod input;

mod address_in_use;
mod cidr_size;
mod cluster_cidr_collision;
mod compute_port_dynamic;
mod compute_switch_count;
mod conflicting_routes;
mod default_route_override;
mod dns_collision;
mod dynamic_route_interface;
mod gateway_off_link;
pub(crate) mod invalid_name;
mod invalid_service_port;
mod mixed_protocol;
pub use mixed_protocol::MIXED_PROTOCOL;
mod mtu_invalid;
mod multiple_gateways;
mod next_hop_local;
mod next_hop_off_link;
mod no_uplink;
mod pinned_ip_conflict;
mod pinned_ip_invalid;
mod pool_exhausted;
mod range_outside_subnet;
mod range_overlap;
mod redundant_route;
mod reserved_namespace;
mod reserved_port_use;
mod route_host_bits;
mod route_off_compute;
mod route_targets_host;
mod teaming_unsupported;
mod too_few_node_ips;
mod unexplained_suppression;
mod unused_suppression;

/// A check over the resolved network.
pub type Check = fn(&Network, &mut Sink);

pub struct Rule {
    /// `ASE203`: stable once released.
    pub code: &'static str,
    /// `next-hop-off-link`: the bad pattern, in kebab case.
    pub name: &'static str,
    pub severity: Severity,
    /// One line for `asenet rules`: when the rule fires.
    pub summary: &'static str,
    /// The doc comment: what it does, why it is bad, an example, what to write instead.
    pub doc: &'static str,
    /// `None` for input errors (ASE0xx), which `syntax` and `resolve` report, and for the
    /// suppression rules (ASE5xx), which [`apply_lint_levels`] reports.
    pub check: Option<Check>,
}

impl Rule {
    /// Input errors (ASE0xx) describe a file that cannot be understood; neither `[lint]` nor
    /// a suppression comment can move them.
    pub fn is_input_error(&self) -> bool {
        self.code.starts_with("ASE0")
    }

    /// The documentation as written, without the one space each `///` line starts with.
    pub fn documentation(&self) -> String {
        self.doc.lines().map(|line| line.strip_prefix(' ').unwrap_or(line)).collect::<Vec<_>>().join("\n")
    }
}

impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        self.code == other.code
    }
}

impl Eq for Rule {}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({})", self.code, self.name)
    }
}

/// Every rule, in code order.
pub static RULES: &[&Rule] = &[
    &input::TOML_SYNTAX,
    &input::UNKNOWN_KEY,
    &input::INVALID_VALUE,
    &input::UNDEFINED_REFERENCE,
    &input::UNKNOWN_PORT,
    &input::MISSING_OR_CONFLICTING,
    &input::DUPLICATE,
    &range_overlap::RANGE_OVERLAP,
    &cluster_cidr_collision::CLUSTER_CIDR_COLLISION,
    &range_outside_subnet::RANGE_OUTSIDE_SUBNET,
    &address_in_use::ADDRESS_IN_USE,
    &too_few_node_ips::TOO_FEW_NODE_IPS,
    &pool_exhausted::POOL_EXHAUSTED,
    &pinned_ip_invalid::PINNED_IP_INVALID,
    &pinned_ip_conflict::PINNED_IP_CONFLICT,
    &cidr_size::CIDR_SIZE,
    &gateway_off_link::GATEWAY_OFF_LINK,
    &multiple_gateways::MULTIPLE_GATEWAYS,
    &next_hop_off_link::NEXT_HOP_OFF_LINK,
    &next_hop_local::NEXT_HOP_LOCAL,
    &redundant_route::REDUNDANT_ROUTE,
    &conflicting_routes::CONFLICTING_ROUTES,
    &default_route_override::DEFAULT_ROUTE_OVERRIDE,
    &route_host_bits::ROUTE_HOST_BITS,
    &dynamic_route_interface::DYNAMIC_ROUTE_INTERFACE,
    &teaming_unsupported::TEAMING_UNSUPPORTED,
    &route_off_compute::ROUTE_OFF_COMPUTE,
    &route_targets_host::ROUTE_TARGETS_HOST,
    &compute_switch_count::COMPUTE_SWITCH_COUNT,
    &compute_port_dynamic::COMPUTE_PORT_DYNAMIC,
    &reserved_port_use::RESERVED_PORT_USE,
    &mtu_invalid::MTU_INVALID,
    &no_uplink::NO_UPLINK,
    &invalid_name::INVALID_NAME,
    &reserved_namespace::RESERVED_NAMESPACE,
    &invalid_service_port::INVALID_SERVICE_PORT,
    &mixed_protocol::MIXED_PROTOCOL,
    &dns_collision::DNS_COLLISION,
    &unused_suppression::UNUSED_SUPPRESSION,
    &unexplained_suppression::UNEXPLAINED_SUPPRESSION,
];

/// The rule with this code, ignoring case (`ase203` finds ASE203).
pub fn find(code: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|rule| rule.code.eq_ignore_ascii_case(code) || rule.name == code)
}

/// Runs every rule over `network`.
pub fn check(network: &Network, sink: &mut Sink) {
    for check in RULES.iter().filter_map(|rule| rule.check) {
        check(network, sink);
    }
}

/// A label at `device.nodes` (or `[device]` for the default) naming the Kubernetes VMs the
/// device runs (F2): `a two-node device runs master, worker1 and worker2`.
pub(crate) fn kubernetes_vms_label(network: &Network) -> (Span, String) {
    let nodes = network.device.nodes;
    let device = match nodes.value {
        NodeCount::One => "a one-node device",
        NodeCount::Two => "a two-node device",
    };
    let default = if nodes.span == network.device.header { " (the default `nodes = 1`)" } else { "" };
    (nodes.span, format!("{device}{default} runs {}", join(nodes.value.kubernetes_nodes())))
}

/// Joins phrases for a message: `a`, `a and b`, `a, b and c`.
pub(crate) fn join<S: AsRef<str>>(items: &[S]) -> String {
    join_with(items, "and")
}

/// Joins phrases for a message: `a`, `a or b`, `a, b or c`.
pub(crate) fn join_or<S: AsRef<str>>(items: &[S]) -> String {
    join_with(items, "or")
}

fn join_with<S: AsRef<str>>(items: &[S], conjunction: &str) -> String {
    match items {
        [] => String::new(),
        [only] => only.as_ref().to_owned(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} {conjunction} {}", init.join(", "), last.as_ref())
        }
    }
}

/// Applies the file's own levels, in order: suppression comments drop what they cover and
/// report themselves when unused or unexplained (`syntax::suppression`); then `[lint]` drops
/// allowed rules and makes denied ones errors, the suppression rules' included. Input errors
/// stay as they are. Leaves `diagnostics` in output order.
pub fn apply_lint_levels(network: &Network, suppressions: &[Suppression], diagnostics: &mut Vec<Diagnostic>) {
    unused_suppression::apply(suppressions, diagnostics);
    let levels = &network.lint;
    diagnostics.retain(|diagnostic| diagnostic.rule.is_input_error() || !levels.allow.contains(&diagnostic.rule));
    for diagnostic in diagnostics.iter_mut() {
        if levels.deny.contains(&diagnostic.rule) {
            diagnostic.severity = Severity::Error;
        }
    }
    diagnostic::sort(diagnostics);
}
