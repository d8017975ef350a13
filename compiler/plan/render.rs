//! A plan as text: `human` (for a terminal), `markdown` (a pull-request comment) and `json`
//! (stable, documented in `docs/diff.md`). Pure functions: `cli/diff.rs` prints them.

use std::fmt::Write as _;

use serde::Serialize;

use super::{Change, Class, Plan, Section};
use crate::escape::{markdown, powershell, terminal};

/// One compared pair: the names of its sides as the user gave them, and its plan.
pub struct Compared<'a> {
    pub old: &'a str,
    pub new: &'a str,
    pub plan: &'a Plan,
    /// What each value is, when the two sides are not before and after: `asenet drift`'s
    /// `("device", "file")` prints `device 10.0.0.5, file 10.0.0.6` instead of an arrow.
    pub sides: Option<(&'a str, &'a str)>,
}

/// The worst class of several plans.
pub fn worst(compared: &[Compared]) -> Option<Class> {
    compared.iter().filter_map(|pair| pair.plan.class()).max()
}

fn subject(change: &Change) -> String {
    match change.section {
        Section::Service | Section::Switch => format!("`{}`", change.subject),
        _ => change.subject.clone(),
    }
}

/// `service `shop/api`: external IP 192.168.10.42 → 192.168.10.43`.
/// With `sides`: `...: external IP: device 192.168.10.42, file 192.168.10.43`.
pub fn headline(change: &Change, sides: Option<(&str, &str)>) -> String {
    let section = change.section.as_str();
    let mut line =
        if change.subject == section { format!("{section}: ") } else { format!("{section} {}: ", subject(change)) };
    line.push_str(&change.what);
    let _ = match (&change.before, &change.after) {
        (Some(before), Some(after)) => match sides {
            Some((old, new)) => write!(line, ": {old} {before}, {new} {after}"),
            None => write!(line, " {before} → {after}"),
        },
        (Some(value), None) | (None, Some(value)) => write!(line, ": {value}"),
        (None, None) => Ok(()),
    };
    line
}

fn count(n: usize) -> String {
    if n == 1 { "1 change".to_owned() } else { format!("{n} changes") }
}

/// Grouped by class, the worst first; each change one line, then its cause, reason and fact,
/// and its help; then the device commands.
pub fn human(compared: &[Compared]) -> String {
    let mut out = String::new();
    for (index, pair) in compared.iter().enumerate() {
        if index > 0 {
            out.push('\n');
        }
        let plan = pair.plan;
        let Some(class) = plan.class() else {
            let _ = writeln!(
                out,
                "{} → {}: no change (both mean the same)",
                terminal::line(pair.old),
                terminal::line(pair.new)
            );
            continue;
        };
        let (old, new) = (terminal::line(pair.old), terminal::line(pair.new));
        let _ = writeln!(out, "{old} → {new}: {}, {}", count(plan.changes.len()), class.as_str());
        for class in Class::ALL.iter().rev() {
            let changes: Vec<&Change> = plan.changes.iter().filter(|change| change.class == *class).collect();
            if changes.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n{} ({})", class.as_str(), changes.len());
            for change in changes {
                let _ = writeln!(out, "  {}", terminal::line(&headline(change, pair.sides)));
                if let Some(cause) = &change.cause {
                    let _ = writeln!(out, "    {}", terminal::line(cause));
                }
                let _ = writeln!(out, "    {} (see {})", terminal::line(&change.reason), change.fact.link());
                if let Some(help) = &change.help {
                    let _ = writeln!(out, "    help: {}", terminal::line(help));
                }
            }
        }
        let commands = plan.commands();
        if !commands.is_empty() {
            out.push_str("\ncommands for the device's PowerShell interface, in this order:\n");
            for command in commands {
                let _ = writeln!(out, "  {}", terminal::line(command));
            }
        }
    }
    out
}

/// How many changes of one class a markdown comment lists before it points at the JSON plan:
/// a GitHub comment holds at most 65,536 characters.
const MARKDOWN_CHANGES: usize = 100;
const MARKDOWN_COMMANDS: usize = 200;

