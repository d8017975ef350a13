use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::bounds::{self, Bound};
use crate::model::names::{NameShape, problem};
use crate::model::{Located, Network};

declare_rule! {
    /// ## What it does
    /// Reports a name that breaks its naming rule, says which part of the rule, and
    /// suggests a fixed name when one is obvious (lowercase, `_` to `-`, no trailing dot):
    ///
    /// | name | rule |
    /// |---|---|
    /// | `device.name` | 1-13 ASCII letters, digits and hyphens (see docs/device-facts.md#names-and-dns); no hyphen at either end, as it is a DNS label in `<name>.<domain>` |
    /// | `device.domain` | a DNS name, all lowercase (see docs/device-facts.md#names-and-dns) |
    /// | `kubernetes.cluster_domain` | a DNS name, all lowercase (Kubernetes requires a DNS-1123 subdomain) |
    /// | service `name` | a DNS-1035 label: a-z, 0-9 and `-`, starting with a letter, ending with a letter or digit, at most 63 characters |
    /// | service `namespace` | a DNS-1123 label: a-z, 0-9 and `-`, starting and ending with a letter or digit, at most 63 characters (see docs/device-facts.md#reserved-namespaces) |
    /// | service `hostname` | one DNS label, all lowercase, like a namespace |
    /// | virtual network `name` | an Azure virtual network name: 2-64 letters, digits, `_`, `.` and `-`, starting with a letter or digit, ending with one or `_` (see: docs/device-facts.md#virtual-network-names) |
    /// | switch name (`[switches.NAME]`) | printable text (no control character, bidirectional control or character that shows as nothing) without a quote of any kind (`'`, `"`, a backtick, or a typographic one), `$` or `\`, and no space at either end: the device names switches with plain words (`vSwitch1`, `vswitch-Port5`) and a switch name reaches its PowerShell (see docs/device-facts.md#switch-names) |
    /// | `kubernetes.vm_interface` | a Linux interface name: 1-15 printable ASCII characters, none of them `/`, `:` or a space, and not `.` or `..`; nor `#`, a quote or `\` (which `ip -batch`, where it is written, reads as a comment or quoting) |
    ///
    /// A DNS name here is at most 253 characters of labels joined by dots, without a
    /// trailing dot; each label is 1-63 letters, digits and hyphens, starting and ending
    /// with a letter or digit; the last label is not all digits (that is an IP address).
    ///
    /// Kubernetes names are checked only when the file has a `[kubernetes]` section.
    ///
    /// ## Why is this bad?
    /// The device refuses a device name or domain outside its rules (see
    /// docs/device-facts.md#names-and-dns), and Kubernetes refuses a Service or namespace whose
    /// name is not a DNS label. These names also end up in DNS zones (`<device>.<domain>`,
    /// `<service>.<namespace>.svc.<cluster_domain>`), in file names and in `ip` commands: there an
    /// uppercase letter or a trailing dot makes a second spelling of one name, and an underscore or
    /// a space breaks the record or the command.
    ///
    /// ## Example
    /// ```toml
    /// [device]
    /// name = "store_042"
    /// domain = "Contoso.local"
    ///
    /// [[services]]
    /// name = "Web_API"
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [device]
    /// name = "store-042"
    /// domain = "contoso.local"
    ///
    /// [[services]]
    /// name = "web-api"
    /// ```
    pub static INVALID_NAME = Rule {
        code: "ASE401",
        name: "invalid-name",
        severity: Severity::Error,
        summary: "device name, service name, namespace, domain, switch or virtual network name breaks its naming rule",
    };
}

/// Every name that breaks its rule, whatever `[lint]` says. `build` refuses them all: these
/// names are written into file names, zone records, `ip` commands and script lines, where
/// a `/`, a newline or a `#` would break out of their place.
pub(crate) fn problems(network: &Network) -> Vec<Diagnostic> {
    let mut sink = Sink::default();
    check(network, &mut sink);
    sink.into_sorted()
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    if let Some(name) = &network.device.name {
        report("device name", name, &DEVICE_NAME, sink);
    }
    if let Some(domain) = &network.device.domain {
        report("device domain", domain, &DEVICE_DOMAIN, sink);
    }
    for switch in &network.switches {
        report("switch name", &switch.name, &SWITCH, sink);
    }
    for vnet in &network.virtual_networks {
        report("virtual network name", &vnet.name, &VIRTUAL_NETWORK, sink);
    }
    let Some(kubernetes) = &network.kubernetes else { return };
    report("cluster domain", &kubernetes.cluster_domain, &CLUSTER_DOMAIN, sink);
    report("VM interface name", &kubernetes.vm_interface, &VM_INTERFACE, sink);
    for service in &network.services {
        report("service name", &service.name, &SERVICE_NAME, sink);
        report("namespace", &service.namespace, &NAMESPACE, sink);
        if let Some(hostname) = &service.hostname {
            report("hostname", hostname, &HOSTNAME, sink);
        }
    }
}

