//! The configuration export (`Get-DeviceConfiguration | To-json`) read into what the device
//! file says: the device, its ports on each node, its switches, the Kubernetes ranges and
//! the virtual networks. Both layouts of a vSwitch's ports (`interfaceName` up to software
//! 2309, an `interfaces` array from 2312) and both forms of a virtual network's `network`
//! (the network's address up to 2312, `address/length` from 2403) are read
//! (docs/import.md says where each is documented).

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use serde_json::Value;

use super::json::{Node, Reader};
use crate::model::{DEFAULT_MTU, DeviceModel, Keyword, PortId, node_name_problem};

/// The export, as the device file will say it.
pub(super) struct Device {
    pub name: String,
    pub model: DeviceModel,
    /// How the model was known: `--model`, or the ports the export lists.
    pub model_from: &'static str,
    pub model_text: Option<String>,
    pub software: Option<String>,
    pub serial: Option<String>,
    /// The nodes' names, in `deviceInfo.nodes` order.
    pub nodes: Vec<String>,
    pub domain: Option<String>,
    /// In port order.
    pub ports: Vec<Port>,
    pub switches: Vec<Switch>,
    pub kubernetes: Option<Kubernetes>,
    pub virtual_networks: Vec<VirtualNetwork>,
}

pub(super) struct Port {
    pub id: PortId,
    pub addressing: Addressing,
    /// From the port's switch; absent at the device's default (1500).
    pub mtu: Option<i64>,
}

pub(super) enum Addressing {
    /// One address per node (with its prefix length), in node order.
    Static { addresses: Vec<(Ipv4Addr, u8)>, gateway: Option<Ipv4Addr>, dns: Vec<Ipv4Addr> },
    /// The current lease of each node, written as a comment only.
    Dhcp { leases: Vec<Lease> },
    /// Neither an address nor DHCP.
    Unconfigured,
}

pub(super) struct Lease {
    pub node: String,
    pub address: Option<(Ipv4Addr, u8)>,
    pub gateway: Option<Ipv4Addr>,
    pub dns: Vec<Ipv4Addr>,
}

pub(super) struct Switch {
    pub name: String,
    pub ports: Vec<PortId>,
    pub compute: bool,
}

pub(super) struct Kubernetes {
    pub node_ips: (Ipv4Addr, Ipv4Addr),
    pub service_ips: Option<(Ipv4Addr, Ipv4Addr)>,
}

pub(super) struct VirtualNetwork {
    pub name: String,
    pub switch: String,
    pub vlan: i64,
    pub subnet: (Ipv4Addr, u8),
    pub gateway: Ipv4Addr,
    pub kubernetes: bool,
    pub ip_pool: Option<(Ipv4Addr, Ipv4Addr)>,
}

/// The keys of the export's top levels that are read, or left out on purpose (docs/import.md
/// says why: secrets and declarations that are not the network).
const ROOT_KEYS: &[&str] = &["device"];
const DEVICE_KEYS: &[&str] = &[
    "deviceInfo",
    "deviceEndpoint",
    "network",
    // Not the network, and some hold secrets: never read, never written.
    "encryptionAtRestKeys",
    "time",
    "update",
    "webProxy",
    "certificates",
    "password",
    "activation",
    "deviceDiagnostic",
    "logConsent",
    "proactiveLogConsent",
];
const INFO_KEYS: &[&str] = &["model", "softwareVersion", "serialNumber", "isActivated", "nodes"];
const NODE_KEYS: &[&str] = &["id", "name"];
const ENDPOINT_KEYS: &[&str] = &["name", "dnsDomain"];
const NETWORK_KEYS: &[&str] = &["dhcpPolicy", "interfaces", "vSwitches", "virtualNetworks"];
const INTERFACE_KEYS: &[&str] = &[
    "name",
    "nodeName",
    "nodeId",
    "isDhcpEnabled",
    "iPv4",
    "iPv6",
    "dnsServerAddresses",
    "dnsSuffix",
    "routes",
    "ipConfigType",
];
const IPV4_KEYS: &[&str] = &["address", "subnetMask", "gateway"];
const SWITCH_KEYS: &[&str] = &[
    "name",
    "interfaceName",
    "interfaces",
    "enabledForCompute",
    "enabledForStorage",
    "enabledForMgmt",
    "supportsAcceleratedNetworking",
    "enableEmbeddedTeaming",
    "ipAddressPools",
    "mtu",
];
const POOL_KEYS: &[&str] = &["name", "ipAddressRange"];
const VNET_KEYS: &[&str] =
    &["name", "vSwitchName", "vlanId", "subnetMask", "gateway", "network", "enabledForKubernetes", "ipAddressPools"];

