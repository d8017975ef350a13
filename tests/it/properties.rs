//! Property tests (proptest) over generated device files.
//!
//! `valid_device` makes random device files that are valid by construction (each value
//! drawn from a place that keeps every rule quiet); on them `check` is clean and
//! deterministic, and every artifact parsed back says what the model says. `messy_device`
//! makes files with random pins, sharing groups and tiny pools, valid or not; on them
//! allocation matches a naive reference, never hands out a reserved, duplicate or
//! out-of-pool address, and records what each pool was asked as a naive count does.
//!
//! 48 cases per property by default, to keep CI fast; `PROPTEST_CASES=5000 cargo test
//! --test it properties` runs more.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use asenet::emit::{OutputFile, PreviousManifest};
use asenet::model::{
    AddrRange, Claimant, ClusterDemand, ExternalDemand, Keyword, Network, PoolUsage, ServiceType, reserved_cluster_ips,
};
use ipnet::Ipv4Net;
use proptest::prelude::*;
use serde_json::Value;

use asenet::testing::invariants;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(48);
    ProptestConfig { cases, ..ProptestConfig::default() }
}

fn ip(value: u32) -> Ipv4Addr {
    Ipv4Addr::from(value)
}

fn int(address: Ipv4Addr) -> u32 {
    u32::from(address)
}

// ---- valid device files, from random parts --------------------------------------------------

/// The random parts a valid device file is made from; `ValidDevice::from` makes them valid.
#[derive(Debug, Clone)]
struct Parts {
    name: Vec<u8>,
    variant: u8,
    domain: Option<u8>,
    uplink: u8,
    compute: (u8, u8),
    node_offset: u8,
    extra_nodes: u8,
    pool: Option<(u8, u8)>,
    iot_edge: bool,
    service_cidr: (u8, u32),
    cluster_domain: Option<u8>,
    vm_interface: Option<u8>,
    services: Vec<ServiceParts>,
    routes: Vec<(u32, u8, Option<u32>)>,
}

#[derive(Debug, Clone)]
struct ServiceParts {
    load_balancer: bool,
    namespace: u8,
    ports: Vec<(u16, Option<u16>)>,
    cluster_pin: Option<u32>,
    external_pin: bool,
    share: Option<u8>,
    hostname: bool,
}

fn service_parts() -> impl Strategy<Value = ServiceParts> {
    (
        any::<bool>(),
        any::<u8>(),
        prop::collection::vec((1..=65535u16, prop::option::of(1..=65535u16)), 1..4),
        prop::option::weighted(0.3, any::<u32>()),
        prop::bool::weighted(0.3),
        prop::option::weighted(0.3, 0..3u8),
        any::<bool>(),
    )
        .prop_map(|(load_balancer, namespace, ports, cluster_pin, external_pin, share, hostname)| ServiceParts {
            load_balancer,
            namespace,
            ports,
            cluster_pin,
            external_pin,
            share,
            hostname,
        })
}

fn parts() -> impl Strategy<Value = Parts> {
    (
        (
            prop::collection::vec(any::<u8>(), 1..14),
            any::<u8>(),
            prop::option::of(any::<u8>()),
            any::<u8>(),
            (any::<u8>(), 20..=26u8),
            any::<u8>(),
            0..3u8,
        ),
        (
            prop::option::weighted(0.8, (any::<u8>(), any::<u8>())),
            any::<bool>(),
            (12..=28u8, any::<u32>()),
            prop::option::of(any::<u8>()),
            prop::option::of(any::<u8>()),
            prop::collection::vec(service_parts(), 0..12),
            prop::collection::vec((any::<u32>(), 16..=32u8, prop::option::of(any::<u16>().prop_map(u32::from))), 0..5),
        ),
    )
        .prop_map(
            |(
                (name, variant, domain, uplink, compute, node_offset, extra_nodes),
                (pool, iot_edge, service_cidr, cluster_domain, vm_interface, services, routes),
            )| Parts {
                name,
                variant,
                domain,
                uplink,
                compute,
                node_offset,
                extra_nodes,
                pool,
                iot_edge,
                service_cidr,
                cluster_domain,
                vm_interface,
                services,
                routes,
            },
        )
}

/// A device file valid by construction, and what it says, for comparing with the model.
#[derive(Debug, Clone)]
struct ValidDevice {
    text: String,
    nodes: usize,
    node_first: Ipv4Addr,
    pool: Option<AddrRange>,
    services: Vec<ServiceIntent>,
    route_count: usize,
}

#[derive(Debug, Clone)]
struct ServiceIntent {
    cluster_pin: Option<Ipv4Addr>,
    external_pin: Option<Ipv4Addr>,
    share: Option<String>,
    load_balancer: bool,
}

