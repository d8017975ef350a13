//! The MetalLB resources against MetalLB's CRD schemas (vendored in
//! `tests/metallb-v0.16.1/`), made strict, plus a parse of every address, which the schemas
//! do not do; the legacy ConfigMap's `config` as strictly as MetalLB's own parser reads it.

use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::kubernetes::{kubernetes_schema, validate};
use super::{artifact, inputs, is_dns_1123_label, network, schema_violations};
use crate::support::{build_file, relative, repo_root};

/// The `openAPIV3Schema` of a CRD file, made a JSON Schema that is as strict as the API
/// server's strict field validation: `nullable` becomes a `null` type, `x-kubernetes-*`
/// extensions go, and an object with `properties` takes no other field.
fn crd_schema(directory: &Path, file: &str) -> Value {
    crd_schema_of_version(directory, file, "v1beta1")
}

fn crd_schema_of_version(directory: &Path, file: &str, version: &str) -> Value {
    let path = directory.join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let documents: Vec<Value> = serde_saphyr::from_multiple(&text).unwrap();
    let crd = documents.into_iter().find(|document| document["kind"] == "CustomResourceDefinition").unwrap();
    let version = crd["spec"]["versions"].as_array().unwrap().iter().find(|v| v["name"] == version).unwrap();
    let mut schema = version["schema"]["openAPIV3Schema"].clone();
    translate_openapi(&mut schema);
    schema
}

fn translate_openapi(schema: &mut Value) {
    let Value::Object(map) = schema else { return };
    map.retain(|key, _| !key.starts_with("x-kubernetes-"));
    if map.remove("nullable") == Some(Value::Bool(true))
        && let Some(Value::String(kind)) = map.get("type").cloned()
    {
        map.insert("type".to_owned(), serde_json::json!([kind, "null"]));
    }
    if map.contains_key("properties") && !map.contains_key("additionalProperties") {
        map.insert("additionalProperties".to_owned(), Value::Bool(false));
    }
    for value in map.values_mut() {
        match value {
            Value::Object(_) => translate_openapi(value),
            Value::Array(items) => items.iter_mut().for_each(translate_openapi),
            _ => {}
        }
    }
}

/// `first-last` or a CIDR, as MetalLB reads a pool's address (`ipaddresspool.go`).
fn parse_metallb_range(text: &str) -> Result<(Ipv4Addr, Ipv4Addr), String> {
    if let Ok(net) = text.parse::<ipnet::Ipv4Net>() {
        return Ok((net.network(), net.broadcast()));
    }
    let (first, last) = text.split_once('-').ok_or_else(|| format!("`{text}` is no range"))?;
    let first: Ipv4Addr = first.trim().parse().map_err(|_| format!("`{first}` is no address"))?;
    let last: Ipv4Addr = last.trim().parse().map_err(|_| format!("`{last}` is no address"))?;
    if first > last {
        return Err(format!("`{text}` runs backwards"));
    }
    Ok((first, last))
}

