//! What an editor shows, computed from the text and the checked network: hovers, inlay
//! hints, go to definition, the outline, and the code actions beyond a diagnostic's own fix.
//! Pure like the rest of the core: offsets in, offsets and text out. The language server
//! (`cli/server/`) only converts positions and messages.

mod hover;

use std::net::Ipv4Addr;

pub use hover::hover;

use crate::diagnostic::{Diagnostic, Span};
use crate::fix::{self, Edit, Fix};
use crate::model::{Keyword, Network, PortConfig, ServiceType};

/// Whether the editor's document looks like a device file, which the server then checks:
/// a guess from the text alone, before any check. A device file names asenet's schema in a
/// `#:schema` directive, or has a `[device]` header line (every device file has a `[device]`
/// table). Any other TOML (`Cargo.toml`, `pyproject.toml`, taplo's config) gets
/// nothing from the server: no diagnostics, hovers, hints or actions.
pub fn looks_like_device_file(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim();
        let schema = line.strip_prefix("#:schema").is_some_and(|target| target.contains("asenet"));
        let header = line.strip_prefix("[device]").is_some_and(|rest| {
            let rest = rest.trim_start();
            rest.is_empty() || rest.starts_with('#')
        });
        schema || header
    })
}

/// A label shown after the text at `offset`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    pub offset: usize,
    pub label: String,
}

/// What asenet decides that the file does not say: each service's allocated addresses that
/// are not pinned, after its `name`, and each Kubernetes node's address, after `node_ips`.
pub fn inlay_hints(network: &Network) -> Vec<InlayHint> {
    let mut hints = Vec::new();
    if let Some(kubernetes) = &network.kubernetes {
        let nodes: Vec<String> = kubernetes
            .nodes
            .iter()
            .filter_map(|node| node.address.map(|address| format!("{} {address}", node.name)))
            .collect();
        if !nodes.is_empty() && kubernetes.node_ips.span != kubernetes.header {
            hints.push(InlayHint { offset: kubernetes.node_ips.span.end, label: nodes.join(", ") });
        }
    }
    for service in &network.services {
        let mut parts = Vec::new();
        if service.cluster_ip.is_none()
            && let Some(address) = service.allocated.cluster_ip
        {
            parts.push(format!("cluster IP {address}"));
        }
        if service.load_balancer_ip.is_none()
            && let Some(address) = service.allocated.external_ip
        {
            parts.push(format!("external IP {address}"));
        }
        if !parts.is_empty() {
            hints.push(InlayHint { offset: service.name.span.end, label: parts.join(", ") });
        }
    }
    hints.sort_by_key(|hint| hint.offset);
    hints
}

/// A line an editor shows above a span: what asenet knows of what is there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeLens {
    pub span: Span,
    pub title: String,
}

/// Above each service's table, every address it gets, pinned or allocated
/// (`external IP 192.168.10.40, cluster IP 172.27.0.12 (pinned)`), and the one it does not
/// get because its pool ran out. Nothing without a `[kubernetes]` table: nothing is allocated.
pub fn code_lenses(network: &Network) -> Vec<CodeLens> {
    if network.kubernetes.is_none() {
        return Vec::new();
    }
    let pinned = |pin: bool| if pin { " (pinned)" } else { "" };
    let lens = |service: &crate::model::Service| {
        let mut parts = Vec::new();
        if service.kind.value == ServiceType::LoadBalancer {
            parts.push(match service.allocated.external_ip {
                Some(address) => format!("external IP {address}{}", pinned(service.load_balancer_ip.is_some())),
                None => "no external IP: the pool ran out".to_owned(),
            });
        }
        parts.push(match (service.allocated.cluster_ip, service.headless) {
            (Some(address), _) => format!("cluster IP {address}{}", pinned(service.cluster_ip.is_some())),
            (None, Some(_)) => "headless: no cluster IP".to_owned(),
            (None, None) => "no cluster IP: the service CIDR ran out".to_owned(),
        });
        CodeLens { span: service.header, title: parts.join(", ") }
    };
    network.services.iter().map(lens).collect()
}

