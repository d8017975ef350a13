use crate::diagnostic::{Diagnostic, Severity, declare_rule};
use crate::syntax::suppression::Suppression;

declare_rule! {
    /// ## What it does
    /// Reports a `# asenet: allow(...)` comment without a reason after `--`. The suppression
    /// still works; the warning asks for the why.
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
    if suppression.reason.is_some() {
        return None;
    }
    let codes: Vec<&str> = suppression.codes.iter().map(|code| code.get_ref().as_str()).collect();
    Some(
        Diagnostic::new(&UNEXPLAINED_SUPPRESSION, suppression.comment, "suppression without a reason")
            .with_primary_label("no `-- reason`")
            .with_help(format!("say why after `--`: `# asenet: allow({}) -- REASON`", codes.join(", "))),
    )
}