const DOMAINS: &[&str] = &["contoso.local", "stores.contoso.com", "edge.example.net"];
const CLUSTER_DOMAINS: &[&str] = &["cluster.local", "k8s.edge.internal", "store042.local"];
const VM_INTERFACES: &[&str] = &["eth1", "ens4", "eth0.100", "br-lan"];
const NAMESPACES: &[&str] = &["shop", "cameras", "retail", "ot"];
/// Model, nodes and compute port: combinations that no rule warns about.
const VARIANTS: &[(&str, u8, &str)] =
    &[("pro-gpu", 1, "Port3"), ("pro-gpu", 2, "Port5"), ("mini-r", 1, "Port3"), ("pro-gpu", 1, "Port4")];

fn device_name(bytes: &[u8]) -> String {
    const INNER: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-";
    let last = bytes.len() - 1;
    bytes
        .iter()
        .enumerate()
        .map(|(index, byte)| {
            // No hyphen at either end (see docs/device-facts.md#names-and-dns).
            let alphabet = if index == 0 || index == last { &INNER[..INNER.len() - 1] } else { INNER };
            char::from(alphabet[usize::from(*byte) % alphabet.len()])
        })
        .collect()
}

impl From<Parts> for ValidDevice {
    fn from(parts: Parts) -> Self {
        let (model, nodes, compute_port) = VARIANTS[usize::from(parts.variant) % VARIANTS.len()];
        let nodes = usize::from(nodes) + 1;
        let mut text = format!("[device]\nname = \"{}\"\nmodel = \"{model}\"\n", device_name(&parts.name));
        text += &format!("nodes = {}\n", nodes - 1);
        let domain = parts.domain.map(|index| DOMAINS[usize::from(index) % DOMAINS.len()]);
        if let Some(domain) = domain {
            text += &format!("domain = \"{domain}\"\n");
        }
        let uplink = u32::from(parts.uplink);
        text += &format!(
            "\n[ports.Port2]\naddress = \"10.200.{uplink}.20/24\"\ngateway = \"10.200.{uplink}.1\"\n\
             dns = [\"10.200.{uplink}.53\"]\n"
        );

        // The compute subnet: its first address is a router, the next the port.
        let (octet, prefix) = parts.compute;
        let compute = Ipv4Net::new(ip(int(Ipv4Addr::new(192, 168, octet, 0))), prefix).unwrap().trunc();
        let network = int(compute.network());
        let broadcast = int(compute.broadcast());
        let router = network + 1;
        text += &format!("\n[ports.{compute_port}]\naddress = \"{}/{prefix}\"\n", ip(network + 2));
        text += &format!("\n[switches.vswitch-compute]\nports = [\"{compute_port}\"]\ncompute = true\n");

        let node_first = network + 3 + u32::from(parts.node_offset % 8);
        let node_last = node_first + nodes as u32 - 1 + u32::from(parts.extra_nodes);

        // Services first, to size the pool: ungrouped unpinned LoadBalancers, groups and
        // edgehub each need an address; pins need theirs.
        let service_cidr = Ipv4Net::new(
            ip(int(Ipv4Addr::new(172, 16, 0, 0)) + parts.service_cidr.1 % (1 << 20)),
            parts.service_cidr.0,
        )
        .unwrap()
        .trunc();
        let free_cluster_ips = (1u64 << (32 - service_cidr.prefix_len())) - 4;
        let mut reserved: BTreeSet<Ipv4Addr> =
            reserved_cluster_ips(service_cidr).into_iter().map(|(address, _)| address).collect();
        // The pool starts a little after the node IPs and may run to the last host address.
        let pool_first = node_last + 1 + parts.pool.map_or(0, |(offset, _)| u32::from(offset) % 4);
        let available = (broadcast - 1).saturating_sub(pool_first) + 1;
        let with_pool = parts.pool.is_some() && available >= 4;
        let mut external_needed = u32::from(parts.iot_edge && with_pool);
        let mut external_pins = 0;
        let mut groups = BTreeSet::new();
        let mut services: Vec<ServiceIntent> = Vec::new();
        let count = parts.services.len().min(free_cluster_ips as usize - 2);
        for service in &parts.services[..count] {
            // A LoadBalancer only while the pool can hold one more address and a pin.
            let load_balancer = service.load_balancer && with_pool && external_needed + external_pins + 2 <= available;
            let share = service.share.filter(|_| load_balancer).map(|group| format!("g{group}"));
            let external_pin = service.external_pin && load_balancer && share.is_none();
            if external_pin {
                external_pins += 1;
            } else if load_balancer && share.as_ref().is_none_or(|group| groups.insert(group.clone())) {
                external_needed += 1;
            }
            // A cluster pin on a free address that is not reserved.
            let cluster_pin = service.cluster_pin.map(|seed| {
                let size = 1u32 << (32 - service_cidr.prefix_len());
                let network = int(service_cidr.network());
                let mut offset = seed % size;
                while reserved.contains(&ip(network + offset)) {
                    offset = (offset + 1) % size;
                }
                reserved.insert(ip(network + offset));
                ip(network + offset)
            });
            // Pins are given out below, once the pool's size is known.
            let external_pin = external_pin.then_some(Ipv4Addr::UNSPECIFIED);
            services.push(ServiceIntent { cluster_pin, external_pin, share, load_balancer });
        }
        // The pool: at least what allocation needs and the pins, which take its top.
        let pool = parts.pool.filter(|_| with_pool).map(|(_, size)| {
            let size = (u32::from(size) % available).max(external_needed + external_pins).clamp(1, available);
            AddrRange::new(ip(pool_first), ip(pool_first + size - 1)).unwrap()
        });
        let mut next_pin = pool.map_or(0, |pool| int(pool.last()));
        for service in services.iter_mut().filter(|service| service.external_pin.is_some()) {
            service.external_pin = Some(ip(next_pin));
            next_pin -= 1;
        }
        let with_pool = pool.is_some();

        text += &format!("\n[kubernetes]\nnode_ips = \"{}-{}\"\n", ip(node_first), ip(node_last));
        if let Some(pool) = pool {
            text += &format!("service_ips = \"{}-{}\"\n", pool.first(), pool.last());
        }
        text += &format!("pod_cidr = \"100.64.0.0/16\"\nservice_cidr = \"{service_cidr}\"\n");
        if parts.iot_edge && with_pool {
            text += "iot_edge = true\n";
        }
        if let Some(index) = parts.cluster_domain {
            text += &format!("cluster_domain = \"{}\"\n", CLUSTER_DOMAINS[usize::from(index) % CLUSTER_DOMAINS.len()]);
        }
        if let Some(index) = parts.vm_interface {
            text += &format!("vm_interface = \"{}\"\n", VM_INTERFACES[usize::from(index) % VM_INTERFACES.len()]);
        }

        for (index, (service, intent)) in parts.services.iter().zip(&services).enumerate() {
            let namespace = NAMESPACES[usize::from(service.namespace) % NAMESPACES.len()];
            text += &format!("\n[[services]]\nname = \"s{index}\"\nnamespace = \"{namespace}\"\n");
            if intent.load_balancer {
                text += "type = \"LoadBalancer\"\n";
            }
            let mut seen = BTreeSet::new();
            let ports: Vec<String> = service
                .ports
                .iter()
                .filter(|(port, _)| seen.insert(*port))
                .map(|(port, target)| match target {
                    Some(target) => format!("{{ port = {port}, target_port = {target} }}"),
                    None => format!("{{ port = {port} }}"),
                })
                .collect();
            text += &format!("ports = [{}]\n", ports.join(", "));
            if let Some(pin) = intent.cluster_pin {
                text += &format!("cluster_ip = \"{pin}\"\n");
            }
            if let Some(pin) = intent.external_pin {
                text += &format!("load_balancer_ip = \"{pin}\"\n");
            }
            if let Some(group) = &intent.share {
                text += &format!("share_ip = \"{group}\"\n");
            }
            if service.hostname && intent.load_balancer && domain.is_some() {
                text += &format!("hostname = \"h{index}\"\n");
            }
        }

        // Routes to distinct destinations off every subnet, via the router.
        let mut destinations = BTreeSet::new();
        let mut route_count = 0;
        for (seed, prefix, metric) in &parts.routes {
            let destination =
                Ipv4Net::new(ip(int(Ipv4Addr::new(198, 18, 0, 0)) + seed % (1 << 17)), *prefix).unwrap().trunc();
            if !destinations.insert(destination) {
                continue;
            }
            route_count += 1;
            text += &format!(
                "\n[[routes]]\ninterface = \"{compute_port}\"\ndestination = \"{destination}\"\nnext_hop = \"{}\"\n",
                ip(router)
            );
            if let Some(metric) = metric {
                text += &format!("metric = {metric}\n");
            }
        }
        ValidDevice { text, nodes, node_first: ip(node_first), pool, services, route_count }
    }
}

