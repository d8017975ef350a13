//! The binary end to end: exit codes, formats, stdin, unreadable and odd inputs.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::support::{asenet, scratch_dir, stderr, stdout, stdout_json};

const EXAMPLE: &str = "examples/seed-scenario.toml";
const BROKEN: &str = "tests/fixtures/ASE006/fires.toml";

/// A scratch file unique to this test process.
fn scratch(name: &str, contents: &[u8]) -> PathBuf {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    let path = DIR.get_or_init(|| scratch_dir("cli")).join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

fn json(output: &std::process::Output) -> serde_json::Value {
    serde_json::from_str(&stdout(output)).expect("stdout is one JSON document")
}

#[test]
fn a_clean_file_exits_0() {
    let output = asenet(&["check", EXAMPLE], b"");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), format!("{EXAMPLE}: ok\n"));
    assert_eq!(stdout(&output), "");
}

#[test]
fn errors_exit_1_and_human_output_goes_to_stderr_without_colour() {
    let output = asenet(&["check", BROKEN], b"");
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("ASE006(missing-or-conflicting)"), "{err}");
    assert!(!err.contains('\u{1b}'), "no colour when stderr is not a terminal");
    assert_eq!(stdout(&output), "");
}

#[test]
fn warnings_fail_the_run_only_with_deny_warnings() {
    let warning = "tests/fixtures/ASE202/fires.toml";
    let output = asenet(&["check", warning], b"");
    assert_eq!(output.status.code(), Some(0), "a warning alone passes: {}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("ASE202(multiple-gateways)"), "{err}");
    assert!(err.ends_with(&format!("{warning}: 0 errors, 1 warning\n")), "{err}");

    let denied = asenet(&["check", "--deny-warnings", warning], b"");
    assert_eq!(denied.status.code(), Some(1), "--deny-warnings fails on a warning");
    let denied_err = stderr(&denied);
    assert!(
        denied_err.ends_with(&format!("{warning}: 1 error, 0 warnings\n")),
        "what fails the run is shown as an error: {denied_err}"
    );
    assert!(denied_err.contains("an error because of `--deny-warnings`"), "{denied_err}");

    let clean = asenet(&["check", "--deny-warnings", EXAMPLE], b"");
    assert_eq!(clean.status.code(), Some(0), "{}", stderr(&clean));
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

    let sarif = stdout_json(&run("sarif", true));
    let levels: BTreeSet<&str> =
        sarif["runs"][0]["results"].as_array().unwrap().iter().map(|r| r["level"].as_str().unwrap()).collect();
    assert_eq!(levels, BTreeSet::from(["error"]));

    let json = stdout_json(&run("json", true));
    let severities: BTreeSet<&str> =
        json["files"][0]["diagnostics"].as_array().unwrap().iter().map(|d| d["severity"].as_str().unwrap()).collect();
    assert_eq!(severities, BTreeSet::from(["error"]));
    assert_eq!(json["summary"]["warnings"], 0);

    let human = run("human", true);
    assert!(stderr(&human).contains("1 error") || stderr(&human).contains("errors, 0 warnings"), "{}", stderr(&human));
}

#[test]
fn json_reports_every_problem_sorted_by_position() {
    let output = asenet(&["check", "--format", "json", "tests/fixtures/ASE003/fires-addresses.toml", BROKEN], b"");
    assert_eq!(output.status.code(), Some(1));
    let document = json(&output);
    let files = document["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["path"], "tests/fixtures/ASE003/fires-addresses.toml", "argument order");
    let mut total = 0;
    for file in files {
        let diagnostics = file["diagnostics"].as_array().unwrap();
        assert!(diagnostics.len() >= 4, "every problem is reported, not just the first");
        let keys: Vec<(u64, u64, String)> = diagnostics
            .iter()
            .map(|d| {
                (d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap(), d["code"].as_str().unwrap().to_owned())
            })
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        total += diagnostics.len();
    }
    assert_eq!(document["summary"]["errors"].as_u64().unwrap() as usize, total);
    assert_eq!(document["summary"]["files"], 2);
}

#[test]
fn stdin_is_read_and_named_by_stdin_filename() {
    let source = std::fs::read(BROKEN).unwrap();
    let output = asenet(&["check", "--format", "json", "--stdin-filename", "site.toml", "-"], &source);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(json(&output)["files"][0]["path"], "site.toml");
    let clean = asenet(&["check", "-"], &std::fs::read(EXAMPLE).unwrap());
    assert_eq!(clean.status.code(), Some(0));
    assert_eq!(stderr(&clean), "<stdin>: ok\n");
}

#[test]
fn unreadable_inputs_exit_2_with_a_clear_message() {
    let missing = asenet(&["check", "no/such/file.toml"], b"");
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(stderr(&missing), "error: cannot read `no/such/file.toml`: no such file\n");
    let directory = asenet(&["check", "examples"], b"");
    assert_eq!(directory.status.code(), Some(2));
    assert_eq!(stderr(&directory), "error: cannot read `examples`: it is a directory\n");
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
fn bad_usage_exits_2() {
    assert_eq!(asenet(&["check"], b"").status.code(), Some(2));
    assert_eq!(asenet(&["check", "--format", "xml", EXAMPLE], b"").status.code(), Some(2));
    assert_eq!(asenet(&["frobnicate"], b"").status.code(), Some(2));
}

#[test]
fn files_that_are_not_toml_text_get_ase001() {
    let cases: [(&str, &[u8], &str); 3] = [
        ("binary.toml", b"\x7fELF\x02\x01\x01\x00\x00\x00", "ASE001"),
        ("latin1.toml", b"[device]\nname = \"caf\xe9\"\n", "ASE001"),
        ("empty.toml", b"", "ASE006"),
    ];
    for (name, bytes, code) in cases {
        let path = scratch(name, bytes);
        let output = asenet(&["check", "--format", "json", path.to_str().unwrap()], b"");
        assert_eq!(output.status.code(), Some(1), "{name}");
        let document = json(&output);
        assert_eq!(document["files"][0]["diagnostics"][0]["code"], code, "{name}");
    }
}

#[test]
fn invalid_utf8_is_reported_at_the_bad_byte() {
    let path = scratch("bad-byte.toml", b"[device]\nname = \"caf\xe9\"\n");
    let output = asenet(&["check", "--format", "json", path.to_str().unwrap()], b"");
    let diagnostic = &json(&output)["files"][0]["diagnostics"][0];
    assert_eq!(diagnostic["message"], "the file is not valid UTF-8");
    assert_eq!((diagnostic["line"].as_u64(), diagnostic["column"].as_u64()), (Some(2), Some(12)));
}

#[test]
fn a_ten_megabyte_file_is_checked() {
    let mut source = std::fs::read_to_string(EXAMPLE).unwrap();
    let padding = "# a long comment line that pads the file to ten megabytes ........................\n";
    while source.len() < 10 << 20 {
        source.push_str(padding);
    }
    let output = asenet(&["check", "-"], source.as_bytes());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn explain_prints_the_rule_documentation() {
    for query in ["ASE203", "ase203", "next-hop-off-link"] {
        let output = asenet(&["explain", query], b"");
        assert_eq!(output.status.code(), Some(0));
        let text = stdout(&output);
        assert!(text.starts_with("# ASE203 next-hop-off-link (error)\n\n## What it does\n"), "{text}");
        assert!(text.contains("## Use instead"));
    }
    let unknown = asenet(&["explain", "ASE2O3"], b"");
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("did you mean `next-hop-off-link` (ASE203)?"), "{}", stderr(&unknown));
}

#[test]
fn the_rule_catalogue_is_snapshotted() {
    let json_output = asenet(&["rules", "--format", "json"], b"");
    assert_eq!(json_output.status.code(), Some(0));
    insta::assert_snapshot!("rules_json", stdout(&json_output));
    let table = asenet(&["rules"], b"");
    insta::assert_snapshot!("rules_table", stdout(&table));
    let markdown = stdout(&asenet(&["rules", "--format", "markdown"], b""));
    insta::assert_snapshot!("rules_markdown", markdown);
    // The same table starts docs/rules.md, there linked to its own sections.
    let page = std::fs::read_to_string(crate::support::repo_root().join("docs/rules.md")).unwrap();
    let relative = markdown.replace(&format!("]({}#", asenet::diagnostic::rules_page()), "](#");
    assert!(page.contains(&relative), "docs/rules.md does not start with the table `rules --format markdown` prints");
}

#[test]
fn completions_for_every_shell_name_the_subcommands() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef asenet"),
        ("fish", "complete -c asenet"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let output = asenet(&["completions", shell], b"");
        assert_eq!(output.status.code(), Some(0), "{shell}: {}", stderr(&output));
        let script = stdout(&output);
        assert!(script.contains(marker), "{shell}: {script}");
        for word in ["check", "explain", "rules", "schema", "sarif", "github"] {
            assert!(script.contains(word), "{shell} completes `{word}`");
        }
    }
    assert_eq!(asenet(&["completions", "tcsh"], b"").status.code(), Some(2));
}

#[test]
fn man_prints_a_roff_page() {
    let output = asenet(&["man"], b"");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let page = stdout(&output);
    assert!(page.starts_with(".ie \\n(.g .ds Aq"), "{page}");
    assert!(page.contains(".TH asenet 1"), "{page}");
    for subcommand in ["check", "explain", "rules", "schema", "completions"] {
        assert!(page.contains(&format!("asenet\\-{subcommand}(1)")), "the page lists `{subcommand}`");
    }
    let check = stdout(&asenet(&["man", "check"], b""));
    assert!(check.contains(".TH asenet-check 1"), "{check}");
    assert!(check.contains("\\-\\-format") && check.contains("sarif"), "{check}");
    assert_eq!(asenet(&["man", "frobnicate"], b"").status.code(), Some(2));
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

/// Several files are checked in parallel, yet the report is the one a sequential run
/// prints: each file's, in argument order. The biggest file comes first, so that it
/// finishes last.
#[test]
fn several_files_report_in_argument_order_as_a_sequential_run_would() {
    use asenet::diagnostic::json::{self as json_report, FileReport};

    use asenet::testing::generator::{self, Shape};

    let big = scratch("big.toml", generator::device_file(Shape::with_conflicts(5_000)).as_bytes());
    let big = big.to_str().unwrap().to_owned();
    let mut files = vec![big.clone(), EXAMPLE.to_owned(), BROKEN.to_owned()];
    for dir in ["tests/fixtures/ASE003", "tests/fixtures/ASE206", "tests/malformed"] {
        let mut paths: Vec<String> = std::fs::read_dir(crate::support::repo_root().join(dir))
            .unwrap()
            .map(|entry| format!("{dir}/{}", entry.unwrap().file_name().to_str().unwrap()))
            .filter(|path| path.ends_with(".toml"))
            .collect();
        paths.sort();
        files.extend(paths.into_iter().rev());
    }
    let args = |format: &'static str| -> Vec<&str> {
        ["check", "--format", format].into_iter().chain(files.iter().map(String::as_str)).collect()
    };

    let together = asenet(&args("human"), b"");
    let one_by_one: String = files.iter().map(|file| stderr(&asenet(&["check", file], b""))).collect();
    assert_eq!(stderr(&together), one_by_one);
    assert_eq!(together.status.code(), Some(1));

    let together = asenet(&args("json"), b"");
    let bytes: Vec<Vec<u8>> =
        files.iter().map(|file| std::fs::read(crate::support::repo_root().join(file)).unwrap()).collect();
    let checked: Vec<_> = bytes.iter().map(|bytes| asenet::check_bytes(bytes)).collect();
    let sources: Vec<String> = bytes.iter().map(|bytes| String::from_utf8_lossy(bytes).into_owned()).collect();
    let reports: Vec<FileReport> = files
        .iter()
        .zip(&sources)
        .zip(&checked)
        .map(|((path, source), checked)| FileReport { path, source, diagnostics: &checked.diagnostics })
        .collect();
    assert_eq!(stdout(&together), json_report::render(&reports), "byte-identical to a sequential rendering");
    let one_by_one: Vec<serde_json::Value> = files
        .iter()
        .flat_map(|file| json(&asenet(&["check", "--format", "json", file], b""))["files"].as_array().unwrap().clone())
        .collect();
    assert_eq!(json(&together)["files"], serde_json::Value::Array(one_by_one));
}

/// Issue 24, finding 4: every manual page printed one EXIT STATUS, wrong for `diff` (1 is
/// `--fail-on` reached, and errors in an input are 2) and for `which` and `free` (1 is
/// nothing found). Each page now says its own command's statuses.
#[test]
fn each_manual_page_says_its_own_exit_status() {
    let section = |command: &str| {
        let page = stdout(&asenet(&["man", command], b""));
        let start =
            page.find(".SH \"EXIT STATUS\"").unwrap_or_else(|| panic!("asenet-{command}(1) has no EXIT STATUS"));
        let rest = &page[start + 1..];
        rest[..rest.find("\n.SH").unwrap_or(rest.len())].to_owned()
    };
    let diff = section("diff");
    assert!(diff.contains("fail\\-on"), "asenet-diff(1) does not say what 1 means: {diff}");
    assert!(!diff.contains("The input has errors"), "asenet-diff(1) says 1 is an input error: {diff}");
    for command in ["which", "free"] {
        let text = section(command);
        assert!(text.to_lowercase().contains("nothing"), "asenet-{command}(1) does not say 1 is nothing found: {text}");
    }
}

/// Issue 24, finding 13: `explain ASE2031` suggested ASE201 and `explain ASE700` ASE001: a
/// code is suggested only when it is a near miss of the same family.
#[test]
fn explain_suggests_only_near_codes() {
    let said = |code: &str| stderr(&asenet(&["explain", code], b""));
    let extra_digit = said("ASE2031");
    assert!(extra_digit.contains("ASE203"), "{extra_digit}");
    assert!(!extra_digit.contains("ASE201"), "{extra_digit}");
    let unknown_family = said("ASE700");
    assert!(!unknown_family.contains("ASE001"), "{unknown_family}");
}

/// Every command's manual page has its own EXIT STATUS and EXAMPLES, and they are the text
/// its `--help` ends with.
#[test]
fn every_manual_page_says_what_its_help_says() {
    let tree = asenet::cli::command();
    let mut commands: Vec<String> = tree.get_subcommands().map(|sub| sub.get_name().to_owned()).collect();
    commands.push(String::new());
    for command in commands {
        let (man_args, help_args) = if command.is_empty() {
            (vec!["man"], vec!["--help"])
        } else {
            (vec!["man", command.as_str()], vec![command.as_str(), "--help"])
        };
        let page = stdout(&asenet(&man_args, b""));
        let help = stdout(&asenet(&help_args, b""));
        let name = if command.is_empty() { "asenet" } else { command.as_str() };
        assert!(page.contains(".SH \"EXIT STATUS\"") && page.contains(".SH EXAMPLES"), "asenet {name}: {page}");
        let examples = help.split("Examples:\n").nth(1).unwrap_or_else(|| panic!("asenet {name} --help: {help}"));
        let examples = examples.split("\nExit status:").next().unwrap();
        let lines: Vec<&str> = examples.lines().filter(|line| line.starts_with("  asenet")).collect();
        assert!(!lines.is_empty(), "asenet {name} --help has no example");
        for line in lines {
            let roff = line.trim().replace('-', "\\-");
            assert!(page.contains(&format!("\\fB{roff}\\fR")), "asenet-{name}(1) lacks the example `{line}`");
        }
        let statuses = help.split("Exit status:\n").nth(1).unwrap_or_else(|| panic!("asenet {name} --help: {help}"));
        // Each status starts a line; its meaning may go on, indented, on the next ones.
        let mut entries: Vec<String> = Vec::new();
        for line in statuses.lines().filter(|line| !line.trim().is_empty()) {
            match line.strip_prefix("  ").filter(|rest| rest.starts_with(|c: char| c.is_ascii_digit())) {
                Some(entry) => entries.push(entry.to_owned()),
                None => entries.last_mut().unwrap().push_str(&format!(" {}", line.trim())),
            }
        }
        assert!(!entries.is_empty(), "asenet {name} --help says no exit status");
        for entry in entries {
            let (status, meaning) = entry.split_once("  ").unwrap();
            assert!(
                page.contains(&format!("\\fB{status}\\fR\n{}", meaning.replace('-', "\\-"))),
                "asenet-{name}(1): {entry}"
            );
        }
    }
}

/// Completions are generated from the command tree; each shell's script names every
/// subcommand and every long option of every subcommand.
#[test]
fn completions_name_every_command_and_option_of_the_tree() {
    let tree = asenet::cli::command();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = stdout(&asenet(&["completions", shell], b""));
        for sub in tree.get_subcommands() {
            assert!(script.contains(sub.get_name()), "{shell}: no `{}`", sub.get_name());
            for long in sub.get_arguments().filter_map(|arg| arg.get_long()) {
                assert!(script.contains(long), "{shell}: no `{} --{long}`", sub.get_name());
            }
        }
    }
}
