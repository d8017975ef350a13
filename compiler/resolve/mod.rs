//! Stage 2: [`RawConfig`] -> [`Network`]. Parses every value, applies defaults, resolves
//! port references, names the Kubernetes nodes and allocates service addresses.
//!
//! Whatever cannot be resolved is reported and left out of the model, so that rules see
//! only well-formed values and never report a consequence of an input error.
//!
//! [`resolve`] takes the raw types by value: each raw service and route is dropped as soon as
//! it is converted, into a vector made at its final size, and the rest when `resolve`
//! returns, so that the raw types and the model are never both whole (at 100,000 routes they
//! were 36 and 28 MB, the peak of `check`). [`resolve_borrowed`] is the same for raw types
//! kept for later (the incremental check's), which it leaves whole.

mod allocate;
mod packet_core;
pub(crate) mod values;

use std::borrow::Borrow;
use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use crate::diagnostic::Fix;
use crate::diagnostic::input::{DUPLICATE, INVALID_VALUE, MISSING_OR_CONFLICTING, UNDEFINED_REFERENCE, UNKNOWN_PORT};
use crate::diagnostic::{Catalogue, Diagnostic, Rule, Sink, Span, lookup_in_file};
use crate::model::bounds::{self, Bound};
use crate::model::*;
use crate::syntax::raw::*;
use crate::text::{did_you_mean, only_suggestion};

const DEFAULT_POD_CIDR: Ipv4Net = Ipv4Net::new_assert(Ipv4Addr::new(172, 27, 0, 0), 16);
const DEFAULT_SERVICE_CIDR: Ipv4Net = Ipv4Net::new_assert(Ipv4Addr::new(172, 28, 0, 0), 16);
const DEFAULT_METRIC: u32 = 100;

pub fn resolve(mut raw: RawConfig, catalogue: Catalogue, sink: &mut Sink) -> Network {
    let services = std::mem::take(&mut raw.services);
    let raw_routes = std::mem::take(&mut raw.routes);
    let first_service = services.first().map(|service| service.header);
    // Collected from the raw vector's own iterator, the model's routes are made in the room
    // of the raw ones (std collects in place where the new type is no larger): made apart,
    // their 14 MB at 100,000 routes came on top of the whole raw vector, the peak of `check`.
    let routes = |references: &PortReferences, sink: &mut Sink| -> Vec<Route> {
        raw_routes.into_iter().filter_map(|route| resolve_route(&route, references, sink)).collect()
    };
    resolve_parts(&raw, first_service, services.into_iter(), routes, catalogue, sink)
}

// What lets `resolve` collect the model's routes in place (a larger `Route` would be made
// beside the raw vector again, silently).
const _: () = assert!(size_of::<Route>() <= size_of::<RawRoute>() && align_of::<Route>() == align_of::<RawRoute>());

/// [`resolve`] of raw types that stay whole.
pub fn resolve_borrowed(raw: &RawConfig, catalogue: Catalogue, sink: &mut Sink) -> Network {
    let first_service = raw.services.first().map(|service| service.header);
    let routes = |references: &PortReferences, sink: &mut Sink| {
        let mut routes = Vec::with_capacity(raw.routes.len());
        routes.extend(raw.routes.iter().filter_map(|route| resolve_route(route, references, sink)));
        routes
    };
    resolve_parts(raw, first_service, raw.services.iter(), routes, catalogue, sink)
}

/// `raw` without its services and routes, which come as `services` (the first's header is
/// `first_service`), owned or borrowed (an owned one is dropped once converted), and as
/// `routes`, what resolves them.
fn resolve_parts<S: Borrow<RawService>>(
    raw: &RawConfig,
    first_service: Option<Span>,
    raw_services: impl ExactSizeIterator<Item = S>,
    routes: impl FnOnce(&PortReferences, &mut Sink) -> Vec<Route>,
    catalogue: Catalogue,
    sink: &mut Sink,
) -> Network {
    let device = resolve_device(raw.device.as_ref(), sink);
    let model = device.model.value;
    let declared: BTreeSet<PortId> =
        raw.ports.iter().filter_map(|port| port_table_id(&port.name, &raw.ports, model)).collect();
    let references = PortReferences { model, declared: &declared };

    // `nodes` written but not 1 or 2 (reported): what depends on the count is not judged.
    let known_nodes = match raw.device.as_ref() {
        Some(raw_device) if unreadable(&raw_device.unreadable, "nodes") => None,
        Some(raw_device) => match raw_device.nodes.as_ref() {
            Some(given) if device.nodes.span != given.span() => None,
            _ => Some(device.nodes),
        },
        None => Some(device.nodes),
    };
    let ports = resolve_ports(&raw.ports, model, known_nodes, sink);
    let switches: Vec<Switch> =
        raw.switches.iter().filter_map(|switch| resolve_switch(switch, &references, sink)).collect();
    let mut kubernetes = raw.kubernetes.as_ref().and_then(|k| resolve_kubernetes(k, device.nodes.value, sink));
    let mut services = resolve_services(raw_services, sink);
    if raw.kubernetes.is_none()
        && let Some(first) = first_service
    {
        sink.push(
            Diagnostic::new(&MISSING_OR_CONFLICTING, first, "services need a `[kubernetes]` section")
                .with_primary_label("a Kubernetes service")
                .with_help("add `[kubernetes]` with the node and external service IP ranges"),
        );
    }
    let domain_unreadable = raw.device.as_ref().is_some_and(|device| unreadable(&device.unreadable, "domain"));
    resolve_hostnames(&device, domain_unreadable, &mut services, sink);
    if let Some(kubernetes) = kubernetes.as_mut() {
        allocate::allocate(kubernetes, &mut services);
    }
    let routes = routes(&references, sink);
    let switch_names: BTreeSet<&str> = raw.switches.iter().map(|switch| switch.name.get_ref().as_str()).collect();
    let virtual_networks: Vec<VirtualNetwork> =
        raw.virtual_networks.iter().filter_map(|vnet| resolve_virtual_network(vnet, &switch_names, sink)).collect();
    report_duplicate_virtual_networks(&virtual_networks, sink);
    let bgp_peers = raw.bgp_peers.iter().filter_map(|peer| resolve_bgp_peer(peer, &switch_names, sink)).collect();
    let virtual_ips = resolve_virtual_ips(&raw.virtual_ips, known_nodes, sink);
    let packet_core = raw.packet_core.as_ref().and_then(|core| {
        packet_core::require_kubernetes(core, raw.kubernetes.is_some(), sink);
        packet_core::resolve_packet_core(core, &raw.virtual_networks, sink)
    });
    let lint = raw.lint.as_ref().map(|lint| resolve_lint(lint, catalogue, sink)).unwrap_or_default();
    let unresolved = Unresolved {
        // Only `syntax` and `resolve` have reported so far: every error is an input error.
        input_errors: sink.has_errors(),
        model: raw
            .device
            .as_ref()
            .and_then(|device| device.model.as_ref())
            .is_some_and(|model| DeviceModel::ALL.iter().all(|known| known.as_str() != model.get_ref())),
        compute_switch: raw
            .switches
            .iter()
            .filter(|switch| switch.compute.as_ref().is_some_and(|c| *c.get_ref()))
            .count()
            != switches.iter().filter(|switch| switch.compute.is_some()).count(),
        compute_virtual_network: raw
            .virtual_networks
            .iter()
            .filter(|vnet| vnet.compute.as_ref().is_some_and(|c| *c.get_ref()))
            .count()
            != virtual_networks.iter().filter(|vnet| vnet.compute.is_some()).count(),
        networks: raw.switches.len() != switches.len() || raw.virtual_networks.len() != virtual_networks.len(),
        packet_core: raw.packet_core.is_some() && packet_core.is_none(),
    };
    Network {
        device,
        ports,
        switches,
        kubernetes,
        services,
        routes,
        virtual_networks,
        bgp_peers,
        virtual_ips,
        packet_core,
        lint,
        unresolved,
    }
}

