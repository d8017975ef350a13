//! The cluster's own objects: `kubectl get services,ipaddresspools.metallb.io,
//! l2advertisements.metallb.io,bgppeers.metallb.io,bgpadvertisements.metallb.io -A -o json`,
//! a `v1` `List`. The user's services, with the cluster IP and external IP they hold now
//! pinned (an import must reproduce today's addresses, never let allocation move them), and
//! MetalLB's BGP peers. The device's own namespaces (`model::RESERVED_NAMESPACES`) are the
//! device's, not the user's: their services are left out.

use std::net::Ipv4Addr;

use serde_json::Value;

use super::device::Device;
use super::json::{Node, Reader};
use crate::model::{Keyword, Protocol, RESERVED_NAMESPACES, ServiceType};
use crate::resolve::values::{label_key_problem, label_value_problem};

pub(super) struct Cluster {
    /// Sorted by namespace and name.
    pub services: Vec<Service>,
    pub bgp_peers: Vec<BgpPeer>,
}

pub(super) struct Service {
    pub namespace: String,
    pub name: String,
    pub kind: ServiceType,
    pub ports: Vec<Port>,
    pub cluster_ip: Option<ClusterIp>,
    pub load_balancer_ip: Option<Ipv4Addr>,
    pub share_ip: Option<String>,
    pub selector: Vec<(String, String)>,
}

pub(super) enum ClusterIp {
    Headless,
    Address(Ipv4Addr),
}

pub(super) struct Port {
    pub port: i64,
    pub protocol: Protocol,
    pub target_port: Option<TargetPort>,
    pub node_port: Option<i64>,
}

pub(super) enum TargetPort {
    Number(i64),
    Name(String),
}

pub(super) struct BgpPeer {
    pub switch: String,
    pub peer_address: Ipv4Addr,
    pub peer_asn: i64,
    pub self_asn: i64,
    pub hold_time: Option<i64>,
}

/// MetalLB's sharing key, in its old and its new spelling.
const SHARING_ANNOTATIONS: &[&str] = &["metallb.universe.tf/allow-shared-ip", "metallb.io/allow-shared-ip"];

/// `device`: the configuration export as read, when it could be (services need its
/// `[kubernetes]`, BGP peers its compute switch).
pub(super) fn read(value: &Value, device: Option<&Device>, reader: &mut Reader<'_>) -> Option<Cluster> {
    let root = Node::root(value);
    let what = "the `v1` `List` that `kubectl get ... -A -o json` writes";
    reader.object(&root, what, &["apiVersion", "kind", "items", "metadata"])?;
    if root.key("kind").value.and_then(Value::as_str) != Some("List") {
        reader.problem(&root.key("kind"), format!("expected `List`: {what}"));
        return None;
    }
    let mut services = Vec::new();
    let mut bgp_peers = Vec::new();
    let mut pools = Vec::new();
    let mut valid = true;
    for item in reader.items(&root.key("items"), "the objects, an array") {
        let Some(_) = reader.members(&item, "a Kubernetes object") else {
            valid = false;
            continue;
        };
        let kind = item.key("kind").value.and_then(Value::as_str).unwrap_or("");
        let read = match kind {
            "Service" => read_service(&item, reader).map(|service| services.extend(service)),
            "BGPPeer" => read_bgp_peer(&item, device, reader).map(|peer| bgp_peers.extend(peer)),
            "IPAddressPool" => read_pool(&item, reader).map(|pool| pools.push((item.clone(), pool))),
            // Which pools MetalLB announces, and how: the device file has one pool, announced
            // over BGP when there are peers and over layer 2 otherwise.
            "L2Advertisement" | "BGPAdvertisement" => Some(()),
            _ => {
                let why = format!("{}: a {} is not a Service or one of MetalLB's objects", object_name(&item), kind);
                reader.not_imported(&item, why);
                Some(())
            }
        };
        valid &= read.is_some();
    }
    let service_ips =
        device.and_then(|device| device.kubernetes.as_ref()).and_then(|kubernetes| kubernetes.service_ips);
    for (item, ranges) in pools {
        if ranges != service_ips.into_iter().collect::<Vec<_>>() {
            let why = format!(
                "{}: a MetalLB pool other than the device's external service IPs (`service_ips`, from the compute \
                 switch's `KubernetesServiceIPs`): the device file has that one pool",
                object_name(&item)
            );
            reader.not_imported(&item, why);
        }
    }
    if let Some(device) = device
        && device.kubernetes.is_none()
        && let Some(first) = services.first()
    {
        reader.problem(
            &root.key("items"),
            format!(
                "service `{}/{}`, but the configuration export has no Kubernetes node IPs: a device file's services \
                 need `[kubernetes]`",
                first.namespace, first.name
            ),
        );
        valid = false;
    }
    services.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    for pair in services.windows(2) {
        if (&pair[0].namespace, &pair[0].name) == (&pair[1].namespace, &pair[1].name) {
            reader.problem(
                &root.key("items"),
                format!("service `{}/{}` is listed twice", pair[0].namespace, pair[0].name),
            );
            valid = false;
        }
    }
    valid.then_some(Cluster { services, bgp_peers })
}

