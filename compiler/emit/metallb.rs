//! MetalLB's configuration for the external service IPs (see
//! docs/device-facts.md#external-service-ips, docs/device-facts.md#networking-components,
//! docs/device-facts.md#shared-ips): the `IPAddressPool` + `L2Advertisement` custom resources
//! (metallb.io/v1beta1) and the legacy `config` ConfigMap, for MetalLB before v0.13. Layer 2, since
//! the device configures no BGP peers by default (see docs/device-facts.md#metallb-layer2).

use serde::Serialize;

use super::{GENERATED, OutputFile, yaml};
use crate::model::{AddrRange, Network};

const NAMESPACE: &str = "metallb-system";
/// After the device's own name for the range, `KubernetesServiceIPs` (see
/// docs/device-facts.md#device-pools), in the lowercase a Kubernetes name needs.
const POOL: &str = "kubernetes-service-ips";

pub fn emit(network: &Network) -> Vec<OutputFile> {
    let Some(range) = network.kubernetes.as_ref().and_then(|kubernetes| kubernetes.service_ips) else {
        return Vec::new();
    };
    let addresses = vec![metallb_range(range.value)];
    let pool = Resource {
        api_version: "metallb.io/v1beta1",
        kind: "IPAddressPool",
        metadata: Metadata { name: POOL, namespace: NAMESPACE },
        spec: PoolSpec { addresses: addresses.clone() },
    };
    let advertisement = Resource {
        api_version: "metallb.io/v1beta1",
        kind: "L2Advertisement",
        metadata: Metadata { name: POOL, namespace: NAMESPACE },
        spec: AdvertisementSpec { ip_address_pools: vec![POOL] },
    };
    let config = LegacyConfig { address_pools: vec![LegacyPool { name: POOL, protocol: "layer2", addresses }] };
    let config_map = ConfigMap {
        api_version: "v1",
        kind: "ConfigMap",
        metadata: Metadata { name: "config", namespace: NAMESPACE },
        data: ConfigData { config: yaml(&config) },
    };
    vec![
        OutputFile::new(
            "metallb/ipaddresspool.yaml",
            format!("# {GENERATED}\n{}---\n{}", yaml(&pool), yaml(&advertisement)),
        ),
        OutputFile::new("metallb/configmap.yaml", format!("# {GENERATED}\n{}", yaml(&config_map))),
    ]
}

/// `first-last` even for a single address: MetalLB reads a range only with both ends, or as
/// a CIDR.
fn metallb_range(range: AddrRange) -> String {
    format!("{}-{}", range.first(), range.last())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Resource<Spec> {
    api_version: &'static str,
    kind: &'static str,
    metadata: Metadata,
    spec: Spec,
}

#[derive(Serialize)]
struct Metadata {
    name: &'static str,
    namespace: &'static str,
}

#[derive(Serialize)]
struct PoolSpec {
    addresses: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AdvertisementSpec {
    ip_address_pools: Vec<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ConfigMap {
    api_version: &'static str,
    kind: &'static str,
    metadata: Metadata,
    data: ConfigData,
}

#[derive(Serialize)]
struct ConfigData {
    config: String,
}

/// MetalLB's legacy configuration file, which the ConfigMap carries as one string.
#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct LegacyConfig {
    address_pools: Vec<LegacyPool>,
}

#[derive(Serialize)]
struct LegacyPool {
    name: &'static str,
    protocol: &'static str,
    addresses: Vec<String>,
}
