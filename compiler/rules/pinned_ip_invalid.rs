use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::{Network, reserved_cluster_ips};
use crate::text::join_or;

declare_rule! {
    /// ## What it does
    /// Reports a pinned address that its pool cannot give:
    ///
    /// - a `load_balancer_ip` outside the external service IPs (`service_ips`), or in a
    ///   file that has none;
    /// - a `cluster_ip` outside the service CIDR, or on one of its reserved addresses: the
    ///   network address, `.1` (`kubernetes.default`), `.10` (`kube-dns`) and the
    ///   broadcast address (see docs/device-facts.md#reserved-addresses).
    ///
    /// ## Why is this bad?
    /// MetalLB only hands out addresses of its pool, which is the external service IP range
    /// (see docs/device-facts.md#networking-components): a service pinned elsewhere stays
    /// `<pending>`. The API server refuses a cluster IP outside the service CIDR ("the provided IP
    /// is not in the valid range"), and one that `kubernetes.default` or `kube-dns` holds: "in the
    /// default configuration, the IP addresses 172.28.0.1 and 172.28.0.10, are reserved for
    /// Kubernetes service and Core DNS service respectively" — "Don't use reserved IPs" (see
    /// docs/device-facts.md#reserved-addresses). asenet applies the same offsets to a custom
    /// service CIDR.
    ///
    /// ## Example
    /// ```toml
    /// [kubernetes]
    /// service_ips = "192.168.10.40-192.168.10.49"
    ///
    /// [[services]]
    /// name = "web"
    /// type = "LoadBalancer"
    /// load_balancer_ip = "192.168.10.60"
    /// cluster_ip = "172.28.0.10"
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// load_balancer_ip = "192.168.10.45"
    /// cluster_ip = "172.28.0.50"
    /// ```
    pub static PINNED_IP_INVALID = Rule {
        code: "ASE107",
        name: "pinned-ip-invalid",
        severity: Severity::Error,
        summary: "a pin outside its pool, or on a reserved address (.0, .1, .10, broadcast)",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let Some(kubernetes) = &network.kubernetes else { return };
    let cidr = kubernetes.service_cidr;
    let net = cidr.value.trunc();
    let reserved = reserved_cluster_ips(net);
    let cidr_label = if kubernetes.service_cidr_is_default() {
        format!("the service CIDR is {} by default (see docs/device-facts.md#cluster-cidrs)", cidr.value)
    } else {
        format!("the service CIDR is {} here", cidr.value)
    };

    for service in &network.services {
        let name = service.qualified_name();
        if let Some(pin) = service.load_balancer_ip {
            let address = pin.value;
            match kubernetes.service_ips {
                Some(range) if range.value.contains(address) => {}
                Some(range) => sink.push(
                    Diagnostic::new(
                        &PINNED_IP_INVALID,
                        pin.span,
                        format!(
                            "load balancer IP {address} of `{name}` is outside the external service IP range {}",
                            range.value
                        ),
                    )
                    .with_primary_label("MetalLB cannot give this address")
                    .with_label(range.span, format!("the external service IPs are {} here", range.value))
                    .with_help(format!("pin an address of {}, or extend `service_ips` to hold {address}", range.value)),
                ),
                None => sink.push(
                    Diagnostic::new(
                        &PINNED_IP_INVALID,
                        pin.span,
                        format!("load balancer IP {address} of `{name}` is in no external service IP range"),
                    )
                    .with_primary_label("MetalLB cannot give this address")
                    .with_label(kubernetes.header, "no `service_ips` in this table")
                    .with_help(format!("add `service_ips` to `[kubernetes]`, a range that holds {address} (see docs/device-facts.md#external-service-ips)")),
                ),
            }
        }

        if let Some(pin) = service.cluster_ip {
            let address = pin.value;
            let (message, primary_label) = if !net.contains(&address) {
                (
                    format!("cluster IP {address} of `{name}` is outside the service CIDR {}", cidr.value),
                    "not a service address".to_owned(),
                )
            } else if let Some((_, role)) = reserved.iter().find(|(reserved, _)| *reserved == address) {
                (
                    format!("cluster IP {address} of `{name}` is {role}"),
                    "reserved (see docs/device-facts.md#reserved-addresses)".to_owned(),
                )
            } else {
                continue;
            };
            let reserved_list: Vec<String> = reserved.iter().map(|(address, _)| address.to_string()).collect();
            sink.push(
                Diagnostic::new(&PINNED_IP_INVALID, pin.span, message)
                    .with_primary_label(primary_label)
                    .with_label(cidr.span, cidr_label.clone())
                    .with_help(format!(
                        "pin another address of {net} (not {}), or remove `cluster_ip` to have one allocated",
                        join_or(&reserved_list)
                    )),
            );
        }
    }
}