fn missing(span: impl Into<Span>, what: &str, table: &str, help: &str) -> Diagnostic {
    Diagnostic::new(&MISSING_OR_CONFLICTING, span, format!("{table} is missing `{what}`"))
        .with_primary_label(format!("`{what}` is required here"))
        .with_help(help.to_owned())
}

/// Whether `key` was written with a value `syntax` could not read (and reported): then it
/// is not also missing. One mistake, one diagnostic.
fn unreadable(keys: &[String], key: &str) -> bool {
    keys.iter().any(|written| written == key)
}

/// Reports each required key of a table that is absent, `(key, absent, help)`, unless it was
/// written with a value `syntax` could not read (that was reported already).
fn report_missing<'k, Help: AsRef<str>>(
    header: Span,
    table: &str,
    unreadable_keys: &[String],
    required: impl IntoIterator<Item = (&'k str, bool, Help)>,
    sink: &mut Sink,
) {
    for (key, absent, help) in required {
        if absent && !unreadable(unreadable_keys, key) {
            sink.push(missing(header, key, table, help.as_ref()));
        }
    }
}

/// An optional key's value: absent (`Ok(None)`), valid (`Ok(Some)`), or written but invalid
/// (`Err`, already reported).
type Optional<T> = Result<Option<T>, Invalid>;

/// A value that did not parse; its diagnostic is in the sink.
struct Invalid;

/// Parses an optional key with `parse`, which reports what it rejects.
fn optional<R, T>(raw: Option<&R>, parse: impl FnOnce(&R) -> Option<T>) -> Optional<T> {
    match raw {
        None => Ok(None),
        Some(raw) => parse(raw).map(Some).ok_or(Invalid),
    }
}

fn located<T: Clone>(value: &Spanned<T>) -> Located<T> {
    Located::new(value.get_ref().clone(), value.span())
}

fn resolve_device(raw: Option<&RawDevice>, sink: &mut Sink) -> Device {
    let Some(raw) = raw else {
        sink.push(
            Diagnostic::new(&MISSING_OR_CONFLICTING, 0..0, "the file has no `[device]` table")
                .with_help("start the file with `[device]` and `name = \"...\"`, the device's name"),
        );
        let header = Span::default();
        return Device {
            header,
            name: None,
            model: Located::new(DeviceModel::ProGpu, header),
            nodes: Located::new(NodeCount::One, header),
            domain: None,
            node_names: None,
            software_version: None,
        };
    };
    if raw.name.is_none() && !unreadable(&raw.unreadable, "name") {
        let help = format!("add `name = \"...\"`: {} of letters, digits or hyphens", bounds::DEVICE_NAME.describe());
        sink.push(missing(raw.header, "name", "[device]", &help));
    }
    let model = raw.model.as_ref().and_then(|text| values::one_of::<DeviceModel>(text, "device model", sink));
    let nodes = raw.nodes.as_ref().and_then(|nodes| match nodes.get_ref() {
        1 => Some(Located::new(NodeCount::One, nodes.span())),
        2 => Some(Located::new(NodeCount::Two, nodes.span())),
        other => {
            let allowed = bounds::DEVICE_NODES.describe();
            sink.push(
                Diagnostic::new(&INVALID_VALUE, nodes.span(), format!("a device has {allowed} nodes, not {other}"))
                    .with_primary_label(allowed)
                    .with_help("`nodes` counts the physical nodes of the device (see docs/device-facts.md#node-ips, docs/device-facts.md#two-node-ports)"),
            );
            None
        }
    });
    // Two-node clusters exist for the pro-gpu and the pro-2 only (see
    // docs/device-facts.md#two-node-ports, docs/device-facts.md#no-teaming).
    let nodes = match (nodes, model) {
        (Some(two), Some(model))
            if two.value == NodeCount::Two && matches!(model.value, DeviceModel::ProR | DeviceModel::MiniR) =>
        {
            sink.push(
                Diagnostic::new(&INVALID_VALUE, two.span, format!("a {} has one node, not 2", model.value.as_str()))
                    .with_primary_label("no two-node configuration")
                    .with_label(model.span, format!("the device is a {}", model.value.as_str()))
                    .with_help(
                        "remove `nodes`: two-node clusters are pro-gpu and pro-2 devices (see docs/device-facts.md#two-node-ports); a pro-r or a \
                         mini-r runs one master and one worker VM (see docs/device-facts.md#kubernetes-vms)",
                    ),
            );
            None
        }
        _ => nodes,
    };
    // Written but not 1 or 2 (reported): what depends on the count is not judged.
    let unknown = unreadable(&raw.unreadable, "nodes") || (raw.nodes.is_some() && nodes.is_none());
    let nodes = nodes.unwrap_or(Located::new(NodeCount::One, raw.header));
    let known_nodes = (!unknown).then_some(nodes);
    Device {
        header: raw.header,
        name: raw.name.as_ref().map(located),
        model: model.unwrap_or(Located::new(DeviceModel::ProGpu, raw.header)),
        nodes,
        domain: raw.domain.as_ref().map(located),
        node_names: raw.node_names.as_ref().and_then(|names| resolve_node_names(names, known_nodes, sink)),
        software_version: raw.software_version.as_ref().and_then(|version| resolve_software_version(version, sink)),
    }
}

/// `software_version`: a release `YYMM` inside [`bounds::SOFTWARE_VERSION`].
fn resolve_software_version(raw: &Spanned<i64>, sink: &mut Sink) -> Option<Located<u16>> {
    let version = *raw.get_ref();
    if let (true, Ok(release)) = (bounds::SOFTWARE_VERSION.allows(version), u16::try_from(version)) {
        return Some(Located::new(release, raw.span()));
    }
    let allowed = bounds::SOFTWARE_VERSION.describe();
    sink.push(
        Diagnostic::new(&INVALID_VALUE, raw.span(), format!("`{version}` is not a software release"))
            .with_primary_label(allowed)
            .with_help(
                "write the release as `YYMM`, as `Get-HcsApplianceInfo` gives it in `FriendlySoftwareVersionNumber` \
                 (`software_version = 2403`); it picks the layout of `device/network.json` (see \
                 docs/device-facts.md#package-layouts)",
            ),
    );
    None
}

/// The port a `[ports.X]` table is: its name's, or, for a misspelt name (`port3`), the one
/// port it was surely meant to be (the only near port of the model, without a table of its
/// own), so that the typo is one report and what refers to the port is still checked.
fn port_table_id(name: &Text, raw: &[RawPort], model: DeviceModel) -> Option<PortId> {
    if let Some(id) = model.port(name.get_ref()) {
        return Some(id);
    }
    let free = |suggestion: &str| raw.iter().all(|other| other.name.get_ref() != suggestion);
    meant_port(name.get_ref(), model, &free)
}

/// The one port of `model` that `name` is a near miss of, when `fixable` agrees.
fn meant_port(name: &str, model: DeviceModel, fixable: &dyn Fn(&str) -> bool) -> Option<PortId> {
    let names: Vec<String> = model.ports().map(|port| port.to_string()).collect();
    let suggestion = did_you_mean(name, names.iter().map(String::as_str))?;
    let only = only_suggestion(name, names.iter().map(String::as_str)) == Some(suggestion);
    (only && fixable(suggestion)).then(|| model.port(suggestion)).flatten()
}