/// Where the name at `offset` is defined: a port reference (in a switch's `ports`, a route's
/// `interface`) goes to its `[ports.X]` table; a switch reference (a virtual network's or a
/// BGP peer's `switch`) to its `[switches.X]` table; a packet core interface's
/// `virtual_network` to that network's entry; a `share_ip` to the other services of its
/// group.
pub fn definition(network: &Network, offset: usize) -> Vec<Span> {
    let inside = |span: Span| span.start <= offset && offset <= span.end;
    let switch_references = network
        .virtual_networks
        .iter()
        .map(|virtual_network| &virtual_network.switch)
        .chain(network.bgp_peers.iter().map(|peer| &peer.switch));
    for reference in switch_references {
        if inside(reference.span)
            && let Some(switch) = network.switches.iter().find(|switch| switch.name.value == reference.value)
        {
            return vec![switch.name.span];
        }
    }
    // A packet core interface's `virtual_network` goes to that `[[virtual_networks]]` entry.
    for interface in network.packet_core.iter().flat_map(|core| core.interfaces()) {
        if inside(interface.virtual_network.span)
            && let Some(vnet) = network.interface_network(interface)
        {
            return vec![vnet.name.span];
        }
    }
    let references = network
        .switches
        .iter()
        .flat_map(|switch| &switch.ports)
        .chain(network.routes.iter().map(|route| &route.interface));
    for reference in references {
        if inside(reference.span)
            && let Some(port) = network.port(reference.value)
        {
            return vec![port.span];
        }
    }
    for service in &network.services {
        let Some(group) = &service.share_ip else { continue };
        if inside(group.span) {
            return network
                .services
                .iter()
                .filter(|other| !std::ptr::eq(*other, service))
                .filter(|other| other.share_ip.as_ref().is_some_and(|shared| shared.value == group.value))
                .map(|other| other.name.span)
                .collect();
        }
    }
    Vec::new()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    Device,
    Port,
    Switch,
    Kubernetes,
    Service,
    Route,
}

/// One entry of the outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: String,
    pub kind: SymbolKind,
    pub span: Span,
}

/// The outline: device, ports, switches, Kubernetes, services and routes, in file order.
pub fn symbols(network: &Network) -> Vec<Symbol> {
    let mut symbols = vec![Symbol {
        name: network.device.name.as_ref().map_or("device".to_owned(), |name| name.value.clone()),
        detail: network.device.model.value.as_str().to_owned(),
        kind: SymbolKind::Device,
        span: network.device.header,
    }];
    for port in &network.ports {
        let detail = match &port.config {
            PortConfig::Static(addressing) => {
                let addresses: Vec<String> =
                    addressing.node_addresses().map(|(_, address)| address.value.to_string()).collect();
                addresses.join(", ")
            }
            PortConfig::Dhcp { .. } => "DHCP".to_owned(),
            PortConfig::Unconfigured => "not configured".to_owned(),
        };
        symbols.push(Symbol { name: port.id.to_string(), detail, kind: SymbolKind::Port, span: port.span });
    }
    for switch in &network.switches {
        let ports: Vec<String> = switch.ports.iter().map(|port| port.value.to_string()).collect();
        let compute = if switch.compute.is_some() { " (compute)" } else { "" };
        symbols.push(Symbol {
            name: switch.name.value.clone(),
            detail: format!("{}{compute}", ports.join(", ")),
            kind: SymbolKind::Switch,
            span: switch.name.span,
        });
    }
    if let Some(kubernetes) = &network.kubernetes {
        symbols.push(Symbol {
            name: "kubernetes".to_owned(),
            detail: format!("nodes {}", kubernetes.node_ips.value),
            kind: SymbolKind::Kubernetes,
            span: kubernetes.header,
        });
    }
    for service in &network.services {
        symbols.push(Symbol {
            name: service.qualified_name(),
            detail: service.kind.value.as_str().to_owned(),
            kind: SymbolKind::Service,
            span: service.header,
        });
    }
    for route in &network.routes {
        symbols.push(Symbol {
            name: route.destination.value.to_string(),
            detail: format!("via {} on {}", route.next_hop.value, route.interface.value),
            kind: SymbolKind::Route,
            span: route.header,
        });
    }
    symbols.sort_by_key(|symbol| symbol.span.start);
    symbols
}