#[test]
fn metallb_resources_validate_against_the_crds_and_every_address_parses_back() {
    // Vendored, with their provenance: tests/metallb-v0.16.1/PROVENANCE.md.
    let crds = repo_root().join("tests/metallb-v0.16.1");
    let pool_schema = crd_schema(&crds, "metallb.io_ipaddresspools.yaml");
    let advertisement_schema = crd_schema(&crds, "metallb.io_l2advertisements.yaml");
    // The checks are strict: a misspelt field and a bad address fail them.
    let bad = serde_json::json!({"apiVersion": "metallb.io/v1beta1", "kind": "IPAddressPool",
        "metadata": {"name": "p"}, "spec": {"adresses": ["10.0.0.1-10.0.0.2"]}});
    assert!(!schema_violations(&pool_schema, &bad).is_empty(), "the schema refuses unknown fields");
    assert!(parse_metallb_range("10.0.0.300/24").is_err() && parse_metallb_range("10.0.0.5").is_err());

    let mut checked = 0;
    for path in inputs() {
        let files = build_file(&path);
        let network = network(&path);
        let range = network.kubernetes.as_ref().unwrap().service_ips.unwrap().value;
        let expected = (range.first(), range.last());
        let documents: Vec<Value> =
            serde_saphyr::from_multiple(artifact(&files, "metallb/ipaddresspool.yaml")).unwrap();
        assert_eq!(documents.len(), 2);
        let (pool, advertisement) = (&documents[0], &documents[1]);
        // With BGP peers the pool is announced over BGP: `bgp_resources_validate_...` checks
        // that advertisement against its own CRD.
        let bgp = !network.bgp_peers.is_empty();
        let advertisement_kind = if bgp { "BGPAdvertisement" } else { "L2Advertisement" };
        assert_eq!(
            (pool["kind"].as_str(), advertisement["kind"].as_str()),
            (Some("IPAddressPool"), Some(advertisement_kind))
        );
        let checks: &[(&Value, &Value)] =
            if bgp { &[(pool, &pool_schema)] } else { &[(pool, &pool_schema), (advertisement, &advertisement_schema)] };
        for &(document, schema) in checks {
            let errors = schema_violations(schema, document);
            assert!(errors.is_empty(), "{}: {errors:?}", relative(&path));
            assert_eq!(document["apiVersion"], "metallb.io/v1beta1");
            assert_eq!(document["metadata"]["namespace"], "metallb-system");
            assert!(is_dns_1123_label(document["metadata"]["name"].as_str().unwrap()));
            assert_eq!(document["metadata"].as_object().unwrap().len(), 2, "name and namespace only");
        }
        let pool_name = &pool["metadata"]["name"];
        assert_eq!(
            advertisement["spec"]["ipAddressPools"],
            serde_json::json!([pool_name]),
            "the advertisement names the pool"
        );
        let addresses = pool["spec"]["addresses"].as_array().unwrap();
        assert_eq!(addresses.len(), 1);
        assert_eq!(parse_metallb_range(addresses[0].as_str().unwrap()), Ok(expected), "{}", relative(&path));

        let config_map: Value = serde_saphyr::from_str(artifact(&files, "metallb/configmap.yaml")).unwrap();
        validate(&kubernetes_schema("configmap-v1.json"), &config_map)
            .unwrap_or_else(|errors| panic!("{} metallb/configmap.yaml: {errors:#?}", relative(&path)));
        assert_eq!(
            (config_map["metadata"]["name"].as_str(), config_map["metadata"]["namespace"].as_str()),
            (Some("config"), Some("metallb-system"))
        );
        let legacy: LegacyConfig = serde_saphyr::from_str(config_map["data"]["config"].as_str().unwrap()).unwrap();
        assert_eq!(legacy.address_pools.len(), 1);
        let legacy_pool = &legacy.address_pools[0];
        let protocol = if bgp { "bgp" } else { "layer2" };
        assert_eq!((legacy_pool.name.as_str(), legacy_pool.protocol.as_str()), (pool_name.as_str().unwrap(), protocol));
        let mut legacy_peers: Vec<(Ipv4Addr, i64, i64, Option<String>)> = legacy
            .peers
            .iter()
            .map(|peer| (peer.peer_address, i64::from(peer.peer_asn), i64::from(peer.my_asn), peer.hold_time.clone()))
            .collect();
        let mut model_peers: Vec<(Ipv4Addr, i64, i64, Option<String>)> = network
            .bgp_peers
            .iter()
            .map(|peer| {
                let hold_time = peer.hold_time.map(|hold_time| format!("{}s", hold_time.value));
                (peer.peer_address.value, peer.peer_asn.value, peer.self_asn.value, hold_time)
            })
            .collect();
        legacy_peers.sort();
        model_peers.sort();
        assert_eq!(legacy_peers, model_peers, "{}", relative(&path));
        assert_eq!(legacy_pool.addresses.len(), 1);
        assert_eq!(parse_metallb_range(&legacy_pool.addresses[0]), Ok(expected));
        checked += 1;
    }
    assert_eq!(checked, inputs().len());
}