/// `node_names`: one valid name per node, no name twice (see docs/device-facts.md#node-names).
fn resolve_node_names(
    raw: &Spanned<Vec<Text>>,
    nodes: Option<Located<NodeCount>>,
    sink: &mut Sink,
) -> Option<Located<Vec<Located<String>>>> {
    let mut valid = true;
    if let Some(nodes) = nodes
        && let count = usize::from(nodes.value.get())
        && raw.get_ref().len() != count
    {
        valid = false;
        let written = raw.get_ref().len();
        sink.push(
            Diagnostic::new(
                &INVALID_VALUE,
                raw.span(),
                format!("{written} node name{} for a device of {count} node{}", plural(written), plural(count)),
            )
            .with_primary_label(format!("{count} name{} expected", plural(count)))
            .with_label(nodes.span, format!("the device has {count} node{}", plural(count)))
            .with_help(
                "list each node's name once, in the order `Get-DeviceConfiguration` gives them in                  `deviceInfo.nodes` (see docs/device-facts.md#node-names)",
            ),
        );
    }
    for name in raw.get_ref() {
        if let Some(problem) = node_name_problem(name.get_ref()) {
            valid = false;
            sink.push(
                Diagnostic::new(&INVALID_VALUE, name.span(), format!("invalid node name `{}`", name.get_ref().escape_debug()))
                    .with_primary_label(problem)
                    .with_help(
                        "a node name is the device's own, 1 to 15 letters, digits or hyphens, as                          `deviceInfo.nodes[].name` lists it (see docs/device-facts.md#node-names)",
                    ),
            );
        }
    }
    let names: Vec<Located<String>> = raw.get_ref().iter().map(located).collect();
    for (first, again) in repeats(&names, |name| name.value.to_ascii_uppercase()) {
        valid = false;
        sink.push(
            Diagnostic::new(&DUPLICATE, again.span, format!("node name `{}` is given twice", again.value))
                .with_primary_label("named again here")
                .with_label(first.span, "first named here")
                .with_help("each node has its own name (Windows compares them without case)"),
        );
    }
    valid.then(|| Located::new(names, raw.span()))
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

fn resolve_ports(raw: &[RawPort], model: DeviceModel, nodes: Option<Located<NodeCount>>, sink: &mut Sink) -> Vec<Port> {
    let mut ports: Vec<Port> = raw
        .iter()
        .filter_map(|port| {
            let Some(id) = model.port(port.name.get_ref()) else {
                // Renaming the table to a port that has one already would make a duplicate.
                let free = |suggestion: &str| raw.iter().all(|other| other.name.get_ref() != suggestion);
                sink.push(unknown_port(&port.name, model, &free));
                // Read as the port it was meant to be: the typo is this one report.
                let id = meant_port(port.name.get_ref(), model, &free)?;
                let config = resolve_port_config(port, nodes, sink)?;
                return Some(Port { id, span: port.name.span(), config, mtu: port.mtu.as_ref().map(located) });
            };
            let config = resolve_port_config(port, nodes, sink)?;
            Some(Port { id, span: port.name.span(), config, mtu: port.mtu.as_ref().map(located) })
        })
        .collect();
    ports.sort_by_key(|port| port.id);
    ports
}

fn resolve_port_config(port: &RawPort, nodes: Option<Located<NodeCount>>, sink: &mut Sink) -> Option<PortConfig> {
    // How the port is addressed was written but could not be read (reported): the port is
    // left out, as for an address that does not parse, not read as unconfigured.
    if ["address", "addresses", "dhcp"].iter().any(|key| unreadable(&port.unreadable, key)) {
        return None;
    }
    let name = port.name.get_ref();
    let dhcp = port.dhcp.as_ref().filter(|dhcp| *dhcp.get_ref());
    if let (Some(address), Some(addresses)) = (&port.address, &port.addresses) {
        sink.push(
            Diagnostic::new(
                &MISSING_OR_CONFLICTING,
                addresses.span(),
                format!("{name} has both `address` and `addresses`"),
            )
            .with_primary_label("one address per node here")
            .with_label(address.span(), "one address here")
            .with_help("keep `addresses` with each node's address, or `address` alone"),
        );
        return None;
    }
    if let (Some(dhcp), Some(addresses)) = (dhcp, &port.addresses) {
        sink.push(
            Diagnostic::new(
                &MISSING_OR_CONFLICTING,
                dhcp.span(),
                format!("{name} has both `dhcp = true` and `addresses`"),
            )
            .with_primary_label("DHCP here")
            .with_label(addresses.span(), "static addresses here")
            .with_help("keep `addresses` for a static port, or `dhcp = true` alone"),
        );
        return None;
    }
    if let Some(addresses) = &port.addresses {
        return resolve_node_addresses(port, addresses, nodes, sink);
    }
    if let (Some(dhcp), Some(address)) = (dhcp, &port.address) {
        sink.push(
            Diagnostic::new(
                &MISSING_OR_CONFLICTING,
                dhcp.span(),
                format!("{name} has both `dhcp = true` and `address`"),
            )
            .with_primary_label("DHCP here")
            .with_label(address.span(), "static address here")
            .with_help("keep `address` for a static port, or `dhcp = true` alone"),
        );
        return None;
    }
    if port.address.is_none() && port.addresses.is_none() {
        let needs_static = port
            .gateway
            .iter()
            .map(|g| (g.span(), "gateway"))
            .chain(port.dns.iter().flatten().take(1).map(|d| (d.span(), "dns")));
        for (span, key) in needs_static {
            let how = if dhcp.is_some() { "DHCP provides it" } else { "the port has no `address`" };
            sink.push(
                Diagnostic::new(&MISSING_OR_CONFLICTING, span, format!("`{key}` on {name} needs a static `address`"))
                    .with_primary_label(how.to_owned())
                    .with_help(format!("give {name} an `address`, or remove `{key}`")),
            );
        }
    }
    if let Some(dhcp) = dhcp {
        return Some(PortConfig::Dhcp { span: dhcp.span() });
    }
    let Some(address) = &port.address else { return Some(PortConfig::Unconfigured) };
    let address =
        values::ipv4_net(address, "port address", false, sink).and_then(|address| host_address(address, sink));
    let gateway = optional(port.gateway.as_ref(), |gateway| values::ipv4(gateway, "gateway", sink));
    let dns: Vec<_> = port.dns.iter().flatten().map(|server| values::ipv4(server, "DNS server", sink)).collect();
    let gateway = gateway.ok()?;
    let dns = dns.into_iter().collect::<Option<Vec<_>>>()?;
    Some(PortConfig::Static(StaticAddressing { address: address?, second_node: None, gateway, dns }))
}

/// `addresses`: each node's address on a port of a two-node device, two of them. Whether
/// they make one subnet is `node-addresses-split`'s to judge.
fn resolve_node_addresses(
    port: &RawPort,
    addresses: &Spanned<Vec<Text>>,
    nodes: Option<Located<NodeCount>>,
    sink: &mut Sink,
) -> Option<PortConfig> {
    let name = port.name.get_ref();
    if let Some(nodes) = nodes
        && nodes.value == NodeCount::One
    {
        sink.push(
            Diagnostic::new(
                &MISSING_OR_CONFLICTING,
                addresses.span(),
                format!("`addresses` on {name} of a one-node device"),
            )
            .with_primary_label("one address per node")
            .with_label(nodes.span, "one node")
            .with_help("write the port's one address as `address`, or set `nodes = 2` in [device]"),
        );
        return None;
    }
    let written = addresses.get_ref();
    if written.len() != 2 {
        sink.push(
            Diagnostic::new(
                &INVALID_VALUE,
                addresses.span(),
                format!("{} address{} on {name} of a two-node device", written.len(), if written.len() == 1 { "" } else { "es" }),
            )
            .with_primary_label("2 addresses expected, one per node")
            .with_help("list the first node's address, then the second's, each with its prefix length (see docs/device-facts.md#node-addresses)"),
        );
        return None;
    }
    let parsed: Vec<Option<Located<Ipv4Net>>> = written
        .iter()
        .map(|text| values::ipv4_net(text, "port address", false, sink).and_then(|address| host_address(address, sink)))
        .collect();
    let gateway = optional(port.gateway.as_ref(), |gateway| values::ipv4(gateway, "gateway", sink));
    let dns: Vec<_> = port.dns.iter().flatten().map(|server| values::ipv4(server, "DNS server", sink)).collect();
    let (gateway, dns) = (gateway.ok()?, dns.into_iter().collect::<Option<Vec<_>>>()?);
    let [first, second] = [parsed[0]?, parsed[1]?];
    Some(PortConfig::Static(StaticAddressing { address: first, second_node: Some(second), gateway, dns }))
}

/// A port's address is a host of its subnet: not the network or broadcast address, which
/// a subnet up to /30 keeps for itself (a /31's two addresses are both hosts, RFC 3021).
fn host_address(address: Located<Ipv4Net>, sink: &mut Sink) -> Option<Located<Ipv4Net>> {
    let (net, own) = (address.value.trunc(), address.value.addr());
    let role = match on_subnet(net, own) {
        OnSubnet::Network => "network",
        OnSubnet::Broadcast => "broadcast",
        OnSubnet::Outside | OnSubnet::Host => return Some(address),
    };
    sink.push(
        Diagnostic::new(
            &INVALID_VALUE,
            address.span,
            format!("port address `{}` is the {role} address of {net}", address.value),
        )
        .with_primary_label(format!("the {role} address, not a host's"))
        .with_help(format!(
            "write the port's own address on {net} with its prefix length: `address` is the port's address, \
             not its subnet's"
        )),
    );
    None
}

/// `fixable` says whether renaming to the suggestion would leave the file without a new
/// problem; only then does the diagnostic carry the rename as a fix.
fn unknown_port(name: &Text, model: DeviceModel, fixable: &dyn Fn(&str) -> bool) -> Diagnostic {
    let last = model.port_count();
    let message = format!("{} has no port `{}`", model.as_str(), name.get_ref());
    let diagnostic = Diagnostic::new(&UNKNOWN_PORT, name.span(), message)
        .with_help(format!("the ports of {} are Port1 to Port{last} (see docs/device-facts.md#ports)", model.as_str()));
    let names: Vec<String> = model.ports().map(|port| port.to_string()).collect();
    match did_you_mean(name.get_ref(), names.iter().map(String::as_str)) {
        Some(suggestion)
            if fixable(suggestion)
                && only_suggestion(name.get_ref(), names.iter().map(String::as_str)) == Some(suggestion) =>
        {
            diagnostic.with_primary_label(format!("did you mean `{suggestion}`?")).with_fix(Fix::rename(
                name.span(),
                name.get_ref(),
                suggestion,
            ))
        }
        Some(suggestion) => diagnostic.with_primary_label(format!("did you mean `{suggestion}`?")),
        None => diagnostic.with_primary_label("unknown port"),
    }
}

/// What a switch or route may name: a port of the model that has a `[ports.X]` table.
struct PortReferences<'a> {
    model: DeviceModel,
    declared: &'a BTreeSet<PortId>,
}

