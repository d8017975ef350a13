use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, Severity, Sink, Span, declare_rule};
use crate::model::bounds::{Bound, NODE_PORT, SERVICE_PORT, TARGET_PORT, TARGET_PORT_NAME};
use crate::model::{Keyword, Located, Network, Protocol, Service, ServiceType, TargetPort};

declare_rule! {
    /// ## What it does
    /// Reports a service port that Kubernetes or the device would refuse:
    /// - `port` or `target_port` outside 1-65535;
    /// - a `target_port` name that is not an IANA service name as Kubernetes checks it
    ///   (`IsValidPortName`): 1-15 characters of a-z, 0-9 and `-`, at least one letter, no
    ///   `-` at either end and no `--`;
    /// - `node_port` on a ClusterIP service (only NodePort and LoadBalancer services have
    ///   node ports);
    /// - `node_port` outside 30000-32767, Kubernetes' default node port range, or 31000 or
    ///   31001, which the device keeps for the Kubernetes dashboard and the edge container
    ///   registry (see docs/device-facts.md#reserved-addresses);
    /// - the same `port` and `protocol` twice in one service, or the same `node_port` and
    ///   `protocol` twice in one service;
    /// - one `node_port` in two services. Node ports are allocated cluster-wide by number,
    ///   whatever the protocol, so this is reported even for TCP in one service and UDP in
    ///   the other; within one service a node port may serve both TCP and UDP;
    /// - the same `port` and `protocol` in two LoadBalancer services with one `share_ip`
    ///   key: they share one external IP, and MetalLB shares an address only between
    ///   services whose ports differ (see docs/device-facts.md#shared-ips).
    ///
    /// ## Why is this bad?
    /// The API server rejects each of these Services (port ranges, `nodePort` on a
    /// ClusterIP Service, duplicate ports) or rejects the second one ("provided port is
    /// already allocated"). A node port of 31000 or 31001 would take the dashboard's or the
    /// container registry's port on every node: the device reserves both (see
    /// docs/device-facts.md#reserved-addresses). MetalLB refuses to put a service on a shared
    /// address where another service already takes the same port: the second one stays `<pending>`,
    /// unreachable.
    ///
    /// ## Example
    /// ```toml
    /// [[services]]
    /// name = "web"
    /// namespace = "shop"
    /// type = "LoadBalancer"
    /// ports = [{ port = 443, node_port = 31000 }, { port = 443 }]
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [[services]]
    /// name = "web"
    /// namespace = "shop"
    /// type = "LoadBalancer"
    /// ports = [{ port = 443, node_port = 30443 }, { port = 8443 }]
    /// ```
    pub static INVALID_SERVICE_PORT = Rule {
        code: "ASE403",
        name: "invalid-service-port",
        severity: Severity::Error,
        summary: "port out of 1-65535, node_port outside 30000-32767 or on a ClusterIP service, \
                  duplicate port/protocol (in a service or on a shared IP), a node_port used twice, or node_port \
                  31000/31001",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    if network.kubernetes.is_none() {
        return;
    }
    // Node port -> the service and the port entry that took it first.
    let mut node_port_owners: BTreeMap<i64, (&Service, Span)> = BTreeMap::new();
    for service in &network.services {
        let mut ports: BTreeMap<(i64, Protocol), Span> = BTreeMap::new();
        let mut node_ports: BTreeMap<(i64, Protocol), Span> = BTreeMap::new();
        for entry in &service.ports {
            let protocol = entry.protocol.value;
            if check_port_number(&entry.port, &SERVICE_PORT, "port", sink) {
                duplicate(&mut ports, entry.port, protocol, service, "port", sink);
            }
            if let Some(target_port) = &entry.target_port {
                match &target_port.value {
                    TargetPort::Number(number) => {
                        let number = Located::new(*number, target_port.span);
                        check_port_number(&number, &TARGET_PORT, "target port", sink);
                    }
                    TargetPort::Name(name) => check_port_name(name, target_port.span, sink),
                }
            }
            let Some(node_port) = entry.node_port else { continue };
            if !check_node_port(service, node_port, sink) {
                continue;
            }
            duplicate(&mut node_ports, node_port, protocol, service, "node port", sink);
            match node_port_owners.get(&node_port.value) {
                None => {
                    node_port_owners.insert(node_port.value, (service, node_port.span));
                }
                Some((owner, span)) if !std::ptr::eq(*owner, service) => {
                    sink.push(node_port_taken(service, node_port, owner, *span));
                }
                Some(_) => {}
            }
        }
    }
    check_shared_ips(network, sink);
}

/// Reports a port and protocol taken twice on one shared external IP: LoadBalancer services
/// with one `share_ip` key (see docs/device-facts.md#shared-ips).
fn check_shared_ips(network: &Network, sink: &mut Sink) {
    // (key, port, protocol) -> the service and the port entry that took it first.
    let mut taken: BTreeMap<(&str, i64, Protocol), (&Service, Span)> = BTreeMap::new();
    for service in network.services.iter().filter(|service| service.kind.value == ServiceType::LoadBalancer) {
        let Some(key) = &service.share_ip else { continue };
        for entry in &service.ports {
            let slot = (key.value.as_str(), entry.port.value, entry.protocol.value);
            let Some((owner, first)) = taken.get(&slot).copied() else {
                taken.insert(slot, (service, entry.port.span));
                continue;
            };
            if std::ptr::eq(owner, service) {
                continue; // a duplicate inside one service, reported above
            }
            let port = format!("{}/{}", entry.port.value, entry.protocol.value.as_str());
            sink.push(
                Diagnostic::new(
                    &INVALID_SERVICE_PORT,
                    entry.port.span,
                    format!(
                        "port {port} of service `{}` is taken by `{}` on the external IP they share",
                        service.qualified_name(),
                        owner.qualified_name()
                    ),
                )
                .with_primary_label(format!("{port} again on the shared IP"))
                .with_label(first, format!("`{}` takes {port} here", owner.qualified_name()))
                .with_label(key.span, format!("shares its external IP with `share_ip = \"{}\"`", key.value))
                .with_help(
                    "MetalLB puts services on one address only when their ports differ (see docs/device-facts.md#shared-ips): give one of them \
                     another port, or a `share_ip` key of its own",
                ),
            );
        }
    }
}

/// Reports a `port` or `target_port` outside its bound; `true` when it is valid.
fn check_port_number(port: &Located<i64>, bound: &Bound, what: &str, sink: &mut Sink) -> bool {
    if bound.allows(port.value) {
        return true;
    }
    let allowed = bound.describe();
    sink.push(
        Diagnostic::new(&INVALID_SERVICE_PORT, port.span, format!("{what} {} is out of range", port.value))
            .with_primary_label(format!("not {allowed}"))
            .with_help(format!("use a {what} number of {allowed}")),
    );
    false
}

/// Why `name` is not an IANA service name as Kubernetes validates a port name
/// (RFC 6335 section 5.1); `None` when it is one.
pub(crate) fn port_name_problem(name: &str) -> Option<String> {
    if let Some(problem) = TARGET_PORT_NAME.length_problem(name.len()) {
        return Some(problem);
    }
    if let Some(bad) = name.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')) {
        return Some(format!("contains `{}`, not a lowercase letter, digit or `-`", bad.escape_debug()));
    }
    if !name.chars().any(|c| c.is_ascii_lowercase()) {
        return Some("has no letter: a name of digits only reads as a number".to_owned());
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Some("starts or ends with `-`".to_owned());
    }
    if name.contains("--") {
        return Some("contains `--`".to_owned());
    }
    None
}