/// One naming rule: how a name is checked, and how to say so.
struct NameRule {
    /// What the name must be, for the primary label: "a DNS-1035 label"; `{length}` is the
    /// bound's.
    kind: &'static str,
    /// The rule in full, for the help when no fix is obvious; `{length}` is the bound's.
    rule: &'static str,
    /// The length the name is held to, when it has one.
    bound: Option<&'static Bound>,
    shape: NameShape,
}

impl NameRule {
    fn rule(&self) -> String {
        self.rule.replace("{length}", &self.bound.map(Bound::describe).unwrap_or_default())
    }

    fn kind(&self) -> String {
        self.kind.replace("{length}", &self.bound.map(Bound::describe).unwrap_or_default())
    }
}

static DEVICE_NAME: NameRule = NameRule {
    kind: "{length} of letters, digits and hyphens (see docs/device-facts.md#names-and-dns)",
    rule: "a device name is {length} of letters, digits and hyphens, not starting or ending with a hyphen (see \
           docs/device-facts.md#names-and-dns)",
    bound: Some(&bounds::DEVICE_NAME),
    shape: NameShape::Label { bound: &bounds::DEVICE_NAME, lowercase: false, letter_first: false },
};

static DEVICE_DOMAIN: NameRule = NameRule {
    kind: "a lowercase DNS name (see docs/device-facts.md#names-and-dns)",
    rule: "a device domain is a DNS name in lowercase, {length}: labels of a-z, 0-9 and `-` joined by dots (see \
           docs/device-facts.md#names-and-dns)",
    bound: Some(&bounds::DEVICE_DOMAIN),
    shape: NameShape::DnsName,
};

static CLUSTER_DOMAIN: NameRule = NameRule {
    kind: "a lowercase DNS name",
    rule: "a cluster domain is a DNS name in lowercase, {length}: labels of a-z, 0-9 and `-` joined by dots, \
           like `cluster.local`",
    bound: Some(&bounds::CLUSTER_DOMAIN),
    shape: NameShape::DnsName,
};

static SERVICE_NAME: NameRule = NameRule {
    kind: "a DNS-1035 label",
    rule: "a service name is a DNS-1035 label: a-z, 0-9 and `-`, starting with a letter, ending with a \
           letter or digit, {length}",
    bound: Some(&bounds::SERVICE_NAME),
    shape: NameShape::Label { bound: &bounds::SERVICE_NAME, lowercase: true, letter_first: true },
};

static NAMESPACE: NameRule = NameRule {
    kind: "a DNS-1123 label",
    rule: "a namespace is a DNS-1123 label: a-z, 0-9 and `-`, starting and ending with a letter or \
           digit, {length} (see docs/device-facts.md#reserved-namespaces)",
    bound: Some(&bounds::NAMESPACE),
    shape: NameShape::Label { bound: &bounds::NAMESPACE, lowercase: true, letter_first: false },
};

static HOSTNAME: NameRule = NameRule {
    kind: "one lowercase DNS label",
    rule: "a hostname is one DNS label under the device's domain: a-z, 0-9 and `-`, starting and \
           ending with a letter or digit, {length}",
    bound: Some(&bounds::HOSTNAME),
    shape: NameShape::Label { bound: &bounds::HOSTNAME, lowercase: true, letter_first: false },
};

static VIRTUAL_NETWORK: NameRule = NameRule {
    kind: "an Azure virtual network name",
    rule: "a virtual network name is {length} of letters, digits, `_`, `.` and `-`, starting with a letter or \
           digit and ending with one or `_`, as Azure names virtual networks",
    bound: Some(&bounds::VIRTUAL_NETWORK_NAME),
    shape: NameShape::AzureNetwork,
};

