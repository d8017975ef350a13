//! The grammar of the names that reach DNS zones, Kubernetes objects and file paths: one
//! place that says what a valid name is and, when it is not, why. `invalid-name` reports
//! with it; the zone builder relies on it. Their lengths are [`bounds`]'.

use super::bounds::{self, Bound, DNS_LABEL_MAX};

/// The kinds of name asenet checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameShape {
    /// One label of at most `bound`'s length. `lowercase`: no uppercase letters;
    /// `letter_first`: starts with a letter.
    Label { bound: &'static Bound, lowercase: bool, letter_first: bool },
    /// Labels joined by dots, all lowercase.
    DnsName,
    /// A Linux network interface name (the kernel's `dev_valid_name`, ASCII only), without
    /// the characters `ip -batch` reads as a comment or quoting.
    Interface,
    /// An Azure virtual network name (Microsoft.Network/virtualNetworks): 2-64 letters,
    /// digits, `_`, `.` and `-`, starting with a letter or digit, ending with one or `_`.
    AzureNetwork,
    /// A virtual switch's name: printable text (no control character, no bidirectional
    /// control or character that shows as nothing) without a quote of any kind, a backtick,
    /// `$` or `\`, and no space at either end.
    Switch,
}

impl NameShape {
    /// A lowercase DNS label (RFC 1123), like a hostname in a zone.
    pub const DNS_LABEL: NameShape =
        NameShape::Label { bound: &bounds::HOSTNAME, lowercase: true, letter_first: false };
}

/// Whether `text` is a lowercase DNS name: what a zone's origin must be.
pub fn is_dns_name(text: &str) -> bool {
    problem(text, &NameShape::DnsName).is_none()
}

/// What breaks the rule, as the end of a sentence ("contains `_`"); `None` when valid.
pub fn problem(name: &str, shape: &NameShape) -> Option<String> {
    match shape {
        NameShape::Label { bound, lowercase, letter_first } => label_problem(name, bound, *lowercase, *letter_first),
        NameShape::DnsName => dns_name_problem(name),
        NameShape::Interface => interface_problem(name),
        NameShape::AzureNetwork => azure_network_problem(name),
        NameShape::Switch => switch_problem(name),
    }
}

/// The device names its switches plain words (`vSwitch1`, `vswitch-Port5`); a name reaches
/// the device's PowerShell (`-SwitchName`, `-VirtualSwitchName`), where a quote, a backtick
/// or `$` is code, and every line-based artifact, where a line break ends the line.
fn switch_problem(name: &str) -> Option<String> {
    let forbidden = |c: char| {
        c.is_control()
            || matches!(
                c,
                '\u{2028}'
                    | '\u{2029}'
                    | '\''
                    | '"'
                    | '`'
                    | '$'
                    | '\\'
                    | '\u{2018}'
                    | '\u{2019}'
                    | '\u{201A}'
                    | '\u{201B}'
                    | '\u{201C}'
                    | '\u{201D}'
                    | '\u{201E}'
            )
    };
    if name.is_empty() {
        return Some("is empty".to_owned());
    }
    if let Some(bad) = name.chars().find(|&c| forbidden(c)) {
        return Some(match bad {
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') => {
                format!("contains the character {}", c.escape_unicode())
            }
            c => format!("contains `{c}`"),
        });
    }
    // Not printable text: it reorders the name as shown, or shows as nothing, so that the
    // script's or the package's reviewer reads another name than the device gets.
    if let Some(bad) = name.chars().find(|&c| crate::escape::is_hidden(c)) {
        return Some(format!(
            "contains the character {}, which shows as nothing or reorders the text around it",
            bad.escape_unicode()
        ));
    }
    if name.starts_with(char::is_whitespace) {
        return Some("starts with a space".to_owned());
    }
    if name.ends_with(char::is_whitespace) {
        return Some("ends with a space".to_owned());
    }
    None
}

