//! The JSON Schema of the input, for editors: taplo and Even Better TOML read it through a
//! `#:schema` directive and give completion, hover docs and validation as you type.
//!
//! It is derived (schemars) from the raw input types in `raw.rs`, whose doc comments are its
//! descriptions. This module holds what the Rust types cannot say: the schema-only types
//! of string leaves (addresses with hand-written patterns, since ipnet's own schema is wrong;
//! enums with the values `resolve` accepts), the tables keyed by port or switch name, and
//! which ports each model has. `schemas/asenet.schema.json` is this output, kept in step by
//! a test; `asenet schema` prints it.

use std::borrow::Cow;

use schemars::transform::{RecursiveTransform, transform_subschemas};
use schemars::{JsonSchema, Schema, SchemaGenerator, generate::SchemaSettings, json_schema};
use serde_json::{Map, Value, json};

use super::raw::{RawConfig, RawInterface, RawPort, RawSwitch};
use crate::diagnostic::Catalogue;
use crate::model::bounds::{self, Allowed, Bound, DNS_LABEL_MAX};
use crate::model::{CoreTechnology, DeviceModel, Keyword, Protocol, RouteTarget, ServiceType, VirtualIpType};

/// Where each table's keys are in the generated schema (the tables of `super::table_keys`).
fn table_pointer(table: &str) -> &'static str {
    match table {
        "[device]" => "/properties/device",
        "[ports.X]" => "/$defs/Port",
        "[switches.X]" => "/$defs/Switch",
        "[kubernetes]" => "/$defs/Kubernetes",
        "[[services]]" => "/$defs/Service",
        "a service port" => "/$defs/ServicePort",
        "[[routes]]" => "/$defs/Route",
        "[[virtual_networks]]" => "/$defs/VirtualNetwork",
        "[[bgp_peers]]" => "/$defs/BgpPeer",
        "[lint]" => "/$defs/Lint",
        "[packet_core]" => "/$defs/PacketCore",
        "[[packet_core.data_networks]]" => "/$defs/DataNetwork",
        other => panic!("no schema for the table `{other}` of a bound: add it to `table_pointer`"),
    }
}

/// Writes `bound` into its key's schema: `minimum`/`maximum` (`anyOf` them for several
/// ranges, `not` for the exceptions) or `minLength`/`maxLength` (on each value, for a table
/// of strings), and the limit at the end of the description. Number keywords constrain only
/// numbers and length keywords only strings, so a key that takes both (`target_port`) has a
/// bound of each kind beside each other.
fn apply(bound: &Bound, schema: &mut Schema) {
    let (object_valued, array_valued) = {
        let property =
            &schema.as_value().pointer(table_pointer(bound.table)).and_then(|t| t["properties"].get(bound.key));
        let property = property.unwrap_or_else(|| panic!("{} has no key `{}` for its bound", bound.table, bound.key));
        let target = match property.get("$ref").and_then(Value::as_str) {
            Some(reference) => schema.as_value().pointer(reference.trim_start_matches('#')).unwrap_or(property),
            None => property,
        };
        (target.get("type") == Some(&json!("object")), target.get("type") == Some(&json!("array")))
    };
    let property = schema
        .pointer_mut(&format!("{}/properties/{}", table_pointer(bound.table), bound.key))
        .and_then(Value::as_object_mut)
        .expect("found above");
    let limit = match bound.allowed {
        Allowed::Integers { ranges, except } => {
            property.remove("minimum");
            property.remove("maximum");
            match ranges {
                [(low, high)] => {
                    property.insert("minimum".into(), json!(low));
                    property.insert("maximum".into(), json!(high));
                }
                _ => {
                    let each: Vec<Value> =
                        ranges.iter().map(|(low, high)| json!({ "minimum": low, "maximum": high })).collect();
                    property.insert("anyOf".into(), json!(each));
                }
            }
            if !except.is_empty() {
                property.insert("not".into(), json!({ "enum": except }));
            }
            bound.describe()
        }
        Allowed::Length { min, max } => {
            let lengths = json!({ "minLength": min, "maxLength": max });
            if object_valued {
                property.insert("additionalProperties".into(), lengths);
                format!("each value {}", bound.describe())
            } else if array_valued {
                let items = property.entry("items").or_insert_with(|| json!({}));
                items.as_object_mut().expect("an object").extend(lengths.as_object().expect("an object").clone());
                format!("each {}", bound.describe())
            } else {
                property.extend(lengths.as_object().expect("an object").clone());
                bound.describe()
            }
        }
    };
    let description = property.get("description").and_then(Value::as_str).unwrap_or_default();
    let description = format!("{description}\n\nAllowed: {limit} ({}).", bound.code).trim_start().to_owned();
    property.insert("description".into(), description.into());
}

