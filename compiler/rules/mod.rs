//! Stage 3: the checks. One file per rule; each file declares its [`Rule`] with
//! [`declare_rule!`](crate::diagnostic::declare_rule), whose doc comment is what
//! `asenet explain CODE` prints, and holds the check that reports it.
//!
//! [`RULES`] is the one registry: the checker, `explain`, `rules`, `[lint]`, inline
//! suppressions and the tests all read it.

use crate::diagnostic::input;
use crate::diagnostic::{self, Catalogue, Diagnostic, Rule, Severity, Sink, Span};
use crate::model::{Network, NodeCount};
use crate::syntax::suppression::Suppression;

mod address_in_use;
mod bgp_asn_invalid;
mod bgp_hold_time_invalid;
mod bgp_peer_off_compute;
mod bgp_peer_off_subnet;
mod cidr_size;
mod cluster_cidr_collision;
mod cluster_domain_overlap;
mod cluster_port_unaddressed;
mod compute_port_dynamic;
mod compute_switch_count;
mod conflicting_routes;
mod default_route_override;
mod dns_collision;
mod duplicate_bgp_peer;
mod duplicate_vlan;
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
mod no_dns_server;
mod no_uplink;
mod node_address_duplicate;
mod node_addresses_split;
mod pinned_ip_conflict;
mod pinned_ip_invalid;
mod pool_exhausted;
mod pool_holds_gateway;
mod pool_outside_network;
mod pool_overlap;
mod range_outside_subnet;
mod range_overlap;
mod redundant_route;
mod reserved_namespace;
mod reserved_port_use;
mod route_host_bits;
mod route_metric_range;
mod route_off_compute;
mod route_targets_host;
pub(crate) mod teaming_unsupported;
mod too_few_node_ips;
mod unexplained_suppression;
mod unused_suppression;
mod vip_address_in_use;
mod vip_cluster_network_unknown;
mod vip_outside_cluster_network;
mod vlan_out_of_range;
// Azure Private 5G Core sites (`[packet_core]`).
mod access_subnet_split;
mod access_vlan_split;
mod aks_node_ips_not_six;
mod aks_service_ips_count;
mod data_network_without_dns;
mod interface_address_in_use;
mod interface_address_off_subnet;
mod interface_network_dns;
mod interface_network_port_mismatch;
mod interface_on_wrong_port;
mod interface_pool_mismatch;
mod packet_core_model_unsupported;
mod packet_core_port_claimed;
mod routed_data_network_without_router;
mod router_off_subnet;
mod too_many_data_networks_on_port;
mod ue_pool_overlap;
mod ue_pool_size_mismatch;

/// A check over the resolved network.
pub type Check = fn(&Network, &mut Sink);

/// Declares the registry from one list in code order: [`RULES`], every descriptor, and
/// [`CHECKS`], each descriptor paired with the check that reports it. A rule without a check
/// is reported by another stage: input errors by `syntax` and `resolve`, the suppression
/// rules by [`apply_lint_levels`].
macro_rules! registry {
    ($($rule:path $(=> $check:path)?,)*) => {
        /// Every rule, in code order.
        pub static RULES: Catalogue = &[$(&$rule),*];

        /// Each check with the rule it reports, in code order.
        pub static CHECKS: &[(&Rule, Check)] = &[$($((&$rule, $check),)?)*];
    };
}

