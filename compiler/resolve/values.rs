//! Reading one value: addresses, prefixes, ranges and enums, each error at the value's span.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use crate::diagnostic::Fix;
use crate::diagnostic::input::INVALID_VALUE;
use crate::diagnostic::{Diagnostic, Sink};
use crate::model::bounds::LABEL_VALUE;
use crate::model::{AddrRange, Keyword, Located};
use crate::syntax::raw::Text;
use crate::text::{did_you_mean, only_suggestion};

/// An IPv4 address such as a gateway or a next hop.
pub fn ipv4(text: &Text, what: &str, sink: &mut Sink) -> Option<Located<Ipv4Addr>> {
    match parse_ipv4(text.get_ref()) {
        Ok(address) => Some(Located::new(address, text.span())),
        Err(problem) => {
            let help = if text.get_ref().contains('/') {
                format!("{what} is one address: drop the prefix length")
            } else {
                "write four decimal octets from 0 to 255, like `192.168.10.1`".to_owned()
            };
            report(text, what, problem, help, sink)
        }
    }
}

/// An address with its prefix length, `a.b.c.d/n`. With `bare_is_host`, a bare address
/// means `/32` (route destinations); otherwise the prefix length is required.
pub fn ipv4_net(text: &Text, what: &str, bare_is_host: bool, sink: &mut Sink) -> Option<Located<Ipv4Net>> {
    match parse_ipv4_net(text.get_ref(), bare_is_host) {
        Ok(net) => Some(Located::new(net, text.span())),
        Err(problem) => {
            let help = "write an IPv4 address and a prefix length from 0 to 32, like `192.168.10.0/24`".to_owned();
            report(text, what, problem, help, sink)
        }
    }
}

/// A contiguous range `first-last`, or a CIDR meaning all its addresses.
pub fn range(text: &Text, what: &str, sink: &mut Sink) -> Option<Located<AddrRange>> {
    match parse_range(text.get_ref()) {
        Ok(range) => Some(Located::new(range, text.span())),
        Err(problem) => {
            let help = "write the first and last address joined by `-`, like `192.168.10.30-192.168.10.32`".to_owned();
            report(text, what, problem, help, sink)
        }
    }
}

/// A label selector `{ key = "value" }`, each key and value as Kubernetes validates labels
/// (`IsQualifiedName`, `IsValidLabelValue`); `None` when one is not valid.
pub fn labels(
    selector: &crate::syntax::raw::Spanned<Vec<(Text, Text)>>,
    sink: &mut Sink,
) -> Option<Located<BTreeMap<String, String>>> {
    let mut valid = true;
    for (key, value) in selector.get_ref() {
        for (text, problem, help) in [
            (key, label_key_problem(key.get_ref()), label_key_help()),
            (value, label_value_problem(value.get_ref()), label_value_help()),
        ] {
            if let Some(problem) = problem {
                valid = false;
                let what = if std::ptr::eq(text, key) { "label key" } else { "label value" };
                sink.push(
                    Diagnostic::new(&INVALID_VALUE, text.span(), format!("invalid {what} `{}`", text.get_ref()))
                        .with_primary_label(problem)
                        .with_help(help),
                );
            }
        }
    }
    let labels = selector.get_ref().iter().map(|(key, value)| (key.get_ref().clone(), value.get_ref().clone()));
    valid.then(|| Located::new(labels.collect(), selector.span()))
}

fn label_key_help() -> String {
    format!(
        "a label key is a name of letters, digits, `-`, `_` or `.`, starting and ending with a letter or digit, \
         {}, with an optional DNS subdomain prefix and `/` (`app`, `app.kubernetes.io/name`)",
        LABEL_VALUE.describe()
    )
}

fn label_value_help() -> String {
    format!(
        "a label value is empty, or letters, digits, `-`, `_` or `.` starting and ending with a letter or digit, \
         {}",
        LABEL_VALUE.describe()
    )
}

/// Why `key` is not a Kubernetes label key: `[prefix/]name`.
pub fn label_key_problem(key: &str) -> Option<String> {
    let (prefix, name) = match key.split_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    if let Some(prefix) = prefix {
        let label_ok = |label: &str| {
            !label.is_empty()
                && label.len() <= 63
                && label.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        };
        if prefix.len() > 253 || !prefix.split('.').all(label_ok) {
            return Some(format!("prefix `{prefix}` is not a lowercase DNS subdomain"));
        }
    }
    if name.is_empty() {
        return Some("the name is empty".to_owned());
    }
    label_value_problem(name)
}