fn takes(class: Class) -> &'static str {
    match class {
        Class::Redeploy => "compute torn down and configured again",
        Class::Disruptive => "clients see an address change or lose something",
        Class::Reapply => "an artifact or script applied again",
        Class::AppliesLive => "takes effect as it is",
    }
}

/// A pull-request comment: per file a summary table and the changes of each class in a
/// collapsible `<details>`, facts linked to their public source.
pub fn markdown(compared: &[Compared]) -> String {
    let mut out = String::from("## asenet diff\n");
    for pair in compared {
        let plan = pair.plan;
        let _ = writeln!(out, "\n### {} → {}\n", markdown::code(pair.old), markdown::code(pair.new));
        let Some(worst) = plan.class() else {
            out.push_str("No change: both sides mean the same.\n");
            continue;
        };
        let _ = writeln!(out, "**{}**, {}.\n", worst.as_str(), count(plan.changes.len()));
        out.push_str("| class | changes | what applying takes |\n|---|---:|---|\n");
        for class in Class::ALL.iter().rev() {
            let n = plan.changes.iter().filter(|change| change.class == *class).count();
            let _ = writeln!(out, "| `{}` | {n} | {} |", class.as_str(), takes(*class));
        }
        for class in Class::ALL.iter().rev() {
            let changes: Vec<&Change> = plan.changes.iter().filter(|change| change.class == *class).collect();
            if changes.is_empty() {
                continue;
            }
            let _ = writeln!(
                out,
                "\n<details><summary><code>{}</code>: {}</summary>\n",
                class.as_str(),
                count(changes.len())
            );
            for change in changes.iter().take(MARKDOWN_CHANGES) {
                let _ = write!(out, "- {}", markdown_headline(change, pair.sides));
                if let Some(cause) = &change.cause {
                    let _ = write!(out, ", {}", markdown::prose(cause));
                }
                let reason = markdown::prose(&capitalised(&change.reason));
                let _ = write!(out, ". {reason} ([{}]({})).", change.fact.anchor, change.fact.source);
                if let Some(help) = &change.help {
                    let _ = write!(out, " Help: {}.", markdown::prose(help));
                }
                out.push('\n');
            }
            if changes.len() > MARKDOWN_CHANGES {
                let _ = writeln!(
                    out,
                    "- … and {} more (`asenet diff --format json` lists all)",
                    changes.len() - MARKDOWN_CHANGES
                );
            }
            out.push_str("\n</details>\n");
        }
        let commands = plan.commands();
        if !commands.is_empty() {
            let _ = writeln!(
                out,
                "\n<details><summary>Commands for the device's PowerShell interface ({})</summary>\n",
                commands.len()
            );
            let mut block = String::new();
            for command in commands.iter().take(MARKDOWN_COMMANDS) {
                let _ = writeln!(block, "{command}");
            }
            if commands.len() > MARKDOWN_COMMANDS {
                let _ = writeln!(
                    block,
                    "# … and {} more (`asenet diff --emit DIR` writes them all)",
                    commands.len() - MARKDOWN_COMMANDS
                );
            }
            out.push_str(&markdown::code_block("powershell", &block));
            out.push_str("\n</details>\n");
        }
    }
    out
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The headline with values in code spans.
fn markdown_headline(change: &Change, sides: Option<(&str, &str)>) -> String {
    let section = change.section.as_str();
    let mut line = if change.subject == section {
        format!("{section}: ")
    } else {
        format!("{section} {}: ", markdown::code(&change.subject))
    };
    line.push_str(&markdown::prose(&change.what));
    let _ = match (&change.before, &change.after) {
        (Some(before), Some(after)) => match sides {
            Some((old, new)) => write!(line, ": {old} {}, {new} {}", markdown::code(before), markdown::code(after)),
            None => write!(line, " {} → {}", markdown::code(before), markdown::code(after)),
        },
        (Some(value), None) | (None, Some(value)) => write!(line, ": {}", markdown::code(value)),
        (None, None) => Ok(()),
    };
    line
}

#[derive(Serialize)]
struct JsonPlan<'a> {
    /// Raised only when a field changes meaning or goes away.
    version: u32,
    /// What `before` and `after` are, when not the old and the new file (`asenet drift`).
    #[serde(skip_serializing_if = "Option::is_none")]
    sides: Option<JsonSides<'a>>,
    class: Option<&'static str>,
    files: Vec<JsonFile<'a>>,
    changes: Vec<JsonChange<'a>>,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    old: &'a str,
    new: &'a str,
    class: Option<&'static str>,
    changes: usize,
    commands: Vec<&'a str>,
}

