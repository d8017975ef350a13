//! Every numeric range and length limit a value of the device file is held to, declared
//! once. The checks read them (`resolve`, the rules, [`super::names`]); the JSON Schema
//! writes them as `minimum`/`maximum`/`anyOf`/`not`/`minLength`/`maxLength`
//! (`syntax::schema`); `asenet explain` lists them under the rule that reports them;
//! `tests/it/consumers/bounds.rs` tries every boundary (value-1, value, value+1) through
//! `check` and through the schema; `tests/it/bounds.rs` holds the key's row of
//! docs/input-format.md to [`Bound::describe`]. The words of an enum have their one list in
//! [`super::Keyword::ALL`].
//!
//! To add one: a `pub static` here and its line in [`ALL`]; read it in the check (never its
//! numbers); a placement for it in `tests/it/consumers/bounds.rs` (the test fails until
//! there is one); its [`Bound::describe`] text in the key's row of docs/input-format.md;
//! then `ASENET_UPDATE_GENERATED=1 cargo test` rewrites the schema and docs/rules.md.

/// What values a key takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Allowed {
    /// Whole numbers in any of `ranges` (inclusive, ascending, disjoint), but none of `except`.
    Integers { ranges: &'static [(i64, i64)], except: &'static [i64] },
    /// Strings of `min` to `max` characters (for an array or a table of strings: each one).
    Length { min: usize, max: usize },
}

/// One key's limit, and who enforces it.
#[derive(Debug, PartialEq, Eq)]
pub struct Bound {
    /// The table as messages and `syntax::table_keys` name it: `[[routes]]`, `a service port`.
    pub table: &'static str,
    pub key: &'static str,
    pub allowed: Allowed,
    /// The code reported for a value outside: the rule's, or ASE003 where `resolve` refuses it.
    pub code: &'static str,
    /// Where the limit comes from: a fact's anchor, or the standard.
    pub source: &'static str,
}

impl Bound {
    /// Whether a number is allowed (`false` for a length bound).
    pub fn allows(&self, value: i64) -> bool {
        match self.allowed {
            Allowed::Integers { ranges, except } => {
                ranges.iter().any(|&(low, high)| (low..=high).contains(&value)) && !except.contains(&value)
            }
            Allowed::Length { .. } => false,
        }
    }

    /// Whether a string of `length` characters is allowed (`false` for a number bound).
    pub fn allows_length(&self, length: usize) -> bool {
        match self.allowed {
            Allowed::Length { min, max } => (min..=max).contains(&length),
            Allowed::Integers { .. } => false,
        }
    }

    /// The limit as messages, `explain` and docs/input-format.md say it: `0 to 65535`,
    /// `1 to 65534 or 131072 to 4294967294`, `0, or 3 to 65535`, `1 to 13 characters`.
    pub fn describe(&self) -> String {
        match self.allowed {
            Allowed::Integers { ranges, except } => {
                let parts: Vec<String> = ranges.iter().map(|&(low, high)| span(low, high)).collect();
                let mut text = match parts.as_slice() {
                    [single] => single.clone(),
                    [first, rest @ ..] if ranges[0].0 == ranges[0].1 => format!("{first}, or {}", rest.join(" or ")),
                    _ => parts.join(" or "),
                };
                if !except.is_empty() {
                    let excepted: Vec<String> = except.iter().map(i64::to_string).collect();
                    text.push_str(&format!(", not {}", excepted.join(" or ")));
                }
                text
            }
            Allowed::Length { min: 0, max } => format!("at most {max} characters"),
            Allowed::Length { min, max } => format!("{min} to {max} characters"),
        }
    }

    /// Why a string of `length` characters is refused (`is 64 characters long, more than
    /// 63`); `None` when it is allowed or the bound is not a length.
    pub fn length_problem(&self, length: usize) -> Option<String> {
        match self.allowed {
            Allowed::Length { min, .. } if length < min && length == 0 => Some("is empty".to_owned()),
            Allowed::Length { min, .. } if length < min => {
                Some(format!("is {length} characters long, fewer than {min}"))
            }
            Allowed::Length { max, .. } if length > max => {
                Some(format!("is {length} characters long, more than {max}"))
            }
            _ => None,
        }
    }