impl PortReferences<'_> {
    fn resolve(&self, name: &Text, sink: &mut Sink) -> Option<Located<PortId>> {
        let Some(id) = self.model.port(name.get_ref()) else {
            // A reference renamed to a port without a table would be ASE004 instead.
            let declared = |suggestion: &str| self.model.port(suggestion).is_some_and(|id| self.declared.contains(&id));
            sink.push(unknown_port(name, self.model, &declared));
            // Read as the declared port it was meant to be, so that what refers to it is
            // still checked and shown (the outline keeps the route).
            let id = meant_port(name.get_ref(), self.model, &declared)?;
            return Some(Located::new(id, name.span()));
        };
        if !self.declared.contains(&id) {
            sink.push(
                Diagnostic::new(&UNDEFINED_REFERENCE, name.span(), format!("{id} has no `[ports.{id}]` table"))
                    .with_primary_label("not configured in this file")
                    .with_help(format!("add `[ports.{id}]` with the port's `address`")),
            );
            return None;
        }
        Some(Located::new(id, name.span()))
    }
}

fn resolve_switch(raw: &RawSwitch, references: &PortReferences, sink: &mut Sink) -> Option<Switch> {
    let name = located(&raw.name);
    let Some(port_names) = &raw.ports else {
        if unreadable(&raw.unreadable, "ports") {
            return None;
        }
        sink.push(missing(name.span, "ports", &format!("[switches.{}]", name.value), "add `ports = [\"PortN\"]`"));
        return None;
    };
    if port_names.get_ref().is_empty() {
        if unreadable(&raw.unreadable, "ports") {
            return None;
        }
        sink.push(
            Diagnostic::new(&MISSING_OR_CONFLICTING, port_names.span(), format!("switch `{}` has no port", name.value))
                .with_primary_label("empty")
                .with_help("a virtual switch sits on exactly one port: `ports = [\"PortN\"]`"),
        );
        return None;
    }
    let ports: Vec<_> = port_names.get_ref().iter().map(|port| references.resolve(port, sink)).collect();
    let compute = raw.compute.as_ref().filter(|compute| *compute.get_ref()).map(|compute| compute.span());
    // A `compute` of the wrong type (reported) is not `false`: the switch is left out.
    if unreadable(&raw.unreadable, "compute") {
        return None;
    }
    Some(Switch { name, ports: ports.into_iter().collect::<Option<_>>()?, compute })
}

fn resolve_kubernetes(raw: &RawKubernetes, nodes: NodeCount, sink: &mut Sink) -> Option<Kubernetes> {
    let header = raw.header;
    if raw.node_ips.is_none() && !unreadable(&raw.unreadable, "node_ips") {
        sink.push(missing(
            header,
            "node_ips",
            "[kubernetes]",
            "add `node_ips = \"FIRST-LAST\"`, one address per Kubernetes VM (see docs/device-facts.md#node-ips)",
        ));
    }
    // A key written with a value of the wrong type (reported) is not its default: the
    // cluster is left out, as for a value that does not parse.
    let written_unreadable = !raw.unreadable.is_empty();
    let node_ips = raw.node_ips.as_ref().and_then(|text| values::range(text, "node IP range", sink));
    let service_ips = optional(raw.service_ips.as_ref(), |text| values::range(text, "external service IP range", sink));
    let cidr = |text: &Option<Text>, what, default, sink: &mut Sink| match text {
        Some(text) => values::ipv4_net(text, what, false, sink),
        None => Some(Located::new(default, header)),
    };
    let pod_cidr = cidr(&raw.pod_cidr, "pod CIDR", DEFAULT_POD_CIDR, sink);
    let service_cidr = cidr(&raw.service_cidr, "service CIDR", DEFAULT_SERVICE_CIDR, sink);
    let node_ips = node_ips?;
    let nodes = nodes
        .kubernetes_nodes()
        .iter()
        .zip(0..)
        .map(|(name, index)| KubernetesNode { name, address: node_ips.value.nth(index) })
        .collect();
    if written_unreadable {
        return None;
    }
    Some(Kubernetes {
        header,
        node_ips,
        service_ips: service_ips.ok()?,
        pod_cidr: pod_cidr?,
        service_cidr: service_cidr?,
        cluster_domain: raw
            .cluster_domain
            .as_ref()
            .map(located)
            .unwrap_or(Located::new("cluster.local".to_owned(), header)),
        iot_edge: raw.iot_edge.as_ref().filter(|flag| *flag.get_ref()).map(|flag| flag.span()),
        vm_interface: raw.vm_interface.as_ref().map(located).unwrap_or(Located::new("eth1".to_owned(), header)),
        nodes,
        edgehub_ip: None,
        iot_modules: count(&raw.iot_modules, &bounds::IOT_MODULES, sink)?,
        vms: count(&raw.vms, &bounds::VMS, sink)?,
        external_pool: PoolUsage::default(),
        cluster_pool: PoolUsage::default(),
    })
}

