//! The JSON Schema of `asenet-fleet.toml`, for editors (`#:schema` in the fleet file).
//! Written from the same key lists the reader uses ([`super::file`]), so a key added there
//! and not here fails a test; `schemas/asenet-fleet.schema.json` is this output, kept in
//! step by a test.

use serde_json::json;

use super::file::{FLEET_KEYS, FLEET_TOP_KEYS, NETWORK_KEYS, SITE_KEYS};
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

/// The keys each table of the schema has, for the test that ties them to the reader.
pub fn keys() -> [(&'static str, &'static [&'static str]); 4] {
    [("", FLEET_TOP_KEYS), ("fleet", FLEET_KEYS), ("networks", NETWORK_KEYS), ("sites", SITE_KEYS)]
}