    /// The inclusive extremes of a length bound; `None` for a number bound.
    pub fn length(&self) -> Option<(usize, usize)> {
        match self.allowed {
            Allowed::Length { min, max } => Some((min, max)),
            Allowed::Integers { .. } => None,
        }
    }
}

fn span(low: i64, high: i64) -> String {
    if low == high {
        low.to_string()
    } else if high == low + 1 {
        format!("{low} or {high}")
    } else {
        format!("{low} to {high}")
    }
}

/// The longest DNS label (RFC 1035): each label of a domain, a hostname, a Kubernetes name.
pub const DNS_LABEL_MAX: usize = 63;

pub static DEVICE_NODES: Bound = Bound {
    table: "[device]",
    key: "nodes",
    allowed: Allowed::Integers { ranges: &[(1, 2)], except: &[] },
    code: "ASE003",
    source: "docs/device-facts.md#kubernetes-vms",
};

pub static DEVICE_NAME: Bound = Bound {
    table: "[device]",
    key: "name",
    allowed: Allowed::Length { min: 1, max: 13 },
    code: "ASE401",
    source: "docs/device-facts.md#names-and-dns",
};

pub static DEVICE_DOMAIN: Bound = Bound {
    table: "[device]",
    key: "domain",
    allowed: Allowed::Length { min: 1, max: DNS_NAME_MAX },
    code: "ASE401",
    source: "RFC 1035 (a DNS name of labels of at most 63 characters)",
};

pub static NODE_NAME: Bound = Bound {
    table: "[device]",
    key: "node_names",
    allowed: Allowed::Length { min: 1, max: 15 },
    code: "ASE003",
    source: "docs/device-facts.md#node-names",
};

pub static SOFTWARE_VERSION: Bound = Bound {
    table: "[device]",
    key: "software_version",
    allowed: Allowed::Integers { ranges: &[(2001, 9912)], except: &[] },
    code: "ASE003",
    source: "docs/device-facts.md#package-layouts",
};

/// The longest DNS name, without its final dot (RFC 1035).
pub const DNS_NAME_MAX: usize = 253;

pub static PORT_MTU: Bound = Bound {
    table: "[ports.X]",
    key: "mtu",
    allowed: Allowed::Integers { ranges: &[(1400, 1500)], except: &[] },
    code: "ASE308",
    source: "docs/device-facts.md#mtu",
};

pub static CLUSTER_DOMAIN: Bound = Bound {
    table: "[kubernetes]",
    key: "cluster_domain",
    allowed: Allowed::Length { min: 1, max: DNS_NAME_MAX },
    code: "ASE401",
    source: "RFC 1035 (a DNS name of labels of at most 63 characters)",
};

pub static VM_INTERFACE: Bound = Bound {
    table: "[kubernetes]",
    key: "vm_interface",
    allowed: Allowed::Length { min: 1, max: 15 },
    code: "ASE401",
    source: "Linux (`IFNAMSIZ`, 16 bytes with the terminating NUL)",
};

/// A count of what takes an external service IP: a whole number the schema's `u32` holds.
const COUNT: Allowed = Allowed::Integers { ranges: &[(0, u32::MAX as i64)], except: &[] };

pub static IOT_MODULES: Bound = Bound {
    table: "[kubernetes]",
    key: "iot_modules",
    allowed: COUNT,
    code: "ASE003",
    source: "docs/device-facts.md#modules-and-vms",
};

pub static VMS: Bound = Bound {
    table: "[kubernetes]",
    key: "vms",
    allowed: COUNT,
    code: "ASE003",
    source: "docs/device-facts.md#modules-and-vms",
};

pub static SERVICE_NAME: Bound = Bound {
    table: "[[services]]",
    key: "name",
    allowed: Allowed::Length { min: 1, max: DNS_LABEL_MAX },
    code: "ASE401",
    source: "Kubernetes (a Service name is a DNS-1035 label)",
};

