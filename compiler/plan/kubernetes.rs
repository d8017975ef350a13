//! The `kubernetes` section: the cluster's node range, pools, pod and service CIDRs, IoT Edge
//! and edgehub.

use super::{Change, Class, Section, Side, address, facts};

pub(super) fn compare(old: &Side, new: &Side, out: &mut Vec<Change>) {
    let subject = "kubernetes";
    let (old_k, new_k) = match (&old.network.kubernetes, &new.network.kubernetes) {
        (None, None) => return,
        (Some(_), None) | (None, Some(_)) => {
            let what = if old.network.kubernetes.is_none() { "added" } else { "removed" };
            out.push(
                Change::new(Class::Redeploy, Section::Kubernetes, subject, what)
                    .because("compute is configured, or torn down, as a whole", &facts::COMPUTE_IPS),
            );
            return;
        }
        (Some(old_k), Some(new_k)) => (old_k, new_k),
    };
    let redeploy = |what: &str, before: String, after: String, reason: &str, fact| {
        (before != after).then(|| {
            Change::new(Class::Redeploy, Section::Kubernetes, subject, what)
                .values(Some(before), Some(after))
                .because(reason, fact)
        })
    };
    out.extend(redeploy(
        "node IPs",
        old_k.node_ips.value.to_string(),
        new_k.node_ips.value.to_string(),
        "the Kubernetes VMs take these addresses when compute is configured",
        &facts::COMPUTE_IPS,
    ));
    out.extend(redeploy(
        "pod CIDR",
        old_k.pod_cidr.value.to_string(),
        new_k.pod_cidr.value.to_string(),
        "set with Set-HcsKubeClusterNetworkInfo before compute is configured; the cluster is created with it",
        &facts::POD_AND_SERVICE_SUBNETS,
    ));
    out.extend(redeploy(
        "service CIDR",
        old_k.service_cidr.value.to_string(),
        new_k.service_cidr.value.to_string(),
        "set with Set-HcsKubeClusterNetworkInfo before compute is configured; the cluster is created with it",
        &facts::POD_AND_SERVICE_SUBNETS,
    ));
    out.extend(redeploy(
        "cluster domain",
        old_k.cluster_domain.value.clone(),
        new_k.cluster_domain.value.clone(),
        "the cluster's DNS domain is fixed when the cluster is created",
        &facts::KUBERNETES_NETWORKING,
    ));
    out.extend(redeploy(
        "IoT Edge",
        on_off(old_k.iot_edge.is_some()),
        on_off(new_k.iot_edge.is_some()),
        "the IoT Edge role is configured with compute",
        &facts::EDGEHUB,
    ));
    let range = |range: Option<crate::model::Located<crate::model::AddrRange>>| {
        range.map_or("(none)".to_owned(), |range| range.value.to_string())
    };
    if old_k.service_ips.map(|r| r.value) != new_k.service_ips.map(|r| r.value) {
        let grown = match (old_k.service_ips, new_k.service_ips) {
            (Some(before), Some(after)) => after.value.contains_range(before.value),
            (None, Some(_)) => true,
            _ => false,
        };
        let what = if grown { "external service IPs grown" } else { "external service IPs" };
        out.push(
            Change::new(Class::AppliesLive, Section::Kubernetes, subject, what)
                .values(Some(range(old_k.service_ips)), Some(range(new_k.service_ips)))
                .because(
                    "set in the local UI; the new range takes effect immediately, without a restart \
                     (services whose address moves are listed on their own)",
                    &facts::EXTERNAL_SERVICE_IPS,
                ),
        );
    }
    let count = |value: Option<crate::model::Located<i64>>| value.map_or(0, |count| count.value);
    for (what, before, after) in [
        ("IoT Edge modules", count(old_k.iot_modules), count(new_k.iot_modules)),
        ("VMs", count(old_k.vms), count(new_k.vms)),
    ] {
        if before != after {
            out.push(
                Change::new(Class::AppliesLive, Section::Kubernetes, subject, what)
                    .values(Some(before), Some(after))
                    .because(
                        "each takes an external service IP from the pool when it is deployed: the pool's demand \
                         changes (the check counts it), no address of a service moves",
                        &facts::MODULES_AND_VMS,
                    ),
            );
        }
    }
    if old_k.vm_interface.value != new_k.vm_interface.value {
        out.push(
            Change::new(Class::Reapply, Section::Kubernetes, subject, "VM interface")
                .values(Some(&old_k.vm_interface.value), Some(&new_k.vm_interface.value))
                .because("run the nodes' route files again on the new interface", &facts::CUSTOM_ROUTES),
        );
    }
    if old_k.edgehub_ip != new_k.edgehub_ip && old_k.iot_edge.is_some() && new_k.iot_edge.is_some() {
        out.push(
            Change::new(Class::Disruptive, Section::Kubernetes, subject, "edgehub external IP")
                .values(Some(address(old_k.edgehub_ip)), Some(address(new_k.edgehub_ip)))
                .because("IoT devices reach edgehub at this address", &facts::EDGEHUB),
        );
    }
}

fn on_off(on: bool) -> String {
    if on { "on" } else { "off" }.to_owned()
}
