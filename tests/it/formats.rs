//! `--format sarif` and `--format github` through the real binary, both snapshotted for a
//! file with several problems. Every kind of SARIF log against the OASIS schema:
//! `consumers::sarif`.

use asenet::rules::RULES;
use serde_json::Value;

use crate::support::{asenet, stderr, stdout, stdout_json};

/// Several problems: an unknown key, a suppression without a reason (a warning) and an
/// off-link next hop (with a secondary label).
pub(crate) const SEVERAL: &str = r#"[device]
name = "store042"
modle = "pro-gpu"

# asenet: allow(ASE101)
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

[[routes]]
interface = "Port3"
destination = "192.168.20.0/24"
next_hop = "192.168.20.1"
"#;

pub(crate) const NAME: &str = "sites/store042.toml";

fn sarif_of(source: &str) -> Value {
    let output = asenet(&["check", "--format", "sarif", "--stdin-filename", NAME, "-"], source.as_bytes());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    stdout_json(&output)
}

fn fingerprints(document: &Value) -> Vec<String> {
    document["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|result| result["partialFingerprints"]["asenet/v1"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn sarif_is_valid_sarif_2_1_0_with_every_rule_and_every_result() {
    let document = sarif_of(SEVERAL);
    assert_eq!(document["version"], "2.1.0");
    let run = &document["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints", "columns count code points, as in every asenet output");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), RULES.len());
    for (descriptor, rule) in rules.iter().zip(RULES) {
        assert_eq!(descriptor["id"], rule.code);
        assert_eq!(descriptor["name"], rule.name);
        assert_eq!(descriptor["shortDescription"]["text"], rule.summary);
        assert!(descriptor["fullDescription"]["text"].as_str().unwrap().len() > 20, "{}", rule.code);
        assert!(descriptor["help"]["markdown"].as_str().unwrap().contains("## Use instead"), "{}", rule.code);
        assert_eq!(descriptor["defaultConfiguration"]["level"], rule.severity.as_str());
    }
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"], "ruleIndex points at the result's rule");
    }
    // Without `ruleIndex`, checked above, which moves whenever a rule is added.
    let mut results = run["results"].clone();
    results
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .for_each(|result| drop(result.as_object_mut().unwrap().remove("ruleIndex")));
    insta::assert_snapshot!("sarif_results", serde_json::to_string_pretty(&results).unwrap());
}

#[test]
fn sarif_of_clean_files_has_an_empty_results_array() {
    let output =
        asenet(&["check", "--format", "sarif", "examples/seed-scenario.toml", "examples/mini-r-site.toml"], b"");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout_json(&output)["runs"][0]["results"], serde_json::json!([]));
}

#[test]
fn an_unreadable_input_still_gives_a_valid_sarif_log_and_exit_2() {
    let output = asenet(&["check", "--format", "sarif", "no/such/site.toml", "examples/mini-r-site.toml"], b"");
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("cannot read `no/such/site.toml`"));
    let document = stdout_json(&output);
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
fn sarif_fingerprints_survive_edits_elsewhere_and_tell_twins_apart() {
    let before = sarif_of(SEVERAL);
    assert_eq!(fingerprints(&before), fingerprints(&sarif_of(SEVERAL)), "stable across runs");
    let shifted = sarif_of(&format!("# a new comment\n# and another\n{SEVERAL}"));
    assert_eq!(fingerprints(&before), fingerprints(&shifted), "lines moved, problems did not");
    let line = |document: &Value| {
        document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64()
    };
    assert_eq!(line(&shifted), line(&before).map(|line| line + 2));

    let twins = sarif_of(&format!("{SEVERAL}typo = 1\n\n[[routes]]\ninterface = \"Port3\"\ntypo = 1\n"));
    let prints = fingerprints(&twins);
    let mut unique = prints.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), prints.len(), "two identical problems get two fingerprints: {prints:?}");
}

