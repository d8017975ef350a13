//! SARIF 2.1.0 (OASIS), the format code-scanning services read: one run, the whole rule
//! catalogue as `tool.driver.rules`, one result per diagnostic.
//!
//! Plain `Serialize` structs for the small subset asenet writes, rather than `serde-sarif`:
//! a few dozen lines against a crate of generated builders, and the test suite validates
//! the output against the vendored OASIS schema either way.
//!
//! Columns count Unicode code points (as everywhere in asenet), which the run declares with
//! `columnKind: "unicodeCodePoints"`; SARIF's default would be UTF-16 code units.

use std::collections::BTreeMap;

use serde::Serialize;

use super::json::{FileReport, Region, Unreadable};
use super::{Catalogue, Diagnostic, LineIndex, Rule, Severity, Span};

/// The `$id` of the OASIS schema (`tests/sarif/sarif-schema-2.1.0.json`).
const SCHEMA: &str = "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json";

/// The key of asenet's fingerprint in `partialFingerprints`; the version changes whenever
/// the way it is computed does.
pub const FINGERPRINT_KEY: &str = "asenet/v1";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    /// Only when an input could not be read: the run then did not succeed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    invocations: Vec<Invocation<'a>>,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<'a> {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification<'a>>,
}

/// A problem of the run rather than of the input (SARIF 3.58).
#[derive(Serialize)]
struct Notification<'a> {
    level: &'static str,
    message: Message<'a>,
    locations: [NotificationLocation<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NotificationLocation<'a> {
    physical_location: FileOnly<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FileOnly<'a> {
    artifact_location: ArtifactLocation<'a>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Message<'static>,
    full_description: Message<'static>,
    help: MarkdownMessage,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Configuration {
    level: Severity,
}

#[derive(Serialize)]
struct Message<'a> {
    text: std::borrow::Cow<'a, str>,
}

#[derive(Serialize)]
struct MarkdownMessage {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: Severity,
    message: Message<'a>,
    locations: [Location<'a>; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location<'a>>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix<'a>>,
}

/// SARIF §3.55: a fix is a description and, per file, replacements of regions.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix<'a> {
    description: Message<'a>,
    artifact_changes: [ArtifactChange<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange<'a> {
    artifact_location: ArtifactLocation<'a>,
    replacements: Vec<Replacement<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement<'a> {
    deleted_region: SarifRegion,
    inserted_content: Message<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Message<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation<'a>,
    region: SarifRegion,
}

#[derive(Serialize)]
struct ArtifactLocation<'a> {
    uri: std::borrow::Cow<'a, str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRegion {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

impl SarifRegion {
    fn of(span: Span, index: &LineIndex) -> SarifRegion {
        let Region { line, column, end_line, end_column } = Region::of(span, index);
        SarifRegion { start_line: line, start_column: column, end_line, end_column }
    }
}

/// The SARIF log of one run over `files`; `catalogue` (`rules::RULES`) is the rule list.
pub fn render(files: &[FileReport], catalogue: Catalogue) -> String {
    render_run(files, &[], catalogue)
}

/// The SARIF log of a run that could not read every input: the results of the files it
/// read, and one `toolExecutionNotifications` entry (level `error`) per unreadable input in
/// an invocation with `executionSuccessful: false`. Code scanning then still gets a valid
/// log to upload.
pub fn render_run(files: &[FileReport], unreadable: &[Unreadable], catalogue: Catalogue) -> String {
    let invocations = if unreadable.is_empty() {
        Vec::new()
    } else {
        let notifications = unreadable
            .iter()
            .map(|input| Notification {
                level: "error",
                message: Message { text: input.message.into() },
                locations: [NotificationLocation {
                    physical_location: FileOnly { artifact_location: ArtifactLocation { uri: uri(input.path).into() } },
                }],
            })
            .collect();
        vec![Invocation { execution_successful: false, tool_execution_notifications: notifications }]
    };
    let uris: Vec<String> = files.iter().map(|file| uri(file.path)).collect();
    let results = files.iter().zip(&uris).flat_map(|(file, uri)| file_results(file, uri, catalogue)).collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "asenet",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules: catalogue.iter().map(|rule| descriptor(rule)).collect(),
                },
            },
            invocations,
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    let mut out = serde_json::to_string_pretty(&log).expect("a SARIF log always serializes");
    out.push('\n');
    out
}

fn descriptor(rule: &'static Rule) -> ReportingDescriptor {
    let documentation = rule.documentation();
    ReportingDescriptor {
        id: rule.code,
        name: rule.name,
        short_description: Message { text: rule.summary.into() },
        full_description: Message { text: what_it_does(&documentation).into() },
        help: MarkdownMessage { text: documentation.clone(), markdown: documentation },
        default_configuration: Configuration { level: rule.severity },
    }
}