fn valid_device() -> impl Strategy<Value = ValidDevice> {
    parts().prop_map(ValidDevice::from)
}

// ---- reading the artifacts back -------------------------------------------------------------

fn artifact<'a>(files: &'a [OutputFile], path: &str) -> &'a str {
    &files.iter().find(|file| file.path == path).unwrap_or_else(|| panic!("no {path}")).contents
}

/// The A records of a zone file, by owner name, and its serial and origin.
fn zone_records(text: &str) -> (String, u32, BTreeMap<String, Vec<Ipv4Addr>>) {
    let mut origin = String::new();
    let mut serial = 0;
    let mut records: BTreeMap<String, Vec<Ipv4Addr>> = BTreeMap::new();
    for line in text.lines().filter(|line| !line.starts_with(';')) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        match fields.as_slice() {
            ["$ORIGIN", name] => origin = name.to_string(),
            ["@", "IN", "SOA", _, _, "(", number, ..] => serial = number.parse().unwrap(),
            [name, "IN", "A", address] => records.entry(name.to_string()).or_default().push(address.parse().unwrap()),
            _ => {}
        }
    }
    (origin, serial, records)
}

/// The custom routes of an `ip -batch` file: (destination, next hop, device, metric).
fn ip_routes(text: &str) -> BTreeSet<(Ipv4Net, Ipv4Addr, String, u32)> {
    text.lines()
        .filter_map(|line| line.strip_prefix("route replace "))
        .map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let ["via", "dev", "metric"] = [fields[1], fields[3], fields[5]] else { panic!("{line}") };
            (fields[0].parse().unwrap(), fields[2].parse().unwrap(), fields[4].to_owned(), fields[6].parse().unwrap())
        })
        .collect()
}

