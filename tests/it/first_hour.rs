//! The defects a new user met in the first hour (issue 11), each pinned through the library
//! or the real binary: syntax errors without a cascade, denied warnings shown as errors,
//! a report even when an input cannot be read, one fix for a route off the compute port,
//! completion and man page, one diagnostic per mistake, schema and reader in agreement,
//! every protocol named, and services as Kubernetes and MetalLB want them.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::support::{asenet, build_file, codes, repo_root, schema_violations, stderr, stdout};

fn example(name: &str) -> String {
    std::fs::read_to_string(repo_root().join("examples").join(name)).unwrap()
}

fn json_of(output: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(output)).expect("stdout is one JSON document")
}

#[test]
fn one_missing_bracket_is_one_error_on_the_bracket_line() {
    let source = example("mini-r-site.toml");
    let broken = source.replacen("dns = [\"172.16.42.1\"]", "dns = [\"172.16.42.1\"", 1);
    assert_ne!(broken, source, "the example still has the line this test breaks");
    let line = broken.lines().position(|line| line.starts_with("dns = [")).unwrap() + 1;
    let output = asenet(&["check", "--format", "json", "-"], broken.as_bytes());
    assert_eq!(output.status.code(), Some(1));
    let diagnostics = json_of(&output)["files"][0]["diagnostics"].as_array().unwrap().clone();
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], "ASE001");
    assert_eq!(diagnostics[0]["line"], line, "on the line with the unclosed `[`");
    assert_eq!(diagnostics[0]["message"], "this `[` is never closed");
}

#[test]
fn many_syntax_errors_are_capped() {
    let source: String = (0..50).map(|n| format!("key{n} = = {n}\n")).collect();
    let output = asenet(&["check", "--format", "json", "-"], source.as_bytes());
    let document = json_of(&output);
    let diagnostics = document["files"][0]["diagnostics"].as_array().unwrap();
    assert!(diagnostics.len() <= 3, "{diagnostics:#?}");
    assert!(diagnostics.last().unwrap()["help"].as_str().unwrap().contains("more syntax errors"));
}

/// Only a warning: an unexplained suppression comment (ASE502).
const WARNING_ONLY: &str = "# asenet: allow(ASE201)\n[device]\nname = \"store042\"\n";

#[test]
fn denied_warnings_are_errors_in_every_format() {
    let checked = asenet::check(WARNING_ONLY);
    assert!(!checked.diagnostics.is_empty() && !checked.has_errors(), "{:#?}", checked.diagnostics);
    let run = |format: &str, deny: bool| {
        let mut args = vec!["check", "--format", format, "--stdin-filename", "site.toml", "-"];
        if deny {
            args.insert(1, "--deny-warnings");
        }
        asenet(&args, WARNING_ONLY.as_bytes())
    };
    let allowed = run("github", false);
    assert_eq!(allowed.status.code(), Some(0), "{}", stderr(&allowed));
    assert!(stdout(&allowed).lines().all(|line| line.starts_with("::warning ")), "{}", stdout(&allowed));

    let denied = run("github", true);
    assert_eq!(denied.status.code(), Some(1));
    let lines: Vec<String> = stdout(&denied).lines().map(str::to_owned).collect();
    assert!(!lines.is_empty() && lines.iter().all(|line| line.starts_with("::error ")), "{lines:#?}");
    assert!(lines.iter().all(|line| line.contains("--deny-warnings")), "the help says why: {lines:#?}");

    let sarif = json_of(&run("sarif", true));
    let levels: BTreeSet<&str> =
        sarif["runs"][0]["results"].as_array().unwrap().iter().map(|r| r["level"].as_str().unwrap()).collect();
    assert_eq!(levels, BTreeSet::from(["error"]));

    let json = json_of(&run("json", true));
    let severities: BTreeSet<&str> =
        json["files"][0]["diagnostics"].as_array().unwrap().iter().map(|d| d["severity"].as_str().unwrap()).collect();
    assert_eq!(severities, BTreeSet::from(["error"]));
    assert_eq!(json["summary"]["warnings"], 0);

    let human = run("human", true);
    assert!(stderr(&human).contains("1 error") || stderr(&human).contains("errors, 0 warnings"), "{}", stderr(&human));
}

