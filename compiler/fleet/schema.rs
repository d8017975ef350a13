//! The JSON Schema of `asenet-fleet.toml`, for editors (`#:schema` in the fleet file).
//! Its properties are tested against the keys the reader reads (`syntax::fleet`), so a key
//! added there and not here fails a test; `schemas/asenet-fleet.schema.json` is this output, kept in
//! step by a test.

use serde_json::json;

use crate::syntax::schema::{PREFIX_LENGTH, ipv4};

/// The schema as pretty JSON, ending in a newline.
pub fn json_schema() -> String {
    let strings =
        |description: &str| json!({ "type": "array", "items": { "type": "string" }, "description": description });
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "asenet fleet file (asenet-fleet.toml)",
        "description": "Device files checked together, the networks their sites reach, and the sites that share layer 2. See docs/fleet.md.",
        "type": "object",
        "additionalProperties": false,
        "required": ["fleet"],
        "properties": {
            "fleet": {
                "type": "object",
                "additionalProperties": false,
                "required": ["devices"],
                "properties": {
                    "devices": strings("Globs of device files, relative to the fleet file: `sites/**/*.toml`. Each must match a file."),
                },
            },
            "networks": {
                "type": "array",
                "description": "Prefixes that devices reach (an HQ LAN, a camera VLAN): a device's Kubernetes ranges must not overlap them.",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["name", "prefix", "sites"],
                    "properties": {
                        "name": { "type": "string", "description": "The network's name, unique among networks." },
                        "prefix": {
                            "type": "string",
                            "pattern": format!("^{}/{PREFIX_LENGTH}$", ipv4()),
                            "examples": ["10.0.0.0/16"],
                            "description": "The network's IPv4 prefix.",
                        },
                        "sites": strings("Globs of device names that reach the network; `*` is every device."),
                    },
                },
            },
            "sites": {
                "type": "array",
                "description": "Devices that share layer 2 or route to each other; a device is in one site at most.",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["name", "devices"],
                    "properties": {
                        "name": { "type": "string", "description": "The site's name, unique among sites." },
                        "devices": strings("The `[device] name` of each device of the site."),
                    },
                },
            },
        },
    });
    let mut out = serde_json::to_string_pretty(&schema).expect("a schema always serializes");
    out.push('\n');
    out
}

/// Each table's keys as the reader reads them, keyed as the schema test finds them:
/// `""` for the top level, else the top-level key.
pub fn keys() -> Vec<(&'static str, Vec<&'static str>)> {
    let names = ["", "fleet", "networks", "sites"];
    names.into_iter().zip(crate::syntax::fleet::table_keys()).map(|(name, (_, keys))| (name, keys)).collect()
}