fn assert_artifacts_say_what_the_model_says(network: &Network, files: &[OutputFile]) {
    let kubernetes = network.kubernetes.as_ref().unwrap();
    let compute = network.compute_port().unwrap();
    let subnet = compute.subnet().unwrap().value;
    let custom: BTreeSet<(Ipv4Net, Ipv4Addr, String, u32)> = network
        .routes
        .iter()
        .map(|route| {
            (
                route.destination.value.trunc(),
                route.next_hop.value,
                route.interface.value.to_string(),
                route.metric.value,
            )
        })
        .collect();

    // Route tables: the connected route, then the custom ones; the `.ip` batch the same.
    for node in &kubernetes.nodes {
        let address = node.address.unwrap();
        let table: Value = serde_json::from_str(artifact(files, &format!("routes/{}.json", node.name))).unwrap();
        assert_eq!(table["source"], address.to_string());
        assert_eq!(table["vm_interface"], kubernetes.vm_interface.value);
        let rows = table["routes"].as_array().unwrap();
        assert_eq!(rows[0]["origin"], "connected");
        assert_eq!(rows[0]["destination"], subnet.network().to_string());
        assert_eq!(rows[0]["prefix_length"], subnet.prefix_len());
        assert_eq!(rows[0]["next_hop"], Value::Null);
        let read: BTreeSet<(Ipv4Net, Ipv4Addr, String, u32)> = rows[1..]
            .iter()
            .map(|row| {
                assert_eq!(row["origin"], "custom");
                let destination = format!("{}/{}", row["destination"].as_str().unwrap(), row["prefix_length"]);
                (
                    destination.parse().unwrap(),
                    row["next_hop"].as_str().unwrap().parse().unwrap(),
                    row["interface"].as_str().unwrap().to_owned(),
                    row["metric"].as_u64().unwrap() as u32,
                )
            })
            .collect();
        assert_eq!(read, custom, "{}.json", node.name);
        let batch = ip_routes(artifact(files, &format!("routes/{}.ip", node.name)));
        let expected: BTreeSet<_> = custom
            .iter()
            .map(|(destination, hop, _, metric)| (*destination, *hop, kubernetes.vm_interface.value.clone(), *metric))
            .collect();
        assert_eq!(batch, expected, "{}.ip", node.name);
    }
    let apply = artifact(files, "routes/apply-routes.ps1");
    // One converging call per route (the function that converges is defined once above them).
    assert_eq!(apply.lines().filter(|line| line.starts_with("Set-AsenetRoute ")).count(), custom.len());
    for (destination, hop, interface, metric) in &custom {
        let command = format!("Set-AsenetRoute \"{interface}\" \"{destination}\" \"{hop}\" {metric}\n");
        assert!(apply.contains(&command), "{command}");
    }

    // The cluster zone: the platform's names and one record per service.
    let base = int(kubernetes.service_cidr.value.network());
    let mut expected: BTreeMap<String, Vec<Ipv4Addr>> = BTreeMap::from([
        ("ns.dns".to_owned(), vec![ip(base + 10)]),
        ("kubernetes.default.svc".to_owned(), vec![ip(base + 1)]),
        ("kube-dns.kube-system.svc".to_owned(), vec![ip(base + 10)]),
    ]);
    for service in &network.services {
        let name = format!("{}.{}.svc", service.name.value, service.namespace.value);
        expected.insert(name, vec![service.allocated.cluster_ip.unwrap()]);
    }
    let cluster_domain = &kubernetes.cluster_domain.value;
    let (origin, serial, records) = zone_records(artifact(files, &format!("dns/{cluster_domain}.zone")));
    assert_eq!((origin, serial), (format!("{cluster_domain}."), 1));
    assert_eq!(records, expected);

    // The site zone: the master's names, the name server, and each hostname.
    let zones = files.iter().filter(|file| file.path.ends_with(".zone")).count();
    if let Some(domain) = &network.device.domain {
        let origin = format!("{}.{}", network.device.name.as_ref().unwrap().value.to_ascii_lowercase(), domain.value);
        let master = kubernetes.nodes[0].address.unwrap();
        let name_server = network.ports.iter().find_map(|port| port.static_addressing()?.dns.first()).unwrap().value;
        let mut expected: BTreeMap<String, Vec<Ipv4Addr>> = BTreeMap::from([
            ("ns".to_owned(), vec![name_server]),
            ("compute".to_owned(), vec![master]),
            ("ecr".to_owned(), vec![master]),
            ("kubernetes-dashboard".to_owned(), vec![master]),
        ]);
        for service in &network.services {
            if let Some(hostname) = &service.hostname {
                expected.insert(hostname.value.clone(), vec![service.allocated.external_ip.unwrap()]);
            }
        }
        let (read_origin, serial, records) = zone_records(artifact(files, &format!("dns/{origin}.zone")));
        assert_eq!((read_origin, serial), (format!("{origin}."), 1));
        assert_eq!(records, expected);
        assert!(artifact(files, "dns/Corefile").contains(&format!("file {origin}.zone")));
        assert_eq!(zones, 2);
    } else {
        assert_eq!(zones, 1);
    }

    // MetalLB: the pool, both ways.
    match kubernetes.service_ips {
        Some(pool) => {
            let range = format!("{}-{}", pool.value.first(), pool.value.last());
            let documents: Vec<Value> =
                serde_saphyr::from_multiple(artifact(files, "metallb/ipaddresspool.yaml")).unwrap();
            assert_eq!(documents[0]["spec"]["addresses"], serde_json::json!([range]));
            let config_map: Value = serde_saphyr::from_str(artifact(files, "metallb/configmap.yaml")).unwrap();
            let legacy: Value = serde_saphyr::from_str(config_map["data"]["config"].as_str().unwrap()).unwrap();
            assert_eq!(legacy["address-pools"][0]["addresses"], serde_json::json!([range]));
        }
        None => assert!(files.iter().all(|file| !file.path.starts_with("metallb/"))),
    }

    // Services: each with its addresses and ports.
    let documents: Vec<Value> = serde_saphyr::from_multiple(artifact(files, "kubernetes/services.yaml")).unwrap();
    let documents: Vec<&Value> = documents.iter().filter(|document| !document.is_null()).collect();
    assert_eq!(documents.len(), network.services.len());
    for service in &network.services {
        let document = documents
            .iter()
            .find(|d| {
                d["metadata"]["name"] == service.name.value && d["metadata"]["namespace"] == service.namespace.value
            })
            .unwrap();
        let spec = &document["spec"];
        assert_eq!(spec["type"], service.kind.value.as_str());
        assert_eq!(spec["clusterIP"], service.allocated.cluster_ip.unwrap().to_string());
        let ports: Vec<i64> =
            spec["ports"].as_array().unwrap().iter().map(|port| port["port"].as_i64().unwrap()).collect();
        assert_eq!(ports, service.ports.iter().map(|port| port.port.value).collect::<Vec<_>>());
        match service.allocated.external_ip {
            Some(external) => {
                assert_eq!(
                    document["metadata"]["annotations"]["metallb.universe.tf/loadBalancerIPs"],
                    external.to_string()
                );
            }
            None => assert_eq!(document["metadata"]["annotations"]["metallb.universe.tf/loadBalancerIPs"], Value::Null),
        }
        assert_eq!(spec["loadBalancerIP"], Value::Null, "deprecated: never written");
    }
}

