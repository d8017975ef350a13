//! `private5g/site.parameters.json`: the deployment parameters of the ARM quickstart that
//! creates an Azure Private 5G Core site on an AKS cluster ("mobilenetwork-create-new-site-
//! aks-hci", see docs/device-facts.md#ap5gc-site-template), filled from `[packet_core]` and
//! the virtual networks it names. The parameters are the vendored template's, in its
//! order; `tests/it/private5g.rs` checks them against it and the values against the REST
//! API's formats.
//!
//! What the device file cannot know (the Azure region, the mobile network, the custom
//! location) comes from the optional keys of `[packet_core]`, or is written as a
//! `GET-PREREQ-<parameter>` placeholder, as the quickstart's own parameters file marks what
//! its user must fill in: Azure refuses to deploy a placeholder, so none is deployed by
//! mistake. The template attaches one data network: the first of the file (the others are
//! attached in the portal, see docs/private-5g.md).

use std::net::Ipv4Addr;

use serde::Serialize;

use super::OutputFile;
use crate::model::{DataNetwork, Interface, Network, PacketCore};

pub const PATH: &str = "private5g/site.parameters.json";

/// The quickstart's parameters-file schema.
const SCHEMA: &str = "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#";

/// The prefix of a value the user must fill in, as the quickstart's parameters file writes it.
pub const PLACEHOLDER_PREFIX: &str = "GET-PREREQ-";

pub fn emit(network: &Network) -> Option<OutputFile> {
    let core = network.packet_core.as_ref()?;
    let data_network = core.data_networks.first()?;
    let file = ParametersFile {
        schema: SCHEMA,
        content_version: "1.0.0.0",
        parameters: parameters(network, core, data_network),
    };
    let mut text = serde_json::to_string_pretty(&file).expect("parameters serialize to JSON");
    text.push('\n');
    Some(OutputFile::new(PATH, text))
}

#[derive(Serialize)]
struct ParametersFile<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    #[serde(rename = "contentVersion")]
    content_version: &'static str,
    parameters: Parameters<'a>,
}

/// `{ "value": ... }`, as a parameters file writes each parameter.
#[derive(Serialize)]
struct Value<T> {
    value: T,
}

fn value<T>(value: T) -> Value<T> {
    Value { value }
}

/// The template's parameters, in its order (tests/private5g/azuredeploy.json).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Parameters<'a> {
    location: Value<String>,
    existing_mobile_network_name: Value<String>,
    existing_data_network_name: Value<&'a str>,
    site_name: Value<&'a str>,
    platform_type: Value<&'static str>,
    control_plane_access_interface_name: Value<&'a str>,
    control_plane_access_ip_address: Value<String>,
    user_plane_access_interface_name: Value<&'a str>,
    user_plane_access_interface_ip_address: Value<String>,
    access_subnet: Value<String>,
    access_gateway: Value<String>,
    user_plane_data_interface_name: Value<&'a str>,
    user_plane_data_interface_ip_address: Value<String>,
    user_plane_data_interface_subnet: Value<String>,
    user_plane_data_interface_gateway: Value<String>,
    user_equipment_address_pool_prefix: Value<String>,
    user_equipment_static_address_pool_prefix: Value<String>,
    core_network_technology: Value<&'static str>,
    napt_enabled: Value<&'static str>,
    dns_addresses: Value<Vec<String>>,
    custom_location: Value<String>,
}

fn parameters<'a>(network: &'a Network, core: &'a PacketCore, data_network: &'a DataNetwork) -> Parameters<'a> {
    let given_or = |given: &Option<crate::model::Located<String>>, parameter: &str| match given {
        Some(given) => given.value.clone(),
        None => format!("{PLACEHOLDER_PREFIX}{parameter}"),
    };
    let site = core.site.as_ref().map(|site| site.value.as_str());
    let device_name = network.device.name.as_ref().map(|name| name.value.as_str());
    let (access_subnet, access_gateway) = subnet_and_gateway(network, &core.control_plane);
    let (data_subnet, data_gateway) = subnet_and_gateway(network, &data_network.interface);
    let prefix = |pool: Option<crate::model::Located<ipnet::Ipv4Net>>| {
        pool.map(|pool| pool.value.to_string()).unwrap_or_default()
    };
    Parameters {
        location: value(given_or(&core.location, "location")),
        existing_mobile_network_name: value(given_or(&core.mobile_network, "existingMobileNetworkName")),
        existing_data_network_name: value(&data_network.name.value),
        site_name: value(site.or(device_name).unwrap_or("GET-PREREQ-siteName")),
        platform_type: value("AKS-HCI"),
        control_plane_access_interface_name: value(&core.control_plane.virtual_network.value),
        control_plane_access_ip_address: value(core.control_plane.address.value.to_string()),
        user_plane_access_interface_name: value(&core.user_plane.virtual_network.value),
        user_plane_access_interface_ip_address: value(core.user_plane.address.value.to_string()),
        access_subnet: value(access_subnet),
        access_gateway: value(access_gateway),
        user_plane_data_interface_name: value(&data_network.interface.virtual_network.value),
        user_plane_data_interface_ip_address: value(data_network.interface.address.value.to_string()),
        user_plane_data_interface_subnet: value(data_subnet),
        user_plane_data_interface_gateway: value(data_gateway),
        user_equipment_address_pool_prefix: value(prefix(data_network.dynamic_pool)),
        user_equipment_static_address_pool_prefix: value(prefix(data_network.static_pool)),
        core_network_technology: value(core.technology.value.template_value()),
        napt_enabled: value(if data_network.napt.value { "Enabled" } else { "Disabled" }),
        dns_addresses: value(dns(data_network)),
        custom_location: value(given_or(&core.custom_location, "customLocation")),
    }
}

/// The subnet (its network, `a.b.c.0/n`) and gateway of an interface's virtual network.
fn subnet_and_gateway(network: &Network, interface: &Interface) -> (String, String) {
    match network.interface_network(interface) {
        Some(vnet) => (vnet.net().to_string(), vnet.gateway.value.to_string()),
        // Resolve checked the name; a network without errors has it.
        None => (String::new(), String::new()),
    }
}

/// The DNS servers, each once, in the file's order (the API wants them unique).
fn dns(data_network: &DataNetwork) -> Vec<String> {
    let mut servers: Vec<Ipv4Addr> = Vec::new();
    for server in data_network.dns.iter().flatten() {
        if !servers.contains(&server.value) {
            servers.push(server.value);
        }
    }
    servers.iter().map(ToString::to_string).collect()
}
