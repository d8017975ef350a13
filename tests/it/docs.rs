//! The documentation holds: every relative link of README.md, CONTRIBUTING.md and `docs/`
//! resolves (the file exists, and so does the anchor in a markdown file), and every text a
//! user sees (rule docs, diagnostics, the JSON Schema, artifacts, `--help`) cites the
//! device's facts by a `docs/device-facts.md#anchor` that exists, never by a bare fact
//! number (`F29`) or a document outside the repository. CONTRIBUTING.md names every test
//! module.

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
        report(format!("explain {}", rule.code), &asenet::rules::explanation(rule));
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

/// CONTRIBUTING.md's list of tests is complete: it names every module of `tests/it/` and of
/// `tests/it/consumers/` as `` `name.rs` ``.
#[test]
fn contributing_names_every_test_module() {
    let contributing = std::fs::read_to_string(repo_root().join("CONTRIBUTING.md")).unwrap();
    let mut missing = Vec::new();
    for dir in ["tests/it", "tests/it/consumers"] {
        for entry in std::fs::read_dir(repo_root().join(dir)).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            let helper = matches!(name.as_str(), "main.rs" | "support.rs" | "mod.rs");
            if name.ends_with(".rs") && !helper && !contributing.contains(&format!("`{name}`")) {
                missing.push(format!("{dir}/{name}"));
            }
        }
    }
    missing.sort();
    assert!(missing.is_empty(), "CONTRIBUTING.md, \"The tests\", does not name: {missing:?}");
}