/// One interface entry: a port on one node, and what was read of it (`None` after a
/// problem, which is reported: the entry still counts as listed, so no second report follows).
struct Entry<'v> {
    node: Node<'v>,
    port: PortId,
    node_index: usize,
    read: Option<Interface<'v>>,
}

struct Interface<'v> {
    port: PortId,
    node_index: usize,
    dhcp: bool,
    dhcp_node: Node<'v>,
    address: Option<(Ipv4Addr, u8)>,
    address_node: Node<'v>,
    gateway: Option<Ipv4Addr>,
    gateway_node: Node<'v>,
    dns: Vec<Ipv4Addr>,
    dns_node: Node<'v>,
}

pub(super) fn read(
    value: &Value,
    model: Option<DeviceModel>,
    name: Option<&str>,
    reader: &mut Reader<'_>,
) -> Option<Device> {
    let root = Node::root(value);
    reader.object(&root, "the object `Get-DeviceConfiguration | To-json` writes (`{\"device\": ...}`)", ROOT_KEYS)?;
    let device = root.key("device");
    reader.object(&device, "the device's configuration (an object)", DEVICE_KEYS)?;

    let info = device.key("deviceInfo");
    let (model_text, software, serial, nodes) =
        match reader.object(&info, "the device's information (an object)", INFO_KEYS) {
            Some(_) => {
                let model_text = reader.optional_string(&info.key("model"), "the model's name");
                let software = reader.optional_string(&info.key("softwareVersion"), "the software version");
                let serial = reader.optional_string(&info.key("serialNumber"), "the serial number");
                let nodes = read_nodes(&info.key("nodes"), reader);
                (model_text.flatten(), software.flatten(), serial.flatten(), nodes)
            }
            None => (None, None, None, None),
        };

    let endpoint = device.key("deviceEndpoint");
    let (endpoint_name, domain) = match reader.object(&endpoint, "the device endpoint (an object)", ENDPOINT_KEYS) {
        Some(_) => {
            let endpoint_name = match name {
                Some(_) => None,
                None => reader.string(&endpoint.key("name"), "the device's name (or give `--name`)"),
            };
            (endpoint_name, reader.optional_string(&endpoint.key("dnsDomain"), "the DNS domain").flatten())
        }
        None => (None, None),
    };

    let network = device.key("network");
    reader.object(&network, "the network declaration (an object)", NETWORK_KEYS)?;
    let interfaces = reader.items(&network.key("interfaces"), "the ports, an array");
    if network.key("interfaces").is_null() {
        reader.problem(&network.key("interfaces"), "expected the ports, an array, found nothing");
    }

    let (model, model_from) = device_model(model, &interfaces, &info, reader);
    if let (Some(nodes), DeviceModel::ProR | DeviceModel::MiniR) = (&nodes, model)
        && nodes.len() == 2
    {
        reader.problem(
            &info.key("nodes"),
            format!("a {} has one node, but the export lists two: is `--model` right?", model.as_str()),
        );
    }
    let nodes = nodes?;

    let entries: Vec<Entry<'_>> =
        interfaces.iter().filter_map(|entry| read_interface(entry, model, &nodes, reader)).collect();
    let listed: Vec<PortId> = entries.iter().map(|entry| entry.port).collect();
    let (mut ports, ports_valid) = merge_ports(&entries, &nodes, &network.key("interfaces"), reader);
    let (switches, kubernetes) = read_switches(&network.key("vSwitches"), model, &listed, &mut ports, reader);
    let virtual_networks = read_virtual_networks(&network.key("virtualNetworks"), &switches, reader);

    let name = match name {
        Some(name) => name.to_owned(),
        None => endpoint_name?.to_owned(),
    };
    Some(Device {
        name,
        model,
        model_from,
        model_text: model_text.map(str::to_owned),
        software: software.map(str::to_owned),
        serial: serial.map(str::to_owned),
        nodes,
        domain: domain.map(str::to_owned),
        ports: ports_valid.then_some(ports)?,
        switches: switches?,
        kubernetes: kubernetes?,
        virtual_networks: virtual_networks?,
    })
}