/// `namespace/name` of a Kubernetes object, for messages.
fn object_name(item: &Node<'_>) -> String {
    let metadata = item.key("metadata");
    let text = |key: &str| metadata.key(key).value.and_then(Value::as_str).map(str::to_owned);
    match (text("namespace"), text("name")) {
        (Some(namespace), Some(name)) => format!("{namespace}/{name}"),
        (None, Some(name)) => name,
        _ => "an object without a name".to_owned(),
    }
}

/// A Service: `None` after a problem; `Some(None)` when it is left out (the device's own, or
/// a kind the device file has not).
fn read_service(item: &Node<'_>, reader: &mut Reader<'_>) -> Option<Option<Service>> {
    let metadata = item.key("metadata");
    reader.members(&metadata, "the service's metadata (an object)")?;
    let name = reader.string(&metadata.key("name"), "the service's name")?;
    let namespace = reader.optional_string(&metadata.key("namespace"), "the service's namespace")?.unwrap_or("default");
    if RESERVED_NAMESPACES.contains(&namespace) {
        if namespace == "iotedge" && name == "edgehub" {
            reader.not_imported(
                item,
                "iotedge/edgehub, IoT Edge's own service: set `iot_edge = true` in `[kubernetes]` by hand (its \
                 external IP is allocated, not pinned)",
            );
        }
        return Some(None);
    }
    let spec = item.key("spec");
    reader.members(&spec, "the service's spec (an object)")?;
    let kind = match reader.optional_string(&spec.key("type"), "the service's type")?.unwrap_or("ClusterIP") {
        "ExternalName" => {
            reader.not_imported(
                item,
                format!("{namespace}/{name}: an ExternalName service: the device file's services have addresses"),
            );
            return Some(None);
        }
        word => match ServiceType::ALL.iter().find(|kind| kind.as_str() == word) {
            Some(kind) => *kind,
            None => {
                reader.unexpected(&spec.key("type"), "ClusterIP, NodePort or LoadBalancer", word, None);
                return None;
            }
        },
    };
    for key in ["externalIPs", "loadBalancerSourceRanges"] {
        let node = spec.key(key);
        if node.value.and_then(Value::as_array).is_some_and(|items| !items.is_empty()) {
            reader.not_imported(&node, "a service field the device file has no key for");
        }
    }
    let port_nodes = reader.items(&spec.key("ports"), "the service's ports, an array");
    if port_nodes.is_empty() {
        reader.not_imported(
            item,
            format!("{namespace}/{name}: a service without ports: the device file's services have at least one"),
        );
        return Some(None);
    }
    let ports: Vec<Option<Port>> = port_nodes.iter().map(|port| read_port(port, reader)).collect();
    let cluster_ip = read_cluster_ip(&spec.key("clusterIP"), reader);
    if let (Some(Some(ClusterIp::Headless)), ServiceType::NodePort | ServiceType::LoadBalancer) = (&cluster_ip, kind) {
        reader.problem(&spec.key("clusterIP"), format!("a {} service cannot be headless (`None`)", kind.as_str()));
        return None;
    }
    let load_balancer_ip = if kind == ServiceType::LoadBalancer { read_ingress(item, reader) } else { Some(None) };
    let share_ip = read_sharing_key(&metadata.key("annotations"), reader);
    let selector = read_selector(&spec.key("selector"), reader);
    Some(Some(Service {
        namespace: namespace.to_owned(),
        name: name.to_owned(),
        kind,
        ports: ports.into_iter().collect::<Option<_>>()?,
        cluster_ip: cluster_ip?,
        load_balancer_ip: load_balancer_ip?,
        share_ip: share_ip?,
        selector: selector?,
    }))
}