/// The schema as pretty JSON, ending in a newline. `catalogue` (`rules::RULES`) gives the
/// rule codes `[lint]` takes: this layer sits below the checks and is handed their list.
pub fn json_schema(catalogue: Catalogue) -> String {
    let generator = SchemaSettings::draft2020_12().with_transform(RecursiveTransform(tidy)).into_generator();
    let mut schema = generator.into_root_schema_for::<RawConfig>();
    let lint_codes: Vec<&str> = catalogue.iter().filter(|rule| !rule.is_input_error()).map(|rule| rule.code).collect();
    let rule_codes: Vec<&str> = catalogue.iter().map(|rule| rule.code).collect();
    let definitions = schema.get_mut("$defs").and_then(Value::as_object_mut).expect("the schema has definitions");
    for (name, codes) in [("LintCode", lint_codes), ("RuleCode", rule_codes)] {
        definitions[name]["enum"] = json!(codes);
    }
    for bound in bounds::ALL {
        apply(bound, &mut schema);
    }
    let mut out = serde_json::to_string_pretty(&schema).expect("a schema always serializes");
    out.push('\n');
    out
}

/// TOML has no null: an absent key is how a value is left out. schemars lets every `Option`
/// be `null` as well; take that back out. Also drop the `format` schemars gives Rust integer
/// types (`uint16`): no validator knows it, and `minimum`/`maximum` say the same.
fn tidy(schema: &mut Schema) {
    let is_null = |value: &Value| value.get("type") == Some(&json!("null"));
    if let Some(object) = schema.as_object_mut() {
        if object.get("format").and_then(Value::as_str).is_some_and(|format| format.contains("int")) {
            object.remove("format");
        }
        if let Some(Value::Array(types)) = object.get_mut("type") {
            types.retain(|kind| kind != "null");
            if let [single] = types.as_slice() {
                let single = single.clone();
                object.insert("type".into(), single);
            }
        }
        if let Some(Value::Array(values)) = object.get_mut("enum") {
            values.retain(|value| !value.is_null());
        }
        if let Some(Value::Array(choices)) = object.get_mut("anyOf") {
            choices.retain(|choice| !is_null(choice));
            if let [Value::Object(single)] = choices.as_slice() {
                let single = single.clone();
                object.remove("anyOf");
                for (key, value) in single {
                    object.entry(key).or_insert(value);
                }
            }
        }
    }
    transform_subschemas(&mut RecursiveTransform(tidy), schema);
}

/// One IPv4 octet, 0 to 255, without leading zeros (as `resolve` reads them).
const OCTET: &str = "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
/// A prefix length, 0 to 32.
pub(crate) const PREFIX_LENGTH: &str = "(3[0-2]|[12]?[0-9])";

pub(crate) fn ipv4() -> String {
    format!(r"{OCTET}(\.{OCTET}){{3}}")
}

/// A string leaf of the input that has a schema of its own, in `$defs`.
macro_rules! string_schema {
    ($(#[doc = $doc:literal])* $name:ident => $schema:expr) => {
        $(#[doc = $doc])*
        pub struct $name;

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                let mut schema: Schema = $schema;
                schema.insert("description".into(), concat!($($doc, "\n"),*).trim().replace("\n ", " ").trim().into());
                schema
            }
        }
    };
}