fn resolve_services(raw: impl ExactSizeIterator<Item = impl Borrow<RawService>>, sink: &mut Sink) -> Vec<Service> {
    let mut services = Vec::with_capacity(raw.len());
    services.extend(raw.filter_map(|service| resolve_service(service.borrow(), sink)));
    fn key(service: &Service) -> (&str, &str) {
        (&service.namespace.value, &service.name.value)
    }
    for (first, service) in repeats(&services, key) {
        let message = format!("service `{}/{}` is defined twice", service.namespace.value, service.name.value);
        sink.push(
            Diagnostic::new(&DUPLICATE, service.name.span, message)
                .with_primary_label("defined again here")
                .with_label(first.name.span, "first defined here")
                .with_help("rename one of them, or merge their ports into one service"),
        );
    }
    services
}

/// A `hostname` is an A record in the site zone `<device>.<domain>` on the service's
/// external IP. One on a device without `domain` (no site zone) is reported (ASE006) and left
/// out of the model; one on a service without an external IP was, in `resolve_service`. Whether it is a valid DNS label is `invalid-name`'s to say.
fn resolve_hostnames(device: &Device, domain_unreadable: bool, services: &mut [Service], sink: &mut Sink) {
    for service in services {
        let Some(hostname) = service.hostname.take() else { continue };
        if device.domain.is_none() {
            // A `domain` that could not be read is reported already: the name has no zone.
            if !domain_unreadable {
                sink.push(
                    Diagnostic::new(&MISSING_OR_CONFLICTING, hostname.span, "`hostname` needs `device.domain`")
                        .with_primary_label("no site zone to put this name in")
                        .with_label(device.header, "no `domain` in [device]")
                        .with_help("set `domain = \"...\"` in [device] (see docs/device-facts.md#names-and-dns), or remove `hostname`"),
                );
            }
            continue;
        }
        service.hostname = Some(hostname);
    }
}

fn resolve_service(raw: &RawService, sink: &mut Sink) -> Option<Service> {
    let header = raw.header;
    // A `type` or `namespace` of the wrong type (reported) is not the default ClusterIP or
    // `default`: the service is left out, as for a word that is not a type.
    let defaults_unreadable = ["type", "namespace"].iter().any(|key| unreadable(&raw.unreadable, key));
    if raw.name.is_none() && !unreadable(&raw.unreadable, "name") {
        sink.push(missing(header, "name", "[[services]]", "add `name = \"...\"`, a DNS-1035 label"));
    }
    let kind = match &raw.kind {
        Some(text) => values::one_of::<ServiceType>(text, "service type", sink),
        None => Some(Located::new(ServiceType::ClusterIp, header)),
    };
    let ports = match &raw.ports {
        Some(ports) if !ports.get_ref().is_empty() => {
            ports.get_ref().iter().map(|port| resolve_service_port(port, sink)).collect::<Vec<_>>()
        }
        Some(_) if unreadable(&raw.unreadable, "ports") => vec![None],
        Some(ports) => {
            sink.push(
                Diagnostic::new(&MISSING_OR_CONFLICTING, ports.span(), "a service needs at least one port")
                    .with_primary_label("empty")
                    .with_help("add a port: `ports = [{ port = 443 }]`"),
            );
            vec![None]
        }
        None => {
            if !unreadable(&raw.unreadable, "ports") {
                sink.push(missing(header, "ports", "[[services]]", "add `ports = [{ port = 443 }]`"));
            }
            vec![None]
        }
    };
    let load_balancer_ip = optional(raw.load_balancer_ip.as_ref(), |ip| values::ipv4(ip, "load balancer IP", sink));
    let selector = optional(raw.selector.as_ref(), |selector| values::labels(selector, sink));
    // `"None"`, exactly as Kubernetes spells it, makes a headless service.
    let headless = raw.cluster_ip.as_ref().filter(|ip| ip.get_ref() == "None").map(|ip| ip.span());
    let cluster_ip =
        optional(raw.cluster_ip.as_ref().filter(|_| headless.is_none()), |ip| values::ipv4(ip, "cluster IP", sink));
    let kind = kind.filter(|_| !defaults_unreadable)?;
    // `hostname` names an external IP in the site zone: reported here, beside
    // `load_balancer_ip` below, so that a service with both gets both at once.
    let hostname = match &raw.hostname {
        Some(hostname) if kind.value != ServiceType::LoadBalancer => {
            let name = kind.value.as_str();
            sink.push(
                Diagnostic::new(&MISSING_OR_CONFLICTING, hostname.span(), format!("`hostname` on a {name} service"))
                    .with_primary_label(format!("the site zone names external IPs; a {name} service has none"))
                    .with_label(kind.span, format!("{name} here"))
                    .with_help("set `type = \"LoadBalancer\"`, or remove `hostname`"),
            );
            None
        }
        hostname => hostname.as_ref().map(located),
    };
    if let (Some(span), ServiceType::NodePort | ServiceType::LoadBalancer) = (headless, kind.value) {
        let name = kind.value.as_str();
        sink.push(
            Diagnostic::new(&MISSING_OR_CONFLICTING, span, format!("a {name} service cannot be headless"))
                .with_primary_label("`cluster_ip = \"None\"` makes a headless service")
                .with_label(kind.span, format!("{name} here"))
                .with_help(format!(
                    "remove `cluster_ip = \"None\"`: Kubernetes routes a {name} service through its cluster IP; \
                     only a ClusterIP service may be headless"
                )),
        );
        return None;
    }
    if let (ServiceType::ClusterIp | ServiceType::NodePort, Some(pin)) = (kind.value, &raw.load_balancer_ip) {
        let name = kind.value.as_str();
        sink.push(
            Diagnostic::new(&MISSING_OR_CONFLICTING, pin.span(), format!("`load_balancer_ip` on a {name} service"))
                .with_primary_label("only a LoadBalancer service has an external IP")
                .with_label(kind.span, format!("{name} here"))
                .with_help("set `type = \"LoadBalancer\"`, or remove `load_balancer_ip`"),
        );
        return None;
    }
    Some(Service {
        header,
        name: raw.name.as_ref().map(located)?,
        namespace: raw.namespace.as_ref().map(located).unwrap_or(Located::new("default".to_owned(), header)),
        kind,
        ports: ports.into_iter().collect::<Option<_>>()?,
        load_balancer_ip: load_balancer_ip.ok()?,
        cluster_ip: cluster_ip.ok()?,
        headless,
        share_ip: raw.share_ip.as_ref().map(located),
        hostname,
        selector: selector.ok()?,
        allocated: Allocation::default(),
    })
}

