//! Each command's examples and exit statuses: one text, shown at the end of `asenet COMMAND
//! --help` and as the EXAMPLES and EXIT STATUS sections of its manual page, asenet-COMMAND(1);
//! and `asenet man [COMMAND]`, which prints that page.

use std::fmt::Write as _;
use std::process::ExitCode;

use clap::CommandFactory;

/// What the end of a command's help and its manual page say.
pub struct Page {
    /// The subcommand (`check`), or `asenet` for the command itself.
    pub command: &'static str,
    /// Command lines and what each does.
    pub examples: &'static [(&'static str, &'static str)],
    /// Each exit status and when the command ends with it.
    pub exit_status: &'static [(u8, &'static str)],
}

const CANNOT_RUN: &str = "The command could not run: a bad argument, an input that cannot be read, standard output \
                          that cannot be written.";

pub static PAGES: &[Page] = &[
    Page {
        command: "asenet",
        examples: &[
            ("asenet check sites/store042.toml", "check a device file"),
            ("asenet build sites/store042.toml --out artifacts/store042", "write its artifacts"),
            ("asenet diff main:sites/store042.toml sites/store042.toml", "what a change does to the device"),
            ("asenet man check", "the manual page of one command"),
        ],
        exit_status: &[
            (0, "The command did what was asked, and found no error."),
            (1, "It found what it was asked to fail on: each command's page says what."),
            (2, CANNOT_RUN),
        ],
    },
    Page {
        command: "check",
        examples: &[
            ("asenet check sites/*.toml", "check several device files"),
            ("asenet check --format sarif sites/store042.toml > asenet.sarif", "code scanning"),
            ("asenet check --fix sites/store042.toml", "apply the safe fixes, then report what is left"),
            ("asenet check", "the fleet: asenet-fleet.toml here or in a directory above"),
        ],
        exit_status: &[
            (0, "No errors: the files are clean, or have warnings only."),
            (
                1,
                "An input has errors (warnings too with --deny-warnings); with --diff, there are fixes to \
                 apply.",
            ),
            (2, CANNOT_RUN),
        ],
    },
    Page {
        command: "build",
        examples: &[
            ("asenet build sites/store042.toml --out artifacts/store042", "check, then write the artifacts"),
            ("asenet build sites/store042.toml --out artifacts/store042 --check", "fail when DIR is out of date"),
        ],
        exit_status: &[
            (0, "The artifacts were written; with --check, DIR is up to date."),
            (1, "The input has errors, so nothing was written; with --check, DIR differs from what would be written."),
            (
                2,
                "The command could not run: an unreadable input, a DIR that cannot be written or holds a link or a \
                 file asenet did not write where an artifact goes, another build holding DIR with --no-wait.",
            ),
        ],
    },
    Page {
        command: "which",
        examples: &[
            ("asenet which 192.168.10.40 sites/store042.toml", "what in one device file holds the address"),
            ("asenet which 192.168.10.40", "the same, in every device of the fleet"),
        ],
        exit_status: &[
            (0, "Something owns or contains the address."),
            (1, "Nothing in the files owns or contains it."),
            (2, CANNOT_RUN),
        ],
    },
    Page {
        command: "free",
        examples: &[
            ("asenet free --size 28", "the lowest /28 that nothing the fleet reaches overlaps"),
            ("asenet free --size 24 --in 10.60.0.0/16 --count 4 sites/*.toml", "four /24s inside a prefix"),
        ],
        exit_status: &[
            (0, "At least one free prefix was found."),
            (1, "Nothing free: no prefix of that size overlaps nothing."),
            (2, CANNOT_RUN),
        ],
    },
    Page {
        command: "graph",
        examples: &[
            ("asenet graph sites/store042.toml --format mermaid", "one device's topology"),
            ("asenet graph --format svg > fleet.svg", "the fleet, with what check finds marked (Graphviz)"),
        ],
        exit_status: &[
            (0, "The graph was printed."),
            (1, "The device file has errors: fix them to draw it."),
            (2, "The command could not run: an unreadable input, or Graphviz missing for --format svg."),
        ],
    },
    Page {
        command: "diff",
        examples: &[
            ("asenet diff main:sites/store042.toml sites/store042.toml", "a file against its committed version"),
            ("asenet diff --git origin/main --format markdown", "every device file changed, as a PR comment"),
            ("asenet diff --git origin/main --fail-on redeploy", "fail when a change tears compute down"),
        ],
        exit_status: &[
            (0, "The plan stays below --fail-on, or there is no --fail-on."),
            (1, "The plan reaches the class given to --fail-on."),
            (2, "A side cannot be read or has errors, or the command is misused: no plan is printed."),
        ],
    },
    Page {
        command: "import",
        examples: &[
            ("asenet import --device config.json -o sites/store042.toml", "a device file from the export"),
            (
                "asenet import --device config.json --vip vip.json --model pro-2 -o sites/plant7.toml",
                "a two-node Pro 2 with its virtual IPs",
            ),
        ],
        exit_status: &[
            (0, "The device file was printed or written; what was not imported is said on stderr."),
            (
                2,
                "An export has a value that is not what its field holds (each one is said), or cannot be read: nothing written.",
            ),
        ],
    },
    Page {
        command: "drift",
        examples: &[
            ("asenet drift sites/store042.toml --device exports/store042.json", "is the device what its file says?"),
            (
                "asenet drift sites/plant7.toml --device plant7.json --vip plant7-vip.json --format markdown",
                "a two-node device with its virtual IPs, as a comment",
            ),
            ("asenet drift sites/store042.toml --device store042.json --fail-on disruptive", "tolerate live drift"),
        ],
        exit_status: &[
            (0, "In sync on everything compared, or the drift stays below --fail-on."),
            (1, "The device has drifted from the file (with --fail-on: as far as that class)."),
            (2, "An input cannot be read or imported, or a side has errors: nothing is compared."),
        ],
    },
    Page {
        command: "explain",
        examples: &[
            ("asenet explain ASE203", "a rule's documentation, by code"),
            ("asenet explain next-hop-off-link", "the same, by name"),
        ],
        exit_status: &[(0, "The rule's documentation was printed."), (2, "No such rule (a near one is suggested).")],
    },
    Page {
        command: "rules",
        examples: &[
            ("asenet rules", "every rule, one a line"),
            ("asenet rules --format json", "for scripts"),
            (
                "asenet rules --format markdown > rules.md",
                "a table for a wiki or a pull request, linked to docs/rules.md",
            ),
        ],
        exit_status: &[(0, "The rules were printed."), (2, "Standard output cannot be written.")],
    },
    Page {
        command: "server",
        examples: &[("asenet server", "run by the editor, on standard input and output (docs/editors.md)")],
        exit_status: &[(0, "The session ended."), (2, "Standard input or output failed.")],
    },
    Page {
        command: "schema",
        examples: &[("asenet schema > asenet.schema.json", "the JSON Schema editors validate with")],
        exit_status: &[(0, "The schema was printed."), (2, "Standard output cannot be written.")],
    },
    Page {
        command: "completions",
        examples: &[
            ("asenet completions bash > /etc/bash_completion.d/asenet", "bash"),
            ("asenet completions zsh > ~/.zfunc/_asenet", "zsh"),
        ],
        exit_status: &[(0, "The script was printed."), (2, "An unknown shell, or standard output cannot be written.")],
    },
    Page {
        command: "man",
        examples: &[("asenet man diff | man -l -", "read a page"), ("asenet man > asenet.1", "write the main page")],
        exit_status: &[(0, "The page was printed."), (2, "No such command, or standard output cannot be written.")],
    },
];