string_schema! {
    /// An IPv4 address (IPv6 is not supported, docs/device-facts.md#ipv4-only).
    Ipv4Address => json_schema!({ "type": "string", "pattern": format!("^{}$", ipv4()), "examples": ["192.168.10.1"] })
}

string_schema! {
    /// An IPv4 address with a prefix length.
    Ipv4Prefix => json_schema!({
        "type": "string",
        "pattern": format!("^{}/{PREFIX_LENGTH}$", ipv4()),
        "examples": ["192.168.10.20/24"],
    })
}

string_schema! {
    /// An IPv4 network with a prefix length, or a bare address meaning `/32`.
    RouteDestination => json_schema!({
        "type": "string",
        "pattern": format!("^{}(/{PREFIX_LENGTH})?$", ipv4()),
        "examples": ["192.168.20.0/24"],
    })
}

string_schema! {
    /// A contiguous IPv4 range `FIRST-LAST` (spaces around the `-` allowed, as in MetalLB),
    /// or a CIDR meaning every address in it.
    AddressRange => json_schema!({
        "type": "string",
        "pattern": format!("^({ip}[ \t]*-[ \t]*{ip}|{ip}/{PREFIX_LENGTH})$", ip = ipv4()),
        "examples": ["192.168.10.30-192.168.10.32"],
    })
}

string_schema! {
    /// A pinned cluster IP (an IPv4 address), or `None` for a headless service.
    ClusterIpValue => json_schema!({
        "type": "string",
        "pattern": format!("^({}|None)$", ipv4()),
        "examples": ["172.28.0.50", "None"],
    })
}

string_schema! {
    /// A container port: its number, or its name (an IANA service name: lowercase letters,
    /// digits and `-`, at least one letter, no `-` at either end nor `--`).
    TargetPortValue => json_schema!({
        "oneOf": [
            { "type": "integer" },
            { "type": "string", "pattern": "^[a-z0-9]([a-z0-9-]*[a-z0-9])?$" },
        ],
        "examples": [8443, "https"],
    })
}

string_schema! {
    /// A DNS name in lowercase, such as `contoso.local`.
    DnsName => json_schema!({
        "type": "string",
        "pattern": format!(r"^{label}(\.{label})*$", label = dns_label()),
    })
}

string_schema! {
    /// A physical port, the device's InterfaceAlias (see docs/device-facts.md#port-names).
    PortName => json_schema!({ "type": "string", "enum": port_names(DeviceModel::ProGpu) })
}

string_schema! {
    /// A device model: `pro-gpu` has Port1 to Port6; `pro-r`, `mini-r` and `pro-2` have Port1
    /// to Port4 (see docs/device-facts.md#ports).
    DeviceModelName => json_schema!({ "type": "string", "enum": names::<DeviceModel>() })
}

string_schema! {
    /// A Kubernetes Service type.
    ServiceTypeName => json_schema!({ "type": "string", "enum": names::<ServiceType>() })
}

string_schema! {
    /// A transport protocol.
    TransportProtocol => json_schema!({ "type": "string", "enum": names::<Protocol>() })
}

string_schema! {
    /// What a virtual IP is for: Azure Consistent Services or NFS.
    VirtualIpTypeName => json_schema!({ "type": "string", "enum": names::<VirtualIpType>() })
}

string_schema! {
    /// A node's name as the device names it (`deviceInfo.nodes[].name`): 1 to 15 letters,
    /// digits or hyphens, as Windows names a computer.
    NodeName => json_schema!({ "type": "string", "pattern": NODE_NAME, "examples": ["1D9NHQ2"] })
}

/// A node name (`resolve` reads it with `model::node_name_problem`, which says the same);
/// its length is [`bounds::NODE_NAME`]'s.
pub const NODE_NAME: &str = "^[A-Za-z0-9-]*$";