/// Why `value` is not a Kubernetes label value.
pub fn label_value_problem(value: &str) -> Option<String> {
    if value.is_empty() {
        return None;
    }
    if let Some(problem) = LABEL_VALUE.length_problem(value.len()) {
        return Some(problem);
    }
    if let Some(c) = value.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))) {
        return Some(format!("`{c}` is not a letter, digit, `-`, `_` or `.`"));
    }
    let alphanumeric = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !alphanumeric(value.chars().next()) || !alphanumeric(value.chars().last()) {
        return Some("must start and end with a letter or digit".to_owned());
    }
    None
}

/// One of `values`, compared exactly; a near miss is suggested.
pub fn one_of<T: Keyword>(text: &Text, what: &str, sink: &mut Sink) -> Option<Located<T>> {
    if let Some(value) = T::ALL.iter().find(|value| value.as_str() == text.get_ref()) {
        return Some(Located::new(*value, text.span()));
    }
    let names: Vec<&str> = T::ALL.iter().map(|value| value.as_str()).collect();
    let mut diagnostic = Diagnostic::new(&INVALID_VALUE, text.span(), format!("unknown {what} `{}`", text.get_ref()));
    diagnostic = match did_you_mean(text.get_ref(), names.iter().copied()) {
        Some(suggestion) if only_suggestion(text.get_ref(), names.iter().copied()) == Some(suggestion) => diagnostic
            .with_primary_label(format!("did you mean `{suggestion}`?"))
            .with_fix(Fix::rename(text.span(), text.get_ref(), suggestion)),
        Some(suggestion) => diagnostic.with_primary_label(format!("did you mean `{suggestion}`?")),
        None => diagnostic.with_primary_label(format!("not a {what}")),
    };
    sink.push(diagnostic.with_help(format!("{what} is one of {}", crate::text::list(&names))));
    None
}

fn report<T>(text: &Text, what: &str, problem: Problem, help: String, sink: &mut Sink) -> Option<T> {
    let value = text.get_ref();
    let diagnostic = match problem {
        Problem::Ipv6 => Diagnostic::new(&INVALID_VALUE, text.span(), format!("{what} `{value}` is IPv6"))
            .with_primary_label("IPv6")
            .with_help("the device's network is IPv4 only (see docs/device-facts.md#ipv4-only): use an IPv4 address"),
        Problem::Invalid(reason) => Diagnostic::new(&INVALID_VALUE, text.span(), format!("invalid {what} `{value}`"))
            .with_primary_label(reason)
            .with_help(help),
    };
    sink.push(diagnostic);
    None
}

#[derive(Debug, PartialEq)]
enum Problem {
    Ipv6,
    Invalid(String),
}

fn parse_ipv4(text: &str) -> Result<Ipv4Addr, Problem> {
    if text.contains(':') {
        return Err(Problem::Ipv6);
    }
    if text.contains('/') {
        return Err(Problem::Invalid("an address, not a prefix".to_owned()));
    }
    text.parse().map_err(|_| Problem::Invalid(why_not_ipv4(text)))
}

fn why_not_ipv4(text: &str) -> String {
    let octets: Vec<&str> = text.split('.').collect();
    if octets.len() != 4 {
        return format!("an IPv4 address has 4 octets, this has {}", octets.len());
    }
    for octet in octets {
        match octet.parse::<u64>() {
            Ok(number) if number > 255 => return format!("octet {number} is over 255"),
            Ok(_) if octet.len() > 1 && octet.starts_with('0') => return format!("octet `{octet}` has a leading zero"),
            Ok(_) => {}
            Err(_) => return format!("octet `{octet}` is not a number"),
        }
    }
    "not an IPv4 address".to_owned()
}

fn parse_ipv4_net(text: &str, bare_is_host: bool) -> Result<Ipv4Net, Problem> {
    if text.contains(':') {
        return Err(Problem::Ipv6);
    }
    let Some((address, prefix)) = text.split_once('/') else {
        let address = parse_ipv4(text)?;
        return if bare_is_host {
            Ok(Ipv4Net::from(address))
        } else {
            Err(Problem::Invalid("missing prefix length (`/24`)".to_owned()))
        };
    };
    let address = parse_ipv4(address)?;
    // As the schema's pattern: decimal digits only, no sign, no leading zero (`/028`).
    if !prefix.is_empty() && prefix.bytes().all(|b| b.is_ascii_digit()) && prefix.len() > 1 && prefix.starts_with('0') {
        return Err(Problem::Invalid(format!("prefix length `{prefix}` has a leading zero")));
    }
    if !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Problem::Invalid(format!("prefix length `{prefix}` is not a number")));
    }
    let prefix: u8 = match prefix.parse() {
        Ok(prefix) if prefix <= 32 => prefix,
        Ok(prefix) => return Err(Problem::Invalid(format!("prefix length /{prefix} is over 32"))),
        Err(_) => return Err(Problem::Invalid(format!("prefix length `{prefix}` is not a number"))),
    };
    Ipv4Net::new(address, prefix).map_err(|_| Problem::Invalid(format!("prefix length /{prefix} is over 32")))
}