/// The model holds what the file asked for: node addresses in order, pins kept, every
/// service addressed, a sharing group on one address.
fn assert_model_is_the_intent(device: &ValidDevice, network: &Network) {
    let kubernetes = network.kubernetes.as_ref().unwrap();
    let nodes: Vec<Option<Ipv4Addr>> = kubernetes.nodes.iter().map(|node| node.address).collect();
    let expected: Vec<Option<Ipv4Addr>> =
        (0..device.nodes as u32).map(|i| Some(ip(int(device.node_first) + i))).collect();
    assert_eq!(nodes, expected);
    assert_eq!(kubernetes.service_ips.map(|pool| pool.value), device.pool);
    assert_eq!(network.routes.len(), device.route_count);
    assert_eq!(network.services.len(), device.services.len());
    let mut group_addresses: BTreeMap<&str, Ipv4Addr> = BTreeMap::new();
    for (service, intent) in network.services.iter().zip(&device.services) {
        let cluster = service.allocated.cluster_ip.expect("every service has a cluster IP");
        if let Some(pin) = intent.cluster_pin {
            assert_eq!(cluster, pin);
        }
        assert_eq!(service.kind.value == ServiceType::LoadBalancer, intent.load_balancer);
        if intent.load_balancer {
            let external = service.allocated.external_ip.expect("every LoadBalancer has an external IP");
            if let Some(pin) = intent.external_pin {
                assert_eq!(external, pin);
            }
            if let Some(group) = &intent.share {
                assert_eq!(*group_addresses.entry(group).or_insert(external), external, "group {group} shares one IP");
            }
        }
    }
}

