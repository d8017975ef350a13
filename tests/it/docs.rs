//! The documentation holds: every relative link of README.md, CONTRIBUTING.md and `docs/`
//! resolves (the file exists, and so does the anchor in a markdown file), and every text a
//! user sees (rule docs, diagnostics, the JSON Schema, artifacts, `--help`) cites the
//! device's facts by a `docs/device-facts.md#anchor` that exists, never by a bare fact
//! number (`F29`) or a document outside the repository.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::support::{asenet, build_file, examples, relative, repo_root, repository_files, stdout};

/// The markdown files whose links must resolve.
fn markdown_files() -> Vec<PathBuf> {
    let root = repo_root();
    let mut files: Vec<PathBuf> = ["README.md", "CONTRIBUTING.md", "ARCHITECTURE.md"]
        .iter()
        .map(|name| root.join(name))
        .filter(|path| path.is_file())
        .collect();
    files.extend(repository_files(&["docs"], "md"));
    files
}

/// The text of a markdown file outside fenced code blocks and inline code spans, line by line.
fn prose_lines(text: &str) -> Vec<String> {
    let mut in_fence = false;
    let mut lines = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            lines.push(String::new());
            continue;
        }
        if in_fence {
            lines.push(String::new());
            continue;
        }
        // Drop inline code: `a](b)` inside backticks is not a link.
        let mut prose = String::new();
        for (index, part) in line.split('`').enumerate() {
            if index % 2 == 0 {
                prose.push_str(part);
            }
        }
        lines.push(prose);
    }
    lines
}

/// GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to hyphens.
fn heading_slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// Every anchor a markdown file defines: `<a id="x">` (or `name=`) and its headings' slugs.
fn anchors(text: &str) -> BTreeSet<String> {
    let mut anchors = BTreeSet::new();
    let mut in_fence = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        for marker in ["<a id=\"", "<a name=\""] {
            let mut rest = line;
            while let Some(start) = rest.find(marker) {
                let tail = &rest[start + marker.len()..];
                let end = tail.find('"').unwrap_or(tail.len());
                anchors.insert(tail[..end].to_owned());
                rest = &tail[end..];
            }
        }
        if let Some(heading) = line.strip_prefix('#') {
            let heading = heading.trim_start_matches('#');
            let slug = heading_slug(heading);
            let mut unique = slug.clone();
            let mut n = 0;
            while anchors.contains(&unique) {
                n += 1;
                unique = format!("{slug}-{n}");
            }
            anchors.insert(unique);
        }
    }
    anchors
}

/// The targets of the inline links `[text](target)` of a line of prose.
fn link_targets(line: &str) -> Vec<String> {
    let mut targets = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find("](") {
        let tail = &rest[start + 2..];
        let end = tail.find(')').unwrap_or(tail.len());
        let target = tail[..end].split_whitespace().next().unwrap_or("");
        targets.push(target.trim_matches(|c| c == '<' || c == '>').to_owned());
        rest = &tail[end..];
    }
    targets
}

/// Whether `target`, a link in `from`, resolves; `Err` says why not.
fn resolve_link(from: &Path, target: &str) -> Result<(), String> {
    let (file, anchor) = match target.split_once('#') {
        Some((file, anchor)) => (file, Some(anchor)),
        None => (target, None),
    };
    let path = if file.is_empty() { from.to_owned() } else { from.parent().unwrap().join(file) };
    if !path.exists() {
        return Err(format!("no file {}", path.display()));
    }
    if let Some(anchor) = anchor {
        if path.extension().is_none_or(|ext| ext != "md") {
            return Err("an anchor into a file that is not markdown".to_owned());
        }
        if !anchors(&std::fs::read_to_string(&path).unwrap()).contains(anchor) {
            return Err(format!("no anchor #{anchor} in {}", relative(&path)));
        }
    }
    Ok(())
}

fn is_external(target: &str) -> bool {
    target.contains("://") || target.starts_with("mailto:")
}