fn read_port(node: &Node<'_>, reader: &mut Reader<'_>) -> Option<Port> {
    reader.members(node, "a service port (an object)")?;
    let port = reader.integer(&node.key("port"), "the port number");
    let protocol = match reader.optional_string(&node.key("protocol"), "the protocol")? {
        None => Some(Protocol::Tcp),
        Some(word) => {
            let found = Protocol::ALL.iter().find(|protocol| protocol.as_str() == word).copied();
            if found.is_none() {
                reader.unexpected(&node.key("protocol"), "TCP, UDP or SCTP", word, None);
            }
            found
        }
    };
    let target = node.key("targetPort");
    let target_port = match target.value {
        None | Some(Value::Null) => Some(None),
        Some(Value::String(name)) => Some(Some(TargetPort::Name(name.clone()))),
        Some(_) => {
            reader.integer(&target, "the target port (or a port's name)").map(|number| Some(TargetPort::Number(number)))
        }
    };
    let node_port_node = node.key("nodePort");
    let node_port =
        if node_port_node.is_null() { Some(None) } else { reader.integer(&node_port_node, "the node port").map(Some) };
    Some(Port { port: port?, protocol: protocol?, target_port: target_port?, node_port: node_port? })
}

/// `spec.clusterIP`: `None` (headless), an address, or absent; an IPv6 address is not
/// imported (the device file is IPv4 only).
fn read_cluster_ip(node: &Node<'_>, reader: &mut Reader<'_>) -> Option<Option<ClusterIp>> {
    match reader.optional_string(node, "the cluster IP")? {
        None | Some("") => Some(None),
        Some("None") => Some(Some(ClusterIp::Headless)),
        Some(text) if text.parse::<std::net::Ipv6Addr>().is_ok() => {
            reader.not_imported(node, "an IPv6 cluster IP: the device file is IPv4 only");
            Some(None)
        }
        Some(_) => reader.address(node, "the cluster IP").map(|address| Some(ClusterIp::Address(address))),
    }
}

/// The external IP a LoadBalancer service holds now: `status.loadBalancer.ingress[].ip`.
fn read_ingress(item: &Node<'_>, reader: &mut Reader<'_>) -> Option<Option<Ipv4Addr>> {
    let ingress = item.key("status").key("loadBalancer").key("ingress");
    let mut found = None;
    for entry in reader.items(&ingress, "the service's external addresses, an array") {
        let ip = entry.key("ip");
        if ip.is_null() {
            continue;
        }
        let text = reader.string(&ip, "an external IP")?;
        if text.parse::<std::net::Ipv6Addr>().is_ok() {
            reader.not_imported(&ip, "an IPv6 external IP: the device file is IPv4 only");
            continue;
        }
        let address = reader.address(&ip, "the service's external IP")?;
        if found.is_some() {
            reader.not_imported(&ip, "a second external IP: a device file's service has one");
        } else {
            found = Some(address);
        }
    }
    Some(found)
}

fn read_sharing_key(annotations: &Node<'_>, reader: &mut Reader<'_>) -> Option<Option<String>> {
    if annotations.is_null() {
        return Some(None);
    }
    reader.members(annotations, "the service's annotations (an object)")?;
    for key in SHARING_ANNOTATIONS {
        if let Some(value) = reader.optional_string(&annotations.key(key), "MetalLB's sharing key")? {
            return Some(Some(value.to_owned()));
        }
    }
    Some(None)
}

/// `spec.selector`, each key and value as Kubernetes validates labels (what the device file
/// accepts).
fn read_selector(node: &Node<'_>, reader: &mut Reader<'_>) -> Option<Vec<(String, String)>> {
    if node.is_null() {
        return Some(Vec::new());
    }
    let members = reader.members(node, "the service's selector (an object of strings)")?;
    let mut selector = Vec::new();
    let mut valid = true;
    for key in members.keys() {
        let value_node = node.key(key);
        let Some(value) = reader.string(&value_node, "a label's value") else {
            valid = false;
            continue;
        };
        if let Some(problem) = label_key_problem(key).or_else(|| label_value_problem(value)) {
            reader.problem(&value_node, format!("expected a Kubernetes label: {problem}"));
            valid = false;
            continue;
        }
        selector.push((key.clone(), value.to_owned()));
    }
    valid.then_some(selector)
}

/// An `IPAddressPool`'s `spec.addresses`, as ranges.
fn read_pool(item: &Node<'_>, reader: &mut Reader<'_>) -> Option<Vec<(Ipv4Addr, Ipv4Addr)>> {
    let addresses = item.key("spec").key("addresses");
    let mut ranges = Vec::new();
    for entry in reader.items(&addresses, "the pool's addresses, an array") {
        let text = reader.string(&entry, "a range")?;
        match text.split_once('/') {
            Some((address, length)) => {
                let (Ok(address), Ok(length)) = (address.trim().parse::<Ipv4Addr>(), length.trim().parse::<u32>())
                else {
                    reader.not_imported(&entry, "a pool range asenet cannot read (IPv6?)");
                    continue;
                };
                let Some(host_mask) = u32::MAX.checked_shr(length) else {
                    reader.not_imported(&entry, "a pool range asenet cannot read");
                    continue;
                };
                let first = u32::from(address) & !host_mask;
                ranges.push((Ipv4Addr::from(first), Ipv4Addr::from(first | host_mask)));
            }
            None => match reader.range(&entry, "a pool range") {
                Some(range) => ranges.push(range),
                None => return None,
            },
        }
    }
    Some(ranges)
}