string_schema! {
    /// What a route is for.
    RouteTargetName => json_schema!({ "type": "string", "enum": names::<RouteTarget>() })
}

string_schema! {
    /// A packet core's technology: `5G` or `4G` (see docs/device-facts.md#ap5gc-technology).
    CoreTechnologyName => json_schema!({ "type": "string", "enum": names::<CoreTechnology>() })
}

// The two code lists are filled in by `json_schema` from the catalogue it is given.
string_schema! {
    /// A rule code that `[lint] allow` takes: any rule but an input error (ASE0xx).
    LintCode => json_schema!({ "type": "string", "enum": [] })
}

string_schema! {
    /// A rule code (`asenet rules` lists them).
    RuleCode => json_schema!({ "type": "string", "enum": [] })
}

fn names<T: Keyword>() -> Vec<&'static str> {
    T::ALL.iter().map(|value| value.as_str()).collect()
}

fn port_names(model: DeviceModel) -> Vec<String> {
    model.ports().map(|port| port.to_string()).collect()
}

/// `[ports.PortN]`: a table keyed by port name, each value a port.
pub fn ports(generator: &mut SchemaGenerator) -> Schema {
    let port = generator.subschema_for::<RawPort>();
    let properties: Map<String, Value> =
        port_names(DeviceModel::ProGpu).into_iter().map(|name| (name, port.clone().to_value())).collect();
    json_schema!({ "type": "object", "properties": properties, "additionalProperties": false })
}

/// One lowercase DNS label of at most [`DNS_LABEL_MAX`] characters.
fn dns_label() -> String {
    format!("[a-z0-9]([-a-z0-9]{{0,{}}}[a-z0-9])?", DNS_LABEL_MAX - 2)
}

/// A Kubernetes label key: an optional lowercase DNS subdomain and `/`, then a name as long
/// as a label value may be (`resolve::values::label_key_problem` says the same in Rust).
fn label_key() -> String {
    let (_, max) = bounds::LABEL_VALUE.length().expect("a length bound");
    format!(r"^({label}(\.{label})*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{{0,{}}}[A-Za-z0-9])?$", max - 2, label = dns_label())
}

/// A Kubernetes label value: empty, or letters, digits, `-`, `_` and `.` between a letter or
/// digit at each end; its length is [`bounds::LABEL_VALUE`]'s.
const LABEL_VALUE: &str = r"^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$";

string_schema! {
    /// Label keys (an optional DNS subdomain and `/`, then up to 63 letters, digits, `-`, `_`
    /// or `.`) to label values (empty, or up to 63 of the same), as Kubernetes validates them.
    LabelSelector => json_schema!({
        "type": "object",
        "propertyNames": { "pattern": label_key() },
        "additionalProperties": { "type": "string", "pattern": LABEL_VALUE },
    })
}

/// A packet core interface table, by reference: both interfaces share its definition.
pub fn packet_core_interface(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<RawInterface>()
}

/// `[switches.NAME]`: a table keyed by switch name, each value a switch.
pub fn switches(generator: &mut SchemaGenerator) -> Schema {
    let switch = generator.subschema_for::<RawSwitch>();
    json_schema!({ "type": "object", "additionalProperties": switch, "propertyNames": { "minLength": 1 } })
}

/// For each model with fewer ports than a Pro GPU, only its own ports (ASE005 in asenet).
pub fn ports_by_model() -> Value {
    let rules: Vec<Value> = DeviceModel::ALL
        .iter()
        .copied()
        .filter(|model| model.port_count() < DeviceModel::ProGpu.port_count())
        .map(|model| {
            json!({
                "if": {
                    "properties": { "device": { "properties": { "model": { "const": model.as_str() } }, "required": ["model"] } },
                    "required": ["device"],
                },
                "then": { "properties": { "ports": { "propertyNames": { "enum": port_names(model) } } } },
            })
        })
        .collect();
    Value::Array(rules)
}