pub static NAMESPACE: Bound = Bound {
    table: "[[services]]",
    key: "namespace",
    allowed: Allowed::Length { min: 1, max: DNS_LABEL_MAX },
    code: "ASE401",
    source: "Kubernetes (a namespace is a DNS-1123 label)",
};

pub static HOSTNAME: Bound = Bound {
    table: "[[services]]",
    key: "hostname",
    allowed: Allowed::Length { min: 1, max: DNS_LABEL_MAX },
    code: "ASE401",
    source: "RFC 1035 (one DNS label)",
};

pub static LABEL_VALUE: Bound = Bound {
    table: "[[services]]",
    key: "selector",
    allowed: Allowed::Length { min: 0, max: DNS_LABEL_MAX },
    code: "ASE003",
    source: "Kubernetes (`IsValidLabelValue`)",
};

/// A TCP, UDP or SCTP port.
const PORT_NUMBER: Allowed = Allowed::Integers { ranges: &[(1, 65535)], except: &[] };

pub static SERVICE_PORT: Bound =
    Bound { table: "a service port", key: "port", allowed: PORT_NUMBER, code: "ASE403", source: "TCP, UDP, SCTP" };

pub static TARGET_PORT: Bound = Bound {
    table: "a service port",
    key: "target_port",
    allowed: PORT_NUMBER,
    code: "ASE403",
    source: "TCP, UDP, SCTP",
};

pub static TARGET_PORT_NAME: Bound = Bound {
    table: "a service port",
    key: "target_port",
    allowed: Allowed::Length { min: 1, max: 15 },
    code: "ASE403",
    source: "RFC 6335 section 5.1 (an IANA service name), Kubernetes `IsValidPortName`",
};

pub static NODE_PORT: Bound = Bound {
    table: "a service port",
    key: "node_port",
    allowed: Allowed::Integers { ranges: &[(30000, 32767)], except: &[31000, 31001] },
    code: "ASE403",
    source: "Kubernetes' default node port range; docs/device-facts.md#reserved-addresses",
};

pub static ROUTE_METRIC: Bound = Bound {
    table: "[[routes]]",
    key: "metric",
    allowed: Allowed::Integers { ranges: &[(0, u16::MAX as i64)], except: &[] },
    code: "ASE209",
    source: "docs/device-facts.md#route-metric",
};

pub static VIRTUAL_NETWORK_NAME: Bound = Bound {
    table: "[[virtual_networks]]",
    key: "name",
    allowed: Allowed::Length { min: 2, max: 64 },
    code: "ASE401",
    source: "docs/device-facts.md#virtual-network-names",
};

pub static VLAN: Bound = Bound {
    table: "[[virtual_networks]]",
    key: "vlan",
    allowed: Allowed::Integers { ranges: &[(0, 4094)], except: &[] },
    code: "ASE310",
    source: "docs/device-facts.md#vlan-ids",
};

/// 16-bit and 32-bit AS numbers but the reserved ones.
const AS_NUMBER: Allowed = Allowed::Integers { ranges: &[(1, 65534), (131_072, 4_294_967_294)], except: &[] };

pub static PEER_ASN: Bound = Bound {
    table: "[[bgp_peers]]",
    key: "peer_asn",
    allowed: AS_NUMBER,
    code: "ASE312",
    source: "docs/device-facts.md#bgp",
};

pub static SELF_ASN: Bound = Bound {
    table: "[[bgp_peers]]",
    key: "self_asn",
    allowed: AS_NUMBER,
    code: "ASE312",
    source: "docs/device-facts.md#bgp",
};

pub static HOLD_TIME: Bound = Bound {
    table: "[[bgp_peers]]",
    key: "hold_time",
    allowed: Allowed::Integers { ranges: &[(0, 0), (3, u16::MAX as i64)], except: &[] },
    code: "ASE316",
    source: "docs/device-facts.md#bgp (RFC 4271, MetalLB)",
};

