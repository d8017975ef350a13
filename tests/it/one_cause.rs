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

/// One edit to a clean file.
struct Mutation {
    what: String,
    text: String,
    /// The bytes of the mutated text the edit wrote (its line).
    line: std::ops::Range<usize>,
}

/// The clean files the property starts from: the one above and the examples with virtual
/// networks, BGP peers and several services.
fn clean_files() -> Vec<(String, String)> {
    let mut files = vec![("one_cause::CLEAN".to_owned(), CLEAN.to_owned())];
    for example in ["vlan-compute-site.toml", "bgp-site.toml", "seed-scenario.toml", "two-node-gpu.toml"] {
        let path = crate::support::repo_root().join("examples").join(example);
        files.push((format!("examples/{example}"), std::fs::read_to_string(path).unwrap()));
    }
    files
}

/// A one-letter typo of `word`, each kind once: a letter dropped, two swapped, one doubled.
fn typos(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    if chars.len() < 4 {
        return Vec::new();
    }
    let middle = chars.len() / 2;
    let mut dropped = chars.clone();
    dropped.remove(middle);
    let mut swapped = chars.clone();
    swapped.swap(middle - 1, middle);
    let mut doubled = chars.clone();
    doubled.insert(middle, chars[middle]);
    [dropped, swapped, doubled]
        .into_iter()
        .map(|c| c.into_iter().collect::<String>())
        .filter(|typo| typo != word)
        .collect()
}

/// Every single edit of `source`: each key misspelt by one letter, each port name misspelt,
/// each value given a value of another type.
fn mutations(source: &str) -> Vec<Mutation> {
    let known: Vec<&str> = asenet::syntax::table_keys().into_iter().flat_map(|(_, keys)| keys).collect();
    let mut found = Vec::new();
    let mut at = 0;
    for line in source.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let body = line.trim_end();
        let replace = |new_line: String, what: String| {
            let text = format!("{}{new_line}{}", &source[..start], &source[start + body.len()..]);
            Mutation { what, line: start..start + new_line.len(), text }
        };
        if let Some(port) = body.strip_prefix("[ports.").and_then(|rest| rest.strip_suffix(']')) {
            found.push(replace(format!("[ports.{}]", port.to_lowercase()), format!("`[ports.{port}]` in lowercase")));
            continue;
        }
        let Some((key, value)) = body.split_once(" = ") else { continue };
        if key.starts_with('#') || key.contains(['[', '.', ' ']) {
            continue;
        }
        for typo in typos(key).into_iter().filter(|typo| !known.contains(&typo.as_str())) {
            found.push(replace(format!("{typo} = {value}"), format!("key `{key}` misspelt `{typo}`")));
        }
        let other_type = match value.chars().next() {
            Some('"') => "7",
            Some('[') | Some('{') => "7",
            Some('t') | Some('f') => "\"yes\"",
            Some(c) if c.is_ascii_digit() => "\"7\"",
            _ => continue,
        };
        found.push(replace(format!("{key} = {other_type}"), format!("`{key}` given {other_type}")));
        // Names that refer to a table of the file, misspelt.
        if let Some(port) = value.strip_prefix("\"Port").and_then(|rest| rest.strip_suffix('"'))
            && key == "interface"
        {
            found.push(replace(format!("{key} = \"port{port}\""), format!("`{key}` misspelt `port{port}`")));
        }
        if let Some(port) = value.strip_prefix("[\"Port").and_then(|rest| rest.strip_suffix("\"]"))
            && key == "ports"
        {
            found.push(replace(format!("{key} = [\"Prot{port}\"]"), format!("`{key}` misspelt `Prot{port}`")));
        }
        if let Some(switch) = value.strip_prefix('"').and_then(|rest| rest.strip_suffix('"'))
            && key == "switch"
        {
            for typo in typos(switch) {
                found.push(replace(format!("{key} = \"{typo}\""), format!("`{key}` misspelt `{typo}`")));
            }
        }
    }
    found
}

/// `source` with the diagnostic's help applied literally: its fix, or the rename its help
/// asks for (`rename it to \`X\``) at its span. `None` when the help asks for no literal edit.
fn apply_help(source: &str, diagnostic: &Diagnostic) -> Option<String> {
    if let Some(fix) = &diagnostic.fix {
        return Some(asenet::fix::apply(source, [fix]).source);
    }
    let help = diagnostic.help.as_deref()?;
    let renamed = help.split("rename it to `").nth(1)?.split('`').next()?;
    let span = diagnostic.span;
    let written = &source[span.start..span.end];
    let quoted = written.starts_with('"');
    let replacement = if quoted { format!("\"{renamed}\"") } else { renamed.to_owned() };
    Some(format!("{}{replacement}{}", &source[..span.start], &source[span.end..]))
}

/// The property of one cause, one report: each single edit of a clean file is reported,
/// every finding is at the edit, and every help that is an edit, applied as written,
/// leaves the file clean: the finding goes and no other comes.
#[test]
fn one_edit_draws_findings_at_the_edit_whose_help_fixes_it() {
    let mut broken = Vec::new();
    let mut tried = 0;
    let mut helped = 0;
    for (name, source) in clean_files() {
        assert_eq!(described(&diagnostics(&source)), Vec::<String>::new(), "{name} is not clean");
        for mutation in mutations(&source) {
            tried += 1;
            let case = format!("{name}, {}", mutation.what);
            let found = diagnostics(&mutation.text);
            if found.is_empty() {
                broken.push(format!("{case}: nothing reported"));
                continue;
            }
            let elsewhere: Vec<String> = found
                .iter()
                .filter(|d| d.span.start < mutation.line.start || d.span.end > mutation.line.end)
                .map(|d| format!("{} {}", d.code(), d.message))
                .collect();
            if !elsewhere.is_empty() {
                broken.push(format!("{case}: reported away from the edit: {elsewhere:?}"));
            }
            for diagnostic in &found {
                let Some(applied) = apply_help(&mutation.text, diagnostic) else { continue };
                helped += 1;
                let left = described(&diagnostics(&applied));
                if !left.is_empty() {
                    broken.push(format!(
                        "{case}: the help of {} ({:?}) leaves {left:?}",
                        diagnostic.code(),
                        diagnostic.help
                    ));
                }
            }
        }
    }
    assert!(broken.is_empty(), "{} of {tried} edits:\n{}", broken.len(), broken.join("\n"));
    assert!(tried > 300, "only {tried} edits");
    assert!(helped > 150, "only {helped} helps applied");
}
