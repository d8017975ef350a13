//! `private5g/site.parameters.json` against what consumes it: the parameters the vendored
//! quickstart template declares (names, types, allowed values, required ones) and the
//! `Microsoft.MobileNetwork` REST API's formats for the values (tests/private5g/, with its
//! PROVENANCE.md). The patterns are the API's regular expressions, run by the jsonschema
//! crate's engine.

use std::collections::{BTreeMap, BTreeSet};

use asenet::emit::site_parameters::PLACEHOLDER_PREFIX;
use ipnet::Ipv4Net;
use serde_json::{Value, json};

use super::schema_violations;
use crate::private5g::{PARAMETERS, artifact, sites};
use crate::support::{build_file, relative, repo_root};

fn vendored(name: &str) -> Value {
    let text = std::fs::read_to_string(repo_root().join("tests/private5g").join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The REST API's definition of a format, from the vendored excerpt.
fn rest(file: &str, section: &str, name: &str) -> Value {
    vendored("mobilenetwork-2024-04-01-excerpt.json")[file][section][name].clone()
}

/// How the API takes each parameter's value.
enum Format {
    Address,
    Prefix,
    /// A prefix, or empty: the template passes `null` for an empty pool.
    OptionalPrefix,
    Addresses,
    Enum(Value),
    Name(Value),
    /// What the device file may leave to the user: a placeholder, or a value that `valid`
    /// accepts.
    Placeholder(fn(&str) -> bool),
    Text,
}

fn formats() -> BTreeMap<&'static str, Format> {
    use Format::*;
    let location =
        |value: &str| !value.is_empty() && value.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let custom_location = |value: &str| value.to_ascii_lowercase().starts_with("/subscriptions/");
    BTreeMap::from([
        ("location", Placeholder(location)),
        ("existingMobileNetworkName", Name(rest("common.json", "parameters", "MobileNetworkNameParameter"))),
        ("existingDataNetworkName", Name(rest("common.json", "parameters", "DataNetworkNameParameter"))),
        ("siteName", Name(rest("common.json", "parameters", "SiteNameParameter"))),
        ("platformType", Text),
        ("controlPlaneAccessInterfaceName", Text),
        ("controlPlaneAccessIpAddress", Address),
        ("userPlaneAccessInterfaceName", Text),
        ("userPlaneAccessInterfaceIpAddress", Address),
        ("accessSubnet", Prefix),
        ("accessGateway", Address),
        ("userPlaneDataInterfaceName", Text),
        ("userPlaneDataInterfaceIpAddress", Address),
        ("userPlaneDataInterfaceSubnet", Prefix),
        ("userPlaneDataInterfaceGateway", Address),
        ("userEquipmentAddressPoolPrefix", OptionalPrefix),
        ("userEquipmentStaticAddressPoolPrefix", OptionalPrefix),
        ("coreNetworkTechnology", Enum(rest("ts29571.json", "definitions", "CoreNetworkType"))),
        ("naptEnabled", Enum(rest("attachedDataNetwork.json", "definitions", "NaptEnabled"))),
        ("dnsAddresses", Addresses),
        ("customLocation", Placeholder(custom_location)),
    ])
}

fn matches(definition: &Value, value: &Value) -> bool {
    // The REST definitions are Swagger 2.0 schemas; for strings with a pattern, an enum or a
    // maxLength they read as JSON Schema. Keep only those keywords.
    let mut schema = json!({ "type": "string" });
    for keyword in ["pattern", "enum", "maxLength"] {
        if let Some(constraint) = definition.get(keyword) {
            schema[keyword] = constraint.clone();
        }
    }
    schema_violations(&schema, value).is_empty()
}

fn is_placeholder(name: &str, value: &Value) -> bool {
    value.as_str() == Some(&format!("{PLACEHOLDER_PREFIX}{name}"))
}

/// Everything the template and the API would refuse in a parameters file.
fn problems(file: &Value) -> Vec<String> {
    let template = vendored("azuredeploy.json");
    let declared = template["parameters"].as_object().unwrap();
    let ipv4 = rest("ts29571.json", "definitions", "Ipv4Addr");
    let prefix = rest("ts29571.json", "definitions", "Ipv4AddrMask");
    let formats = formats();
    let mut found = Vec::new();
    if file["$schema"] != "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#" {
        found.push("$schema is not the deployment parameters schema".to_owned());
    }
    if file["contentVersion"] != "1.0.0.0" {
        found.push("contentVersion is not 1.0.0.0".to_owned());
    }
    let Some(parameters) = file["parameters"].as_object() else {
        found.push("no parameters".to_owned());
        return found;
    };
    for (name, declaration) in declared {
        if declaration.get("defaultValue").is_none() && !parameters.contains_key(name) {
            found.push(format!("{name}: required by the template, missing"));
        }
    }
    for (name, parameter) in parameters {
        let Some(declaration) = declared.get(name) else {
            found.push(format!("{name}: not declared by the template"));
            continue;
        };
        let keys: Vec<&String> = parameter.as_object().map(|object| object.keys().collect()).unwrap_or_default();
        if keys != ["value"] {
            found.push(format!("{name}: not {{ \"value\": ... }}"));
            continue;
        }
        let value = &parameter["value"];
        let typed = match declaration["type"].as_str().unwrap() {
            "string" => value.is_string(),
            "array" => value.is_array(),
            "int" => value.is_i64(),
            "bool" => value.is_boolean(),
            "object" => value.is_object(),
            other => panic!("a template type the test does not know: {other}"),
        };
        if !typed {
            found.push(format!("{name}: not of type {}", declaration["type"]));
            continue;
        }
        if let Some(allowed) = declaration.get("allowedValues").and_then(Value::as_array)
            && !allowed.contains(value)
        {
            found.push(format!("{name}: {value} is not an allowed value"));
        }
        let fits = match formats.get(name.as_str()) {
            None => panic!("{name} has no format in this test"),
            Some(Format::Address) => matches(&ipv4, value),
            Some(Format::Prefix) => matches(&prefix, value),
            Some(Format::OptionalPrefix) => value == "" || matches(&prefix, value),
            Some(Format::Addresses) => {
                let items = value.as_array().unwrap();
                let unique: BTreeSet<String> = items.iter().map(Value::to_string).collect();
                unique.len() == items.len() && items.iter().all(|item| matches(&ipv4, item))
            }
            Some(Format::Enum(definition)) | Some(Format::Name(definition)) => {
                matches(definition, value) || is_placeholder(name, value)
            }
            Some(Format::Placeholder(valid)) => is_placeholder(name, value) || valid(value.as_str().unwrap()),
            Some(Format::Text) => value.as_str().is_some_and(|text| !text.is_empty()),
        };
        if !fits {
            found.push(format!("{name}: {value} does not fit the API's format"));
        }
    }
    // "You must define at least one of userEquipmentAddressPoolPrefix and
    // userEquipmentStaticAddressPoolPrefix. If you define both, they must be of the same size."
    let pool =
        |name: &str| parameters.get(name).and_then(|p| p["value"].as_str()).and_then(|v| v.parse::<Ipv4Net>().ok());
    match (pool("userEquipmentAddressPoolPrefix"), pool("userEquipmentStaticAddressPoolPrefix")) {
        (None, None) => found.push("no UE pool".to_owned()),
        (Some(dynamic), Some(fixed)) if dynamic.prefix_len() != fixed.prefix_len() => {
            found.push("the UE pools differ in size".to_owned())
        }
        (Some(dynamic), Some(fixed)) if dynamic.contains(&fixed) || fixed.contains(&dynamic) => {
            found.push("the UE pools overlap".to_owned())
        }
        _ => {}
    }
    found
}

#[test]
fn every_site_parameters_file_fits_the_template_and_the_api() {
    let sites = sites();
    assert!(sites.len() >= 3, "the three AP5GC examples at least: {sites:?}");
    for path in sites {
        let files = build_file(&path);
        let text = artifact(&files, PARAMETERS).unwrap_or_else(|| panic!("{} has no {PARAMETERS}", relative(&path)));
        let file: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(problems(&file), Vec::<String>::new(), "{}", relative(&path));
        // Every parameter the template declares is written, so none falls back to a default
        // the device file did not choose.
        let declared: BTreeSet<String> = vendored_parameter_names().into_iter().collect();
        let written: BTreeSet<String> = file["parameters"].as_object().unwrap().keys().cloned().collect();
        assert_eq!(written, declared, "{}", relative(&path));
    }
}

fn vendored_parameter_names() -> Vec<String> {
    vendored("azuredeploy.json")["parameters"].as_object().unwrap().keys().cloned().collect()
}

#[test]
fn the_parameters_check_finds_what_the_template_and_the_api_refuse() {
    let files = build_file(&repo_root().join("examples/ap5gc-pro-gpu.toml"));
    let good: Value = serde_json::from_str(&artifact(&files, PARAMETERS).unwrap()).unwrap();
    assert_eq!(problems(&good), Vec::<String>::new());
    let cases: [(&str, Value, &str); 12] = [
        ("ueMtu", json!({ "value": 1440 }), "ueMtu: not declared by the template"),
        ("dnsAddresses", json!({ "value": "10.0.0.1" }), "dnsAddresses: not of type \"array\""),
        ("naptEnabled", json!({ "value": "enabled" }), "naptEnabled: \"enabled\" is not an allowed value"),
        ("coreNetworkTechnology", json!({ "value": "5G" }), "coreNetworkTechnology: \"5G\" is not an allowed value"),
        ("accessGateway", json!({ "value": "10.232.44.300" }), "accessGateway: \"10.232.44.300\" does not fit"),
        ("accessSubnet", json!({ "value": "10.232.44.0" }), "accessSubnet: \"10.232.44.0\" does not fit"),
        (
            "dnsAddresses",
            json!({ "value": ["10.0.0.1", "10.0.0.1"] }),
            "dnsAddresses: [\"10.0.0.1\",\"10.0.0.1\"] does not fit",
        ),
        ("siteName", json!({ "value": "-plant" }), "siteName: \"-plant\" does not fit"),
        ("existingDataNetworkName", json!({ "value": "a..b" }), "existingDataNetworkName: \"a..b\" does not fit"),
        ("userEquipmentStaticAddressPoolPrefix", json!({ "value": "100.64.4.0/23" }), "the UE pools differ in size"),
        ("location", json!({ "value": "East US" }), "location: \"East US\" does not fit"),
        ("siteName", json!({ "value": "plant1", "metadata": {} }), "siteName: not { \"value\": ... }"),
    ];
    for (name, parameter, expected) in cases {
        let mut bad = good.clone();
        bad["parameters"][name] = parameter;
        let found = problems(&bad);
        assert!(found.iter().any(|problem| problem.starts_with(expected)), "{name}: {found:?}");
    }
    let mut missing = good.clone();
    missing["parameters"].as_object_mut().unwrap().remove("naptEnabled");
    assert_eq!(problems(&missing), ["naptEnabled: required by the template, missing"]);
}