registry! {
    input::TOML_SYNTAX,
    input::UNKNOWN_KEY,
    input::INVALID_VALUE,
    input::UNDEFINED_REFERENCE,
    input::UNKNOWN_PORT,
    input::MISSING_OR_CONFLICTING,
    input::DUPLICATE,
    input::UNMATCHED_GLOB,
    input::HIDDEN_CHARACTER,
    range_overlap::RANGE_OVERLAP => range_overlap::check,
    cluster_cidr_collision::CLUSTER_CIDR_COLLISION => cluster_cidr_collision::check,
    range_outside_subnet::RANGE_OUTSIDE_SUBNET => range_outside_subnet::check,
    address_in_use::ADDRESS_IN_USE => address_in_use::check,
    too_few_node_ips::TOO_FEW_NODE_IPS => too_few_node_ips::check,
    pool_exhausted::POOL_EXHAUSTED => pool_exhausted::check,
    pinned_ip_invalid::PINNED_IP_INVALID => pinned_ip_invalid::check,
    pinned_ip_conflict::PINNED_IP_CONFLICT => pinned_ip_conflict::check,
    cidr_size::CIDR_SIZE => cidr_size::check,
    gateway_off_link::GATEWAY_OFF_LINK => gateway_off_link::check,
    multiple_gateways::MULTIPLE_GATEWAYS => multiple_gateways::check,
    next_hop_off_link::NEXT_HOP_OFF_LINK => next_hop_off_link::check,
    next_hop_local::NEXT_HOP_LOCAL => next_hop_local::check,
    redundant_route::REDUNDANT_ROUTE => redundant_route::check,
    conflicting_routes::CONFLICTING_ROUTES => conflicting_routes::check,
    default_route_override::DEFAULT_ROUTE_OVERRIDE => default_route_override::check,
    route_host_bits::ROUTE_HOST_BITS => route_host_bits::check,
    route_metric_range::ROUTE_METRIC_RANGE => route_metric_range::check,
    dynamic_route_interface::DYNAMIC_ROUTE_INTERFACE => dynamic_route_interface::check,
    teaming_unsupported::TEAMING_UNSUPPORTED => teaming_unsupported::check,
    route_off_compute::ROUTE_OFF_COMPUTE => route_off_compute::check,
    route_targets_host::ROUTE_TARGETS_HOST => route_targets_host::check,
    compute_switch_count::COMPUTE_SWITCH_COUNT => compute_switch_count::check,
    compute_port_dynamic::COMPUTE_PORT_DYNAMIC => compute_port_dynamic::check,
    reserved_port_use::RESERVED_PORT_USE => reserved_port_use::check,
    mtu_invalid::MTU_INVALID => mtu_invalid::check,
    no_uplink::NO_UPLINK => no_uplink::check,
    vlan_out_of_range::VLAN_OUT_OF_RANGE => vlan_out_of_range::check,
    duplicate_vlan::DUPLICATE_VLAN => duplicate_vlan::check,
    bgp_asn_invalid::BGP_ASN_INVALID => bgp_asn_invalid::check,
    duplicate_bgp_peer::DUPLICATE_BGP_PEER => duplicate_bgp_peer::check,
    bgp_peer_off_subnet::BGP_PEER_OFF_SUBNET => bgp_peer_off_subnet::check,
    bgp_peer_off_compute::BGP_PEER_OFF_COMPUTE => bgp_peer_off_compute::check,
    bgp_hold_time_invalid::BGP_HOLD_TIME_INVALID => bgp_hold_time_invalid::check,
    no_dns_server::NO_DNS_SERVER => no_dns_server::check,
    cluster_port_unaddressed::CLUSTER_PORT_UNADDRESSED => cluster_port_unaddressed::check,
    node_addresses_split::NODE_ADDRESSES_SPLIT => node_addresses_split::check,
    node_address_duplicate::NODE_ADDRESS_DUPLICATE => node_address_duplicate::check,
    vip_outside_cluster_network::VIP_OUTSIDE_CLUSTER_NETWORK => vip_outside_cluster_network::check,
    vip_address_in_use::VIP_ADDRESS_IN_USE => vip_address_in_use::check,
    vip_cluster_network_unknown::VIP_CLUSTER_NETWORK_UNKNOWN => vip_cluster_network_unknown::check,
    pool_outside_network::POOL_OUTSIDE_NETWORK => pool_outside_network::check,
    pool_holds_gateway::POOL_HOLDS_GATEWAY => pool_holds_gateway::check,
    pool_overlap::POOL_OVERLAP => pool_overlap::check,
    invalid_name::INVALID_NAME => invalid_name::check,
    reserved_namespace::RESERVED_NAMESPACE => reserved_namespace::check,
    invalid_service_port::INVALID_SERVICE_PORT => invalid_service_port::check,
    mixed_protocol::MIXED_PROTOCOL => mixed_protocol::check,
    dns_collision::DNS_COLLISION => dns_collision::check,
    cluster_domain_overlap::CLUSTER_DOMAIN_OVERLAP => cluster_domain_overlap::check,
    unused_suppression::UNUSED_SUPPRESSION,
    unexplained_suppression::UNEXPLAINED_SUPPRESSION,
    // Fleet rules: `fleet::check_fleet` runs them over a fleet.
    crate::fleet::rules::duplicate_device_name::DUPLICATE_DEVICE_NAME,
    crate::fleet::rules::fleet_address_overlap::FLEET_ADDRESS_OVERLAP,
    crate::fleet::rules::fleet_range_collision::FLEET_RANGE_COLLISION,
    // Azure Private 5G Core sites (`[packet_core]`).
    aks_node_ips_not_six::AKS_NODE_IPS_NOT_SIX => aks_node_ips_not_six::check,
    aks_service_ips_count::AKS_SERVICE_IPS_COUNT => aks_service_ips_count::check,
    packet_core_model_unsupported::PACKET_CORE_MODEL_UNSUPPORTED => packet_core_model_unsupported::check,
    interface_on_wrong_port::INTERFACE_ON_WRONG_PORT => interface_on_wrong_port::check,
    too_many_data_networks_on_port::TOO_MANY_DATA_NETWORKS_ON_PORT => too_many_data_networks_on_port::check,
    interface_pool_mismatch::INTERFACE_POOL_MISMATCH => interface_pool_mismatch::check,
    interface_address_off_subnet::INTERFACE_ADDRESS_OFF_SUBNET => interface_address_off_subnet::check,
    access_subnet_split::ACCESS_SUBNET_SPLIT => access_subnet_split::check,
    interface_network_port_mismatch::INTERFACE_NETWORK_PORT_MISMATCH => interface_network_port_mismatch::check,
    interface_network_dns::INTERFACE_NETWORK_DNS => interface_network_dns::check,
    ue_pool_size_mismatch::UE_POOL_SIZE_MISMATCH => ue_pool_size_mismatch::check,
    ue_pool_overlap::UE_POOL_OVERLAP => ue_pool_overlap::check,
    data_network_without_dns::DATA_NETWORK_WITHOUT_DNS => data_network_without_dns::check,
    routed_data_network_without_router::ROUTED_DATA_NETWORK_WITHOUT_ROUTER => routed_data_network_without_router::check,
    router_off_subnet::ROUTER_OFF_SUBNET => router_off_subnet::check,
    packet_core_port_claimed::PACKET_CORE_PORT_CLAIMED => packet_core_port_claimed::check,
    interface_address_in_use::INTERFACE_ADDRESS_IN_USE => interface_address_in_use::check,
    access_vlan_split::ACCESS_VLAN_SPLIT => access_vlan_split::check,
}