fn resolve_service_port(raw: &RawServicePort, sink: &mut Sink) -> Option<ServicePort> {
    if raw.port.is_none() && !unreadable(&raw.unreadable, "port") {
        sink.push(missing(raw.span, "port", "a service port", "add `port = 443`"));
    }
    let protocol = match &raw.protocol {
        Some(text) => values::one_of::<Protocol>(text, "protocol", sink),
        None if unreadable(&raw.unreadable, "protocol") => None,
        None => Some(Located::new(Protocol::Tcp, raw.span)),
    };
    Some(ServicePort {
        span: raw.span,
        port: raw.port.as_ref().map(located)?,
        protocol: protocol?,
        target_port: raw.target_port.as_ref().map(|target| {
            let value = match target.get_ref() {
                RawTargetPort::Number(number) => TargetPort::Number(*number),
                RawTargetPort::Name(name) => TargetPort::Name(name.clone()),
            };
            Located::new(value, target.span())
        }),
        node_port: raw.node_port.as_ref().map(located),
    })
}

fn resolve_route(raw: &RawRoute, references: &PortReferences, sink: &mut Sink) -> Option<Route> {
    let header = raw.header;
    let required = [
        ("interface", raw.interface.is_none(), "add `interface = \"PortN\"`, the compute port"),
        ("destination", raw.destination.is_none(), "add `destination = \"a.b.c.d/n\"`"),
        ("next_hop", raw.next_hop.is_none(), "add `next_hop = \"a.b.c.d\"`, a router on the interface's subnet"),
    ];
    report_missing(header, "[[routes]]", &raw.unreadable, required, sink);
    let interface = raw.interface.as_ref().and_then(|name| references.resolve(name, sink));
    let destination = raw.destination.as_ref().and_then(|text| values::ipv4_net(text, "route destination", true, sink));
    let next_hop = raw.next_hop.as_ref().and_then(|text| values::ipv4(text, "next hop", sink));
    let metric = match &raw.metric {
        None => Some(Located::new(DEFAULT_METRIC, header)),
        Some(metric) => match u32::try_from(*metric.get_ref()) {
            Ok(value) => Some(Located::new(value, metric.span())),
            Err(_) => {
                let allowed = bounds::ROUTE_METRIC.describe();
                sink.push(
                    Diagnostic::new(
                        &INVALID_VALUE,
                        metric.span(),
                        format!("route metric {} is out of range", metric.get_ref()),
                    )
                    .with_primary_label(format!("not {allowed}"))
                    .with_help(format!(
                        "a metric is a whole number, {allowed}; lower wins (see docs/device-facts.md#route-metric)"
                    )),
                );
                None
            }
        },
    };
    let target = match &raw.target {
        Some(text) => values::one_of::<RouteTarget>(text, "route target", sink),
        None => Some(Located::new(RouteTarget::Kubernetes, header)),
    };
    Some(Route {
        header,
        interface: interface?,
        destination: destination?,
        next_hop: next_hop?,
        metric: metric?,
        target: target?,
    })
}

/// A count such as `vms = 2`: absent, or a whole number within `bound` (`Some(None)` /
/// `Some(Some)`); `None` when outside (reported).
fn count(raw: &Option<Spanned<i64>>, bound: &Bound, sink: &mut Sink) -> Option<Option<Located<i64>>> {
    let Some(value) = raw else { return Some(None) };
    if !bound.allows(*value.get_ref()) {
        let key = bound.key;
        let allowed = bound.describe();
        sink.push(
            Diagnostic::new(&INVALID_VALUE, value.span(), format!("`{key}` {} is not {allowed}", value.get_ref()))
                .with_primary_label(format!("a count, {allowed}"))
                .with_help(format!("`{key}` counts what takes an external service IP: {allowed}")),
        );
        return None;
    }
    Some(Some(located(value)))
}

/// A `switch = "..."` of a virtual network or a BGP peer: a `[switches.NAME]` of the file.
fn switch_reference(name: &Text, switches: &BTreeSet<&str>, sink: &mut Sink) -> Option<Located<String>> {
    if switches.contains(name.get_ref().as_str()) {
        return Some(located(name));
    }
    let diagnostic =
        Diagnostic::new(&UNDEFINED_REFERENCE, name.span(), format!("no switch `{}` in this file", name.get_ref()));
    sink.push(match did_you_mean(name.get_ref(), switches.iter().copied()) {
        Some(suggestion) => diagnostic
            .with_primary_label(format!("did you mean `{suggestion}`?"))
            .with_help(format!("rename it to `{suggestion}`, or add `[switches.{}]`", name.get_ref())),
        None => diagnostic
            .with_primary_label("not a `[switches.NAME]` of this file")
            .with_help(format!("add `[switches.{}]` with the port it sits on", name.get_ref())),
    });
    None
}

fn resolve_virtual_network(
    raw: &RawVirtualNetwork,
    switches: &BTreeSet<&str>,
    sink: &mut Sink,
) -> Option<VirtualNetwork> {
    let header = raw.header;
    let table = "[[virtual_networks]]";
    let vlan_help = format!("add `vlan = N`: {}, 0 for untagged", bounds::VLAN.describe());
    let required = [
        ("name", raw.name.is_none(), "add `name = \"...\"`, as Azure names virtual networks"),
        ("switch", raw.switch.is_none(), "add `switch = \"...\"`, the `[switches.NAME]` the VLAN is on"),
        ("vlan", raw.vlan.is_none(), vlan_help.as_str()),
        ("subnet", raw.subnet.is_none(), "add `subnet = \"a.b.c.d/n\"`, the network's address space"),
        ("gateway", raw.gateway.is_none(), "add `gateway = \"a.b.c.d\"`, a host of the subnet"),
    ];
    report_missing(header, table, &raw.unreadable, required, sink);
    let switch = raw.switch.as_ref().and_then(|name| switch_reference(name, switches, sink));
    let subnet = raw.subnet.as_ref().and_then(|text| values::ipv4_net(text, "virtual network subnet", false, sink));
    let gateway = raw.gateway.as_ref().and_then(|text| values::ipv4(text, "gateway", sink));
    let dns: Vec<_> = raw.dns.iter().flatten().map(|server| values::ipv4(server, "DNS server", sink)).collect();
    let ip_pool = optional(raw.ip_pool.as_ref(), |text| values::range(text, "IP pool", sink));
    // A key of the wrong type (reported) is not its default (`compute = false`): the network
    // is left out, as for a value that does not parse.
    if !raw.unreadable.is_empty() {
        return None;
    }
    Some(VirtualNetwork {
        header,
        name: raw.name.as_ref().map(located)?,
        switch: switch?,
        vlan: raw.vlan.as_ref().map(located)?,
        subnet: subnet?,
        gateway: gateway?,
        dns: dns.into_iter().collect::<Option<_>>()?,
        compute: raw.compute.as_ref().filter(|compute| *compute.get_ref()).map(|compute| compute.span()),
        kubernetes: raw.kubernetes.as_ref().filter(|flag| *flag.get_ref()).map(|flag| flag.span()),
        ip_pool: ip_pool.ok()?,
    })
}

/// Two virtual networks with one name on one switch: `Get-HcsVirtualNetwork` and
/// `Remove-HcsVirtualNetwork` find a network by its switch and name.
fn report_duplicate_virtual_networks(virtual_networks: &[VirtualNetwork], sink: &mut Sink) {
    fn key(vnet: &VirtualNetwork) -> (&str, &str) {
        (&vnet.switch.value, &vnet.name.value)
    }
    for (first, vnet) in repeats(virtual_networks, key) {
        sink.push(
            Diagnostic::new(
                &DUPLICATE,
                vnet.name.span,
                format!("virtual network `{}` is defined twice on switch `{}`", vnet.name.value, vnet.switch.value),
            )
            .with_primary_label("defined again here")
            .with_label(first.name.span, "first defined here")
            .with_help("give each virtual network on a switch its own name"),
        );
    }
}