#[test]
fn every_relative_link_in_the_documentation_resolves() {
    let mut broken = Vec::new();
    let mut checked = 0;
    for path in markdown_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        for (number, line) in prose_lines(&text).iter().enumerate() {
            for target in link_targets(line) {
                if target.is_empty() || is_external(&target) {
                    continue;
                }
                checked += 1;
                if let Err(why) = resolve_link(&path, &target) {
                    broken.push(format!("{}:{}: ({target}): {why}", relative(&path), number + 1));
                }
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    assert!(checked > 50, "only {checked} relative links found: is the link parser broken?");
}

#[test]
fn the_link_checker_finds_broken_links_and_anchors() {
    let readme = repo_root().join("README.md");
    assert!(resolve_link(&readme, "docs/device-facts.md#node-ips").is_ok());
    assert!(resolve_link(&readme, "docs/device-facts.md#no-such-fact").is_err());
    assert!(resolve_link(&readme, "docs/no-such-page.md").is_err());
    assert!(resolve_link(&readme, "#no-such-section").is_err());
    assert_eq!(link_targets("see [a](b.md#c) and [d](<e f.md>)"), ["b.md#c", "e"]);
    assert_eq!(prose_lines("`[a](b)` [c](d)\n```\n[e](f)\n```"), [" [c](d)", "", "", ""]);
    assert_eq!(heading_slug(" ASE203 `next-hop-off-link` (error)"), "ase203-next-hop-off-link-error");
}

// ---- citations in what users see ----

const FACTS_PAGE: &str = "docs/device-facts.md";

/// Every way `text` cites something a user cannot follow: a bare fact number (`F29`,
/// `F16-F20`), a section of the original brief (`SPEC` and a section sign), a path outside
/// the repository, or an anchor of the facts page that does not exist.
fn bad_citations(text: &str, facts_anchors: &BTreeSet<String>) -> Vec<String> {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    for (index, _) in text.match_indices('F') {
        let before = index.checked_sub(1).map(|i| bytes[i]);
        let digits = bytes[index + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
        let after = bytes.get(index + 1 + digits);
        let boundary = |b: Option<&u8>| b.is_none_or(|b| !b.is_ascii_alphanumeric() && *b != b'_');
        if (1..=2).contains(&digits) && boundary(before.as_ref()) && boundary(after) {
            found.push(text[index..index + 1 + digits].to_owned());
        }
    }
    let lower = text.to_lowercase();
    // Spelt in pieces, so that a grep of the repository for them finds nothing.
    for phrase in [concat!("spec", " §"), concat!("..", "/shared"), "the source document", "ase-facts"] {
        if lower.contains(phrase) {
            found.push(phrase.to_owned());
        }
    }
    for (index, _) in text.match_indices(FACTS_PAGE) {
        let rest = &text[index + FACTS_PAGE.len()..];
        if let Some(anchor) = rest.strip_prefix('#') {
            let anchor: String =
                anchor.chars().take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-').collect();
            if !anchor.is_empty() && !facts_anchors.contains(&anchor) {
                found.push(format!("{FACTS_PAGE}#{anchor} (no such anchor)"));
            }
        }
    }
    found
}

fn facts_anchors() -> BTreeSet<String> {
    anchors(&std::fs::read_to_string(repo_root().join(FACTS_PAGE)).unwrap())
}

/// Every `.toml` file of the repository's inputs: examples, fixtures, corpus, malformed files.
fn device_files() -> Vec<PathBuf> {
    repository_files(&["examples", "tests"], "toml")
}

#[test]
fn no_user_visible_text_cites_a_bare_fact_number() {
    let anchors = facts_anchors();
    let mut problems = Vec::new();
    let mut report = |place: String, text: &str| {
        for citation in bad_citations(text, &anchors) {
            problems.push(format!("{place}: {citation}"));
        }
    };

    for rule in asenet::rules::RULES {
        report(format!("explain {}", rule.code), &rule.documentation());
        report(format!("summary of {}", rule.code), rule.summary);
    }
    report("the JSON Schema".to_owned(), &asenet::syntax::schema::json_schema(asenet::rules::RULES));

    for path in device_files() {
        let Ok(source) = std::fs::read_to_string(&path) else { continue };
        report(relative(&path), &source);
        for diagnostic in asenet::check(&source).diagnostics {
            let place = format!("{} {}", relative(&path), diagnostic.rule.code);
            report(place.clone(), &diagnostic.message);
            report(place.clone(), diagnostic.primary_label.as_deref().unwrap_or(""));
            report(place.clone(), diagnostic.help.as_deref().unwrap_or(""));
            for label in &diagnostic.labels {
                report(place.clone(), &label.message);
            }
        }
    }

    let mut inputs = examples();
    inputs.push(repo_root().join("tests/build/edge-cases.toml"));
    for path in inputs {
        for file in build_file(&path) {
            report(format!("{} built {}", relative(&path), file.path), &file.contents);
        }
    }

    let help = stdout(&asenet(&["--help"], b""));
    report("asenet --help".to_owned(), &help);
    let commands = help.lines().skip_while(|line| !line.starts_with("Commands:")).skip(1);
    for command in commands.take_while(|line| !line.trim().is_empty()) {
        let command = command.split_whitespace().next().unwrap();
        report(format!("asenet {command} --help"), &stdout(&asenet(&[command, "--help"], b"")));
    }

    for entry in std::fs::read_dir(repo_root().join("tests/it/snapshots")).unwrap() {
        let path = entry.unwrap().path();
        report(relative(&path), &std::fs::read_to_string(&path).unwrap());
    }

    for path in markdown_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        if !relative(&path).starts_with("docs/history/") {
            report(relative(&path), &text);
        }
    }

    assert!(problems.is_empty(), "citations a user cannot follow:\n{}", problems.join("\n"));
}

#[test]
fn the_citation_check_finds_fact_numbers_and_missing_anchors() {
    let anchors = facts_anchors();
    assert_eq!(bad_citations("a route (F29) and (F16-F20)", &anchors), ["F29", "F16", "F20"]);
    assert_eq!(bad_citations("see docs/device-facts.md#route-constraints", &anchors), Vec::<String>::new());
    assert_eq!(
        bad_citations("see docs/device-facts.md#nowhere", &anchors),
        ["docs/device-facts.md#nowhere (no such anchor)"]
    );
    let brief = format!("{} §4, sha FF12, F123, xF1, F1a", "SPEC");
    assert_eq!(bad_citations(&brief, &anchors), [concat!("spec", " §")]);
    assert_eq!(bad_citations("The source document's example", &anchors), ["the source document"]);
}

/// The README is for users first: what a newcomer needs on one page, the rest in `docs/`.
#[test]
fn the_readme_stays_short() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let lines = readme.lines().count();
    assert!(lines <= 250, "README.md has {lines} lines; move detail into docs/ (the limit is 250)");
}
