use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::Network;

declare_rule! {
    /// ## What it does
    /// Reports a `kubernetes.cluster_domain` that is the device's `domain`, or a parent or a
    /// child of it (`contoso.com` beside `stores.contoso.com`, or the reverse).
    ///
    /// Quiet with the default `cluster.local`, or without `device.domain`.
    ///
    /// ## Why is this bad?
    /// CoreDNS answers every name under the cluster domain itself, from the cluster's
    /// services, and forwards only the rest (Kubernetes DNS specification; see:
    /// docs/device-facts.md#cluster-domain). A cluster domain equal to or above the site's
    /// domain captures the site's names inside the cluster: pods can no longer resolve the
    /// site's hosts, the device's `compute.<device>.<domain>` included. One below it shadows
    /// that part of the site. Outside the cluster the site's resolvers know nothing of it.
    ///
    /// ## Example
    /// ```toml
    /// [device]
    /// domain = "stores.contoso.com"
    ///
    /// [kubernetes]
    /// cluster_domain = "contoso.com"
    /// ```
    ///
    /// ## Use instead
    /// A domain of its own, such as the default:
    /// ```toml
    /// [kubernetes]
    /// cluster_domain = "cluster.local"
    /// ```
    pub static CLUSTER_DOMAIN_OVERLAP = Rule {
        code: "ASE406",
        name: "cluster-domain-overlap",
        severity: Severity::Warning,
        summary: "the cluster domain is the site's domain, or a parent or child of it",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let Some(kubernetes) = &network.kubernetes else { return };
    let Some(domain) = &network.device.domain else { return };
    let cluster = kubernetes.cluster_domain.value.to_ascii_lowercase();
    let site = domain.value.to_ascii_lowercase();
    let relation = if cluster == site {
        "is the site's domain"
    } else if site.ends_with(&format!(".{cluster}")) {
        "is a parent of the site's domain"
    } else if cluster.ends_with(&format!(".{site}")) {
        "lies under the site's domain"
    } else {
        return;
    };
    let label = if kubernetes.cluster_domain.span == kubernetes.header {
        "the cluster domain is this by default"
    } else {
        "CoreDNS answers every name under it from the cluster"
    };
    sink.push(
        Diagnostic::new(
            &CLUSTER_DOMAIN_OVERLAP,
            kubernetes.cluster_domain.span,
            format!("cluster domain `{}` {relation} `{}`", kubernetes.cluster_domain.value, domain.value),
        )
        .with_primary_label(label)
        .with_label(domain.span, "the site's domain")
        .with_help(
            "give the cluster a domain of its own, such as `cluster.local`: inside the cluster, CoreDNS would \
             answer for the site's names (see: docs/device-facts.md#cluster-domain)",
        ),
    );
}
