//! One cause, one report: a mistake in a clean file is reported once, at the mistake, and the
//! help it prints, applied literally, removes the finding without adding another.

use asenet::diagnostic::Diagnostic;

/// A clean device file with every table.
pub const CLEAN: &str = r#"[device]
name = "store042"
domain = "contoso.local"

[ports.Port2]
address = "10.10.2.20/24"
gateway = "10.10.2.1"
dns = ["10.10.2.53"]

[ports.Port3]
address = "192.168.10.20/24"

[switches.vswitch-port3]
ports = ["Port3"]
compute = true

[kubernetes]
node_ips = "192.168.10.30-192.168.10.31"
service_ips = "192.168.10.40-192.168.10.49"

[[services]]
name = "web"
namespace = "shop"
type = "LoadBalancer"
ports = [{ port = 443 }]
hostname = "web"

[[routes]]
interface = "Port3"
destination = "192.168.20.0/24"
next_hop = "192.168.10.1"
metric = 100

[[virtual_networks]]
name = "vnet-cameras"
switch = "vswitch-port3"
vlan = 10
subnet = "10.20.10.0/24"
gateway = "10.20.10.1"

[[bgp_peers]]
switch = "vswitch-port3"
peer_address = "192.168.10.1"
peer_asn = 64512
self_asn = 64513
"#;

fn diagnostics(source: &str) -> Vec<Diagnostic> {
    asenet::check(source).diagnostics
}

fn described(diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics.iter().map(|d| format!("{} {} (help: {:?})", d.code(), d.message, d.help)).collect()
}

#[test]
fn the_clean_file_is_clean() {
    assert_eq!(described(&diagnostics(CLEAN)), Vec::<String>::new());
}

/// Issue 24, finding 5: `[ports.port3]` for `Port3` drew ASE005 and three ASE004 whose help
/// ("add [ports.Port3] ...") made a second table instead of fixing the typo. The misspelt
/// table is read as the port it was meant to be: one report, whose fix is the rename.
#[test]
fn a_misspelt_port_table_is_one_report() {
    let source = CLEAN.replace("[ports.Port3]", "[ports.port3]");
    let found = diagnostics(&source);
    assert_eq!(found.iter().map(Diagnostic::code).collect::<Vec<_>>(), ["ASE005"], "{:#?}", described(&found));
    let fix = found[0].fix.as_ref().expect("a fix");
    let fixed = asenet::fix::apply(&source, [fix]).source;
    assert_eq!(described(&diagnostics(&fixed)), Vec::<String>::new());
}

/// Issue 24, finding 11: a ClusterIP service with both `load_balancer_ip` and `hostname`
/// reported one ASE006; the second appeared after fixing the first.
#[test]
fn a_cluster_ip_service_with_two_misplaced_keys_gets_both_reports_at_once() {
    let source = CLEAN.replace(
        "type = \"LoadBalancer\"\nports = [{ port = 443 }]\nhostname = \"web\"\n",
        "type = \"ClusterIP\"\nports = [{ port = 443 }]\nload_balancer_ip = \"192.168.10.40\"\nhostname = \"web\"\n",
    );
    let found = diagnostics(&source);
    let misplaced: Vec<&str> = found.iter().filter(|d| d.code() == "ASE006").map(|d| d.message.as_str()).collect();
    assert_eq!(misplaced.len(), 2, "{:#?}", described(&found));
    assert!(
        misplaced.iter().any(|m| m.contains("load_balancer_ip")) && misplaced.iter().any(|m| m.contains("hostname"))
    );
}

/// Issue 24, finding 14: `vlan_id = 192` (PowerShell's `-VlanId`, the export's `vlanId`)
/// drew ASE002 without a suggestion and ASE006 "missing `vlan`". A key in the device's own
/// vocabulary is suggested as asenet's key, fixed safely, and read as it.
#[test]
fn a_key_in_the_devices_vocabulary_is_one_report_with_a_fix() {
    for (written, meant, line) in [
        ("vlan_id", "vlan", "vlan = 10"),
        ("VlanId", "vlan", "vlan = 10"),
        ("DestinationPrefix", "destination", "destination = \"192.168.20.0/24\""),
        ("InterfaceAlias", "interface", "interface = \"Port3\""),
        ("RouteMetric", "metric", "metric = 100"),
        ("peerASN", "peer_asn", "peer_asn = 64512"),
    ] {
        let source = CLEAN.replacen(line, &line.replacen(meant, written, 1), 1);
        assert_ne!(source, CLEAN);
        let found = diagnostics(&source);
        assert_eq!(
            found.iter().map(Diagnostic::code).collect::<Vec<_>>(),
            ["ASE002"],
            "{written}: {:#?}",
            described(&found)
        );
        let help = found[0].help.clone().unwrap_or_default();
        assert!(help.contains(&format!("`{meant}`")), "{written}: {help}");
        let fix = found[0].fix.as_ref().unwrap_or_else(|| panic!("{written}: no fix"));
        let fixed = asenet::fix::apply(&source, [fix]).source;
        assert_eq!(described(&diagnostics(&fixed)), Vec::<String>::new(), "{written}");
    }
}