#[test]
fn an_unreadable_input_still_gives_a_valid_sarif_log_and_exit_2() {
    let output = asenet(&["check", "--format", "sarif", "no/such/site.toml", "examples/mini-r-site.toml"], b"");
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("cannot read `no/such/site.toml`"));
    let document = json_of(&output);
    let schema_text = std::fs::read_to_string(repo_root().join("tests/sarif/sarif-schema-2.1.0.json")).unwrap();
    // The vendored schema's `language` pattern is not valid ECMA-262 (see formats.rs).
    let schema_text = schema_text.replace("^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$", "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$");
    let schema: Value = serde_json::from_str(&schema_text).unwrap();
    let violations = schema_violations(&schema, &document);
    assert!(violations.is_empty(), "not valid SARIF 2.1.0:\n{}", violations.join("\n"));
    let invocation = &document["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notification = &invocation["toolExecutionNotifications"][0];
    assert_eq!(notification["level"], "error");
    assert_eq!(notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "no/such/site.toml");
    assert!(notification["message"]["text"].as_str().unwrap().contains("no such file"));
    // The file that could be read is still reported (it is clean: no results).
    assert_eq!(document["runs"][0]["results"], Value::Array(Vec::new()));
}

#[test]
fn an_unreadable_input_is_listed_in_the_json_report() {
    let output = asenet(&["check", "--format", "json", "no/such/site.toml", "examples/mini-r-site.toml"], b"");
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!(stdout(&output));
    let github = asenet(&["check", "--format", "github", "no/such/site.toml"], b"");
    assert_eq!(github.status.code(), Some(2));
    assert!(stdout(&github).starts_with("::error file=no/such/site.toml,"), "{}", stdout(&github));
}

#[test]
fn a_route_off_the_compute_port_gets_one_fix_from_both_rules() {
    let source = std::fs::read_to_string(repo_root().join("tests/fixtures/ASE301/fires-off-compute.toml")).unwrap();
    let checked = asenet::check(&source);
    let helps: Vec<(&str, &str)> =
        checked.diagnostics.iter().map(|d| (d.code(), d.help.as_deref().unwrap_or(""))).collect();
    assert_eq!(helps.iter().map(|(code, _)| *code).collect::<Vec<_>>(), ["ASE301", "ASE303"]);
    for (code, help) in helps {
        assert!(help.contains("`interface = \"Port3\"`"), "{code}: {help}");
        assert!(!help.contains("give Port4"), "{code} contradicts: {help}");
    }
}

#[test]
fn explain_suggests_codes_and_names() {
    let output = asenet(&["explain", "next-hop-of-link"], b"");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("did you mean `next-hop-off-link` (ASE203)?"), "{}", stderr(&output));
    let output = asenet(&["explain", "ASE230"], b"");
    assert!(stderr(&output).contains("(ASE203)?"), "{}", stderr(&output));
}

#[test]
fn completion_offers_codes_after_explain_and_commands_after_man() {
    let bash = stdout(&asenet(&["completions", "bash"], b""));
    let options_of = |subcommand: &str| {
        let block = bash.split(&format!("asenet__subcmd__{subcommand})\n")).nth(1).unwrap();
        block.lines().next().unwrap().to_owned()
    };
    let explain = options_of("explain");
    assert!(explain.contains(" ASE203 ") && explain.contains(" next-hop-off-link "), "{explain}");
    let man = options_of("man");
    assert!(man.contains(" check ") && man.contains(" build ") && man.contains(" explain "), "{man}");
    // An unknown code still reaches `explain`, which says what is wrong, not clap.
    assert!(stderr(&asenet(&["explain", "zzz"], b"")).contains("no rule `zzz`"));
}

#[test]
fn every_man_page_has_an_exit_status_section() {
    for page in [None, Some("check"), Some("build")] {
        let args: Vec<&str> = ["man"].into_iter().chain(page).collect();
        let roff = stdout(&asenet(&args, b""));
        let at = roff.find(".SH \"EXIT STATUS\"").unwrap_or_else(|| panic!("{page:?} has no EXIT STATUS"));
        let section = &roff[at..];
        for code in ["\\fB0\\fR", "\\fB1\\fR", "\\fB2\\fR"] {
            assert!(section.contains(code), "{page:?}: {code}");
        }
        assert!(roff.find(".SH OPTIONS").is_none_or(|options| options < at), "after OPTIONS");
    }
}

/// One valid file in which each required key can be replaced by a wrong type.
const REQUIRED: &str = r#"[device]
name = "store042"

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
ports = [{ port = 443 }]

[[routes]]
interface = "Port3"
destination = "192.168.20.0/24"
next_hop = "192.168.10.1"
"#;

