//! Input errors (ASE0xx): the file cannot be understood as a device description.
//! `syntax` and `resolve` report them; `[lint]` cannot allow them.

use crate::diagnostic::{Severity, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a file that is not valid TOML 1.0, or not UTF-8 text at all. A file in UTF-16
    /// (what Windows PowerShell 5.1's `Out-File` and `>` write) or UTF-32 is named as such,
    /// with how to save it as UTF-8; a UTF-8 byte order mark and CRLF line ends are fine.
    ///
    /// ## Why is this bad?
    /// Nothing else can be checked until the file parses; asenet stops here.
    ///
    /// ## Example
    /// ```toml
    /// [device
    /// name = "store042"
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [device]
    /// name = "store042"
    /// ```
    pub static TOML_SYNTAX = Rule {
        kind: Input,
        code: "ASE001",
        name: "toml-syntax",
        severity: Severity::Error,
        summary: "the file is not valid TOML",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a key the input format does not have, and suggests the nearest one.
    ///
    /// ## Why is this bad?
    /// A misspelt key is silently a missing key: `next_hpo = "10.0.0.1"` would leave the
    /// route without a next hop. asenet refuses every key it does not know.
    ///
    /// ## Example
    /// ```toml
    /// [[routes]]
    /// interface = "Port3"
    /// destination = "192.168.20.0/24"
    /// nexthop = "192.168.10.1"
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// next_hop = "192.168.10.1"
    /// ```
    pub static UNKNOWN_KEY = Rule {
        kind: Input,
        code: "ASE002",
        name: "unknown-key",
        severity: Severity::Error,
        summary: "a key the schema does not have (suggest the nearest)",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a value of the wrong type or form: a string where an integer belongs, an
    /// IPv4 address with an octet over 255, a CIDR without a prefix length or with one over
    /// 32 or with a leading zero (`/028`), a `start-end` range whose start comes after its
    /// end, an IPv6 value, an unknown enum value, an integer out of range, a service
    /// `selector` label key or value that Kubernetes would refuse.
    ///
    /// A required key written with a value of the wrong type is reported here once, not
    /// also as missing (`missing-or-conflicting`).
    ///
    /// ## Why is this bad?
    /// The device's network is IPv4 only (see docs/device-facts.md#ipv4-only), its ranges are
    /// contiguous `start-end` pairs (see docs/device-facts.md#node-ips,
    /// docs/device-facts.md#device-pools), and each enum has a fixed set of values. A value that
    /// does not parse cannot be checked or compiled.
    ///
    /// ## Example
    /// ```toml
    /// [kubernetes]
    /// node_ips = "192.168.10.32-192.168.10.30"
    /// pod_cidr = "172.27.0.0"
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [kubernetes]
    /// node_ips = "192.168.10.30-192.168.10.32"
    /// pod_cidr = "172.27.0.0/16"
    /// ```
    pub static INVALID_VALUE = Rule {
        kind: Input,
        code: "ASE003",
        name: "invalid-value",
        severity: Severity::Error,
        summary: "wrong type, bad address/CIDR/range, IPv6, unknown enum value, integer out of range",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a switch or route that names a port of this model which has no
    /// `[ports.PortN]` table, and a virtual network or BGP peer whose `switch` names no
    /// `[switches.NAME]` of the file.
    ///
    /// ## Why is this bad?
    /// A port without settings has no address: a switch on it or a route through it
    /// cannot be checked, and on the device the port is still at its factory default
    /// (DHCP, docs/device-facts.md#port-defaults).
    ///
    /// ## Example
    /// ```toml
    /// [switches.vswitch-port3]
    /// ports = ["Port3"]   # but there is no [ports.Port3]
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [ports.Port3]
    /// address = "192.168.10.20/24"
    /// ```
    pub static UNDEFINED_REFERENCE = Rule {
        kind: Input,
        code: "ASE004",
        name: "undefined-reference",
        severity: Severity::Error,
        summary: "a switch or route names a port of this model that has no `[ports.X]` table, or a virtual network \
                  or BGP peer names a switch the file does not define",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a port name the device model does not have: Port1 to Port6 on pro-gpu
    /// (see docs/device-facts.md#ports-pro-gpu); Port1 to Port4 on pro-r, mini-r and pro-2 (see
    /// docs/device-facts.md#ports). Names are the device's InterfaceAlias, spelt exactly `PortN`
    /// (see docs/device-facts.md#port-names).
    ///
    /// ## Why is this bad?
    /// `Add-HcsNetRoute -InterfaceAlias` and the switch cmdlets take these exact names; any
    /// other name fails on the device, after the deploy has started.
    ///
    /// ## Example
    /// ```toml
    /// [ports."Port 3"]
    /// address = "192.168.10.20/24"
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [ports.Port3]
    /// address = "192.168.10.20/24"
    /// ```
    pub static UNKNOWN_PORT = Rule {
        kind: Input,
        code: "ASE005",
        name: "unknown-port",
        severity: Severity::Error,
        summary: "a port name this model does not have (`Port7`, `port3`, `Port 3` -> suggest)",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a required table or key that is missing (`[device]`, `device.name`, a
    /// route's `next_hop`, …), or settings that exclude each other: `address` with
    /// `dhcp = true`, a `gateway` on a port without a static address, `load_balancer_ip`
    /// on a ClusterIP service, services without a `[kubernetes]` section, a `hostname`
    /// with nowhere to go (a ClusterIP service has no external IP to name; a device
    /// without `domain` has no site zone, docs/device-facts.md#names-and-dns).
    ///
    /// ## Why is this bad?
    /// asenet would have to guess what the missing value is, or which of two contradicting
    /// settings is meant; a guess that is wrong cuts the device off its network.
    ///
    /// ## Example
    /// ```toml
    /// [ports.Port3]
    /// address = "192.168.10.20/24"
    /// dhcp = true
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [ports.Port3]
    /// address = "192.168.10.20/24"
    /// ```
    pub static MISSING_OR_CONFLICTING = Rule {
        kind: Input,
        code: "ASE006",
        name: "missing-or-conflicting",
        severity: Severity::Error,
        summary: "a required field is missing, or exclusive fields are both set (`address` + `dhcp`)",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports two services with the same namespace and name, and two virtual networks with
    /// the same name on one switch.
    ///
    /// ## Why is this bad?
    /// Kubernetes keys a Service by namespace and name: the second manifest would replace
    /// the first, and the address allocated to the first would be lost. The device finds a
    /// virtual network by its switch and name (`Remove-HcsVirtualNetwork -VirtualSwitchName
    /// -Name`): the second would replace the first.
    ///
    /// ## Example
    /// ```toml
    /// [[services]]
    /// name = "web"
    /// ports = [{ port = 80 }]
    ///
    /// [[services]]
    /// name = "web"
    /// ports = [{ port = 443 }]
    /// ```
    ///
    /// ## Use instead
    /// One service with both ports, or two names.
    pub static DUPLICATE = Rule {
        kind: Input,
        code: "ASE007",
        name: "duplicate",
        severity: Severity::Error,
        summary: "two services with the same namespace/name, or two virtual networks with one name on one switch",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a glob in the fleet file's `[fleet] devices` that matches no file.
    ///
    /// ## Why is this bad?
    /// A glob that matches nothing is usually a typo or a moved directory: the devices it
    /// was meant to bring in are silently left out of every fleet rule.
    ///
    /// ## Example
    /// ```toml
    /// [fleet]
    /// devices = ["site/**/*.toml"]   # the directory is `sites`
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [fleet]
    /// devices = ["sites/**/*.toml"]
    /// ```
    pub static UNMATCHED_GLOB = Rule {
        kind: FleetInput,
        code: "ASE008",
        name: "unmatched-glob",
        severity: Severity::Error,
        summary: "a fleet file's device glob matches no file",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a hidden character in the file: a bidirectional control (U+061C, U+200E,
    /// U+200F, U+202A-U+202E, U+2066-U+2069), a character that shows as nothing (the
    /// zero-width space and joiners, U+FEFF, the soft hyphen, variation selectors, tag
    /// characters, U+FFF9-U+FFFB, ...) or U+2028/U+2029, the separators some readers break a
    /// line at and others do not. A string value that holds one, written as itself or as a
    /// TOML escape (`"\u202E"`), is reported at the value; one written as itself anywhere else
    /// (a comment, a key) is reported where it stands (between the tokens it is a TOML syntax
    /// error already, ASE001). A UTF-8 byte order mark at the very start of the file is not one.
    ///
    /// Like every input error, neither `[lint]` nor a suppression comment can allow it: no
    /// value of a device file needs one (names, addresses and IDs are plain text), and Arabic
    /// or Hebrew in a comment reads right without one (Unicode's bidirectional algorithm orders
    /// it). Where `check` is skipped, `build` and `diff` still refuse every artifact that would
    /// hold one.
    ///
    /// ## Why is this bad?
    /// A person reads other text than the program does ("Trojan Source", CVE-2021-42574;
    /// rustc denies them as `text_direction_codepoint_in_literal` and
    /// `text_direction_codepoint_in_comment`). A `share_ip` of `"web\u202E"` looks like
    /// another service's `"web"` in review, but MetalLB reads two keys and the services do not
    /// share their address; a right-to-left override in a comment can make a reviewer read a
    /// line as commented out, or a value as another. `asenet build` refuses to write such a
    /// value into an artifact, so a file that passed `check` would fail later, at `[device]`.
    ///
    /// ## Example
    /// ```toml
    /// [[services]]
    /// name = "api"
    /// share_ip = "web\u202E"
    /// ```
    ///
    /// ## Use instead
    /// Remove the character; a `\u` escape does not help, as the value still holds it.
    /// ```toml
    /// [[services]]
    /// name = "api"
    /// share_ip = "web"
    /// ```
    pub static HIDDEN_CHARACTER = Rule {
        kind: Input,
        code: "ASE009",
        name: "hidden-character",
        severity: Severity::Error,
        summary: "a bidirectional control or an invisible character in a value (escaped or not) or anywhere in the \
                  text",
    };
}