/// The code actions at `span`: the fix of every diagnostic there (safe and unsafe), the
/// "allow with reason" comment for each, and pinning the service under the cursor.
pub fn actions(source: &str, network: Option<&Network>, diagnostics: &[Diagnostic], span: Span) -> Vec<Fix> {
    let mut actions = Vec::new();
    let touches = |other: Span| other.start <= span.end && span.start <= other.end;
    for diagnostic in diagnostics.iter().filter(|diagnostic| touches(diagnostic.span)) {
        actions.extend(diagnostic.fix.clone());
        actions.extend(fix::allow_with_reason(source, diagnostic));
    }
    if let Some(network) = network {
        actions.extend(pin_service(source, network, span.start));
    }
    actions
}

/// Pins the service whose table holds `offset` at the addresses asenet allocated it: adds
/// `cluster_ip` and, for a LoadBalancer, `load_balancer_ip` under its `name`. Unsafe: the
/// address no longer moves when the pool or the other services change.
pub fn pin_service(source: &str, network: &Network, offset: usize) -> Option<Fix> {
    let index = network.services.iter().rposition(|service| service.header.start <= offset)?;
    let service = &network.services[index];
    let next = network.services.get(index + 1).map_or(usize::MAX, |next| next.header.start);
    let in_routes =
        network.routes.iter().any(|route| route.header.start > service.header.start && route.header.start <= offset);
    let name = service.name.span;
    if offset >= next || in_routes || !source.is_char_boundary(name.start) || !source.is_char_boundary(name.end) {
        return None;
    }
    let mut lines = Vec::new();
    let mut pinned: Vec<Ipv4Addr> = Vec::new();
    if service.cluster_ip.is_none()
        && let Some(address) = service.allocated.cluster_ip
    {
        lines.push(format!("cluster_ip = {}", fix::basic_string(&address.to_string())));
        pinned.push(address);
    }
    if service.kind.value == ServiceType::LoadBalancer
        && service.load_balancer_ip.is_none()
        && let Some(address) = service.allocated.external_ip
    {
        lines.push(format!("load_balancer_ip = {}", fix::basic_string(&address.to_string())));
        pinned.push(address);
    }
    if lines.is_empty() {
        return None;
    }
    let line_start = source[..service.name.span.start].rfind('\n').map_or(0, |newline| newline + 1);
    let indent: String = source[line_start..].chars().take_while(|c| *c == ' ' || *c == '\t').collect();
    let mut line_end = source[service.name.span.end..].find('\n').map_or(source.len(), |n| service.name.span.end + n);
    if source[..line_end].ends_with('\r') {
        line_end -= 1;
    }
    let text: String = lines.iter().map(|line| format!("\n{indent}{line}")).collect();
    let addresses: Vec<String> = pinned.iter().map(ToString::to_string).collect();
    Some(Fix::unsafe_edits(
        format!("pin {} at {}", service.qualified_name(), addresses.join(" and ")),
        vec![Edit::insert(line_end, text)],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEVICE: &str = r#"[device]
name = "d"

[ports.Port2]
address = "10.10.2.20/24"
gateway = "10.10.2.1"
dns = ["10.10.2.53"]

[ports.Port3]
address = "192.168.10.20/24"

[switches.vswitch-port3]
ports = ["Port3"]
compute = true

[kubernetes]
node_ips = "192.168.10.30-192.168.10.31"
service_ips = "192.168.10.40-192.168.10.49"

[[services]]
name = "web"
namespace = "shop"
type = "LoadBalancer"
ports = [{ port = 443 }]
"#;

    #[test]
    fn a_switch_reference_goes_to_its_table() {
        let source = include_str!("../../examples/bgp-site.toml");
        let network = crate::check(source).network.unwrap();
        let peer = &network.bgp_peers[0].switch;
        let target = definition(&network, peer.span.start + 2);
        assert_eq!(target.len(), 1, "{target:?}");
        assert!(source[..target[0].start].ends_with("[switches."), "{}", &source[target[0].start..target[0].end]);
        assert_eq!(format!("\"{}\"", &source[target[0].start..target[0].end]), source[peer.span.start..peer.span.end]);
    }

    #[test]
    fn a_packet_core_interface_goes_to_its_virtual_network() {
        let source = include_str!("../../examples/ap5gc-pro-gpu.toml");
        let network = crate::check(source).network.unwrap();
        let reference = source.find("virtual_network = \"N6-DN2\"").unwrap() + "virtual_network = \"".len() + 1;
        let target = definition(&network, reference);
        assert_eq!(target.len(), 1, "{target:?}");
        assert_eq!(&source[target[0].start..target[0].end], "\"N6-DN2\"");
        assert!(source[..target[0].start].ends_with("[[virtual_networks]]\nname = "));
    }

    #[test]
    fn each_service_has_a_lens_with_its_addresses_pinned_or_allocated() {
        let pinned =
            DEVICE.replace("type = \"LoadBalancer\"", "type = \"LoadBalancer\"\nload_balancer_ip = \"192.168.10.45\"");
        let headless = format!(
            "{DEVICE}\n[[services]]\nname = \"db\"\nnamespace = \"shop\"\ncluster_ip = \"None\"\nports = [{{ port = 5432 }}]\n"
        );
        let titles = |source: &str| -> Vec<String> {
            let network = crate::check(source).network.unwrap();
            let lenses = code_lenses(&network);
            for lens in &lenses {
                assert!(source[lens.span.start..].starts_with("[[services]]"), "{lens:?}");
            }
            lenses.into_iter().map(|lens| lens.title).collect()
        };
        let allocated = titles(DEVICE);
        assert_eq!(allocated.len(), 1);
        assert!(allocated[0].starts_with("external IP 192.168.10.40, cluster IP "), "{allocated:?}");
        assert!(!allocated[0].contains("pinned"), "{allocated:?}");
        assert!(titles(&pinned)[0].starts_with("external IP 192.168.10.45 (pinned), cluster IP "));
        assert_eq!(titles(&headless)[1], "headless: no cluster IP");
        let one_address = DEVICE.replace("192.168.10.40-192.168.10.49", "192.168.10.40-192.168.10.40");
        let two = format!(
            "{one_address}\n[[services]]\nname = \"pos\"\nnamespace = \"shop\"\ntype = \"LoadBalancer\"\nports = [{{ port = 80 }}]\n"
        );
        assert!(titles(&two)[1].starts_with("no external IP: the pool ran out, cluster IP "), "{:?}", titles(&two));
    }

    #[test]
    fn device_files_are_told_from_other_toml() {
        assert!(looks_like_device_file(DEVICE));
        assert!(looks_like_device_file("#:schema ../schemas/asenet.schema.json\n"));
        assert!(looks_like_device_file("  [device]   # the store\n"));
        assert!(!looks_like_device_file("[package]\nname = \"device\"\n[device-info]\n"));
        assert!(!looks_like_device_file("#:schema https://json.schemastore.org/cargo.json\n"));
    }

    #[test]
    fn hints_definitions_symbols_and_pins_come_from_the_network() {
        let network = crate::check(DEVICE).network.unwrap();
        let hints = inlay_hints(&network);
        assert_eq!(hints[0].label, "master 192.168.10.30, worker1 192.168.10.31");
        assert_eq!(&DEVICE[..hints[0].offset], &DEVICE[..DEVICE.find("\nservice_ips").unwrap()]);
        assert!(hints[1].label.starts_with("cluster IP "), "{hints:?}");
        assert!(hints[1].label.ends_with("external IP 192.168.10.40"), "{hints:?}");

        let reference = DEVICE.find("[\"Port3\"]").unwrap() + 2;
        let target = definition(&network, reference);
        assert_eq!(&DEVICE[target[0].start..target[0].end], "Port3");
        assert!(DEVICE[..target[0].start].ends_with("[ports."));

        let kinds: Vec<SymbolKind> = symbols(&network).iter().map(|symbol| symbol.kind).collect();
        use SymbolKind::*;
        assert_eq!(kinds, [Device, Port, Port, Switch, Kubernetes, Service]);

        let pin = pin_service(DEVICE, &network, DEVICE.find("namespace").unwrap()).unwrap();
        let pinned = crate::fix::apply(DEVICE, [&pin]).source;
        assert!(pinned.contains("name = \"web\"\ncluster_ip = \""), "{pinned}");
        assert!(pinned.contains("\nload_balancer_ip = \"192.168.10.40\"\n"), "{pinned}");
        assert!(crate::check(&pinned).diagnostics.is_empty());
        assert_eq!(pin_service(DEVICE, &network, 0), None, "the cursor is not in a service");
    }
}