/// `deviceInfo.nodes`: one or two nodes, each with a valid name, no name twice.
fn read_nodes(node: &Node<'_>, reader: &mut Reader<'_>) -> Option<Vec<String>> {
    let items = reader.items(node, "the device's nodes, an array");
    if !(1..=2).contains(&items.len()) {
        reader.problem(node, format!("expected the device's nodes, one or two, found {}", items.len()));
        return None;
    }
    let mut names = Vec::new();
    for item in &items {
        reader.object(item, "a node (an object with `id` and `name`)", NODE_KEYS)?;
        let name_node = item.key("name");
        let name = reader.string(&name_node, "the node's name")?;
        if let Some(problem) = node_name_problem(name) {
            reader.unexpected(&name_node, "a node name (1 to 15 letters, digits or hyphens)", name, Some(&problem));
            return None;
        }
        if names.iter().any(|other: &String| other.eq_ignore_ascii_case(name)) {
            reader.problem(&name_node, format!("node `{name}` is listed twice"));
            return None;
        }
        names.push(name.to_owned());
    }
    Some(names)
}

/// `--model`, or the model the export's ports prove: only a Pro GPU has Port5 and Port6.
/// `deviceInfo.model` says "Azure Stack Edge" for every model, so it proves nothing.
fn device_model(
    given: Option<DeviceModel>,
    interfaces: &[Node<'_>],
    info: &Node<'_>,
    reader: &mut Reader<'_>,
) -> (DeviceModel, &'static str) {
    if let Some(model) = given {
        return (model, "--model");
    }
    let names: Vec<&str> = interfaces.iter().filter_map(|entry| entry.key("name").value?.as_str()).collect();
    if names.iter().any(|name| matches!(*name, "Port5" | "Port6")) {
        return (DeviceModel::ProGpu, "the ports: only a pro-gpu has Port5 and Port6");
    }
    let words: Vec<&str> = DeviceModel::ALL.iter().map(|model| model.as_str()).collect();
    reader.problem(
        &info.key("model"),
        format!(
            "the export does not say which model the device is (its ports are those of a pro-r, a mini-r and a pro-2 \
             alike): give `--model` ({})",
            words.join(", ")
        ),
    );
    // Read on as the model with the most ports, so that every other problem is reported too.
    (DeviceModel::ProGpu, "--model")
}

/// The port `node` names (`what` says what it is), one of `model`'s.
fn read_port(node: &Node<'_>, what: &str, model: DeviceModel, reader: &mut Reader<'_>) -> Option<PortId> {
    let name = reader.string(node, what)?;
    let port = model.port(name);
    if port.is_none() {
        let (model, count) = (model.as_str(), model.port_count());
        let name = crate::escape::terminal::line(name);
        reader.problem(node, format!("a {model} has no port `{name}`: its ports are Port1 to Port{count}"));
    }
    port
}

fn read_interface<'v>(
    entry: &Node<'v>,
    model: DeviceModel,
    nodes: &[String],
    reader: &mut Reader<'_>,
) -> Option<Entry<'v>> {
    reader.object(entry, "a port (an object)", INTERFACE_KEYS)?;
    let name_node = entry.key("name");
    let port = read_port(&name_node, "the port's name, like `Port3`", model, reader)?;
    let node_name = entry.key("nodeName");
    let node_index = match reader.optional_string(&node_name, "the node's name")? {
        None if nodes.len() == 1 => 0,
        None => {
            reader.problem(&node_name, "expected the name of the node the port is on, found nothing");
            return None;
        }
        Some(given) => match nodes.iter().position(|node| node.eq_ignore_ascii_case(given)) {
            Some(index) => index,
            None => {
                let expected = format!("one of the nodes of `deviceInfo.nodes` ({})", nodes.join(", "));
                reader.unexpected(&node_name, &expected, given, None);
                return None;
            }
        },
    };
    let dhcp_node = entry.key("isDhcpEnabled");
    let dhcp = reader.flag(&dhcp_node, "whether the port uses DHCP");
    let ipv4 = entry.key("iPv4");
    let (address, gateway) = if ipv4.is_null() {
        (Some(None), Some(None))
    } else {
        match reader.object(&ipv4, "the port's IPv4 settings (an object)", IPV4_KEYS) {
            Some(_) => (read_address(&ipv4, reader), reader.optional_address(&ipv4.key("gateway"), "the gateway")),
            None => (None, None),
        }
    };
    let dns_node = entry.key("dnsServerAddresses");
    let dns = reader.addresses(&dns_node, "DNS server addresses");
    if !entry.key("iPv6").is_null() {
        reader.not_imported(&entry.key("iPv6"), "IPv6 settings: asenet's device file is IPv4 only");
    }
    let routes = entry.key("routes");
    if !routes.is_null() && routes.value.and_then(Value::as_array).is_none_or(|routes| !routes.is_empty()) {
        reader.not_imported(&routes, "a port's routes: the samples never show one, so their shape is unknown");
    }
    let read = (|| {
        Some(Interface {
            port,
            node_index,
            dhcp: dhcp?,
            dhcp_node,
            address: address?,
            address_node: ipv4.key("address"),
            gateway: gateway?,
            gateway_node: ipv4.key("gateway"),
            dns: dns?,
            dns_node,
        })
    })();
    Some(Entry { node: entry.clone(), port, node_index, read })
}