static SWITCH: NameRule = NameRule {
    kind: "a switch name",
    rule: "a switch name is printable text without quotes (`'`, `\"`, a backtick or a typographic quote), `$`, \
           `\\` or invisible or bidirectional characters, and no space at either end, like the device's own \
           `vswitch-port3`",
    bound: None,
    shape: NameShape::Switch,
};

static VM_INTERFACE: NameRule = NameRule {
    kind: "a Linux interface name",
    rule: "a Linux interface name is {length} of printable ASCII without `/`, `:`, spaces, `#`, \
           quotes or `\\`, and not `.` or `..`, like `eth1`",
    bound: Some(&bounds::VM_INTERFACE),
    shape: NameShape::Interface,
};

fn report(noun: &str, name: &Located<String>, rule: &NameRule, sink: &mut Sink) {
    let value = name.value.as_str();
    let Some(problem) = problem(value, &rule.shape) else { return };
    let help = match fix(value, &rule.shape) {
        Some(fixed) => format!("rename it to `{fixed}`: {}", rule.rule()),
        None => format!("rename it: {}", rule.rule()),
    };
    sink.push(
        Diagnostic::new(&INVALID_NAME, name.span, format!("{noun} `{}` {problem}", value.escape_debug()))
            .with_primary_label(format!("must be {}", rule.kind()))
            .with_help(help),
    );
}

