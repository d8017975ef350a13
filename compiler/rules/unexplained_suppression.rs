use crate::diagnostic::{Diagnostic, Severity, declare_rule};
use crate::syntax::suppression::{Suppression, is_placeholder};

declare_rule! {
    /// ## What it does
    /// Reports a `# asenet: allow(...)` comment without a reason after `--`, or whose reason
    /// is still a placeholder such as the `<reason>` the editor's "allow here, with a reason"
    /// action writes. The suppression still works; the warning asks for the why.
    ///
    /// ## Why is this bad?
    /// A silenced next hop or overlap is a decision about a real network, made by someone who
    /// knew something asenet does not (a VLAN it does not model, a router that moves next
    /// week). Without the reason, the next reader can neither trust the suppression nor tell
    /// when it may go.
    ///
    /// ## Example
    /// ```toml
    /// [[routes]]
    /// interface = "Port3"
    /// destination = "192.168.20.0/24"
    /// # asenet: allow(ASE203)
    /// next_hop = "192.168.20.1"
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// # asenet: allow(ASE203) -- 192.168.20.1 answers proxy ARP on Port3 (ticket NET-4711)
    /// next_hop = "192.168.20.1"
    /// ```
    pub static UNEXPLAINED_SUPPRESSION = Rule {
        kind: Suppression,
        code: "ASE502",
        name: "unexplained-suppression",
        severity: Severity::Warning,
        summary: "a `# asenet: allow(...)` comment without `-- reason`",
    };
}

pub fn check(suppression: &Suppression) -> Option<Diagnostic> {
    let codes: Vec<&str> = suppression.codes.iter().map(|code| code.get_ref().as_str()).collect();
    let (message, label) = match &suppression.reason {
        Some(reason) if is_placeholder(reason) => {
            (format!("suppression whose reason is still the placeholder `{reason}`"), "replace the placeholder")
        }
        Some(_) => return None,
        None => ("suppression without a reason".to_owned(), "no `-- reason`"),
    };
    Some(
        Diagnostic::new(&UNEXPLAINED_SUPPRESSION, suppression.comment, message)
            .with_primary_label(label)
            .with_help(format!("say why after `--`: `# asenet: allow({}) -- REASON`", codes.join(", "))),
    )
}