/// Every ignored test says which of the three kinds it is, and lives where `.ci/run` runs
/// its kind: `consumer:` in `consumers/` (run with the feature and `--include-ignored`),
/// `privileged:` anywhere else (run as root with `--ignored --skip resources::`), `heavy:`
/// in `resources.rs` only (run by hand with `--release`).
#[test]
fn every_ignored_test_is_a_consumer_privileged_or_heavy_one() {
    let mut wrong = Vec::new();
    for path in repository_files(&["tests/it"], "rs") {
        let file = relative(&path);
        for (number, line) in std::fs::read_to_string(&path).unwrap().lines().enumerate() {
            let Some(reason) = line.trim().strip_prefix("#[ignore = \"") else { continue };
            let in_consumers = file.starts_with("tests/it/consumers/");
            let fits = match reason.split_once(':').map(|(kind, _)| kind) {
                Some("consumer") => in_consumers,
                Some("privileged") => !in_consumers,
                Some("heavy") => file == "tests/it/resources.rs",
                _ => false,
            };
            if !fits {
                wrong.push(format!("{file}:{}: {}", number + 1, line.trim()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "ignored tests of no kind, or in the wrong place (CONTRIBUTING.md):\n{}",
        wrong.join("\n")
    );
}

/// The repository's address is one constant (`diagnostic::REPOSITORY`, which the server's
/// rule links start with): every `https://github.com/<owner>/asenet` the documentation spells
/// is that one, so that publishing asenet elsewhere changes the code and these lines
/// together.
#[test]
fn the_repository_address_is_the_one_in_the_code() {
    let mut others = Vec::new();
    for path in markdown_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        for (at, _) in text.match_indices("https://github.com/") {
            let address: String =
                text[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || "/:.-_".contains(*c)).collect();
            let repository = address.split('/').take(5).collect::<Vec<_>>().join("/");
            if repository.ends_with("/asenet") && repository != asenet::diagnostic::REPOSITORY {
                others.push(format!("{}: {repository}", relative(&path)));
            }
        }
    }
    assert!(others.is_empty(), "not {}: {others:#?}", asenet::diagnostic::REPOSITORY);
}

/// Issue 24, finding 13: user docs spoke of "the input keys that issue 13 added" and
/// "where the issue was silent" (a reader has no such issue), and pointed at "the README"
/// for a section it does not have. Docs name no issue of ours (the release notes' "known
/// issue N" is the device's), and a README they point at is a link the link check resolves.
#[test]
fn user_docs_cite_no_issue_and_link_the_readme_they_mention() {
    let mut found = Vec::new();
    for path in markdown_files() {
        let name = relative(&path);
        if name.starts_with("docs/history/") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (number, line) in prose_lines(&text).iter().enumerate() {
            let lower = line.to_lowercase();
            let cites_issue = lower.match_indices("issue").any(|(at, _)| {
                let before = &lower[..at];
                let after = &lower[at + "issue".len()..];
                !before.ends_with("known ")
                    && (after.starts_with(' ') && after[1..].starts_with(|c: char| c.is_ascii_digit())
                        || before.ends_with("the ") && !after.starts_with('s'))
            });
            if cites_issue {
                found.push(format!("{name}:{}: {line}", number + 1));
            }
            let readme_without_link = line.match_indices("README").any(|(at, _)| !line[at..].starts_with("README.md"));
            if readme_without_link && name != "README.md" {
                found.push(format!("{name}:{}: the README, not linked: {line}", number + 1));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// Issue 24, finding 13: the pre-commit example pinned `rev: v0.1.0`, a tag this repository
/// does not have.
#[test]
fn the_pre_commit_example_pins_no_tag_that_does_not_exist() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let tags = std::process::Command::new("git").args(["tag", "--list"]).current_dir(repo_root()).output();
    let tags = tags.map(|output| String::from_utf8_lossy(&output.stdout).into_owned()).unwrap_or_default();
    for line in readme.lines().filter(|line| line.trim_start().starts_with("rev: ")) {
        let rev = line.trim_start()["rev: ".len()..].split_whitespace().next().unwrap_or("");
        let looks_like_a_tag = rev.starts_with('v') && rev[1..].starts_with(|c: char| c.is_ascii_digit());
        assert!(!looks_like_a_tag || tags.lines().any(|tag| tag == rev), "README pins `rev: {rev}`, no such tag");
    }
}

/// The rows of docs/artifacts.md's file table: each path pattern (`<node>` stands for one
/// path component's part) and its cells.
fn artifact_rows() -> Vec<(String, Vec<String>)> {
    let page = std::fs::read_to_string(repo_root().join("docs/artifacts.md")).unwrap();
    let table = page.split("## What `build` writes").nth(1).expect("docs/artifacts.md has its file table");
    table
        .lines()
        .skip_while(|line| !line.starts_with("| `"))
        .take_while(|line| line.starts_with('|'))
        .map(|line| {
            let cells: Vec<String> = line.trim_matches('|').split(" | ").map(|cell| cell.trim().to_owned()).collect();
            (cells[0].trim_matches('`').to_owned(), cells[1..].to_vec())
        })
        .collect()
}

/// Whether `path` is written as `pattern`, where each `<...>` stands for any text without `/`.
fn matches_pattern(pattern: &str, path: &str) -> bool {
    let Some(open) = pattern.find('<') else { return pattern == path };
    let close = pattern[open..].find('>').map_or(pattern.len(), |at| open + at + 1);
    let (head, tail) = (&pattern[..open], &pattern[close..]);
    let Some(rest) = path.strip_prefix(head) else { return false };
    (1..=rest.len()).any(|cut| !rest[..cut].contains('/') && matches_pattern(tail, &rest[cut..]))
}

/// Issue 24, finding 2: docs/artifacts.md, where the README sends operators for which file
/// goes where, left out five files `build` writes. Its table now lists every file of every
/// example and build test file, each with the step that applies it and how to roll it back,
/// and no row that no build writes.
#[test]
fn the_artifacts_page_lists_every_file_build_writes() {
    let rows = artifact_rows();
    assert!(!rows.is_empty(), "no rows in docs/artifacts.md's table");
    let mut inputs = examples();
    inputs.push(repo_root().join("tests/build/edge-cases.toml"));
    inputs.push(repo_root().join("tests/build/virtual-networks.toml"));
    let mut unlisted = Vec::new();
    let mut written = BTreeSet::new();
    for path in inputs {
        // The placeholders the file decides are its values; `<node>` stands for any VM.
        let source = std::fs::read_to_string(&path).unwrap();
        let network = asenet::check(&source).network.unwrap();
        let device = network.device.name.as_ref().map(|name| name.value.to_lowercase()).unwrap_or_default();
        let domain = network.device.domain.as_ref().map(|domain| domain.value.clone()).unwrap_or_default();
        let cluster_domain = network.kubernetes.as_ref().map(|k| k.cluster_domain.value.clone()).unwrap_or_default();
        let concrete = |pattern: &str| {
            pattern
                .replace("<device>", &device)
                .replace("<domain>", &domain)
                .replace("<cluster_domain>", &cluster_domain)
        };
        for file in build_file(&path) {
            match rows.iter().find(|(pattern, _)| matches_pattern(&concrete(pattern), &file.path)) {
                Some((pattern, _)) => {
                    written.insert(pattern.clone());
                }
                None => unlisted.push(format!("{} (from {})", file.path, relative(&path))),
            }
        }
    }
    // An artifact no example builds yet is still in the emitters' source: every literal path
    // given to `OutputFile::new` has its row too.
    let mut emitters = Vec::new();
    for entry in std::fs::read_dir(repo_root().join("compiler/emit")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for literal in text.split("OutputFile::new(\"").skip(1).filter_map(|rest| rest.split('"').next()) {
            emitters.push(literal.to_owned());
            if !rows.iter().any(|(pattern, _)| matches_pattern(pattern, literal)) {
                unlisted.push(format!("{literal} (in {})", relative(&path)));
            }
        }
    }
    assert!(emitters.len() > 10, "only {} literal artifact paths found in compiler/emit", emitters.len());
    assert!(unlisted.is_empty(), "files `build` writes that docs/artifacts.md does not list:\n{}", unlisted.join("\n"));
    let never: Vec<&String> =
        rows.iter().map(|(pattern, _)| pattern).filter(|pattern| !written.contains(*pattern)).collect();
    assert!(never.is_empty(), "docs/artifacts.md lists files no example builds: {never:?}");
    for (pattern, cells) in &rows {
        assert_eq!(cells.len(), 3, "`{pattern}`: the row has the columns what, step, rollback ({cells:?})");
        assert!(cells[1].contains("step "), "`{pattern}`: no step of \"Applying, in order\": {}", cells[1]);
        assert!(!cells[2].is_empty(), "`{pattern}`: no rollback");
    }
}

#[test]
fn path_patterns_stand_for_one_component_part() {
    assert!(matches_pattern("routes/<node>.json", "routes/master.json"));
    assert!(matches_pattern("dns/<device>.<domain>.zone", "dns/seed.contoso.local.zone"));
    assert!(!matches_pattern("routes/<node>.json", "routes/a/b.json"));
    assert!(!matches_pattern("manifest.json", "routes/manifest.json"));
}