fn resolve_bgp_peer(raw: &RawBgpPeer, switches: &BTreeSet<&str>, sink: &mut Sink) -> Option<BgpPeer> {
    let header = raw.header;
    let table = "[[bgp_peers]]";
    let required = [
        ("switch", raw.switch.is_none(), "add `switch = \"...\"`, the compute switch"),
        ("peer_address", raw.peer_address.is_none(), "add `peer_address = \"a.b.c.d\"`, the router's address"),
        ("peer_asn", raw.peer_asn.is_none(), "add `peer_asn = N`, the router's AS number"),
        ("self_asn", raw.self_asn.is_none(), "add `self_asn = N`, the device's AS number"),
    ];
    report_missing(header, table, &raw.unreadable, required, sink);
    let switch = raw.switch.as_ref().and_then(|name| switch_reference(name, switches, sink));
    let peer_address = raw.peer_address.as_ref().and_then(|text| values::ipv4(text, "BGP peer address", sink));
    Some(BgpPeer {
        header,
        switch: switch?,
        peer_address: peer_address?,
        peer_asn: raw.peer_asn.as_ref().map(located)?,
        self_asn: raw.self_asn.as_ref().map(located)?,
        hold_time: raw.hold_time.as_ref().map(located),
    })
}

fn resolve_virtual_ips(raw: &[RawVirtualIp], nodes: Option<Located<NodeCount>>, sink: &mut Sink) -> Vec<VirtualIp> {
    let resolved: Vec<VirtualIp> = raw.iter().filter_map(|vip| resolve_virtual_ip(vip, nodes, sink)).collect();
    for (first, again) in repeats(&resolved, |vip| vip.kind.value) {
        let kind = again.kind.value.as_str();
        sink.push(
            Diagnostic::new(&DUPLICATE, again.kind.span, format!("the {kind} virtual IP is defined twice"))
                .with_primary_label("defined again here")
                .with_label(first.kind.span, "first defined here")
                .with_help("a cluster has one virtual IP of each type: keep one `[[virtual_ips]]` per `type`"),
        );
    }
    resolved
}

fn resolve_virtual_ip(raw: &RawVirtualIp, nodes: Option<Located<NodeCount>>, sink: &mut Sink) -> Option<VirtualIp> {
    let header = raw.header;
    let table = "[[virtual_ips]]";
    let required = [
        ("type", raw.kind.is_none(), "add `type = \"ACS\"` or `type = \"NFS\"`"),
        (
            "cluster_network",
            raw.cluster_network.is_none(),
            "add `cluster_network = \"a.b.c.0/n\"`, the network the nodes share",
        ),
    ];
    report_missing(header, table, &raw.unreadable, required, sink);
    let dhcp = raw.dhcp.as_ref().filter(|dhcp| *dhcp.get_ref());
    let address = match (&raw.address, dhcp) {
        (Some(address), Some(dhcp)) => {
            sink.push(
                Diagnostic::new(
                    &MISSING_OR_CONFLICTING,
                    dhcp.span(),
                    "a virtual IP with both `dhcp = true` and `address`",
                )
                .with_primary_label("DHCP here")
                .with_label(address.span(), "static address here")
                .with_help("keep `address` for a static virtual IP, or `dhcp = true` alone"),
            );
            None
        }
        (Some(address), None) => values::ipv4(address, "virtual IP", sink).map(VirtualIpAddress::Static),
        (None, Some(dhcp)) => Some(VirtualIpAddress::Dhcp(dhcp.span())),
        (None, None) => {
            if !unreadable(&raw.unreadable, "address") && !unreadable(&raw.unreadable, "dhcp") {
                sink.push(
                    Diagnostic::new(&MISSING_OR_CONFLICTING, header, "a virtual IP needs `address` or `dhcp = true`")
                        .with_primary_label("neither here")
                        .with_help("add `address = \"a.b.c.d\"`, an available address on the cluster network, or `dhcp = true`"),
                );
            }
            None
        }
    };
    let kind = raw.kind.as_ref().and_then(|text| values::one_of::<VirtualIpType>(text, "virtual IP type", sink));
    let cluster_network = raw.cluster_network.as_ref().and_then(|text| {
        let network = values::ipv4_net(text, "cluster network", false, sink)?;
        if network.value.addr() != network.value.network() {
            sink.push(
                Diagnostic::new(
                    &INVALID_VALUE,
                    network.span,
                    format!("cluster network `{}` has host bits set", network.value),
                )
                .with_primary_label(format!("the network is {}", network.value.trunc()))
                .with_help(format!(
                    "write the network itself, `{}`: `Set-DeviceVip` takes the cluster network's address",
                    network.value.trunc()
                ))
                .with_fix(Fix::replace_string(
                    format!("write `{}`", network.value.trunc()),
                    text.span(),
                    &network.value.trunc().to_string(),
                )),
            );
            return None;
        }
        Some(network)
    });
    if let Some(nodes) = nodes
        && nodes.value == NodeCount::One
    {
        sink.push(
            Diagnostic::new(&MISSING_OR_CONFLICTING, header, "virtual IPs belong to a two-node cluster")
                .with_primary_label("a virtual IP")
                .with_label(nodes.span, "one node")
                .with_help("remove `[[virtual_ips]]`, or set `nodes = 2`: a virtual IP lets clients reach the cluster whichever node answers (see docs/device-facts.md#virtual-ips)"),
        );
        return None;
    }
    Some(VirtualIp { header, kind: kind?, address: address?, cluster_network: cluster_network? })
}

fn resolve_lint(raw: &RawLint, catalogue: Catalogue, sink: &mut Sink) -> LintLevels {
    let mut levels = LintLevels::default();
    for code in &raw.allow {
        let Some(rule) = lint_rule(code, catalogue, sink) else { continue };
        if rule.is_input_error() {
            sink.push(
                Diagnostic::new(&INVALID_VALUE, code.span(), format!("{} cannot be allowed", rule.code))
                    .with_primary_label("an input error")
                    .with_help("ASE0xx codes mean asenet cannot understand the file: fix the input instead"),
            );
            continue;
        }
        levels.allow.push(rule);
    }
    for code in &raw.deny {
        let Some(rule) = lint_rule(code, catalogue, sink) else { continue };
        if levels.allow.contains(&rule) {
            sink.push(
                Diagnostic::new(
                    &MISSING_OR_CONFLICTING,
                    code.span(),
                    format!("{} is both allowed and denied", rule.code),
                )
                .with_primary_label("denied here")
                .with_help("keep it in one list"),
            );
            continue;
        }
        levels.deny.push(rule);
    }
    levels
}

fn lint_rule(code: &Text, catalogue: Catalogue, sink: &mut Sink) -> Option<&'static Rule> {
    lookup_in_file(catalogue, code.get_ref(), code.span()).map_err(|unknown| sink.push(*unknown)).ok()
}

#[cfg(test)]
mod tests {
    /// `(code, message, the text at the primary span)` of each input error of `source`.
    /// `nodes` that is not 1 or 2 is one report: node names, per-node addresses and virtual
    /// IPs are not judged against a count the file did not give.
    #[test]
    fn an_unknown_node_count_is_the_one_report() {
        for nodes in ["7", "\"7\""] {
            let source = format!(
                "[device]\nname = \"x\"\nnodes = {nodes}\nnode_names = [\"A1\", \"A2\"]\n\
                 [ports.Port2]\naddresses = [\"10.0.0.5/24\", \"10.0.0.6/24\"]\n\
                 [[virtual_ips]]\ntype = \"ACS\"\naddress = \"10.0.0.9\"\ncluster_network = \"10.0.0.0/24\"\n"
            );
            let found: Vec<String> = crate::check(&source).diagnostics.iter().map(|d| d.message.clone()).collect();
            assert_eq!(found.len(), 1, "{nodes}: {found:?}");
        }
    }