#[test]
fn columns_count_code_points_in_every_format() {
    // 😀 is one code point, two UTF-16 code units and four UTF-8 bytes: the second code
    // starts at column 15 counted in code points.
    let source = "[device]\nname = \"emoji\"\n\n[lint]\nallow = [\"😀\", \"ASE99\"]\n";
    let sarif = sarif_of(source);
    let regions: Vec<(u64, u64)> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|result| {
            let region = &result["locations"][0]["physicalLocation"]["region"];
            (region["startColumn"].as_u64().unwrap(), region["endColumn"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(regions, [(10, 13), (15, 22)]);
    let github = asenet(&["check", "--format", "github", "-"], source.as_bytes());
    assert!(stdout(&github).contains(",line=5,col=15,endLine=5,endColumn=22,"), "{}", stdout(&github));
}

#[test]
fn github_prints_one_workflow_command_per_diagnostic() {
    let output = asenet(&["check", "--format", "github", "--stdin-filename", NAME, "-"], SEVERAL.as_bytes());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
    let text = stdout(&output);
    let json = asenet(&["check", "--format", "json", "-"], SEVERAL.as_bytes());
    let summary = &serde_json::from_str::<Value>(&stdout(&json)).unwrap()["summary"];
    let count = summary["errors"].as_u64().unwrap() + summary["warnings"].as_u64().unwrap();
    assert_eq!(text.lines().count() as u64, count);
    assert!(text.contains("\n::warning file="), "{text}");
    for line in text.lines() {
        assert!(line.starts_with("::error file=sites/store042.toml,line=") || line.starts_with("::warning "), "{line}");
    }
    insta::assert_snapshot!("github", text);
}

#[test]
fn github_escapes_property_values_and_stays_quiet_when_clean() {
    let output = asenet(&["check", "--format", "github", "--stdin-filename", "a,b:c%.toml", "-"], SEVERAL.as_bytes());
    assert!(stdout(&output).contains("::error file=a%2Cb%3Ac%25.toml,line="), "{}", stdout(&output));
    let clean = asenet(&["check", "--format", "github", "examples/seed-scenario.toml"], b"");
    assert_eq!(clean.status.code(), Some(0));
    assert_eq!((stdout(&clean), stderr(&clean)), (String::new(), String::new()));
}

/// Issue 24, finding 8: the human report wrapped help text inside paths (`see docs/` then
/// `device-facts.md#ports` on the next line), which breaks copy-paste and terminal
/// click-through. No line of any fixture's report ends inside a path.
#[test]
fn the_human_report_never_breaks_a_line_inside_a_path() {
    let mut broken = Vec::new();
    let mut check_lines = |name: &str, human: &str| {
        let lines: Vec<&str> = human.lines().collect();
        for pair in lines.windows(2) {
            let (line, next) = (pair[0].trim_end(), pair[1].trim_start());
            let word = line.rsplit(' ').next().unwrap_or("");
            if word.ends_with('/')
                && word.len() > 1
                && !next.is_empty()
                && !next.starts_with(['│', '·', '×', '⚠', '╭', '╰'])
            {
                broken.push(format!("{name}: `{line}` / `{next}`"));
            }
        }
    };
    for fleet in std::fs::read_dir(crate::support::repo_root().join("tests/fleet")).unwrap() {
        let fleet = fleet.unwrap().path().join("asenet-fleet.toml");
        let fleet = crate::support::relative(&fleet);
        let output = asenet(&["check", "--fleet", &fleet], b"");
        check_lines(&fleet, &stderr(&output));
    }
    for dir in std::fs::read_dir(crate::support::repo_root().join("tests/fixtures")).unwrap() {
        for entry in std::fs::read_dir(dir.unwrap().path()).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|ext| ext != "toml") {
                continue;
            }
            let source = std::fs::read_to_string(&path).unwrap();
            let (human, _) = crate::support::render("device.toml", &source);
            check_lines(&path.display().to_string(), &human);
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}
