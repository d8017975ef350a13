//! `kubernetes/services.yaml` and MetalLB's legacy ConfigMap against the Kubernetes v1.35 API
//! schemas of `Service` and `ConfigMap` (vendored in `tests/kubernetes-v1.35.0/`), strict as
//! the API server's strict field validation: an unknown, misspelt or misplaced field, or a
//! value of the wrong type, fails. Every Service then says what the model says.

use std::collections::{BTreeMap, BTreeSet};

use asenet::model::Keyword;
use serde_json::Value;

use super::{artifact, inputs, is_dns_1123_label, network};
use crate::support::{build_file, relative, repo_root};

/// Where the kinds' `$ref`s (`/api/_definitions.json#/$defs/...`) resolve against their `$id`.
const DEFINITIONS_URI: &str = "https://kubernetes.io/api/_definitions.json";

fn vendored(file: &str) -> Value {
    let path = repo_root().join("tests/kubernetes-v1.35.0").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// The schema of one kind (`service-v1.json`, `configmap-v1.json`).
pub(super) fn kubernetes_schema(kind_file: &str) -> Value {
    vendored(kind_file)
}

/// Every way `document` breaks `schema`, with the definitions the kinds share registered
/// under their URI: nothing is fetched.
pub(super) fn validate(schema: &Value, document: &Value) -> Result<(), Vec<String>> {
    let registry = jsonschema::Registry::new()
        .add(DEFINITIONS_URI, vendored("_definitions.json"))
        .expect("the definitions' URI is valid")
        .prepare()
        .expect("the definitions are a schema");
    let validator =
        jsonschema::options().with_registry(&registry).build(schema).expect("the Kubernetes schema is valid");
    let errors: Vec<String> =
        validator.iter_errors(document).map(|error| format!("{}: {error}", error.instance_path())).collect();
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

#[test]
fn the_kubernetes_schemas_refuse_misspelt_misplaced_and_mistyped_fields() {
    let service = kubernetes_schema("service-v1.json");
    let good = serde_json::json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "a", "namespace": "b", "annotations": {"x": "y"}},
        "spec": {"type": "ClusterIP", "clusterIP": "10.0.0.1", "ports": [{"name": "http", "port": 80,
        "protocol": "TCP", "targetPort": "http"}], "selector": {"app": "a"}}});
    assert_eq!(validate(&service, &good), Ok(()));
    let cases = [
        ("a misspelt field", serde_json::json!({"spec": {"clusterIp": "10.0.0.1"}})),
        ("a port as a string", serde_json::json!({"spec": {"ports": [{"port": "80"}]}})),
        ("a field in the wrong object", serde_json::json!({"metadata": {"name": "a", "selector": {"app": "a"}}})),
        ("a port without its number", serde_json::json!({"spec": {"ports": [{"name": "http"}]}})),
        ("an annotation that is not a string", serde_json::json!({"metadata": {"annotations": {"x": 1}}})),
        ("another kind", serde_json::json!({"kind": "Pod"})),
    ];
    for (what, patch) in cases {
        let mut bad = good.clone();
        merge(&mut bad, &patch);
        assert!(validate(&service, &bad).is_err(), "the Service schema accepts {what}: {bad:#}");
    }
    let config_map = kubernetes_schema("configmap-v1.json");
    let good = serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "config", "namespace": "metallb-system"}, "data": {"config": "x"}});
    assert_eq!(validate(&config_map, &good), Ok(()));
    for patch in [serde_json::json!({"spec": {}}), serde_json::json!({"data": {"config": 1}})] {
        let mut bad = good.clone();
        merge(&mut bad, &patch);
        assert!(validate(&config_map, &bad).is_err(), "the ConfigMap schema accepts {bad:#}");
    }
}

/// `patch`'s fields written into `document`, objects merged key by key.
fn merge(document: &mut Value, patch: &Value) {
    match (document, patch) {
        (Value::Object(document), Value::Object(patch)) => {
            for (key, value) in patch {
                merge(document.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
        (document, patch) => *document = patch.clone(),
    }
}

#[test]
fn services_validate_as_kubernetes_services_with_the_model_addresses() {
    let schema = kubernetes_schema("service-v1.json");
    for path in inputs() {
        let files = build_file(&path);
        let network = network(&path);
        let documents: Vec<Value> = serde_saphyr::from_multiple(artifact(&files, "kubernetes/services.yaml")).unwrap();
        assert_eq!(documents.len(), network.services.len(), "{}", relative(&path));
        let by_name: BTreeMap<(String, String), &Value> = documents
            .iter()
            .map(|service| {
                validate(&schema, service).unwrap_or_else(|errors| panic!("{}: {errors:#?}", relative(&path)));
                let metadata = &service["metadata"];
                let text = |value: &Value| value.as_str().unwrap().to_owned();
                ((text(&metadata["namespace"]), text(&metadata["name"])), service)
            })
            .collect();
        for model in &network.services {
            let key = (model.namespace.value.clone(), model.name.value.clone());
            let service = by_name[&key];
            let spec = &service["spec"];
            let allocated = model.allocated;
            assert_eq!(spec["type"].as_str(), Some(model.kind.value.as_str()), "{key:?}");
            // A headless service says so with the cluster IP `None`, and has none allocated.
            let cluster_ip = match model.headless {
                Some(_) => Some("None".to_owned()),
                None => allocated.cluster_ip.map(|ip| ip.to_string()),
            };
            assert_eq!(spec["clusterIP"].as_str().map(str::to_owned), cluster_ip, "{key:?}");
            assert_eq!(spec.get("loadBalancerIP"), None, "{key:?}: deprecated, the annotation pins the address");
            let selector = spec.get("selector").map(|selector| {
                let selector = selector.as_object().unwrap();
                selector.iter().map(|(key, value)| (key.clone(), value.as_str().unwrap().to_owned())).collect()
            });
            assert_eq!(selector, model.selector.as_ref().map(|selector| selector.value.clone()), "{key:?}");
            let annotations = &service["metadata"]["annotations"];
            let annotation = |name: &str| annotations.get(name).map(|value| value.as_str().unwrap().to_owned());
            assert_eq!(
                annotation("metallb.universe.tf/loadBalancerIPs"),
                allocated.external_ip.map(|ip| ip.to_string()),
                "{key:?}"
            );
            let shared =
                model.share_ip.as_ref().filter(|_| allocated.external_ip.is_some()).map(|key| key.value.clone());
            assert_eq!(annotation("metallb.universe.tf/allow-shared-ip"), shared, "{key:?}");
            let ports = spec["ports"].as_array().unwrap();
            assert_eq!(ports.len(), model.ports.len(), "{key:?}");
            let names: BTreeSet<&str> = ports.iter().map(|port| port["name"].as_str().unwrap()).collect();
            assert_eq!(names.len(), ports.len(), "{key:?}: port names are unique");
            for (port, model_port) in ports.iter().zip(&model.ports) {
                assert_eq!(port["port"].as_i64(), Some(model_port.port.value));
                assert_eq!(port["protocol"].as_str(), Some(model_port.protocol.value.as_str()));
                let name = port["name"].as_str().unwrap();
                assert!(is_dns_1123_label(name) && name.len() <= 15, "{key:?}: port name `{name}`");
            }
        }
    }
}