    fn diagnostics(source: &str) -> Vec<(String, String, String)> {
        crate::check(source)
            .diagnostics
            .iter()
            .filter(|d| d.rule.is_input_error())
            .map(|d| (d.code().to_owned(), d.message.clone(), source[d.span.start..d.span.end].to_owned()))
            .collect()
    }

    const TWO: &str = "[device]\nname = \"x\"\nnodes = 2\n";

    #[test]
    fn node_names_are_one_valid_name_per_node() {
        let found = diagnostics(&format!("{TWO}node_names = [\"A1\"]\n"));
        assert_eq!(found, [("ASE003".into(), "1 node name for a device of 2 nodes".into(), "[\"A1\"]".into())]);
        let found = diagnostics(&format!("{TWO}node_names = [\"A1\", \"bad name\"]\n"));
        assert_eq!(found, [("ASE003".into(), "invalid node name `bad name`".into(), "\"bad name\"".into())]);
        let found = diagnostics(&format!("{TWO}node_names = [\"HW1\", \"hw1\"]\n"));
        assert_eq!(found, [("ASE007".into(), "node name `hw1` is given twice".into(), "\"hw1\"".into())]);
        assert_eq!(diagnostics(&format!("{TWO}node_names = [\"HWDH1T2\", \"1D9NHQ2\"]\n")), []);
        let network = crate::check(&format!("{TWO}node_names = [\"HWDH1T2\", \"1D9NHQ2\"]\n")).network.unwrap();
        assert_eq!((network.device.node_name(0), network.device.node_name(1)), (Some("HWDH1T2"), Some("1D9NHQ2")));
    }

    #[test]
    fn addresses_are_two_per_port_on_a_two_node_device_only() {
        let one = "[device]\nname = \"x\"\n[ports.Port2]\naddresses = [\"10.0.0.2/24\", \"10.0.0.3/24\"]\n";
        let found = diagnostics(one);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].0.as_str(), found[0].1.as_str()), ("ASE006", "`addresses` on Port2 of a one-node device"));
        let three = format!("{TWO}[ports.Port2]\naddresses = [\"10.0.0.2/24\", \"10.0.0.3/24\", \"10.0.0.4/24\"]\n");
        assert_eq!(diagnostics(&three)[0].1, "3 addresses on Port2 of a two-node device");
        let both =
            format!("{TWO}[ports.Port2]\naddress = \"10.0.0.2/24\"\naddresses = [\"10.0.0.2/24\", \"10.0.0.3/24\"]\n");
        assert_eq!(diagnostics(&both)[0].1, "Port2 has both `address` and `addresses`");
        let dhcp = format!("{TWO}[ports.Port2]\ndhcp = true\naddresses = [\"10.0.0.2/24\", \"10.0.0.3/24\"]\n");
        assert_eq!(diagnostics(&dhcp)[0].1, "Port2 has both `dhcp = true` and `addresses`");
        let bad = format!("{TWO}[ports.Port2]\naddresses = [\"10.0.0.2\", \"10.0.0.0/24\"]\n");
        let found: Vec<String> = diagnostics(&bad).into_iter().map(|d| d.2).collect();
        assert_eq!(found, ["\"10.0.0.2\"", "\"10.0.0.0/24\""]);
        let gateway =
            format!("{TWO}[ports.Port2]\naddresses = [\"10.0.0.2/24\", \"10.0.0.3/24\"]\ngateway = \"10.0.0.1\"\n");
        let network = crate::check(&gateway).network.unwrap();
        let addressing = network.ports[0].static_addressing().unwrap();
        let nodes: Vec<String> = addressing.node_addresses().map(|(node, a)| format!("{node:?} {}", a.value)).collect();
        assert_eq!(nodes, ["Some(0) 10.0.0.2/24", "Some(1) 10.0.0.3/24"]);
        assert!(addressing.gateway.is_some());
    }

    #[test]
    fn virtual_ips_are_read_and_their_mistakes_reported() {
        let vip = |body: &str| diagnostics(&format!("{TWO}[[virtual_ips]]\n{body}"));
        assert_eq!(vip("type = \"ACS\"\naddress = \"10.0.0.9\"\ncluster_network = \"10.0.0.0/24\"\n"), []);
        assert_eq!(vip("type = \"NFS\"\ndhcp = true\ncluster_network = \"10.0.0.0/24\"\n"), []);
        let found = vip("type = \"acs\"\naddress = \"10.0.0.9\"\ncluster_network = \"10.0.0.0/24\"\n");
        assert_eq!((found[0].0.as_str(), found[0].1.as_str()), ("ASE003", "unknown virtual IP type `acs`"));
        let found = vip("type = \"ACS\"\ncluster_network = \"10.0.0.0/24\"\n");
        assert_eq!(found[0].1, "a virtual IP needs `address` or `dhcp = true`");
        let found = vip("type = \"ACS\"\naddress = \"10.0.0.9\"\ndhcp = true\ncluster_network = \"10.0.0.0/24\"\n");
        assert_eq!(found[0].1, "a virtual IP with both `dhcp = true` and `address`");
        let found = vip("type = \"ACS\"\naddress = \"10.0.0.9\"\ncluster_network = \"10.0.0.1/24\"\n");
        assert_eq!(
            (found[0].1.as_str(), found[0].2.as_str()),
            ("cluster network `10.0.0.1/24` has host bits set", "\"10.0.0.1/24\"")
        );
        let found = vip("address = \"10.0.0.9\"\n");
        let missing: Vec<&str> = found.iter().map(|d| d.1.as_str()).collect();
        assert_eq!(missing, ["[[virtual_ips]] is missing `cluster_network`", "[[virtual_ips]] is missing `type`"]);
        let twice = format!(
            "{TWO}[[virtual_ips]]\ntype = \"ACS\"\ndhcp = true\ncluster_network = \"10.0.0.0/24\"\n\
             [[virtual_ips]]\ntype = \"ACS\"\ndhcp = true\ncluster_network = \"10.0.0.0/24\"\n"
        );
        assert_eq!(diagnostics(&twice)[0].1, "the ACS virtual IP is defined twice");
        let one_node =
            "[device]\nname = \"x\"\n[[virtual_ips]]\ntype = \"ACS\"\ndhcp = true\ncluster_network = \"10.0.0.0/24\"\n";
        assert_eq!(diagnostics(one_node)[0].1, "virtual IPs belong to a two-node cluster");
    }

    #[test]
    fn a_virtual_network_reads_kubernetes_and_its_pool() {
        let source = "[device]\nname = \"x\"\n[ports.Port5]\naddress = \"10.1.0.5/24\"\n[switches.s]\nports = [\"Port5\"]\n\
                      [[virtual_networks]]\nname = \"N2\"\nswitch = \"s\"\nvlan = 0\nsubnet = \"10.1.0.0/24\"\n\
                      gateway = \"10.1.0.1\"\nkubernetes = true\nip_pool = \"10.1.0.20-10.1.0.20\"\n";
        let network = crate::check(source).network.unwrap();
        let vnet = &network.virtual_networks[0];
        assert!(vnet.kubernetes.is_some() && vnet.compute.is_none());
        assert_eq!(vnet.ip_pool.map(|pool| pool.value.to_string()), Some("10.1.0.20".to_owned()));
        let bad = source.replace("10.1.0.20-10.1.0.20", "10.1.0.20-10.1.0.1");
        assert_eq!(diagnostics(&bad)[0].0, "ASE003");
    }
}
