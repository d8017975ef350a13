//! A deterministic, seeded generator of large device files for benchmarks: N custom routes,
//! N/10 services and ranges big enough for them, valid by construction (every rule runs its
//! happy path, `asenet check` reports nothing), or with about 1% injected conflicts.
//!
//! Shared by `bench/scale.rs`, the tests and the `generate` example
//! (`cargo run --release -p asenet-bench --example generate -- 100000 > big.toml`). Valid
//! for up to about 270,000 routes (node ports and pins run out beyond).

use std::fmt::Write;
use std::net::Ipv4Addr;

use super::random::SplitMix64;

/// What to generate.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    pub routes: usize,
    /// Inject conflicts into 1% of the routes (next hops off-link, destinations repeated)
    /// and 1% of the services (two pins of one external IP without a sharing key).
    pub conflicts: bool,
    pub seed: u64,
}

impl Shape {
    pub fn valid(routes: usize) -> Self {
        Shape { routes, conflicts: false, seed: 42 }
    }

    pub fn with_conflicts(routes: usize) -> Self {
        Shape { routes, conflicts: true, seed: 42 }
    }

    pub fn services(self) -> usize {
        self.routes / 10
    }
}

/// The device: a one-node pro-gpu with an uplink on Port2 and compute on Port3, whose /16
/// subnet holds the node IPs (192.168.1.1-2) and a pool of external IPs big enough for
/// every LoadBalancer service and edgehub (192.168.16.1-192.168.127.254); unpinned
/// services take its low end, pins sit from 192.168.100.1 up. Every optional section is
/// there (MTU, IoT Edge, cluster domain, `[lint]`) so that every rule has something to judge.
const HEADER: &str = r#"[device]
name = "bench"
model = "pro-gpu"
nodes = 1
domain = "bench.example.com"

[ports.Port1]
address = "172.16.250.10/24"

[ports.Port2]
address = "10.250.2.20/24"
gateway = "10.250.2.1"
dns = ["10.250.2.53"]

[ports.Port3]
address = "192.168.0.20/16"
mtu = 1500

[switches.vswitch-port3]
ports = ["Port3"]
compute = true

[kubernetes]
node_ips = "192.168.1.1-192.168.1.2"
service_ips = "192.168.16.1-192.168.127.254"
pod_cidr = "172.27.0.0/16"
service_cidr = "172.28.0.0/16"
cluster_domain = "cluster.local"
iot_edge = true

[lint]
deny = ["ASE202"]
"#;

pub fn device_file(shape: Shape) -> String {
    let mut random = SplitMix64::new(shape.seed);
    let mut out = String::with_capacity(shape.routes * 110 + shape.services() * 200 + HEADER.len());
    out.push_str(HEADER);
    for index in 0..shape.services() {
        write_service(&mut out, index, shape, &mut random);
    }
    for (index, route) in routes(shape).enumerate() {
        write_route(&mut out, index, &route);
    }
    out
}

/// The `k`th address from `base`, skipping each /24's `.0` and `.251`-`.255`.
fn nth_host(base: [u8; 4], k: usize) -> Ipv4Addr {
    Ipv4Addr::from(u32::from(Ipv4Addr::from(base)) + (k / 250 * 256 + k % 250 + 1) as u32)
}

