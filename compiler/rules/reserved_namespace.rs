use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::Network;
use crate::model::RESERVED_NAMESPACES as RESERVED;

declare_rule! {
    /// ## What it does
    /// Reports a service in one of the namespaces the device keeps for itself (see
    /// docs/device-facts.md#reserved-namespaces): `kube-system`, `metallb-system`, `dbe-namespace`,
    /// `default`, `kubernetes-dashboard`, `kube-node-lease`, `kube-public`, `iotedge` and
    /// `azure-arc`.
    ///
    /// `default` is on that list, and it is also what `namespace` means when a service
    /// leaves it out (as in Kubernetes). So a service without `namespace` is reported too,
    /// at its `[[services]]` header, with a help that says to set one (unless the file has
    /// input errors, ASE0xx: a misspelt `namespace` key is reported there). Names are
    /// compared exactly: `Kube-System` is not a namespace at all (`invalid-name`).
    ///
    /// ## Why is this bad?
    /// These are the device's system namespaces (see docs/device-facts.md#reserved-namespaces):
    /// they hold Kubernetes itself, MetalLB, the dashboard, the device's own services, IoT Edge and
    /// Azure Arc, and the device's role-based access gives users namespaces of their own, not
    /// these. A service there shares a namespace with the device's components: a name clash
    /// replaces one of them, and removing or updating the workload touches the system's namespace.
    ///
    /// ## Example
    /// ```toml
    /// [[services]]
    /// name = "web"
    /// namespace = "kube-system"
    /// ports = [{ port = 443 }]
    ///
    /// [[services]]
    /// name = "api"
    /// ports = [{ port = 8080 }]
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [[services]]
    /// name = "web"
    /// namespace = "shop"
    /// ports = [{ port = 443 }]
    ///
    /// [[services]]
    /// name = "api"
    /// namespace = "shop"
    /// ports = [{ port = 8080 }]
    /// ```
    pub static RESERVED_NAMESPACE = Rule {
        code: "ASE402",
        name: "reserved-namespace",
        severity: Severity::Error,
        summary: "a service in a system namespace, `default` included, also when `namespace` is left out",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    if network.kubernetes.is_none() {
        return;
    }
    for service in &network.services {
        let namespace = &service.namespace;
        if !RESERVED.contains(&namespace.value.as_str()) {
            continue;
        }
        let name = &service.name.value;
        // A defaulted namespace carries the span of the service's header.
        let diagnostic = if namespace.span == service.header {
            if network.unresolved.input_errors {
                continue;
            }
            Diagnostic::new(
                &RESERVED_NAMESPACE,
                service.header,
                format!("service `{name}` has no `namespace`, so it is in the reserved namespace `default`"),
            )
            .with_primary_label("no `namespace` in this service")
            .with_label(service.name.span, format!("service `{name}`"))
            .with_help(
                "add `namespace = \"...\"` with a namespace of your own: `default` is a system namespace \
                 on Azure Stack Edge (see docs/device-facts.md#reserved-namespaces)",
            )
        } else {
            Diagnostic::new(
                &RESERVED_NAMESPACE,
                namespace.span,
                format!("service `{name}` is in the reserved namespace `{}`", namespace.value),
            )
            .with_primary_label("a system namespace of the device")
            .with_label(service.name.span, format!("service `{name}`"))
            .with_help("move the service to a namespace of your own: the device keeps this one for itself (see docs/device-facts.md#reserved-namespaces)")
        };
        sink.push(diagnostic);
    }
}