fn azure_network_problem(name: &str) -> Option<String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-');
    if let Some(bad) = name.chars().find(|&c| !allowed(c)) {
        return Some(char_problem(bad));
    }
    if let Some(problem) = bounds::VIRTUAL_NETWORK_NAME.length_problem(name.len()) {
        return Some(problem);
    }
    let (first, last) = (name.chars().next()?, name.chars().last()?);
    if !first.is_ascii_alphanumeric() {
        return Some(format!("starts with `{first}`, not a letter or digit"));
    }
    if !(last.is_ascii_alphanumeric() || last == '_') {
        return Some(format!("ends with `{last}`, not a letter, digit or `_`"));
    }
    None
}

fn label_problem(label: &str, bound: &Bound, lowercase: bool, letter_first: bool) -> Option<String> {
    let Some(first) = label.chars().next() else { return Some("is empty".to_owned()) };
    if let Some(bad) = label.chars().find(|&c| !is_ldh(c) || (lowercase && c.is_ascii_uppercase())) {
        return Some(char_problem(bad));
    }
    if let Some(problem) = bound.length_problem(label.len()) {
        return Some(problem);
    }
    if letter_first && !first.is_ascii_alphabetic() {
        return Some(format!("starts with `{first}`, not a letter"));
    }
    if first == '-' {
        return Some("starts with `-`".to_owned());
    }
    if label.ends_with('-') {
        return Some("ends with `-`".to_owned());
    }
    None
}

fn dns_name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("is empty".to_owned());
    }
    if let Some(bad) = name.chars().find(|&c| !(is_ldh(c) || c == '.') || c.is_ascii_uppercase()) {
        return Some(char_problem(bad));
    }
    if name == "." || name.ends_with('.') {
        return Some("ends with `.`".to_owned());
    }
    if let Some(problem) = bounds::DEVICE_DOMAIN.length_problem(name.len()) {
        return Some(problem);
    }
    for label in name.split('.') {
        if label.is_empty() {
            return Some(
                if name.starts_with('.') { "starts with `.`" } else { "has an empty label (`..`)" }.to_owned(),
            );
        }
        if label.len() > DNS_LABEL_MAX {
            return Some(format!("has a label of {} characters, more than {DNS_LABEL_MAX}", label.len()));
        }
        if label.starts_with('-') || label.ends_with('-') {
            let end = if label.starts_with('-') { "starts" } else { "ends" };
            return Some(format!("has a label `{label}` that {end} with `-`"));
        }
    }
    let last = name.rsplit('.').next().unwrap_or(name);
    if last.chars().all(|c| c.is_ascii_digit()) {
        return Some(format!("ends in the all-digit label `{last}`, like an IP address"));
    }
    None
}

fn interface_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("is empty".to_owned());
    }
    // The kernel also takes `#`, quotes and `\`, but `ip -batch` (where asenet writes the
    // name) reads `#` as a comment and quotes and `\` as quoting.
    if let Some(bad) = name.chars().find(|&c| !c.is_ascii_graphic() || matches!(c, '/' | ':' | '#' | '"' | '\'' | '\\'))
    {
        return Some(char_problem(bad));
    }
    if name == "." || name == ".." {
        return Some("is a directory name".to_owned());
    }
    if let Some(problem) = bounds::VM_INTERFACE.length_problem(name.len()) {
        return Some(problem);
    }
    None
}

/// Letters, digits, hyphen: the characters of a DNS label.
fn is_ldh(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-'
}

fn char_problem(c: char) -> String {
    if c.is_ascii_uppercase() {
        return format!("contains the uppercase letter `{c}`");
    }
    match c {
        ' ' => "contains a space".to_owned(),
        c if c.is_whitespace() || c.is_control() => format!("contains the character {}", c.escape_unicode()),
        c => format!("contains `{c}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_names_are_lowercase_labels() {
        for good in ["cluster.local", "a", "store042.stores.contoso.com", "x-1.y"] {
            assert!(is_dns_name(good), "{good}");
        }
        for bad in ["", "Cluster.local", "a..b", "cluster.local.", "-a.b", "a-.b", "a b", "a_b", &"x".repeat(64)] {
            assert!(!is_dns_name(bad), "{bad}");
        }
    }
}
