//! One source for every limit (`asenet::model::bounds`): docs/input-format.md says each
//! bound as `Bound::describe` does and lists every word of every enum, `explain` and the
//! rules' summaries name them, and each is a key the reader reads. That `check` and the
//! JSON Schema agree on every boundary of every bound is `consumers::bounds` (it needs a
//! schema validator).

use asenet::model::bounds::{self, Allowed};
use asenet::model::{CoreTechnology, DeviceModel, Keyword, Protocol, RouteTarget, ServiceType};

use crate::support::repo_root;

/// The lines of docs/input-format.md under the heading (or lead-in line) of `table`, up to
/// the next heading.
fn section<'a>(page: &'a str, table: &str) -> Vec<&'a str> {
    let heading = match table {
        "[ports.X]" => "## `[ports.PortN]`".to_owned(),
        "a service port" => "Each entry of `ports`:".to_owned(),
        "[[packet_core.data_networks]]" => "`[[packet_core.data_networks]]`:".to_owned(),
        _ => format!("## `{table}`"),
    };
    let mut lines = page.lines().skip_while(|line| !line.starts_with(&heading));
    let first = lines.next().unwrap_or_else(|| panic!("docs/input-format.md has no `{heading}`"));
    std::iter::once(first).chain(lines.take_while(|line| !line.starts_with('#'))).collect()
}

/// The table row of `key` in `table`'s section.
fn row<'a>(page: &'a str, table: &str, key: &str) -> &'a str {
    let start = format!("| `{key}` |");
    section(page, table)
        .into_iter()
        .find(|line| line.starts_with(&start))
        .unwrap_or_else(|| panic!("docs/input-format.md has no row for `{key}` in {table}"))
}

#[test]
fn the_input_format_page_says_every_bound_and_every_word() {
    let page = std::fs::read_to_string(repo_root().join("docs/input-format.md")).unwrap();
    let mut stale = Vec::new();
    for bound in bounds::ALL {
        let row = row(&page, bound.table, bound.key);
        if !row.contains(&bound.describe()) {
            stale.push(format!("{} `{}`: the row does not say `{}`: {row}", bound.table, bound.key, bound.describe()));
        }
    }
    fn words<T: Keyword>() -> Vec<&'static str> {
        T::ALL.iter().map(|word| word.as_str()).collect()
    }
    for (table, key, words) in [
        ("[device]", "model", words::<DeviceModel>()),
        ("[[services]]", "type", words::<ServiceType>()),
        ("a service port", "protocol", words::<Protocol>()),
        ("[[routes]]", "target", words::<RouteTarget>()),
        ("[packet_core]", "technology", words::<CoreTechnology>()),
    ] {
        let row = row(&page, table, key);
        for word in words {
            if !row.contains(&format!("`\"{word}\"`")) {
                stale.push(format!("{table} `{key}`: the row does not list `\"{word}\"`: {row}"));
            }
        }
    }
    assert!(stale.is_empty(), "docs/input-format.md is out of step with model::bounds:\n{}", stale.join("\n"));
}

#[test]
fn every_bounded_key_is_a_key_the_reader_reads() {
    let tables = asenet::syntax::table_keys();
    for bound in bounds::ALL {
        let keys = tables.iter().find(|(name, _)| *name == bound.table).map(|(_, keys)| keys);
        let keys = keys.unwrap_or_else(|| panic!("no table `{}`", bound.table));
        assert!(keys.contains(&bound.key), "{} has no key `{}`", bound.table, bound.key);
        assert!(asenet::rules::RULES.iter().any(|rule| rule.code == bound.code), "no rule {}", bound.code);
    }
}

#[test]
fn explain_lists_the_limits_its_rule_enforces() {
    for bound in bounds::ALL {
        let rule = asenet::rules::RULES.iter().find(|rule| rule.code == bound.code).unwrap();
        let text = asenet::rules::explanation(rule);
        let line = format!("| `{}` | `{}` | {} |", bound.table, bound.key, bound.describe());
        assert!(text.contains(&line), "explain {} does not list `{line}`", bound.code);
    }
}

/// `asenet rules` prints each rule's one-line summary, written by hand: the summary of a rule
/// that enforces a number range names each of its ends (from 10 up) and exceptions, so that
/// a bound changed without its summary fails here.
#[test]
fn rule_summaries_name_the_numbers_of_their_bounds() {
    let mut stale = Vec::new();
    for bound in bounds::ALL.iter().filter(|bound| bound.code != "ASE003") {
        let Allowed::Integers { ranges, except } = bound.allowed else { continue };
        let rule = asenet::rules::RULES.iter().find(|rule| rule.code == bound.code).unwrap();
        let numbers = ranges.iter().flat_map(|&(low, high)| [low, high]).chain(except.iter().copied());
        for number in numbers.filter(|number| *number >= 10) {
            let named = rule.summary.split(|c: char| !c.is_ascii_digit()).any(|word| word == number.to_string());
            if !named {
                stale.push(format!(
                    "{} `{}` ({}): the summary does not name {number}",
                    rule.code, bound.key, rule.summary
                ));
            }
        }
    }
    assert!(stale.is_empty(), "{}", stale.join("\n"));
}