/// An obviously meant valid name: lowercase where the rule wants it, `_` and spaces as
/// `-`, no hyphen or dot at the ends. `None` when that is not enough.
fn fix(name: &str, shape: &NameShape) -> Option<String> {
    let fixed = match shape {
        NameShape::Label { lowercase, .. } => {
            let mapped: String = name
                .trim()
                .chars()
                .map(|c| if matches!(c, '_' | ' ' | '.') { '-' } else { c })
                .map(|c| if *lowercase { c.to_ascii_lowercase() } else { c })
                .collect();
            mapped.trim_matches('-').to_owned()
        }
        NameShape::DnsName => {
            let lowered = name.trim().to_ascii_lowercase().replace(['_', ' '], "-");
            let labels: Vec<&str> =
                lowered.split('.').map(|label| label.trim_matches('-')).filter(|label| !label.is_empty()).collect();
            labels.join(".")
        }
        NameShape::Interface | NameShape::Switch => name.trim().to_owned(),
        NameShape::AzureNetwork => {
            let mapped: String = name.trim().chars().map(|c| if c == ' ' { '-' } else { c }).collect();
            mapped.trim_matches(['-', '.']).to_owned()
        }
    };
    (fixed != name && problem(&fixed, shape).is_none()).then_some(fixed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: &str, rule: &NameRule) -> (Option<String>, Option<String>) {
        (problem(name, &rule.shape), fix(name, &rule.shape))
    }

    #[test]
    fn device_names() {
        assert_eq!(check("store042", &DEVICE_NAME), (None, None));
        assert_eq!(check("Store-042", &DEVICE_NAME), (None, None));
        assert_eq!(check("a", &DEVICE_NAME), (None, None));
        assert_eq!(check("abcdefghijklm", &DEVICE_NAME).0, None);
        assert_eq!(check("abcdefghijklmn", &DEVICE_NAME).0.unwrap(), "is 14 characters long, more than 13");
        assert_eq!(check("store_042", &DEVICE_NAME), (Some("contains `_`".into()), Some("store-042".into())));
        assert_eq!(check("-store", &DEVICE_NAME), (Some("starts with `-`".into()), Some("store".into())));
        assert_eq!(check("", &DEVICE_NAME), (Some("is empty".into()), None));
        assert_eq!(check("störe", &DEVICE_NAME).0.unwrap(), "contains `ö`");
    }

    #[test]
    fn dns_names() {
        for good in ["contoso.local", "local", "a-b.c0", "x.y.z", "123.example"] {
            assert_eq!(check(good, &DEVICE_DOMAIN), (None, None), "{good}");
        }
        assert_eq!(
            check("Contoso.Local", &DEVICE_DOMAIN),
            (Some("contains the uppercase letter `C`".into()), Some("contoso.local".into()))
        );
        assert_eq!(
            check("contoso.local.", &DEVICE_DOMAIN),
            (Some("ends with `.`".into()), Some("contoso.local".into()))
        );
        assert_eq!(check("a..b", &DEVICE_DOMAIN).0.unwrap(), "has an empty label (`..`)");
        assert_eq!(check(".a", &DEVICE_DOMAIN).0.unwrap(), "starts with `.`");
        assert_eq!(check("a.-b", &DEVICE_DOMAIN).0.unwrap(), "has a label `-b` that starts with `-`");
        assert_eq!(
            check("10.0.0.1", &DEVICE_DOMAIN),
            (Some("ends in the all-digit label `1`, like an IP address".into()), None)
        );
        assert_eq!(check("my_site.local", &DEVICE_DOMAIN).1.unwrap(), "my-site.local");
        let long_label = format!("{}.local", "a".repeat(64));
        assert_eq!(check(&long_label, &DEVICE_DOMAIN).0.unwrap(), "has a label of 64 characters, more than 63");
        let long_name = vec!["a".repeat(63); 4].join(".");
        assert_eq!(long_name.len(), 255);
        assert_eq!(check(&long_name, &DEVICE_DOMAIN).0.unwrap(), "is 255 characters long, more than 253");
        assert_eq!(check("", &DEVICE_DOMAIN).0.unwrap(), "is empty");
    }

    #[test]
    fn kubernetes_labels() {
        assert_eq!(check("web", &SERVICE_NAME), (None, None));
        assert_eq!(check("a", &SERVICE_NAME), (None, None));
        assert_eq!(check("1web", &SERVICE_NAME), (Some("starts with `1`, not a letter".into()), None));
        assert_eq!(check("1web", &NAMESPACE), (None, None));
        assert_eq!(
            check("Web_API", &SERVICE_NAME),
            (Some("contains the uppercase letter `W`".into()), Some("web-api".into()))
        );
        assert_eq!(check("web-", &NAMESPACE), (Some("ends with `-`".into()), Some("web".into())));
        assert_eq!(check(&"a".repeat(63), &NAMESPACE), (None, None));
        assert_eq!(check(&"a".repeat(64), &NAMESPACE).0.unwrap(), "is 64 characters long, more than 63");
        assert_eq!(check("web.api", &HOSTNAME), (Some("contains `.`".into()), Some("web-api".into())));
    }

    #[test]
    fn switch_names() {
        for good in ["vswitch-port3", "vSwitch1", "compute", "Switch 2", "Zürich-sw"] {
            assert_eq!(check(good, &SWITCH), (None, None), "{good}");
        }
        assert_eq!(check("a\nb", &SWITCH).0.unwrap(), "contains the character \\u{a}");
        assert_eq!(check("a'b", &SWITCH).0.unwrap(), "contains `'`");
        assert_eq!(check("a\u{201C}b", &SWITCH).0.unwrap(), "contains `\u{201C}`");
        assert_eq!(check("$(x)", &SWITCH).0.unwrap(), "contains `$`");
        assert_eq!(check("a`b", &SWITCH).0.unwrap(), "contains ```");
        assert_eq!(check(" sw", &SWITCH), (Some("starts with a space".into()), Some("sw".into())));
        assert_eq!(check("", &SWITCH).0.unwrap(), "is empty");
    }

    #[test]
    fn interface_names() {
        for good in ["eth1", "ens192", "eth0.100", "br-lan", "veth_1", "x"] {
            assert_eq!(check(good, &VM_INTERFACE), (None, None), "{good}");
        }
        assert_eq!(check("eth 1", &VM_INTERFACE), (Some("contains a space".into()), None));
        assert_eq!(check(" eth1", &VM_INTERFACE), (Some("contains a space".into()), Some("eth1".into())));
        assert_eq!(check("eth0:1", &VM_INTERFACE).0.unwrap(), "contains `:`");
        assert_eq!(check("a/b", &VM_INTERFACE).0.unwrap(), "contains `/`");
        // `ip -batch` would read the rest of the line as a comment, or a quoted word.
        assert_eq!(check("eth1#x", &VM_INTERFACE).0.unwrap(), "contains `#`");
        assert_eq!(check("\"eth1", &VM_INTERFACE).0.unwrap(), "contains `\"`");
        assert_eq!(check("eth1\\", &VM_INTERFACE).0.unwrap(), "contains `\\`");
        assert_eq!(check("..", &VM_INTERFACE).0.unwrap(), "is a directory name");
        assert_eq!(check(&"e".repeat(15), &VM_INTERFACE), (None, None));
        assert_eq!(check(&"e".repeat(16), &VM_INTERFACE).0.unwrap(), "is 16 characters long, more than 15");
        assert_eq!(check("", &VM_INTERFACE).0.unwrap(), "is empty");
    }
}