/// MetalLB's legacy configuration (`config` key of the ConfigMap), as strict as its parser.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct LegacyConfig {
    #[serde(default)]
    peers: Vec<LegacyPeer>,
    address_pools: Vec<LegacyPool>,
}

/// A peer of MetalLB's legacy configuration (before v0.13), with the keys asenet writes:
/// `peer-address`, `peer-asn`, `my-asn`, `hold-time`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct LegacyPeer {
    peer_address: Ipv4Addr,
    peer_asn: u32,
    my_asn: u32,
    hold_time: Option<String>,
}

/// The BGP CRDs that asenet's BGP artifacts use, vendored in the repository (see
/// `tests/metallb-v0.16.1/PROVENANCE.md`).
fn metallb_bgp_crds() -> PathBuf {
    repo_root().join("tests/metallb-v0.16.1")
}

#[test]
fn bgp_resources_validate_against_the_crds_and_match_the_model() {
    let crds = metallb_bgp_crds();
    let peer_schema = crd_schema_of_version(&crds, "metallb.io_bgppeers.yaml", "v1beta2");
    let advertisement_schema = crd_schema(&crds, "metallb.io_bgpadvertisements.yaml");
    let bad = serde_json::json!({"apiVersion": "metallb.io/v1beta2", "kind": "BGPPeer",
        "metadata": {"name": "p"}, "spec": {"myASN": 64512, "peerAdress": "10.0.0.1"}});
    assert!(!schema_violations(&peer_schema, &bad).is_empty(), "the schema refuses unknown fields");

    let mut checked = 0;
    for path in inputs() {
        let network = network(&path);
        if network.bgp_peers.is_empty() {
            continue;
        }
        let files = build_file(&path);
        let documents: Vec<Value> =
            serde_saphyr::from_multiple(artifact(&files, "metallb/ipaddresspool.yaml")).unwrap();
        let advertisement = &documents[1];
        assert_eq!(advertisement["kind"], "BGPAdvertisement");
        let errors = schema_violations(&advertisement_schema, advertisement);
        assert!(errors.is_empty(), "{}: {errors:?}", relative(&path));

        let peers: Vec<Value> = serde_saphyr::from_multiple(artifact(&files, "metallb/bgppeers.yaml")).unwrap();
        assert_eq!(peers.len(), network.bgp_peers.len());
        let mut expected: Vec<(Ipv4Addr, i64, i64, Option<String>)> = network
            .bgp_peers
            .iter()
            .map(|peer| {
                let hold_time = peer.hold_time.map(|hold_time| format!("{}s", hold_time.value));
                (peer.peer_address.value, peer.peer_asn.value, peer.self_asn.value, hold_time)
            })
            .collect();
        expected.sort();
        let mut found = Vec::new();
        for peer in &peers {
            let errors = schema_violations(&peer_schema, peer);
            assert!(errors.is_empty(), "{}: {errors:?}", relative(&path));
            assert_eq!(
                (peer["apiVersion"].as_str(), peer["kind"].as_str()),
                (Some("metallb.io/v1beta2"), Some("BGPPeer"))
            );
            assert_eq!(peer["metadata"]["namespace"], "metallb-system");
            assert!(is_dns_1123_label(peer["metadata"]["name"].as_str().unwrap()));
            let spec = &peer["spec"];
            let address: Ipv4Addr = spec["peerAddress"].as_str().unwrap().parse().expect("an address MetalLB parses");
            let hold_time = spec.get("holdTime").map(|value| value.as_str().unwrap().to_owned());
            found.push((address, spec["peerASN"].as_i64().unwrap(), spec["myASN"].as_i64().unwrap(), hold_time));
        }
        found.sort();
        assert_eq!(found, expected, "{}", relative(&path));
        checked += 1;
    }
    assert!(checked > 0, "an example has BGP peers");
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct LegacyPool {
    name: String,
    protocol: String,
    addresses: Vec<String>,
}
