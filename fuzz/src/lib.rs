//! Support for the fuzz targets: the invariants (`asenet::testing::invariants`, shared with
//! the property tests) and the structure-aware edits of `edit_examples`.

pub use asenet::testing::invariants;

pub mod edits {
    use arbitrary::Arbitrary;

    include!(concat!(env!("OUT_DIR"), "/seeds.rs"));

    /// One clean device file and the edits made to it.
    #[derive(Arbitrary)]
    pub struct Case {
        seed: u8,
        edits: Vec<Edit>,
    }

    /// `cargo fuzz fmt edit_examples FILE` shows the edits and the device file they make.
    impl std::fmt::Debug for Case {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            writeln!(f, "seed {} with {:#?}", self.seed, self.edits)?;
            write!(f, "---- the device file ----\n{}", self.apply())
        }
    }

    /// An edit that keeps a file TOML-shaped. Lines are counted modulo the file's length.
    #[derive(Arbitrary, Debug)]
    pub enum Edit {
        /// `key = VALUE` on a line gets another value.
        SetValue {
            line: u16,
            value: Value,
        },
        DropLine {
            line: u16,
        },
        /// The table around a line is copied to the end of the file.
        DuplicateTable {
            line: u16,
        },
        /// Two `key = value` lines exchange their values.
        SwapValues {
            a: u16,
            b: u16,
        },
        /// A number in a line (an octet, a prefix length, a port) changes by `delta`.
        Nudge {
            line: u16,
            nth: u8,
            delta: i16,
        },
        /// `KEY = VALUE` for a key asenet knows, after a line.
        InsertKey {
            line: u16,
            key: u8,
            value: Value,
        },
        /// A table header asenet knows, after a line.
        InsertHeader {
            line: u16,
            header: u8,
        },
        /// `[lint] allow = [...]`, so that warnings and errors of rules do not stop a build.
        Allow {
            codes: Vec<u8>,
        },
    }

    #[derive(Arbitrary, Debug)]
    pub enum Value {
        Integer(i64),
        Small(u8),
        Boolean(bool),
        Address([u8; 4]),
        Prefix([u8; 4], u8),
        Range([u8; 4], [u8; 4]),
        Word(u8),
        Text(String),
        List(Vec<Scalar>),
        Ports(Vec<(u16, u8, Option<u16>)>),
    }

    #[derive(Arbitrary, Debug)]
    pub enum Scalar {
        Address([u8; 4]),
        Word(u8),
        Small(u8),
    }

    /// Values that mean something to asenet, and a few that should not.
    const WORDS: &[&str] = &[
        "LoadBalancer",
        "ClusterIP",
        "TCP",
        "UDP",
        "SCTP",
        "Port1",
        "Port2",
        "Port3",
        "Port4",
        "Port5",
        "Port6",
        "Port7",
        "host",
        "kubernetes",
        "pro-gpu",
        "pro-r",
        "mini-r",
        "pro-2",
        "cluster.local",
        "contoso.local",
        "eth1",
        "web",
        "shop",
        "default",
        "kube-system",
        "k",
        "0.0.0.0/0",
        "0.0.0.0-255.255.255.255",
        "255.255.255.255/32",
        "255.255.255.255",
        "0.0.0.0",
        "10.0.0.0/8",
        "172.28.0.0/16",
        "172.27.0.0/16",
        "172.28.0.1",
        "172.28.0.10",
        "192.168.10.1",
        "192.168.10.0/24",
        "192.168.10.20/24",
        "192.168.10.40-192.168.10.49",
        "192.168.10.30-192.168.10.31",
        "fe80::1",
        "../x",
        "a/b",
        "",
        " ",
        "ASE205",
        "ASE401",
        "ASE001",
        "vswitch-port3",
        "Edge-01",
        "x.y",
    ];

    const KEYS: &[&str] = &[
        "name",
        "model",
        "nodes",
        "domain",
        "address",
        "dhcp",
        "gateway",
        "dns",
        "mtu",
        "ports",
        "compute",
        "node_ips",
        "service_ips",
        "pod_cidr",
        "service_cidr",
        "cluster_domain",
        "iot_edge",
        "vm_interface",
        "namespace",
        "type",
        "load_balancer_ip",
        "cluster_ip",
        "share_ip",
        "hostname",
        "interface",
        "destination",
        "next_hop",
        "metric",
        "target",
        "allow",
        "deny",
        "port",
        "protocol",
    ];

    const HEADERS: &[&str] = &[
        "[device]",
        "[ports.Port1]",
        "[ports.Port2]",
        "[ports.Port3]",
        "[ports.Port4]",
        "[ports.Port5]",
        "[ports.Port6]",
        "[switches.vswitch-port3]",
        "[switches.vswitch-port4]",
        "[kubernetes]",
        "[[services]]",
        "[[routes]]",
        "[lint]",
    ];

    impl Case {
        pub fn apply(&self) -> String {
            let seed = SEEDS[usize::from(self.seed) % SEEDS.len()];
            let mut lines: Vec<String> = seed.lines().map(str::to_owned).collect();
            for edit in self.edits.iter().take(12) {
                edit.apply(&mut lines);
            }
            let mut text = lines.join("\n");
            text.push('\n');
            text
        }
    }

    fn at(lines: &[String], line: u16) -> Option<usize> {
        (!lines.is_empty()).then(|| usize::from(line) % lines.len())
    }

    /// The `key = ` part of a line that sets a key.
    fn key_part(line: &str) -> Option<&str> {
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') || trimmed.starts_with('[') {
            return None;
        }
        line.find('=').map(|equals| &line[..=equals])
    }

    impl Edit {
        fn apply(&self, lines: &mut Vec<String>) {
            match self {
                Edit::SetValue { line, value } => {
                    if let Some(index) = at(lines, *line)
                        && let Some(key) = key_part(&lines[index])
                    {
                        lines[index] = format!("{key} {}", value.toml());
                    }
                }
                Edit::DropLine { line } => {
                    if let Some(index) = at(lines, *line) {
                        lines.remove(index);
                    }
                }
                Edit::DuplicateTable { line } => {
                    let Some(index) = at(lines, *line) else { return };
                    let start = (0..=index).rev().find(|&i| lines[i].trim_start().starts_with('['));
                    let Some(start) = start else { return };
                    let end = (start + 1..lines.len())
                        .find(|&i| lines[i].trim_start().starts_with('['))
                        .unwrap_or(lines.len());
                    let table: Vec<String> = lines[start..end].to_vec();
                    lines.push(String::new());
                    lines.extend(table);
                }
                Edit::SwapValues { a, b } => {
                    let (Some(a), Some(b)) = (at(lines, *a), at(lines, *b)) else { return };
                    let (Some(key_a), Some(key_b)) = (key_part(&lines[a]), key_part(&lines[b])) else { return };
                    let (key_a, key_b) = (key_a.to_owned(), key_b.to_owned());
                    let value_a = lines[a][key_a.len()..].to_owned();
                    let value_b = lines[b][key_b.len()..].to_owned();
                    lines[a] = format!("{key_a}{value_b}");
                    lines[b] = format!("{key_b}{value_a}");
                }
                Edit::Nudge { line, nth, delta } => {
                    let Some(index) = at(lines, *line) else { return };
                    lines[index] = nudge(&lines[index], usize::from(*nth), i64::from(*delta));
                }
                Edit::InsertKey { line, key, value } => {
                    let Some(index) = at(lines, *line) else { return };
                    let key = KEYS[usize::from(*key) % KEYS.len()];
                    lines.insert(index + 1, format!("{key} = {}", value.toml()));
                }
                Edit::InsertHeader { line, header } => {
                    let Some(index) = at(lines, *line) else { return };
                    lines.insert(index + 1, HEADERS[usize::from(*header) % HEADERS.len()].to_owned());
                }
                Edit::Allow { codes } => {
                    let rules = asenet::rules::RULES;
                    let codes: Vec<String> = codes
                        .iter()
                        .take(8)
                        .map(|code| format!("\"{}\"", rules[usize::from(*code) % rules.len()].code))
                        .collect();
                    lines.push(format!("[lint]\nallow = [{}]", codes.join(", ")));
                }
            }
        }
    }

    /// Adds `delta` to the `nth` run of digits in `line` (counted modulo how many it has).
    fn nudge(line: &str, nth: usize, delta: i64) -> String {
        let mut runs: Vec<(usize, usize)> = Vec::new();
        let bytes = line.as_bytes();
        let mut start = None;
        for (index, byte) in bytes.iter().enumerate().chain([(bytes.len(), &b' ')]) {
            match (byte.is_ascii_digit(), start) {
                (true, None) => start = Some(index),
                (false, Some(begin)) => {
                    runs.push((begin, index));
                    start = None;
                }
                _ => {}
            }
        }
        let Some(&(begin, end)) = runs.get(nth % runs.len().max(1)) else { return line.to_owned() };
        let number: i64 = line[begin..end].parse().unwrap_or(0);
        format!("{}{}{}", &line[..begin], number.saturating_add(delta), &line[end..])
    }

    fn quote(text: &str) -> String {
        let mut out = String::from("\"");
        for c in text.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c) & 0xffff)),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }

    fn address(octets: &[u8; 4]) -> String {
        std::net::Ipv4Addr::from(*octets).to_string()
    }

    impl Value {
        fn toml(&self) -> String {
            match self {
                Value::Integer(number) => number.to_string(),
                Value::Small(number) => number.to_string(),
                Value::Boolean(flag) => flag.to_string(),
                Value::Address(octets) => quote(&address(octets)),
                Value::Prefix(octets, length) => quote(&format!("{}/{}", address(octets), length % 34)),
                Value::Range(first, last) => quote(&format!("{}-{}", address(first), address(last))),
                Value::Word(index) => quote(WORDS[usize::from(*index) % WORDS.len()]),
                Value::Text(text) => quote(text),
                Value::List(items) => {
                    let items: Vec<String> = items.iter().take(8).map(Scalar::toml).collect();
                    format!("[{}]", items.join(", "))
                }
                Value::Ports(ports) => {
                    let ports: Vec<String> = ports
                        .iter()
                        .take(6)
                        .map(|(port, protocol, node_port)| {
                            let protocol = ["TCP", "UDP", "SCTP", "tcp"][usize::from(*protocol) % 4];
                            let node_port =
                                node_port.map(|node_port| format!(", node_port = {node_port}")).unwrap_or_default();
                            format!("{{ port = {port}, protocol = \"{protocol}\"{node_port} }}")
                        })
                        .collect();
                    format!("[{}]", ports.join(", "))
                }
            }
        }
    }

    impl Scalar {
        fn toml(&self) -> String {
            match self {
                Scalar::Address(octets) => quote(&address(octets)),
                Scalar::Word(index) => quote(WORDS[usize::from(*index) % WORDS.len()]),
                Scalar::Small(number) => number.to_string(),
            }
        }
    }
}