/// The names the `Microsoft.MobileNetwork` API takes for a site, a mobile network and a
/// data network: at most 64 characters (see docs/device-facts.md#ap5gc-site-template).
const AZURE_RESOURCE_NAME: Allowed = Allowed::Length { min: 1, max: 64 };

pub static PACKET_CORE_SITE: Bound = Bound {
    table: "[packet_core]",
    key: "site",
    allowed: AZURE_RESOURCE_NAME,
    code: "ASE003",
    source: "docs/device-facts.md#ap5gc-site-template",
};

pub static PACKET_CORE_MOBILE_NETWORK: Bound = Bound {
    table: "[packet_core]",
    key: "mobile_network",
    allowed: AZURE_RESOURCE_NAME,
    code: "ASE003",
    source: "docs/device-facts.md#ap5gc-site-template",
};

pub static DATA_NETWORK_NAME: Bound = Bound {
    table: "[[packet_core.data_networks]]",
    key: "name",
    allowed: AZURE_RESOURCE_NAME,
    code: "ASE003",
    source: "docs/device-facts.md#ap5gc-site-template",
};

/// Every bound, by table in the file's order.
pub static ALL: &[&Bound] = &[
    &DEVICE_NAME,
    &DEVICE_NODES,
    &DEVICE_DOMAIN,
    &NODE_NAME,
    &SOFTWARE_VERSION,
    &PORT_MTU,
    &CLUSTER_DOMAIN,
    &VM_INTERFACE,
    &IOT_MODULES,
    &VMS,
    &SERVICE_NAME,
    &NAMESPACE,
    &HOSTNAME,
    &LABEL_VALUE,
    &SERVICE_PORT,
    &TARGET_PORT,
    &TARGET_PORT_NAME,
    &NODE_PORT,
    &ROUTE_METRIC,
    &VIRTUAL_NETWORK_NAME,
    &VLAN,
    &PEER_ASN,
    &SELF_ASN,
    &HOLD_TIME,
    &PACKET_CORE_SITE,
    &PACKET_CORE_MOBILE_NETWORK,
    &DATA_NETWORK_NAME,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_said_as_the_docs_say_them() {
        assert_eq!(ROUTE_METRIC.describe(), "0 to 65535");
        assert_eq!(PEER_ASN.describe(), "1 to 65534 or 131072 to 4294967294");
        assert_eq!(HOLD_TIME.describe(), "0, or 3 to 65535");
        assert_eq!(NODE_PORT.describe(), "30000 to 32767, not 31000 or 31001");
        assert_eq!(DEVICE_NODES.describe(), "1 or 2");
        assert_eq!(DEVICE_NAME.describe(), "1 to 13 characters");
        assert_eq!(LABEL_VALUE.describe(), "at most 63 characters");
    }

    #[test]
    fn ranges_are_ascending_and_disjoint() {
        for bound in ALL {
            if let Allowed::Integers { ranges, except } = bound.allowed {
                assert!(!ranges.is_empty(), "{} {}", bound.table, bound.key);
                for pair in ranges.windows(2) {
                    assert!(pair[0].1 + 1 < pair[1].0, "{} {}: {pair:?}", bound.table, bound.key);
                }
                for &(low, high) in ranges {
                    assert!(low <= high);
                }
                for value in except {
                    assert!(ranges.iter().any(|&(low, high)| (low..=high).contains(value)));
                }
            }
        }
    }

    #[test]
    fn numbers_are_checked_against_every_range() {
        assert!(PEER_ASN.allows(65534) && !PEER_ASN.allows(65535) && PEER_ASN.allows(131_072));
        assert!(!NODE_PORT.allows(31000) && NODE_PORT.allows(31002));
        assert!(HOLD_TIME.allows(0) && !HOLD_TIME.allows(1) && HOLD_TIME.allows(3));
        assert!(DEVICE_NAME.allows_length(13) && !DEVICE_NAME.allows_length(14) && !DEVICE_NAME.allows_length(0));
    }
}