/// What `asenet explain` prints for `rule` below its heading: the rule's documentation, then
/// the limits it enforces ([`crate::model::bounds`]), from the same declarations as the check
/// and the JSON Schema.
pub fn explanation(rule: &Rule) -> String {
    let mut text = rule.documentation().trim_end().to_owned();
    let limits: Vec<&crate::model::bounds::Bound> =
        crate::model::bounds::ALL.iter().copied().filter(|bound| bound.code == rule.code).collect();
    if !limits.is_empty() {
        text.push_str(
            "\n\n## Limits\n\nA value outside these is reported with this code; the JSON Schema says the same.\n\n",
        );
        text.push_str("| table | key | allowed | source |\n|---|---|---|---|\n");
        for bound in limits {
            text.push_str(&format!(
                "| `{}` | `{}` | {} | {} |\n",
                bound.table,
                bound.key,
                bound.describe(),
                bound.source
            ));
        }
    }
    text.push('\n');
    text
}

/// The catalogue as a Markdown table, a row per rule: its code linked to its section of the
/// rules page at `page` (`""` on that page itself, `docs/rules.md`), name, severity and
/// summary. `asenet rules --format markdown` prints it; `docs/rules.md` starts with it.
pub fn markdown_table(page: &str) -> String {
    use crate::escape::markdown;
    let mut table = String::from("| code | rule | severity | fires when |\n|---|---|---|---|\n");
    for rule in RULES {
        table.push_str(&format!(
            "| [{}]({page}#{}) | {} | {} | {} |\n",
            rule.code,
            rule.anchor(),
            markdown::code(rule.name),
            rule.severity.as_str(),
            markdown::table_cell(rule.summary)
        ));
    }
    table
}

/// Runs every rule over `network`.
pub fn check(network: &Network, sink: &mut Sink) {
    for (_, check) in CHECKS {
        check(network, sink);
    }
}

/// A label at `device.nodes` (or `[device]` for the default) naming the Kubernetes VMs the
/// device runs: `a two-node device runs master, worker1 and worker2`.
pub(crate) fn kubernetes_vms_label(network: &Network) -> (Span, String) {
    let nodes = network.device.nodes;
    let device = match nodes.value {
        NodeCount::One => "a one-node device",
        NodeCount::Two => "a two-node device",
    };
    let default = if nodes.span == network.device.header { " (the default `nodes = 1`)" } else { "" };
    (nodes.span, format!("{device}{default} runs {}", crate::text::join(nodes.value.kubernetes_nodes())))
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

#[cfg(test)]
mod tests {
    #[test]
    fn the_markdown_table_has_one_row_of_four_cells_per_rule_linked_to_its_section() {
        let table = super::markdown_table("https://example.com/rules.md");
        let rows: Vec<&str> = table.lines().skip(2).collect();
        assert_eq!(rows.len(), super::RULES.len());
        for row in rows {
            let unescaped = row.replace("\\|", "");
            assert_eq!(unescaped.matches('|').count(), 5, "{row}");
        }
        assert!(table.contains("| [ASE203](https://example.com/rules.md#ase203) | `next-hop-off-link` | error |"));
    }
}
