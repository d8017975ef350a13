//! Text for messages: joined phrases, counts, "did you mean" (the nearest known name to a
//! misspelt one), and the unified diff that `--diff` prints. The bottom layer: it imports
//! nothing of the crate.

/// Joins phrases for a message: `a`, `a and b`, `a, b and c`.
pub fn join<S: AsRef<str>>(items: &[S]) -> String {
    join_with(items, "and")
}

/// Joins phrases for a message: `a`, `a or b`, `a, b or c`.
pub fn join_or<S: AsRef<str>>(items: &[S]) -> String {
    join_with(items, "or")
}

fn join_with<S: AsRef<str>>(items: &[S], conjunction: &str) -> String {
    match items {
        [] => String::new(),
        [only] => only.as_ref().to_owned(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} {conjunction} {}", init.join(", "), last.as_ref())
        }
    }
}

/// Names in backticks, joined: `` `a`, `b` and `c` ``.
pub fn list(items: &[&str]) -> String {
    join(&items.iter().map(|item| format!("`{item}`")).collect::<Vec<_>>())
}

/// The unified diff that turns `old` into `new`, as `check --diff` and `build --check --diff`
/// print it: `--- a/PATH` (`--- /dev/null` when there is no `old`), `+++ b/PATH`, three
/// lines of context, and `\ No newline at end of file` where a side lacks one, so that
/// `git apply` and `patch` take it. Empty when the two are equal.
pub fn unified_diff(path: &str, old: Option<&str>, new: &str) -> String {
    if old == Some(new) {
        return String::new();
    }
    let from = if old.is_some() { format!("a/{path}") } else { "/dev/null".to_owned() };
    similar::TextDiff::from_lines(old.unwrap_or(""), new)
        .unified_diff()
        .context_radius(3)
        .header(&from, &format!("b/{path}"))
        .missing_newline_hint(true)
        .to_string()
}

/// `1 error`, `2 errors`.
pub fn plural(count: usize, noun: &str) -> String {
    if count == 1 { format!("1 {noun}") } else { format!("{count} {noun}s") }
}

/// The candidate nearest to `input`, if one is near enough to be what the user meant.
///
/// Case, spaces, hyphens and underscores are ignored first (`port3` and `Port 3` are
/// `Port3`); otherwise the edit distance must be at most a third of the word.
pub fn did_you_mean<'c>(input: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let folded = fold(input);
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let distance = if fold(candidate) == folded { 0 } else { strsim::osa_distance(input, candidate) };
        if best.is_none_or(|(best_distance, _)| distance < best_distance) {
            best = Some((distance, candidate));
        }
    }
    let limit = (input.chars().count() / 3).max(1);
    best.filter(|(distance, _)| *distance <= limit).map(|(_, candidate)| candidate)
}

/// [`did_you_mean`]'s candidate when no other candidate is as near: a fix may rename to it
/// without guessing (`Port5` on a four-port model is as near to `Port1` as to `Port4`).
pub fn only_suggestion<'c>(input: &str, candidates: impl IntoIterator<Item = &'c str> + Clone) -> Option<&'c str> {
    let best = did_you_mean(input, candidates.clone())?;
    let distance =
        |candidate: &str| if fold(candidate) == fold(input) { 0 } else { strsim::osa_distance(input, candidate) };
    let nearest = distance(best);
    let ties = candidates.into_iter().filter(|candidate| distance(candidate) == nearest).count();
    (ties == 1).then_some(best)
}

fn fold(name: &str) -> String {
    name.chars().filter(|c| !matches!(c, ' ' | '-' | '_')).flat_map(char::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::{did_you_mean, only_suggestion, unified_diff};

    const PORTS: [&str; 3] = ["Port1", "Port2", "Port3"];

    #[test]
    fn case_and_spaces_are_ignored() {
        assert_eq!(did_you_mean("port3", PORTS), Some("Port3"));
        assert_eq!(did_you_mean("Port 3", PORTS), Some("Port3"));
        assert_eq!(did_you_mean("PORT_2", PORTS), Some("Port2"));
    }

    #[test]
    fn a_tie_is_no_single_suggestion() {
        assert_eq!(did_you_mean("Port5", ["Port1", "Port2"]), Some("Port1"));
        assert_eq!(only_suggestion("Port5", ["Port1", "Port2"]), None);
        assert_eq!(only_suggestion("port2", ["Port1", "Port2"]), Some("Port2"));
    }

    #[test]
    fn typos_are_corrected_and_strangers_are_not() {
        assert_eq!(did_you_mean("nxet_hop", ["next_hop", "metric"]), Some("next_hop"));
        assert_eq!(did_you_mean("gatway", ["gateway", "dns"]), Some("gateway"));
        assert_eq!(did_you_mean("colour", ["address", "dns"]), None);
    }

    #[test]
    fn a_unified_diff_names_a_missing_file_and_a_missing_newline() {
        assert_eq!(unified_diff("a.toml", Some("x\n"), "x\n"), "");
        assert_eq!(unified_diff("a.toml", None, "x\n"), "--- /dev/null\n+++ b/a.toml\n@@ -0,0 +1 @@\n+x\n");
        assert_eq!(
            unified_diff("a.toml", Some("x\ny"), "x\nz\n"),
            "--- a/a.toml\n+++ b/a.toml\n@@ -1,2 +1,2 @@\n x\n-y\n\\ No newline at end of file\n+z\n"
        );
    }
}