// ---- messy files: allocation against a naive reference -------------------------------------

/// A pin, as the messy generator places it.
#[derive(Debug, Clone)]
enum Pin {
    /// The `n`th address of the pool or CIDR (wrapping).
    Inside(u32),
    /// A reserved cluster IP, or the pool's first address.
    Edge(u8),
    Anywhere(u32),
}

fn pin() -> impl Strategy<Value = Option<Pin>> {
    prop::option::weighted(
        0.4,
        prop_oneof![
            any::<u32>().prop_map(Pin::Inside),
            any::<u8>().prop_map(Pin::Edge),
            any::<u32>().prop_map(Pin::Anywhere)
        ],
    )
}

type MessyService = (bool, Option<Pin>, Option<Pin>, Option<u8>);

/// A file with random pins (valid or not), sharing groups and tiny pools: the rules may
/// well complain, but allocation must still keep its promises.
fn messy_device() -> impl Strategy<Value = String> {
    (
        (24..=30u8, any::<u32>()),
        prop::option::of((any::<u8>(), 0..8u8)),
        any::<bool>(),
        prop::collection::vec((any::<bool>(), pin(), pin(), prop::option::of(0..3u8)), 0..24),
    )
        .prop_map(|((prefix, base), pool, iot_edge, services): (_, _, _, Vec<MessyService>)| {
            let cidr = Ipv4Net::new(ip(int(Ipv4Addr::new(172, 16, 0, 0)) + base % (1 << 20)), prefix).unwrap().trunc();
            let cidr_size = 1u32 << (32 - prefix);
            let pool = pool.map(|(start, length)| {
                let first = int(Ipv4Addr::new(192, 168, 10, 32)) + u32::from(start % 128);
                AddrRange::new(ip(first), ip(first + u32::from(length))).unwrap()
            });
            let place = |pin: &Pin, range: Option<AddrRange>, reserved: &[Ipv4Addr]| -> Ipv4Addr {
                match (pin, range) {
                    (Pin::Inside(n), Some(range)) => ip(int(range.first()) + n % range.size() as u32),
                    (Pin::Edge(n), _) if !reserved.is_empty() => reserved[usize::from(*n) % reserved.len()],
                    (Pin::Edge(_), Some(range)) => range.first(),
                    (Pin::Anywhere(n), _) => ip(*n),
                    (_, _) => ip(int(Ipv4Addr::new(192, 168, 10, 40))),
                }
            };
            let reserved: Vec<Ipv4Addr> = reserved_cluster_ips(cidr).into_iter().map(|(address, _)| address).collect();
            let mut text = format!(
                "{MESSY_HEAD}\n[kubernetes]\nnode_ips = \"192.168.10.20-192.168.10.22\"\nservice_cidr = \"{cidr}\"\n"
            );
            if let Some(pool) = pool {
                text += &format!("service_ips = \"{}-{}\"\n", pool.first(), pool.last());
            }
            if iot_edge {
                text += "iot_edge = true\n";
            }
            let cidr_range = Some(AddrRange::new(cidr.network(), ip(int(cidr.network()) + cidr_size - 1)).unwrap());
            for (index, (load_balancer, cluster_pin, external_pin, share)) in services.iter().enumerate() {
                text +=
                    &format!("\n[[services]]\nname = \"s{index}\"\nnamespace = \"shop\"\nports = [{{ port = 80 }}]\n");
                if *load_balancer {
                    text += "type = \"LoadBalancer\"\n";
                    if let Some(external_pin) = external_pin {
                        text += &format!("load_balancer_ip = \"{}\"\n", place(external_pin, pool, &[]));
                    }
                }
                if let Some(cluster_pin) = cluster_pin {
                    text += &format!("cluster_ip = \"{}\"\n", place(cluster_pin, cidr_range, &reserved));
                }
                if let Some(group) = share {
                    text += &format!("share_ip = \"g{group}\"\n");
                }
            }
            text
        })
}

const MESSY_HEAD: &str = r#"[device]
name = "messy"

[ports.Port2]
address = "10.200.0.20/24"
gateway = "10.200.0.1"

[ports.Port3]
address = "192.168.10.2/24"