/// A `BGPPeer`: on the compute switch (where `Set-HcsBGPPeer` puts them).
fn read_bgp_peer(item: &Node<'_>, device: Option<&Device>, reader: &mut Reader<'_>) -> Option<Option<BgpPeer>> {
    let spec = item.key("spec");
    reader.members(&spec, "the peer's spec (an object)")?;
    let peer_address = reader.address(&spec.key("peerAddress"), "the peer's address");
    let peer_asn = reader.integer(&spec.key("peerASN"), "the peer's AS number");
    let self_asn = reader.integer(&spec.key("myASN"), "the device's AS number");
    let hold_node = spec.key("holdTime");
    let hold_time = match reader.optional_string(&hold_node, "the hold time, a duration like `90s`")? {
        None => Some(None),
        Some(text) => match duration_seconds(text) {
            Ok(seconds) => Some(Some(seconds)),
            Err(why) => {
                reader.unexpected(&hold_node, "a hold time like `90s` or `1m30s`", text, Some(why));
                None
            }
        },
    };
    let switch = match device {
        None => None,
        Some(device) => match device.switches.iter().find(|switch| switch.compute) {
            Some(switch) => Some(switch.name.clone()),
            None => {
                reader.problem(item, "a BGP peer, but the configuration export has no switch with compute: the device's peers are on the compute switch");
                None
            }
        },
    };
    Some(Some(BgpPeer {
        switch: switch?,
        peer_address: peer_address?,
        peer_asn: peer_asn?,
        self_asn: self_asn?,
        hold_time: hold_time?,
    }))
}

/// A Go duration (`90s`, `1m30s`, `1.5m`, `0`) in whole seconds, as MetalLB's `holdTime` is
/// written.
pub(super) fn duration_seconds(text: &str) -> Result<i64, &'static str> {
    if text == "0" {
        return Ok(0);
    }
    if text.starts_with('-') {
        return Err("a negative duration");
    }
    let text = text.strip_prefix('+').unwrap_or(text);
    let mut nanoseconds: u128 = 0;
    let mut rest = text;
    if rest.is_empty() {
        return Err("an empty duration");
    }
    while !rest.is_empty() {
        let number_end = rest.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(rest.len());
        let (number, after) = rest.split_at(number_end);
        let unit_end = after.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(after.len());
        let (unit, next) = after.split_at(unit_end);
        let scale: u128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            "" => return Err("a number without a unit (s, m, h)"),
            _ => return Err("a unit that is not ns, us, ms, s, m or h"),
        };
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        if whole.is_empty() && fraction.is_empty() {
            return Err("a unit without a number");
        }
        if whole.len() > 20 || fraction.len() > 9 {
            return Err("a number too long for a hold time");
        }
        let whole: u128 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| "not a number")? };
        let fraction_value: u128 =
            if fraction.is_empty() { 0 } else { fraction.parse().map_err(|_| "not a number")? };
        let fraction_scale = 10u128.pow(u32::try_from(fraction.len()).unwrap_or(9));
        nanoseconds = nanoseconds
            .checked_add(whole.checked_mul(scale).ok_or("too long")?)
            .and_then(|total| total.checked_add(fraction_value * scale / fraction_scale))
            .ok_or("too long")?;
        rest = next;
    }
    if !nanoseconds.is_multiple_of(1_000_000_000) {
        return Err("not a whole number of seconds");
    }
    i64::try_from(nanoseconds / 1_000_000_000).map_err(|_| "too long")
}

#[cfg(test)]
mod tests {
    use super::duration_seconds;

    #[test]
    fn hold_times_are_go_durations_in_whole_seconds() {
        assert_eq!(duration_seconds("90s"), Ok(90));
        assert_eq!(duration_seconds("1m30s"), Ok(90));
        assert_eq!(duration_seconds("1.5m"), Ok(90));
        assert_eq!(duration_seconds("0"), Ok(0));
        assert_eq!(duration_seconds("0s"), Ok(0));
        assert_eq!(duration_seconds("1h"), Ok(3600));
        assert_eq!(duration_seconds("3000ms"), Ok(3));
        assert!(duration_seconds("1500ms").is_err());
        assert!(duration_seconds("90").is_err());
        assert!(duration_seconds("-90s").is_err());
        assert!(duration_seconds("s").is_err());
        assert!(duration_seconds("").is_err());
        assert!(duration_seconds("1d").is_err());
        assert!(duration_seconds("99999999999999999999999h").is_err());
    }
}