/// Reports a `target_port` name that Kubernetes would refuse.
fn check_port_name(name: &str, span: Span, sink: &mut Sink) {
    let Some(problem) = port_name_problem(name) else { return };
    sink.push(
        Diagnostic::new(&INVALID_SERVICE_PORT, span, format!("target port name `{}` {problem}", name.escape_debug()))
            .with_primary_label("not an IANA service name")
            .with_help(
                "name the container port with 1-15 lowercase letters, digits and `-`, at least one letter, no `-` \
                 at either end and no `--` (such as `https`), or give its number",
            ),
    );
}

/// Reports a `node_port` Kubernetes or the device would refuse; `true` when it is usable.
fn check_node_port(service: &Service, node_port: Located<i64>, sink: &mut Sink) -> bool {
    let value = node_port.value;
    let diagnostic = if service.kind.value == ServiceType::ClusterIp {
        let kind = if service.kind.span == service.header {
            "a ClusterIP service: `type` is not set"
        } else {
            "a ClusterIP service"
        };
        Diagnostic::new(
            &INVALID_SERVICE_PORT,
            node_port.span,
            format!("node port {value} on ClusterIP service `{}`", service.name.value),
        )
        .with_primary_label("a ClusterIP service has no node ports")
        .with_label(service.kind.span, kind)
        .with_help("set `type = \"NodePort\"` or `type = \"LoadBalancer\"`, or remove `node_port`")
    } else if NODE_PORT.allows(value) {
        return true;
    } else if let Some(owner) = reserved_node_port(value) {
        Diagnostic::new(&INVALID_SERVICE_PORT, node_port.span, format!("node port {value} is reserved for the {owner}"))
            .with_primary_label(format!("the {owner}'s port on every node"))
            .with_help(format!(
                "pick another node port, {}, or remove `node_port` (see docs/device-facts.md#reserved-addresses)",
                NODE_PORT.describe()
            ))
    } else {
        let allowed = NODE_PORT.describe();
        Diagnostic::new(&INVALID_SERVICE_PORT, node_port.span, format!("node port {value} is out of range"))
            .with_primary_label(format!("not {allowed}"))
            .with_help(format!("pick a node port of {allowed}, or remove `node_port` to let Kubernetes pick one"))
    };
    sink.push(diagnostic);
    false
}