fn parse_range(text: &str) -> Result<AddrRange, Problem> {
    if text.contains(':') {
        return Err(Problem::Ipv6);
    }
    if text.contains('/') {
        return parse_ipv4_net(text, false).map(|net| AddrRange::of_net(net.trunc()));
    }
    let Some((first, last)) = text.split_once('-') else {
        return Err(Problem::Invalid("missing `-` between the first and last address".to_owned()));
    };
    // Spaces or tabs around the `-` are allowed, as MetalLB allows them in its pools.
    let blank = |c: char| c == ' ' || c == '\t';
    let (first, last) = (parse_ipv4(first.trim_end_matches(blank))?, parse_ipv4(last.trim_start_matches(blank))?);
    AddrRange::new(first, last).ok_or_else(|| Problem::Invalid(format!("{first} comes after {last}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason<T: std::fmt::Debug>(result: Result<T, Problem>) -> String {
        match result.unwrap_err() {
            Problem::Ipv6 => "IPv6".to_owned(),
            Problem::Invalid(reason) => reason,
        }
    }

    #[test]
    fn addresses_explain_what_is_wrong() {
        assert_eq!(parse_ipv4("10.0.0.1"), Ok(Ipv4Addr::new(10, 0, 0, 1)));
        assert_eq!(reason(parse_ipv4("10.0.0.300")), "octet 300 is over 255");
        assert_eq!(reason(parse_ipv4("10.0.0")), "an IPv4 address has 4 octets, this has 3");
        assert_eq!(reason(parse_ipv4("10.0.x.1")), "octet `x` is not a number");
        assert_eq!(reason(parse_ipv4("fe80::1")), "IPv6");
    }

    #[test]
    fn prefixes_need_a_length_unless_bare_means_host() {
        assert_eq!(parse_ipv4_net("10.0.0.0/8", false).unwrap().to_string(), "10.0.0.0/8");
        assert_eq!(parse_ipv4_net("10.0.0.7", true).unwrap().to_string(), "10.0.0.7/32");
        assert_eq!(reason(parse_ipv4_net("10.0.0.0", false)), "missing prefix length (`/24`)");
        assert_eq!(reason(parse_ipv4_net("10.0.0.0/33", false)), "prefix length /33 is over 32");
        assert_eq!(reason(parse_ipv4_net("2001:db8::/32", false)), "IPv6");
    }

    #[test]
    fn ranges_are_ordered_or_whole_networks() {
        assert_eq!(parse_range("10.0.0.1-10.0.0.3").unwrap().size(), 3);
        assert_eq!(parse_range("10.0.0.0/30").unwrap().to_string(), "10.0.0.0-10.0.0.3");
        assert_eq!(reason(parse_range("10.0.0.3-10.0.0.1")), "10.0.0.3 comes after 10.0.0.1");
        assert_eq!(reason(parse_range("10.0.0.3")), "missing `-` between the first and last address");
        assert_eq!(parse_range("10.0.0.1 - 10.0.0.3").unwrap().size(), 3);
        assert_eq!(reason(parse_range(" 10.0.0.1-10.0.0.3")), "octet ` 10` is not a number");
    }

    #[test]
    fn prefix_lengths_are_plain_decimal() {
        assert_eq!(reason(parse_ipv4_net("10.0.0.0/028", false)), "prefix length `028` has a leading zero");
        assert_eq!(reason(parse_ipv4_net("10.0.0.0/+8", false)), "prefix length `+8` is not a number");
        assert_eq!(parse_ipv4_net("10.0.0.0/0", false).unwrap().prefix_len(), 0);
    }

    #[test]
    fn labels_are_checked_as_kubernetes_checks_them() {
        assert_eq!(label_key_problem("app"), None);
        assert_eq!(label_key_problem("app.kubernetes.io/name"), None);
        assert!(label_key_problem("App.io/name").is_some());
        assert!(label_key_problem("/name").is_some());
        assert!(label_key_problem("a/").is_some());
        assert!(label_key_problem("-app").is_some());
        assert_eq!(label_value_problem(""), None);
        assert_eq!(label_value_problem("web_1.v2"), None);
        assert!(label_value_problem("web app").is_some());
        assert!(label_value_problem(&"a".repeat(64)).is_some());
    }
}