#[test]
fn a_required_key_of_the_wrong_type_is_not_also_missing() {
    assert_eq!(codes(REQUIRED), Vec::<&str>::new(), "the base file is clean");
    let required = [
        ("name = \"store042\"", "name"),
        ("ports = [\"Port3\"]", "ports"),
        ("node_ips = \"192.168.10.30-192.168.10.31\"", "node_ips"),
        ("name = \"web\"", "name"),
        ("ports = [{ port = 443 }]", "ports"),
        ("port = 443", "port"),
        ("interface = \"Port3\"", "interface"),
        ("destination = \"192.168.20.0/24\"", "destination"),
        ("next_hop = \"192.168.10.1\"", "next_hop"),
    ];
    let mut failures = Vec::new();
    for (line, key) in required {
        for wrong in ["5", "true", "\"443\"", "[1]", "{ a = 1 }", "99999999999999999999"] {
            let replacement =
                if line.starts_with("port =") { format!("port = {wrong}") } else { format!("{key} = {wrong}") };
            let source = REQUIRED.replacen(line, &replacement, 1);
            assert_ne!(source, REQUIRED);
            let found = codes(&source);
            if found.contains(&"ASE003") || found.contains(&"ASE001") {
                if found.contains(&"ASE006") {
                    failures.push(format!("`{replacement}` draws {found:?}"));
                }
            } else {
                // A string is the right type for these keys, and 5 is a valid port.
                let string_key = matches!(key, "name" | "interface" | "destination" | "next_hop");
                let valid = (wrong == "\"443\"" && string_key) || (wrong == "5" && key == "port");
                if !valid {
                    failures.push(format!("`{replacement}` is not reported: {found:?}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The schema of the one place [`slot`] puts a value of each kind.
fn definition(kind: &str) -> Value {
    let text = std::fs::read_to_string(repo_root().join("schemas/asenet.schema.json")).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    let pointer = match kind {
        "Ipv4Address" => "#/$defs/Port/properties/gateway",
        "Ipv4Prefix" => "#/$defs/Kubernetes/properties/pod_cidr",
        "RouteDestination" => "#/$defs/Route/properties/destination",
        "AddressRange" => "#/$defs/Kubernetes/properties/service_ips",
        other => panic!("no slot for {other}"),
    };
    assert!(schema.pointer(&pointer[1..]).is_some(), "{pointer}");
    serde_json::json!({ "$defs": schema["$defs"], "$ref": pointer })
}

/// Where the reader reads a value of each schema definition, in an otherwise clean file.
fn slot(definition: &str, value: &str) -> String {
    let value = serde_json::to_string(value).unwrap(); // a JSON string is a TOML basic string
    let base = REQUIRED;
    match definition {
        "Ipv4Address" => base.replacen("gateway = \"10.10.2.1\"", &format!("gateway = {value}"), 1),
        "Ipv4Prefix" => base.replacen("[kubernetes]\n", &format!("[kubernetes]\npod_cidr = {value}\n"), 1),
        "RouteDestination" => base.replacen("destination = \"192.168.20.0/24\"", &format!("destination = {value}"), 1),
        "AddressRange" => {
            base.replacen("service_ips = \"192.168.10.40-192.168.10.49\"", &format!("service_ips = {value}"), 1)
        }
        other => panic!("no slot for {other}"),
    }
}

/// Whether the reader takes `value` as written: no ASE003 but for a range in the wrong
/// order, which is a fact about the addresses, not the grammar the schema describes.
fn reader_accepts(definition: &str, value: &str) -> bool {
    let source = slot(definition, value);
    asenet::check(&source).diagnostics.iter().all(|d| {
        d.code() != "ASE003" && d.code() != "ASE001"
            || d.primary_label.as_deref().is_some_and(|l| l.contains("comes after"))
    })
}

fn schema_accepts(schema: &Value, value: &str) -> bool {
    schema_violations(schema, &Value::from(value)).is_empty()
}

/// Tricky strings for each kind of address value.
fn tricky_values() -> Vec<(&'static str, String)> {
    let addresses = [
        "10.0.0.1",
        "192.168.10.40",
        "255.255.255.255",
        "0.0.0.0",
        "10.0.0.01",
        "010.0.0.1",
        "10.0.0.256",
        "10.0.0",
        "10.0.0.1.2",
        " 10.0.0.1",
        "10.0.0.1 ",
        "10.0.0.1\t",
        "fe80::1",
        "::ffff:10.0.0.1",
        "",
        "10.0.0.-1",
        "+10.0.0.1",
        "10.0.0.1\n",
        "1e1.0.0.1",
        "١٠.0.0.1",
    ];
    let prefixes = ["/0", "/8", "/28", "/028", "/32", "/33", "/+8", "/ 8", "/8 ", "/", "/x", "/00", "/-1", ""];
    let separators = ["-", " - ", "\t-\t", " -", "- ", "  -  ", "--", "–", " ", ""];
    let mut values = Vec::new();
    for address in addresses {
        values.push(("Ipv4Address", address.to_owned()));
        for prefix in prefixes {
            let value = format!("{address}{prefix}");
            values.push(("Ipv4Prefix", value.clone()));
            values.push(("RouteDestination", value.clone()));
            values.push(("AddressRange", value));
        }
    }
    for first in ["192.168.10.40", "192.168.10.4O", " 192.168.10.40", "192.168.10.040"] {
        for separator in separators {
            for last in ["192.168.10.49", "192.168.10.49 ", "192.168.10.490", "192.168.10.49/32"] {
                values.push(("AddressRange", format!("{first}{separator}{last}")));
            }
        }
    }
    values
}

#[test]
fn schema_and_reader_accept_the_same_tricky_values() {
    let mut disagreements = Vec::new();
    let mut schemas = std::collections::BTreeMap::new();
    for (kind, value) in tricky_values() {
        let schema = schemas.entry(kind).or_insert_with(|| definition(kind));
        let (reader, schema) = (reader_accepts(kind, &value), schema_accepts(schema, &value));
        if reader != schema {
            disagreements.push(format!("{kind} {value:?}: reader {reader}, schema {schema}"));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
    // The two values the trial found.
    assert!(reader_accepts("AddressRange", "192.168.10.40 - 192.168.10.49"));
    assert!(!reader_accepts("Ipv4Prefix", "10.0.0.0/028"));
}

#[test]
fn schema_and_reader_agree_on_every_address_value_in_the_repository() {
    let kind_of = |key: &str| match key {
        "gateway" | "dns" | "next_hop" | "load_balancer_ip" | "cluster_ip" => Some("Ipv4Address"),
        "pod_cidr" | "service_cidr" => Some("Ipv4Prefix"),
        "destination" => Some("RouteDestination"),
        "node_ips" | "service_ips" => Some("AddressRange"),
        _ => None,
    };
    fn walk<'v>(value: &'v toml::Value, key: &str, out: &mut Vec<(String, &'v str)>) {
        match value {
            toml::Value::String(text) => out.push((key.to_owned(), text)),
            toml::Value::Array(items) => items.iter().for_each(|item| walk(item, key, out)),
            toml::Value::Table(table) => table.iter().for_each(|(key, value)| walk(value, key, out)),
            _ => {}
        }
    }
    let mut files = Vec::new();
    for dir in ["tests/corpus", "examples"] {
        files.extend(std::fs::read_dir(repo_root().join(dir)).unwrap().map(|entry| entry.unwrap().path()));
    }
    for code_dir in std::fs::read_dir(repo_root().join("tests/fixtures")).unwrap() {
        files.extend(std::fs::read_dir(code_dir.unwrap().path()).unwrap().map(|entry| entry.unwrap().path()));
    }
    let mut seen = BTreeSet::new();
    for path in files.iter().filter(|path| path.extension().is_some_and(|ext| ext == "toml")) {
        let Ok(table) = std::fs::read_to_string(path).unwrap().parse::<toml::Table>() else { continue };
        let mut strings = Vec::new();
        let table = toml::Value::Table(table);
        walk(&table, "", &mut strings);
        for (key, value) in strings {
            if let Some(kind) = kind_of(&key) {
                seen.insert((kind, value.to_owned()));
            }
        }
    }
    assert!(seen.len() > 50, "the repository has address values: {}", seen.len());
    let mut disagreements = Vec::new();
    for (kind, value) in &seen {
        let (reader, schema) = (reader_accepts(kind, value), schema_accepts(&definition(kind), value));
        if reader != schema {
            disagreements.push(format!("{kind} {value:?}: reader {reader}, schema {schema}"));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

#[test]
fn mixed_protocols_are_all_named() {
    let source = std::fs::read_to_string(repo_root().join("tests/fixtures/ASE404/fires-three-protocols.toml")).unwrap();
    let checked = asenet::check(&source);
    let [diagnostic] = checked.diagnostics.as_slice() else { panic!("{:#?}", checked.diagnostics) };
    assert_eq!(diagnostic.message, "LoadBalancer service `dns` mixes TCP, UDP and SCTP");
    assert!(diagnostic.help.as_deref().unwrap().contains("`dns-sctp`"));
}

#[test]
fn services_carry_the_written_selector_and_the_metallb_annotation_only() {
    let path = repo_root().join("tests/fixtures/ASE003/quiet-selector.toml");
    let files = build_file(&path);
    let services = files.iter().find(|file| file.path == "kubernetes/services.yaml").unwrap();
    insta::assert_snapshot!(services.contents);
    assert!(!services.contents.contains("loadBalancerIP:"), "the deprecated field is not written");
    assert!(services.contents.contains("metallb.universe.tf/loadBalancerIPs"));

    // Without a selector, none is invented.
    let without = std::fs::read_to_string(&path).unwrap().replace("selector = {", "# selector = {");
    let built = asenet::build(&without, &asenet::emit::Previous::default()).unwrap();
    let services = built.files.iter().find(|file| file.path == "kubernetes/services.yaml").unwrap();
    assert!(!services.contents.contains("selector"), "{}", services.contents);
}