#[derive(Serialize)]
struct JsonChange<'a> {
    file: &'a str,
    class: &'static str,
    section: &'static str,
    subject: &'a str,
    what: &'a str,
    before: Option<&'a str>,
    after: Option<&'a str>,
    reason: &'a str,
    cause: Option<&'a str>,
    help: Option<&'a str>,
    fact: JsonFact,
    commands: &'a [String],
}

#[derive(Serialize)]
struct JsonFact {
    link: String,
    summary: &'static str,
    source: &'static str,
}

#[derive(Serialize)]
struct JsonSides<'a> {
    before: &'a str,
    after: &'a str,
}

pub fn json(compared: &[Compared]) -> String {
    let mut out = serde_json::to_string_pretty(&json_plan(compared)).expect("a plan serializes");
    out.push('\n');
    out
}

/// The JSON plan followed by the fields of `extra` (`asenet drift`'s), in one object.
pub fn json_with<T: Serialize>(compared: &[Compared], extra: &T) -> String {
    #[derive(Serialize)]
    struct With<'a, T> {
        #[serde(flatten)]
        plan: JsonPlan<'a>,
        #[serde(flatten)]
        extra: &'a T,
    }
    let with = With { plan: json_plan(compared), extra };
    let mut out = serde_json::to_string_pretty(&with).expect("a plan serializes");
    out.push('\n');
    out
}

fn json_plan<'a>(compared: &'a [Compared]) -> JsonPlan<'a> {
    let sides = compared.first().and_then(|pair| pair.sides).map(|(before, after)| JsonSides { before, after });
    JsonPlan {
        version: 1,
        sides,
        class: worst(compared).map(Class::as_str),
        files: compared
            .iter()
            .map(|pair| JsonFile {
                old: pair.old,
                new: pair.new,
                class: pair.plan.class().map(Class::as_str),
                changes: pair.plan.changes.len(),
                commands: pair.plan.commands(),
            })
            .collect(),
        changes: compared
            .iter()
            .flat_map(|pair| {
                pair.plan.changes.iter().map(|change| JsonChange {
                    file: pair.new,
                    class: change.class.as_str(),
                    section: change.section.as_str(),
                    subject: &change.subject,
                    what: &change.what,
                    before: change.before.as_deref(),
                    after: change.after.as_deref(),
                    reason: &change.reason,
                    cause: change.cause.as_deref(),
                    help: change.help.as_deref(),
                    fact: JsonFact {
                        link: change.fact.link(),
                        summary: change.fact.summary,
                        source: change.fact.source,
                    },
                    commands: &change.commands,
                })
            })
            .collect(),
    }
}

/// The device commands of a plan (routes, virtual networks, BGP peers) as a PowerShell script for `--emit`: `undo` is the plan of
/// the other direction.
pub fn route_script(name: &str, plan: &Plan, purpose: &str) -> String {
    let (name, purpose) = (powershell::comment(name), powershell::comment(purpose));
    let mut out = format!(
        "# Generated by asenet diff for {name}: {purpose}.\n# Run it in the device's PowerShell interface; removals come \
         before additions.\n"
    );
    for command in plan.commands() {
        let _ = writeln!(out, "{command}");
    }
    out
}