/// What the device runs on a reserved node port (see docs/device-facts.md#reserved-addresses).
fn reserved_node_port(port: i64) -> Option<&'static str> {
    match port {
        31000 => Some("Kubernetes dashboard"),
        31001 => Some("edge container registry"),
        _ => None,
    }
}

/// Records `value`/`protocol` for one service; reports it when the service has it already.
fn duplicate(
    seen: &mut BTreeMap<(i64, Protocol), Span>,
    value: Located<i64>,
    protocol: Protocol,
    service: &Service,
    what: &str,
    sink: &mut Sink,
) {
    let Some(first) = seen.get(&(value.value, protocol)) else {
        seen.insert((value.value, protocol), value.span);
        return;
    };
    let protocol = protocol.as_str();
    sink.push(
        Diagnostic::new(
            &INVALID_SERVICE_PORT,
            value.span,
            format!("service `{}` has {what} {}/{protocol} twice", service.name.value, value.value),
        )
        .with_primary_label(format!("{what} {}/{protocol} again", value.value))
        .with_label(*first, format!("{what} {}/{protocol} first here", value.value))
        .with_help(format!("remove one of them, or give each entry its own {what} or protocol")),
    );
}

fn node_port_taken(service: &Service, node_port: Located<i64>, owner: &Service, owner_span: Span) -> Diagnostic {
    let value = node_port.value;
    let owner_name = owner.qualified_name();
    Diagnostic::new(
        &INVALID_SERVICE_PORT,
        node_port.span,
        format!(
            "node port {value} of service `{}` is already used by service `{owner_name}`",
            service.qualified_name()
        ),
    )
    .with_primary_label("used again here")
    .with_label(owner_span, format!("`{owner_name}` uses it here"))
    .with_help(
        "node ports are cluster-wide, whatever the protocol: give one service another node port, or \
         remove `node_port` to let Kubernetes pick one",
    )
}