/// `iPv4.address` and `iPv4.subnetMask`: the port's own address with its prefix length.
fn read_address(ipv4: &Node<'_>, reader: &mut Reader<'_>) -> Option<Option<(Ipv4Addr, u8)>> {
    let address_node = ipv4.key("address");
    let Some(address) = reader.optional_address(&address_node, "the port's own address")? else {
        return Some(None);
    };
    let length = reader.mask(&ipv4.key("subnetMask"))?;
    // What `resolve` refuses (ASE003): a subnet's network or broadcast address as a port's.
    if length <= 30 {
        let bits = u32::from(address);
        let host = bits & (u32::MAX.checked_shr(u32::from(length)).unwrap_or(0));
        let role = if host == 0 {
            Some("network")
        } else if host == u32::MAX.checked_shr(u32::from(length)).unwrap_or(0) {
            Some("broadcast")
        } else {
            None
        };
        if let Some(role) = role {
            reader.problem(
                &address_node,
                format!(
                    "expected the port's own address, found {address}, the {role} address of its subnet (/{length})"
                ),
            );
            return None;
        }
    }
    Some(Some((address, length)))
}

/// Each port's entries, one per node, into one port of the device file; `false` after a
/// problem.
fn merge_ports(
    entries: &[Entry<'_>],
    nodes: &[String],
    interfaces: &Node<'_>,
    reader: &mut Reader<'_>,
) -> (Vec<Port>, bool) {
    let mut valid = true;
    let mut by_port: BTreeMap<PortId, Vec<Option<&Entry<'_>>>> = BTreeMap::new();
    for entry in entries {
        let slots = by_port.entry(entry.port).or_insert_with(|| vec![None; nodes.len()]);
        if let Some(first) = slots[entry.node_index] {
            reader.problem(
                &entry.node,
                format!(
                    "{} of node `{}` is listed twice (first at `{}`)",
                    entry.port,
                    nodes[entry.node_index],
                    first.node.path()
                ),
            );
            valid = false;
            continue;
        }
        slots[entry.node_index] = Some(entry);
    }
    let mut ports = Vec::new();
    for (id, slots) in by_port {
        let listed: Vec<&Entry<'_>> = slots.iter().flatten().copied().collect();
        if listed.len() != nodes.len() {
            let missing: Vec<&str> =
                slots.iter().zip(nodes).filter(|(slot, _)| slot.is_none()).map(|(_, node)| node.as_str()).collect();
            reader.problem(
                interfaces,
                format!("{id} is not listed for node `{}`: each port is listed once per node", missing.join(", ")),
            );
            valid = false;
            continue;
        }
        let Some(read) = listed.iter().map(|entry| entry.read.as_ref()).collect::<Option<Vec<_>>>() else {
            valid = false;
            continue;
        };
        match merge_addressing(&read, nodes, reader) {
            Some(addressing) => ports.push(Port { id, addressing, mtu: None }),
            None => valid = false,
        }
    }
    (ports, valid)
}

fn merge_addressing(listed: &[&Interface<'_>], nodes: &[String], reader: &mut Reader<'_>) -> Option<Addressing> {
    let first = listed[0];
    for other in &listed[1..] {
        if other.dhcp != first.dhcp {
            reader.problem(
                &other.dhcp_node,
                format!(
                    "{} uses DHCP on one node and not on the other: asenet's port is DHCP or static on both",
                    other.port
                ),
            );
            return None;
        }
    }
    if first.dhcp {
        let leases = listed
            .iter()
            .map(|entry| Lease {
                node: nodes[entry.node_index].clone(),
                address: entry.address,
                gateway: entry.gateway,
                dns: entry.dns.clone(),
            })
            .collect();
        return Some(Addressing::Dhcp { leases });
    }
    if listed.iter().all(|entry| entry.address.is_none()) {
        return Some(Addressing::Unconfigured);
    }
    let mut consistent = true;
    for other in listed {
        if other.address.is_none() {
            reader.problem(
                &other.address_node,
                format!("expected {}'s address on this node, as on the other, found nothing", other.port),
            );
            consistent = false;
        }
    }
    for other in &listed[1..] {
        if other.gateway != first.gateway {
            reader.problem(
                &other.gateway_node,
                format!(
                    "the nodes' gateways on {} differ ({} and {}): asenet's port has one gateway for both nodes",
                    other.port,
                    shown(first.gateway),
                    shown(other.gateway)
                ),
            );
            consistent = false;
        }
        if other.dns != first.dns {
            reader.problem(
                &other.dns_node,
                format!("the nodes' DNS servers on {} differ: asenet's port has one list for both nodes", other.port),
            );
            consistent = false;
        }
    }
    if !consistent {
        return None;
    }
    Some(Addressing::Static {
        addresses: listed.iter().filter_map(|entry| entry.address).collect(),
        gateway: first.gateway,
        dns: first.dns.clone(),
    })
}

fn shown(address: Option<Ipv4Addr>) -> String {
    address.map_or_else(|| "none".to_owned(), |address| address.to_string())
}

type SwitchesAndKubernetes = (Option<Vec<Switch>>, Option<Option<Kubernetes>>);

/// `vSwitches`: names, member ports (either layout), compute, MTU, and the compute switch's
/// Kubernetes pools.
fn read_switches(
    node: &Node<'_>,
    model: DeviceModel,
    listed: &[PortId],
    ports: &mut [Port],
    reader: &mut Reader<'_>,
) -> SwitchesAndKubernetes {
    let mut switches = Vec::new();
    // The names so far, to find one listed twice without a pass over all the others.
    let mut names: BTreeSet<String> = BTreeSet::new();
    let mut kubernetes: Option<(Kubernetes, String)> = None;
    let mut mtus: BTreeMap<PortId, (i64, String)> = BTreeMap::new();
    let mut valid = true;
    for item in reader.items(node, "the virtual switches, an array") {
        if reader.object(&item, "a virtual switch (an object)", SWITCH_KEYS).is_none() {
            valid = false;
            continue;
        }
        let name_node = item.key("name");
        let name = reader.string(&name_node, "the switch's name");
        if let Some(name) = name
            && names.contains(name)
        {
            reader.problem(&name_node, format!("switch `{}` is listed twice", crate::escape::terminal::line(name)));
            valid = false;
        }
        let members = read_members(&item, model, listed, reader);
        let compute = reader.flag(&item.key("enabledForCompute"), "whether compute is enabled");
        let mtu_node = item.key("mtu");
        let mtu = if mtu_node.is_null() { Some(None) } else { reader.integer(&mtu_node, "the MTU").map(Some) };
        let pools = read_switch_pools(&item, compute.unwrap_or(false), reader);
        let (Some(name), Some(members), Some(compute), Some(mtu), Some(pools)) = (name, members, compute, mtu, pools)
        else {
            valid = false;
            continue;
        };
        if let Some(mtu) = mtu.filter(|mtu| *mtu != DEFAULT_MTU) {
            for port in &members {
                if let Some((other, first)) = mtus.get(port)
                    && *other != mtu
                {
                    reader.problem(&mtu_node, format!("{port} has MTU {other} on switch `{first}` and {mtu} here"));
                    valid = false;
                }
                mtus.insert(*port, (mtu, name.to_owned()));
            }
        }
        if let Some(pools) = pools {
            if let Some((_, first)) = &kubernetes {
                reader.problem(
                    &item.key("ipAddressPools"),
                    format!("a second compute switch with Kubernetes IPs (the first is `{first}`): asenet's file has one Kubernetes cluster"),
                );
                valid = false;
            } else {
                kubernetes = Some((pools, name.to_owned()));
            }
        }
        names.insert(name.to_owned());
        switches.push(Switch { name: name.to_owned(), ports: members, compute });
    }
    for port in ports.iter_mut() {
        port.mtu = mtus.get(&port.id).map(|(mtu, _)| *mtu);
    }
    if !valid {
        return (None, None);
    }
    (Some(switches), Some(kubernetes.map(|(pools, _)| pools)))
}

/// A switch's ports: `interfaceName` (up to software 2309) or `interfaces` (from 2312).
fn read_members(
    item: &Node<'_>,
    model: DeviceModel,
    listed: &[PortId],
    reader: &mut Reader<'_>,
) -> Option<Vec<PortId>> {
    let single = item.key("interfaceName");
    let several = item.key("interfaces");
    let mut named: Vec<Node<'_>> = Vec::new();
    if !several.is_null() {
        named = reader.items(&several, "the switch's ports, an array of names like `Port3`");
    }
    if !single.is_null() {
        if !several.is_null() {
            let one = single.value.and_then(Value::as_str);
            let many: Vec<Option<&str>> = named.iter().map(|name| name.value.and_then(Value::as_str)).collect();
            if many != [one] {
                reader.problem(&single, "expected `interfaceName` (software up to 2309) or `interfaces` (from 2312), found both, naming different ports");
                return None;
            }
        } else {
            named.push(single.clone());
        }
    }
    if named.is_empty() {
        reader.problem(
            item,
            "expected the switch's port: `interfaceName` (software up to 2309) or `interfaces` (from 2312)",
        );
        return None;
    }
    let mut members = Vec::new();
    for name_node in &named {
        let port = read_port(name_node, "a port's name, like `Port3`", model, reader)?;
        if !listed.contains(&port) {
            reader.problem(name_node, format!("{port} is not among the ports of `device.network.interfaces`"));
            return None;
        }
        if !members.contains(&port) {
            members.push(port);
        }
    }
    Some(members)
}

/// A switch's `ipAddressPools`: the Kubernetes node and service IPs, on the compute switch.
fn read_switch_pools(item: &Node<'_>, compute: bool, reader: &mut Reader<'_>) -> Option<Option<Kubernetes>> {
    let mut node_ips = None;
    let mut service_ips = None;
    let mut valid = true;
    for pool in reader.items(&item.key("ipAddressPools"), "the switch's IP pools, an array") {
        if reader.object(&pool, "an IP pool (an object with `name` and `ipAddressRange`)", POOL_KEYS).is_none() {
            valid = false;
            continue;
        }
        let Some(name) = reader.string(&pool.key("name"), "the pool's name") else {
            valid = false;
            continue;
        };
        let slot = match name {
            "KubernetesNodeIPs" => &mut node_ips,
            "KubernetesServiceIPs" => &mut service_ips,
            _ => {
                reader.not_imported(
                    &pool,
                    "a pool asenet does not know: a switch's pools are `KubernetesNodeIPs` and `KubernetesServiceIPs`",
                );
                continue;
            }
        };
        if !compute {
            reader.not_imported(
                &pool,
                "Kubernetes IPs on a switch without compute: asenet's `[kubernetes]` is on the compute switch",
            );
            continue;
        }
        match reader.range(&pool.key("ipAddressRange"), "the pool's range") {
            Some(range) => *slot = Some((range, pool)),
            None => valid = false,
        }
    }
    if !valid {
        return None;
    }
    match (node_ips, service_ips) {
        (Some((node_ips, _)), service_ips) => {
            Some(Some(Kubernetes { node_ips, service_ips: service_ips.map(|(range, _)| range) }))
        }
        (None, Some((_, pool))) => {
            reader.not_imported(
                &pool,
                "Kubernetes service IPs without node IPs: asenet's `[kubernetes]` needs `node_ips`",
            );
            Some(None)
        }
        (None, None) => Some(None),
    }
}

/// `virtualNetworks`.
fn read_virtual_networks(
    node: &Node<'_>,
    switches: &Option<Vec<Switch>>,
    reader: &mut Reader<'_>,
) -> Option<Vec<VirtualNetwork>> {
    let mut networks: Vec<VirtualNetwork> = Vec::new();
    // Looked up by name, never by a pass over all the others: an export may list thousands.
    let switch_names: Option<BTreeSet<&str>> =
        switches.as_ref().map(|switches| switches.iter().map(|switch| switch.name.as_str()).collect());
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    let mut valid = true;
    for item in reader.items(node, "the virtual networks, an array") {
        match read_virtual_network(&item, switch_names.as_ref(), reader) {
            Some(network) => {
                if !seen.insert((network.name.clone(), network.switch.clone())) {
                    reader.problem(
                        &item.key("name"),
                        format!(
                            "virtual network `{}` is listed twice on switch `{}`",
                            crate::escape::terminal::line(&network.name),
                            crate::escape::terminal::line(&network.switch)
                        ),
                    );
                    valid = false;
                }
                networks.push(network);
            }
            None => valid = false,
        }
    }
    valid.then_some(networks)
}

fn read_virtual_network(
    item: &Node<'_>,
    switches: Option<&BTreeSet<&str>>,
    reader: &mut Reader<'_>,
) -> Option<VirtualNetwork> {
    reader.object(item, "a virtual network (an object)", VNET_KEYS)?;
    let name = reader.string(&item.key("name"), "the virtual network's name");
    let switch_node = item.key("vSwitchName");
    let switch = reader.string(&switch_node, "the name of the virtual network's switch");
    if let (Some(switch), Some(switches)) = (switch, switches)
        && !switches.contains(switch)
    {
        reader.unexpected(&switch_node, "the name of a switch of `device.network.vSwitches`", switch, None);
        return None;
    }
    let vlan = reader.integer(&item.key("vlanId"), "the VLAN ID");
    let subnet = read_network(item, reader);
    let gateway_node = item.key("gateway");
    let gateway = if gateway_node.is_null() {
        reader.problem(&gateway_node, "expected the virtual network's gateway, an IPv4 address, found nothing: asenet's `[[virtual_networks]]` needs one (docs/device-network.md)");
        None
    } else {
        reader.address(&gateway_node, "the virtual network's gateway")
    };
    let kubernetes = reader.flag(&item.key("enabledForKubernetes"), "whether the network is enabled for Kubernetes");
    let mut ip_pool = Some(None);
    for pool in reader.items(&item.key("ipAddressPools"), "the network's IP pools, an array") {
        if reader.object(&pool, "an IP pool (an object with `name` and `ipAddressRange`)", POOL_KEYS).is_none() {
            ip_pool = None;
            continue;
        }
        match reader.string(&pool.key("name"), "the pool's name") {
            Some("VirtualMachineIPs") => {
                match (&ip_pool, reader.range(&pool.key("ipAddressRange"), "the pool's range")) {
                    (Some(None), Some(range)) => ip_pool = Some(Some(range)),
                    (Some(Some(_)), Some(_)) => reader.not_imported(
                        &pool,
                        "a second `VirtualMachineIPs` pool: asenet's virtual network has one `ip_pool`",
                    ),
                    (_, None) => ip_pool = None,
                    (None, Some(_)) => {}
                }
            }
            Some(_) => reader
                .not_imported(&pool, "a pool asenet does not know: a virtual network's pool is `VirtualMachineIPs`"),
            None => ip_pool = None,
        }
    }
    Some(VirtualNetwork {
        name: name?.to_owned(),
        switch: switch?.to_owned(),
        vlan: vlan?,
        subnet: subnet?,
        gateway: gateway?,
        kubernetes: kubernetes?,
        ip_pool: ip_pool?,
    })
}

/// A virtual network's address space: `network` (its address up to 2312, `address/length`
/// from 2403) with `subnetMask`; when both give a length, they agree.
fn read_network(item: &Node<'_>, reader: &mut Reader<'_>) -> Option<(Ipv4Addr, u8)> {
    let network_node = item.key("network");
    let mask_node = item.key("subnetMask");
    let length = if mask_node.is_null() { None } else { Some(reader.mask(&mask_node)?) };
    let text = reader.string(&network_node, "the network's address (`a.b.c.0`, or `a.b.c.0/n` from 2403)")?;
    let (address, written_length) = match text.split_once('/') {
        Some((address, written)) => (address, Some(written)),
        None => (text, None),
    };
    let expected = "the network's address, `a.b.c.0` (software up to 2312) or `a.b.c.0/n` (from 2403)";
    let Ok(address) = address.parse::<Ipv4Addr>() else {
        reader.unexpected(&network_node, expected, text, None);
        return None;
    };
    let written_length = match written_length.map(str::parse::<u8>) {
        None => None,
        Some(Ok(length)) if length <= 32 => Some(length),
        Some(_) => {
            reader.unexpected(&network_node, expected, text, Some("the prefix length is not 0 to 32"));
            return None;
        }
    };
    match (length, written_length) {
        (Some(mask), Some(written)) if mask != written => {
            reader.problem(
                &network_node,
                format!(
                    "`{}` has the prefix length /{written}, but `subnetMask` says /{mask}",
                    crate::escape::terminal::line(text)
                ),
            );
            None
        }
        (Some(length), _) | (None, Some(length)) => Some((address, length)),
        (None, None) => {
            reader.problem(&mask_node, "expected the network's subnet mask, like `255.255.255.0`, found nothing");
            None
        }
    }
}