/// The page of `command` (`asenet` for the command itself).
pub fn page(command: &str) -> Option<&'static Page> {
    PAGES.iter().find(|page| page.command == command)
}

/// The end of `--help`: the examples, then the exit statuses.
pub fn after_help(page: &Page) -> String {
    let mut out = String::from("Examples:\n");
    for (line, what) in page.examples {
        let _ = writeln!(out, "  {line}\n      {what}");
    }
    out.push_str("\nExit status:\n");
    for (status, meaning) in page.exit_status {
        // Wrapped here, under 80 columns with a hanging indent, so that clap leaves it.
        let options = textwrap::Options::new(79)
            .initial_indent("")
            .subsequent_indent("     ")
            .word_separator(textwrap::WordSeparator::AsciiSpace);
        let _ = writeln!(out, "  {status}  {}", textwrap::fill(meaning, options));
    }
    out.trim_end().to_owned()
}

/// The EXIT STATUS and the EXAMPLES sections of the manual page, in roff.
pub fn roff_sections(page: &Page) -> (String, String) {
    let mut exit_status = String::from(".SH \"EXIT STATUS\"\n");
    for (status, meaning) in page.exit_status {
        let _ = write!(exit_status, ".TP\n\\fB{status}\\fR\n{}\n", roff(meaning));
    }
    let mut examples = String::from(".SH EXAMPLES\n");
    for (line, what) in page.examples {
        let _ = write!(examples, ".TP\n\\fB{}\\fR\n{}\n", roff(line), roff(what));
    }
    (exit_status, examples)
}

/// `text` as roff: backslashes and hyphens escaped, no line read as a request.
fn roff(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with(['.', '\'']) { format!("\\&{escaped}") } else { escaped }
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The subcommand whose page to print (`check`, …).
    #[arg(value_parser = super::Candidates(subcommand_candidates), hide_possible_values = true)]
    command: Option<String>,
}

/// Every subcommand, for shell completion.
fn subcommand_candidates() -> Vec<clap::builder::PossibleValue> {
    static COMMAND: std::sync::LazyLock<clap::Command> = std::sync::LazyLock::new(super::Cli::command);
    COMMAND.get_subcommands().map(|sub| clap::builder::PossibleValue::new(sub.get_name())).collect()
}

/// `asenet man [COMMAND]`: clap's page of the command, with the EXIT STATUS and EXAMPLES
/// sections of its `Page`.
pub fn run(args: &Args) -> ExitCode {
    let subcommand = args.command.as_deref();
    let mut command = super::Cli::command().disable_help_subcommand(true);
    command.build();
    let clap_page = match subcommand {
        None => command,
        Some(name) => match command.find_subcommand(name) {
            Some(subcommand) => subcommand.clone(),
            None => {
                let names: Vec<&str> = command.get_subcommands().map(|sub| sub.get_name()).collect();
                say!("error: no subcommand `{name}`; pages: {}", names.join(", "));
                return ExitCode::from(super::CANNOT_RUN);
            }
        },
    };
    let mut out = Vec::new();
    let source = format!("asenet {}", env!("CARGO_PKG_VERSION"));
    let name = subcommand.unwrap_or("asenet");
    clap_mangen::Man::new(clap_page).source(source).render(&mut out).expect("writing to a Vec cannot fail");
    let rendered = String::from_utf8(out).expect("clap_mangen writes UTF-8");
    // EXIT STATUS after the options and commands, before VERSION; EXAMPLES at the end
    // (man-pages(7) order). Both from the text `--help` ends with.
    let (exit_status, examples) = self::page(name).map(roff_sections).unwrap_or_default();
    let at = rendered.find("\n.SH VERSION").map_or(rendered.len(), |at| at + 1);
    let page = format!("{}{exit_status}{}{examples}", &rendered[..at], &rendered[at..]);
    super::print_stdout(page)
}