[switches.vswitch-port3]
ports = ["Port3"]
compute = true
"#;

/// What a service was given: its cluster IP and its external IP.
type Given = (Option<Ipv4Addr>, Option<Ipv4Addr>);

/// The lowest address of `range` that is not `taken`, which it then is.
fn lowest_free(range: Option<AddrRange>, taken: &mut BTreeSet<Ipv4Addr>) -> Option<Ipv4Addr> {
    let range = range?;
    let found = (int(range.first())..=int(range.last())).map(ip).find(|address| !taken.contains(address))?;
    taken.insert(found);
    Some(found)
}

/// The allocation that docs/input-format.md describes, read literally: pins first, then every
/// unpinned service in file order takes the lowest free address; edgehub the lowest free
/// external IP before them; a `share_ip` group of LoadBalancers one address, its first pin if
/// it has one.
fn reference_allocation(network: &Network) -> (Vec<Given>, Option<Ipv4Addr>) {
    let kubernetes = network.kubernetes.as_ref().unwrap();
    let cidr = kubernetes.service_cidr.value.trunc();
    let mut taken: BTreeSet<Ipv4Addr> = reserved_cluster_ips(cidr).into_iter().map(|(address, _)| address).collect();
    taken.extend(network.services.iter().filter_map(|service| service.cluster_ip.map(|pin| pin.value)));
    let cluster: Vec<Option<Ipv4Addr>> = network
        .services
        .iter()
        .map(|service| match service.cluster_ip {
            Some(pin) => Some(pin.value),
            None => lowest_free(Some(AddrRange::of_net(cidr)), &mut taken),
        })
        .collect();

    let pool = kubernetes.service_ips.map(|pool| pool.value);
    let is_load_balancer = |service: &&asenet::model::Service| service.kind.value == ServiceType::LoadBalancer;
    let mut taken: BTreeSet<Ipv4Addr> = network
        .services
        .iter()
        .filter(is_load_balancer)
        .filter_map(|s| s.load_balancer_ip.map(|pin| pin.value))
        .collect();
    let mut groups: BTreeMap<String, Ipv4Addr> = BTreeMap::new();
    for service in network.services.iter().filter(is_load_balancer) {
        if let (Some(key), Some(pin)) = (&service.share_ip, service.load_balancer_ip) {
            groups.entry(key.value.clone()).or_insert(pin.value);
        }
    }
    let edgehub = if kubernetes.iot_edge.is_some() { lowest_free(pool, &mut taken) } else { None };
    let external = network
        .services
        .iter()
        .map(|service| {
            if !is_load_balancer(&service) {
                return None;
            }
            if let Some(pin) = service.load_balancer_ip {
                return Some(pin.value);
            }
            let Some(key) = &service.share_ip else { return lowest_free(pool, &mut taken) };
            if let Some(address) = groups.get(&key.value) {
                return Some(*address);
            }
            let address = lowest_free(pool, &mut taken)?;
            groups.insert(key.value.clone(), address);
            Some(address)
        })
        .collect::<Vec<_>>();
    (cluster.into_iter().zip(external).collect(), edgehub)
}

