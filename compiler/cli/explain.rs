//! `asenet explain CODE|NAME`: a rule's documentation, the doc comment of its file.

use std::process::ExitCode;

use super::{CANNOT_RUN, print_stdout};
use crate::diagnostic::{self, Lookup};
use crate::rules::RULES;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// A rule code (`ASE203`) or name (`next-hop-off-link`).
    #[arg(value_parser = super::Candidates(rule_candidates), hide_possible_values = true)]
    code: String,
}

/// Every rule code, then every rule name, for shell completion.
fn rule_candidates() -> Vec<clap::builder::PossibleValue> {
    use clap::builder::PossibleValue;
    let codes = RULES.iter().map(|rule| PossibleValue::new(rule.code).help(rule.name));
    codes.chain(RULES.iter().map(|rule| PossibleValue::new(rule.name).help(rule.code))).collect()
}

pub fn run(args: &Args) -> ExitCode {
    let code = args.code.as_str();
    match diagnostic::lookup(RULES, code) {
        Lookup::Exact(rule) | Lookup::Loose(rule) => {
            let text = format!(
                "# {} {} ({})\n\n{}",
                rule.code,
                rule.name,
                rule.severity.as_str(),
                crate::rules::explanation(rule)
            );
            print_stdout(&text)
        }
        Lookup::Unknown(_) => {
            // A code is suggested from its own family only; a name from the names.
            let near = match diagnostic::nearest_code(RULES, code) {
                Some(near) => Some(near),
                None => crate::text::did_you_mean(code, RULES.iter().map(|rule| rule.name)),
            };
            let suggestion = near
                .and_then(|near| RULES.iter().find(|rule| rule.code == near || rule.name == near))
                .map(|rule| format!("; did you mean `{}` ({})?", rule.name, rule.code))
                .unwrap_or_default();
            say!("error: no rule `{code}`{suggestion} (`asenet rules` lists them)");
            ExitCode::from(CANNOT_RUN)
        }
    }
}
