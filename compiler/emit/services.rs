//! `kubernetes/services.yaml`: one Service per `[[services]]` entry, sorted by namespace and
//! name, with the allocated cluster IP and, for a LoadBalancer, the external IP pinned the
//! way MetalLB v0.13 and later document it: the `metallb.universe.tf/loadBalancerIPs`
//! annotation (`spec.loadBalancerIP` is deprecated since Kubernetes 1.24 and not written);
//! `share_ip` becomes MetalLB's sharing key (see docs/device-facts.md#shared-ips). The selector is
//! the service's `selector` table as written; without one the Service has no selector (asenet does
//! not guess the pods' labels), and its endpoints are managed by hand.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{GENERATED, OutputFile, yaml};
use crate::model::{Keyword, Network, Service, ServiceType, TargetPort};

pub fn emit(network: &Network) -> Vec<OutputFile> {
    if network.kubernetes.is_none() {
        return Vec::new();
    }
    let mut services: Vec<&Service> = network.services.iter().collect();
    services.sort_by(|a, b| (&a.namespace.value, &a.name.value).cmp(&(&b.namespace.value, &b.name.value)));
    let documents: Vec<String> = services.into_iter().map(|service| yaml(&manifest(service))).collect();
    let mut out = format!("# {GENERATED}\n");
    if documents.is_empty() {
        out.push_str("# The device file has no services.\n");
    }
    out.push_str(&documents.join("---\n"));
    vec![OutputFile::new("kubernetes/services.yaml", out)]
}

fn manifest(service: &Service) -> ServiceManifest<'_> {
    let external_ip = service.allocated.external_ip.map(|address| address.to_string());
    let mut annotations = BTreeMap::new();
    if let Some(address) = &external_ip {
        annotations.insert("metallb.universe.tf/loadBalancerIPs", address.clone());
    }
    if let Some(key) = &service.share_ip
        && service.kind.value == ServiceType::LoadBalancer
    {
        annotations.insert("metallb.universe.tf/allow-shared-ip", key.value.clone());
    }
    ServiceManifest {
        api_version: "v1",
        kind: "Service",
        metadata: Metadata { name: &service.name.value, namespace: &service.namespace.value, annotations },
        spec: Spec {
            kind: service.kind.value.as_str(),
            selector: service.selector.as_ref().map(|selector| &selector.value),
            cluster_ip: match service.headless {
                Some(_) => Some("None".to_owned()),
                None => service.allocated.cluster_ip.map(|address| address.to_string()),
            },
            ports: service
                .ports
                .iter()
                .map(|port| {
                    let protocol = port.protocol.value.as_str();
                    Port {
                        name: format!("{}-{}", protocol.to_ascii_lowercase(), port.port.value),
                        protocol,
                        port: port.port.value,
                        target_port: port.target_port.as_ref().map(|target| match &target.value {
                            TargetPort::Number(number) => TargetPortValue::Number(*number),
                            TargetPort::Name(name) => TargetPortValue::Name(name.clone()),
                        }),
                        node_port: port.node_port.map(|node_port| node_port.value),
                    }
                })
                .collect(),
        },
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ServiceManifest<'a> {
    api_version: &'static str,
    kind: &'static str,
    metadata: Metadata<'a>,
    spec: Spec<'a>,
}

#[derive(Serialize)]
struct Metadata<'a> {
    name: &'a str,
    namespace: &'a str,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    annotations: BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Spec<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    selector: Option<&'a BTreeMap<String, String>>,
    #[serde(rename = "clusterIP", skip_serializing_if = "Option::is_none")]
    cluster_ip: Option<String>,
    ports: Vec<Port>,
}

/// Named `<protocol>-<port>` (`tcp-443`): Kubernetes requires names once a service has
/// several ports, and (port, protocol) is unique within a service.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Port {
    name: String,
    protocol: &'static str,
    port: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    target_port: Option<TargetPortValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    node_port: Option<i64>,
}

/// `targetPort`: Kubernetes' IntOrString, a number or a container port's name.
#[derive(Serialize)]
#[serde(untagged)]
enum TargetPortValue {
    Number(i64),
    Name(String),
}