/// What each pool was asked and who got nothing, counted from the services after the fact:
/// distinct pins inside the pool (not reserved), one address per unpinned `share_ip` group
/// without a pinned member, one per other unpinned service, edgehub's, the modules' and VMs'.
fn reference_usage(network: &Network) -> (PoolUsage<ExternalDemand>, PoolUsage<ClusterDemand>) {
    let kubernetes = network.kubernetes.as_ref().unwrap();
    let pool = kubernetes.service_ips.map(|pool| pool.value);
    let load_balancers: Vec<(usize, &asenet::model::Service)> = network
        .services
        .iter()
        .enumerate()
        .filter(|(_, service)| service.kind.value == ServiceType::LoadBalancer)
        .collect();
    let pinned_keys: BTreeSet<&str> = load_balancers
        .iter()
        .filter(|(_, service)| service.load_balancer_ip.is_some())
        .filter_map(|(_, service)| service.share_ip.as_ref().map(|key| key.value.as_str()))
        .collect();
    let pins: BTreeSet<Ipv4Addr> = load_balancers
        .iter()
        .filter_map(|(_, service)| service.load_balancer_ip.map(|pin| pin.value))
        .filter(|pin| pool.is_some_and(|pool| pool.contains(*pin)))
        .collect();
    let unpinned = || load_balancers.iter().filter(|(_, service)| service.load_balancer_ip.is_none());
    let groups: BTreeSet<&str> = unpinned()
        .filter_map(|(_, service)| service.share_ip.as_ref().map(|key| key.value.as_str()))
        .filter(|key| !pinned_keys.contains(key))
        .collect();
    let edgehub_unserved = kubernetes.iot_edge.is_some() && kubernetes.edgehub_ip.is_none();
    let external = PoolUsage {
        capacity: pool.map_or(0, AddrRange::size),
        demand: ExternalDemand {
            edgehub: kubernetes.iot_edge.is_some(),
            iot_modules: kubernetes.iot_modules.map_or(0, |count| count.value as u64),
            vms: kubernetes.vms.map_or(0, |count| count.value as u64),
            pinned: pins.len() as u64,
            share_groups: groups.len() as u64,
            lone_services: unpinned().filter(|(_, service)| service.share_ip.is_none()).count() as u64,
        },
        unserved: edgehub_unserved
            .then_some(Claimant::Edgehub)
            .into_iter()
            .chain(
                load_balancers
                    .iter()
                    .filter(|(_, service)| service.allocated.external_ip.is_none())
                    .map(|(index, _)| Claimant::Service(*index)),
            )
            .collect(),
    };

    let cidr = kubernetes.service_cidr.value.trunc();
    let reserved: Vec<Ipv4Addr> = reserved_cluster_ips(cidr).into_iter().map(|(address, _)| address).collect();
    let asks = |service: &&asenet::model::Service| service.cluster_ip.is_none() && service.headless.is_none();
    let cluster = PoolUsage {
        capacity: AddrRange::of_net(cidr).size() - reserved.len() as u64,
        demand: ClusterDemand {
            pinned: network
                .services
                .iter()
                .filter_map(|service| service.cluster_ip.map(|pin| pin.value))
                .filter(|pin| cidr.contains(pin) && !reserved.contains(pin))
                .collect::<BTreeSet<_>>()
                .len() as u64,
            unpinned: network.services.iter().filter(asks).count() as u64,
        },
        unserved: (0..network.services.len())
            .filter(|&index| {
                let service = &network.services[index];
                asks(&service) && service.allocated.cluster_ip.is_none()
            })
            .map(Claimant::Service)
            .collect(),
    };
    (external, cluster)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn allocation_records_what_each_pool_was_asked_and_who_got_nothing(text in messy_device()) {
        let network = asenet::check(&text).network.unwrap();
        prop_assume!(network.kubernetes.is_some());
        let kubernetes = network.kubernetes.as_ref().unwrap();
        let (external, cluster) = reference_usage(&network);
        prop_assert_eq!(&kubernetes.external_pool, &external, "{}", text);
        prop_assert_eq!(&kubernetes.cluster_pool, &cluster, "{}", text);
        // Without modules and VMs, which are counted but not placed, a pool leaves someone
        // without an address exactly when it is asked for more than it holds.
        prop_assert_eq!(external.unserved.is_empty(), external.demand.total() <= external.capacity, "{}", text);
        prop_assert_eq!(cluster.unserved.is_empty(), cluster.demand.total() <= cluster.capacity, "{}", text);
    }

    #[test]
    fn allocation_is_the_reference_and_never_hands_out_a_reserved_or_taken_address(text in messy_device()) {
        let network = asenet::check(&text).network.unwrap();
        prop_assume!(network.kubernetes.is_some());
        invariants::allocation(&network);
        let (expected, edgehub) = reference_allocation(&network);
        let given: Vec<Given> =
            network.services.iter().map(|service| (service.allocated.cluster_ip, service.allocated.external_ip)).collect();
        prop_assert_eq!(given, expected, "{}", text);
        prop_assert_eq!(network.kubernetes.as_ref().unwrap().edgehub_ip, edgehub);
    }

    #[test]
    fn valid_devices_check_clean_and_the_same_every_time(device in valid_device()) {
        let checked = asenet::check(&device.text);
        prop_assert!(checked.diagnostics.is_empty(), "{}\n{:#?}", device.text, checked.diagnostics);
        prop_assert_eq!(&asenet::check(&device.text).diagnostics, &checked.diagnostics);
        invariants::check_everything(device.text.as_bytes());
    }

    #[test]
    fn artifacts_read_back_say_what_the_model_says(device in valid_device()) {
        let network = asenet::check(&device.text).network.unwrap();
        assert_model_is_the_intent(&device, &network);
        let built = asenet::build(&device.text, &PreviousManifest::default()).unwrap();
        assert_artifacts_say_what_the_model_says(&network, &built.files);
        let again = asenet::build(&device.text, &PreviousManifest::default()).unwrap();
        prop_assert_eq!(again.files, built.files, "byte-identical");
    }
}

/// The invariants hold on every device file of the repository, clean or broken: the seeds
/// of the fuzz targets.
#[test]
fn every_file_of_the_repository_holds_the_invariants() {
    let files = crate::support::repository_files(&["examples", "tests"], "toml");
    for path in &files {
        invariants::check_everything(&std::fs::read(path).unwrap());
    }
    assert!(files.len() > 150, "{} files", files.len());
}