/// The paragraph under `## What it does`, on one line.
fn what_it_does(documentation: &str) -> String {
    let section = documentation.split("## What it does").nth(1).unwrap_or(documentation);
    let section = section.split("\n## ").next().unwrap_or(section);
    section.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn file_results<'a>(file: &FileReport<'a>, uri: &'a str, catalogue: Catalogue) -> Vec<SarifResult<'a>> {
    let index = LineIndex::new(file.source);
    let location = |span: Span, id: Option<usize>, message: Option<&'a str>| Location {
        id,
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation { uri: uri.into() },
            region: SarifRegion::of(span, &index),
        },
        message: message.map(|text| Message { text: crate::escape::report::text(text) }),
    };
    let mut seen: BTreeMap<u64, usize> = BTreeMap::new();
    file.diagnostics
        .iter()
        .map(|diagnostic| {
            let hash = fingerprint_hash(diagnostic, uri, file.source);
            let occurrence = seen.entry(hash).or_default();
            *occurrence += 1;
            SarifResult {
                rule_id: diagnostic.rule.code,
                rule_index: catalogue
                    .iter()
                    .position(|rule| *rule == diagnostic.rule)
                    .expect("every rule is in the catalogue"),
                level: diagnostic.severity,
                message: Message { text: message_text(diagnostic).into() },
                locations: [location(diagnostic.span, None, None)],
                related_locations: diagnostic
                    .labels
                    .iter()
                    .enumerate()
                    .map(|(id, label)| location(label.span, Some(id), Some(&label.message)))
                    .collect(),
                partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, format!("{hash:016x}:{occurrence}"))]),
                fixes: diagnostic
                    .fix
                    .iter()
                    .map(|fix| SarifFix {
                        description: Message { text: fix.title.as_str().into() },
                        artifact_changes: [ArtifactChange {
                            artifact_location: ArtifactLocation { uri: uri.into() },
                            replacements: fix
                                .edits
                                .iter()
                                .map(|edit| Replacement {
                                    deleted_region: SarifRegion::of(edit.span, &index),
                                    inserted_content: Message { text: edit.content.as_str().into() },
                                })
                                .collect(),
                        }],
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The message, then the help on a line of its own: code-scanning shows no other place for it.
/// A hidden character in either shows as a visible escape (`escape::report::text`).
fn message_text(diagnostic: &Diagnostic) -> String {
    let text = match &diagnostic.help {
        Some(help) => format!("{}\nhelp: {help}", diagnostic.message),
        None => diagnostic.message.clone(),
    };
    crate::escape::report::text(&text).into_owned()
}

/// A hash of what identifies a problem independently of where it sits in the file: the code,
/// the file, the text under the primary span and the message. Line numbers are left out so
/// that an edit elsewhere in the file keeps the result's identity; identical problems are
/// told apart by an occurrence count appended to the hash. FNV-1a: fixed, and the same on
/// every platform and Rust version (std's hashers promise neither).
fn fingerprint_hash(diagnostic: &Diagnostic, uri: &str, source: &str) -> u64 {
    let text = source.get(diagnostic.span.start..diagnostic.span.end).unwrap_or("");
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [diagnostic.rule.code, uri, text, &diagnostic.message] {
        for byte in part.bytes().chain([0xff]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// The path as a URI reference: forward slashes, no leading `./`, anything outside RFC
/// 3986's unreserved set percent-encoded; an absolute path becomes a `file:` URI.
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.trim_start_matches("./");
    let bytes = path.as_bytes();
    let drive = bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/';
    let (prefix, rest) = if path.starts_with('/') {
        ("file://", path)
    } else if drive {
        ("file:///", path)
    } else {
        ("", path)
    };
    let mut out = String::from(prefix);
    for (position, byte) in rest.bytes().enumerate() {
        let keep = byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/')
            || (drive && position == 1 && byte == b':');
        if keep {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("examples/seed-scenario.toml"), "examples/seed-scenario.toml");
        assert_eq!(uri("./sites/store 42.toml"), "sites/store%2042.toml");
        assert_eq!(uri("<stdin>"), "%3Cstdin%3E");
        assert_eq!(uri("/srv/sites/a.toml"), "file:///srv/sites/a.toml");
        assert_eq!(uri(r"C:\sites\a.toml"), "file:///C:/sites/a.toml");
        assert_eq!(uri("a:b.toml"), "a%3Ab.toml", "a colon in a relative path would read as a scheme");
        assert_eq!(uri("café.toml"), "caf%C3%A9.toml");
    }

    #[test]
    fn full_description_is_the_first_section() {
        let doc = "## What it does\nReports a\nroute.\n\n## Why is this bad?\nBecause.";
        assert_eq!(what_it_does(doc), "Reports a route.");
    }
}
