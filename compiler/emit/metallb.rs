//! MetalLB's configuration for the external service IPs (see
//! docs/device-facts.md#external-service-ips, docs/device-facts.md#networking-components,
//! docs/device-facts.md#shared-ips): the `IPAddressPool` + `L2Advertisement` custom resources
//! (metallb.io/v1beta1) and the legacy `config` ConfigMap, for MetalLB before v0.13. Layer 2, since
//! the device configures no BGP peers by default (see docs/device-facts.md#metallb-layer2).
//!
//! With `[[bgp_peers]]`, MetalLB works in BGP mode instead (see
//! docs/device-facts.md#metallb-layer2): `metallb/bgppeers.yaml` holds one `BGPPeer`
//! (metallb.io/v1beta2) per peer, the pool is announced by a `BGPAdvertisement` instead of the
//! `L2Advertisement`, and the legacy ConfigMap gets `peers:` and `protocol: bgp`.

use serde::Serialize;

use super::{GENERATED, OutputFile, yaml};
use crate::model::{AddrRange, BgpPeer, Network};

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
        metadata: Metadata { name: POOL.to_owned(), namespace: NAMESPACE },
        spec: PoolSpec { addresses: addresses.clone() },
    };
    let bgp = !network.bgp_peers.is_empty();
    let advertisement = Resource {
        api_version: "metallb.io/v1beta1",
        kind: if bgp { "BGPAdvertisement" } else { "L2Advertisement" },
        metadata: Metadata { name: POOL.to_owned(), namespace: NAMESPACE },
        spec: AdvertisementSpec { ip_address_pools: vec![POOL] },
    };
    let peers = sorted_peers(network);
    let config = LegacyConfig {
        peers: peers
            .iter()
            .map(|peer| LegacyPeer {
                peer_address: peer.peer_address.value.to_string(),
                peer_asn: peer.peer_asn.value,
                my_asn: peer.self_asn.value,
                hold_time: peer.hold_time.map(|hold_time| format!("{}s", hold_time.value)),
            })
            .collect(),
        address_pools: vec![LegacyPool { name: POOL, protocol: if bgp { "bgp" } else { "layer2" }, addresses }],
    };
    let config_map = ConfigMap {
        api_version: "v1",
        kind: "ConfigMap",
        metadata: Metadata { name: "config".to_owned(), namespace: NAMESPACE },
        data: ConfigData { config: yaml(&config) },
    };
    let mut files = vec![
        OutputFile::new(
            "metallb/ipaddresspool.yaml",
            format!("# {GENERATED}\n{}---\n{}", yaml(&pool), yaml(&advertisement)),
        ),
        OutputFile::new("metallb/configmap.yaml", format!("# {GENERATED}\n{}", yaml(&config_map))),
    ];
    if bgp {
        let documents: Vec<String> = peers.iter().map(|peer| yaml(&bgp_peer(peer))).collect();
        files.push(OutputFile::new("metallb/bgppeers.yaml", format!("# {GENERATED}\n{}", documents.join("---\n"))));
    }
    files
}

/// The peers in a stable order: by switch, then address (the pair is unique in a file
/// without errors, `duplicate-bgp-peer`).
fn sorted_peers(network: &Network) -> Vec<&BgpPeer> {
    let mut peers: Vec<&BgpPeer> = network.bgp_peers.iter().collect();
    peers.sort_by(|a, b| (&a.switch.value, a.peer_address.value).cmp(&(&b.switch.value, b.peer_address.value)));
    peers
}

/// The `BGPPeer` for one peer, named after its address (`peer-192-168-10-1`): a valid
/// Kubernetes name whatever the switch is called, and unique since every peer of a file
/// without errors is on the compute switch (`bgp-peer-off-compute`).
fn bgp_peer(peer: &BgpPeer) -> Resource<BgpPeerSpec> {
    Resource {
        api_version: "metallb.io/v1beta2",
        kind: "BGPPeer",
        metadata: Metadata {
            name: format!("peer-{}", peer.peer_address.value.to_string().replace('.', "-")),
            namespace: NAMESPACE,
        },
        spec: BgpPeerSpec {
            my_asn: peer.self_asn.value,
            peer_asn: peer.peer_asn.value,
            peer_address: peer.peer_address.value.to_string(),
            hold_time: peer.hold_time.map(|hold_time| format!("{}s", hold_time.value)),
        },
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BgpPeerSpec {
    #[serde(rename = "myASN")]
    my_asn: i64,
    #[serde(rename = "peerASN")]
    peer_asn: i64,
    peer_address: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    hold_time: Option<String>,
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
    name: String,
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
    #[serde(skip_serializing_if = "Vec::is_empty")]
    peers: Vec<LegacyPeer>,
    address_pools: Vec<LegacyPool>,
}

/// A peer in MetalLB's legacy configuration file.
#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct LegacyPeer {
    peer_address: String,
    peer_asn: i64,
    my_asn: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    hold_time: Option<String>,
}

#[derive(Serialize)]
struct LegacyPool {
    name: &'static str,
    protocol: &'static str,
    addresses: Vec<String>,
}