/// Services come in tens. Even ones are LoadBalancers, odd ones ClusterIP. In each ten:
/// 0 has a hostname in the site zone; 2 (TCP) and 4 (UDP) share one IP, as
/// docs/device-facts.md#shared-ips advises; 6 has a node port; 7 pins its cluster IP; 8 pins its
/// external IP. A third have a target port. With conflicts, 98 of each hundred pins the external IP
/// of 88.
fn write_service(out: &mut String, index: usize, shape: Shape, random: &mut SplitMix64) {
    let slot = index % 10;
    let load_balancer = slot.is_multiple_of(2);
    let kind = if load_balancer { "LoadBalancer" } else { "ClusterIP" };
    let protocol = if slot == 4 { "UDP" } else { "TCP" };
    let port = 1024 + random.below(50_000);
    let _ = write!(
        out,
        "\n[[services]]\nname = \"svc-{index:06}\"\nnamespace = \"team-{:02}\"\ntype = \"{kind}\"\nports = [{{ port = {port}, protocol = \"{protocol}\"",
        index % 20
    );
    if index.is_multiple_of(3) {
        let _ = write!(out, ", target_port = {}", 8000 + random.below(1000));
    }
    if slot == 6 {
        // 30000-32767 less 31000 and 31001 (see docs/device-facts.md#reserved-addresses), one per
        // service.
        let offset = index / 10;
        let _ = write!(out, ", node_port = {}", 30_000 + offset + if offset >= 1000 { 2 } else { 0 });
    }
    out.push_str(" }]\n");
    match slot {
        0 => {
            let _ = writeln!(out, "hostname = \"app-{index:06}\"");
        }
        2 | 4 => {
            let _ = writeln!(out, "share_ip = \"pair-{}\"", index / 10);
        }
        7 => {
            let _ = writeln!(out, "cluster_ip = \"{}\"", nth_host([172, 28, 200, 0], index / 10));
        }
        8 => {
            let pinned = if shape.conflicts && index % 100 == 98 { index - 10 } else { index };
            let _ = writeln!(out, "load_balancer_ip = \"{}\"", nth_host([192, 168, 100, 0], pinned / 10));
        }
        _ => {}
    }
}

/// One custom route.
pub struct Route {
    pub destination: Ipv4Addr,
    pub prefix_len: u8,
    pub next_hop: Ipv4Addr,
    /// `None` keeps the default metric.
    pub metric: Option<u64>,
}

/// Route `index` goes to the `index`th /28 of 10.0.0.0/8 through one of fifty routers on
/// Port3's subnet; a fifth keep the default metric. With conflicts, the last route of each
/// hundred repeats its predecessor's destination (ASE206) or, every other hundred, has a
/// next hop off Port3's subnet (ASE203). The routes draw from their own random stream, so
/// the netplan file gets the same ones.
pub fn routes(shape: Shape) -> impl Iterator<Item = Route> {
    let mut random = SplitMix64::new(shape.seed ^ 0x0005_eed0_f00d_0a7e);
    (0..shape.routes).map(move |index| {
        let conflict = shape.conflicts && index % 100 == 99;
        let repeat = conflict && (index / 100).is_multiple_of(2);
        let off_link = conflict && !repeat;
        let block = if repeat { index - 1 } else { index };
        let router = 100 + random.below(50) as u8;
        let metric = 10 + random.below(200);
        Route {
            destination: Ipv4Addr::from((10u32 << 24) + (block as u32) * 16),
            prefix_len: 28,
            next_hop: if off_link { Ipv4Addr::new(10, 250, 3, 1) } else { Ipv4Addr::new(192, 168, 0, router) },
            metric: (!index.is_multiple_of(5)).then_some(metric),
        }
    })
}

/// A tenth of the routes say `target = "kubernetes"`, the default.
fn write_route(out: &mut String, index: usize, route: &Route) {
    let Route { destination, prefix_len, next_hop, metric } = route;
    let _ = write!(
        out,
        "\n[[routes]]\ninterface = \"Port3\"\ndestination = \"{destination}/{prefix_len}\"\nnext_hop = \"{next_hop}\"\n"
    );
    if let Some(metric) = metric {
        let _ = writeln!(out, "metric = {metric}");
    }
    if index % 10 == 3 {
        out.push_str("target = \"kubernetes\"\n");
    }
}

/// The same routes for netplan (`netplan generate`), on one ethernet with Port3's address:
/// the nearest peer's view of the same work.
pub fn netplan_file(shape: Shape) -> String {
    let mut out = String::with_capacity(shape.routes * 80 + 200);
    out.push_str(
        "network:\n  version: 2\n  renderer: networkd\n  ethernets:\n    eth1:\n      addresses: [192.168.0.20/16]\n      routes:\n",
    );
    for Route { destination, prefix_len, next_hop, metric } in routes(shape) {
        let _ = writeln!(out, "        - to: {destination}/{prefix_len}\n          via: {next_hop}");
        if let Some(metric) = metric {
            let _ = writeln!(out, "          metric: {metric}");
        }
    }
    out
}
