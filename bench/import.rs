//! The import benchmark: a fleet of N seeded device exports (`Get-DeviceConfiguration |
//! To-json` as Windows PowerShell 5.1 writes it, UTF-16LE; one in four a two-node device),
//! imported with `asenet::import::import`, then the N device files it writes checked with
//! `asenet::check`, each timed in this process (the median of 5 runs, one thread).
//!
//! `cargo run --locked --release -p asenet-bench --example import -- 1000 [DIR]`; with DIR,
//! the exports are also written there (`NNNN.config.json`) for `bench/import.sh`, which
//! times the binary: `asenet import` once per export against one `asenet check` of the files.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use asenet::import::{Inputs, Sources, import};
use asenet::testing::random::SplitMix64;
use mimalloc::MiMalloc;

/// The allocator `asenet` runs with (compiler/main.rs).
#[global_allocator]
static GLOBAL: MiMalloc = MiMalloc;

fn interface(
    out: &mut String,
    port: u8,
    node: &str,
    dhcp: bool,
    address: Option<(String, &str)>,
    gateway: Option<&str>,
) {
    let ipv4 = match address {
        Some((address, mask)) => format!(
            "{{\"address\": \"{address}\", \"subnetMask\": \"{mask}\", \"gateway\": {}}}",
            gateway.map_or("null".to_owned(), |gateway| format!("\"{gateway}\""))
        ),
        None => "null".to_owned(),
    };
    let dns = if gateway.is_some() { "[\"10.0.0.53\"]" } else { "null" };
    let _ = write!(
        out,
        "{{\"name\": \"Port{port}\", \"nodeName\": \"{node}\", \"nodeId\": \"00000000-0000-4000-8000-000000000000\", \
         \"isDhcpEnabled\": {dhcp}, \"iPv4\": {ipv4}, \"iPv6\": null, \"dnsServerAddresses\": {dns}, \
         \"dnsSuffix\": null, \"routes\": null, \"ipConfigType\": \"IP\"}}"
    );
}

/// The `index`th device's export, as UTF-16LE with a byte order mark.
fn export(index: usize, random: &mut SplitMix64) -> Vec<u8> {
    let two_node = index % 4 == 3;
    let nodes: Vec<String> =
        (0..if two_node { 2 } else { 1 }).map(|node| format!("N{index:05}{}", char::from(b'A' + node))).collect();
    let (a, b) = (index >> 8, index & 255);
    let mut interfaces = Vec::new();
    for port in 1..=6u8 {
        for (node_index, node) in nodes.iter().enumerate() {
            let host = 10 + node_index;
            let mut entry = String::new();
            match port {
                1 => {
                    interface(&mut entry, port, node, false, Some(("192.168.100.10".to_owned(), "255.255.255.0")), None)
                }
                2 => interface(
                    &mut entry,
                    port,
                    node,
                    false,
                    Some((format!("10.{a}.{b}.{host}"), "255.255.255.0")),
                    Some("10.0.0.1"),
                ),
                3 => interface(
                    &mut entry,
                    port,
                    node,
                    false,
                    Some((format!("172.16.{}.{host}", b), "255.255.255.0")),
                    None,
                ),
                _ => interface(
                    &mut entry,
                    port,
                    node,
                    true,
                    Some((format!("192.168.{port}.{}", 20 + random.below(200)), "255.255.255.0")),
                    None,
                ),
            }
            interfaces.push(entry);
        }
    }
    // The gateway on Port2 names the device's own uplink.
    let interfaces =
        interfaces.join(", ").replace("\"gateway\": \"10.0.0.1\"", &format!("\"gateway\": \"10.{a}.{b}.1\""));
    let pools = format!(
        "[{{\"name\": \"KubernetesNodeIPs\", \"ipAddressRange\": \"172.16.{b}.30-172.16.{b}.32\"}}, \
         {{\"name\": \"KubernetesServiceIPs\", \"ipAddressRange\": \"172.16.{b}.40-172.16.{b}.59\"}}]"
    );
    let switches = format!(
        "[{{\"name\": \"vswitch-port3\", \"interfaces\": [\"Port3\"], \"enabledForCompute\": true, \
         \"enabledForStorage\": false, \"enabledForMgmt\": false, \"supportsAcceleratedNetworking\": false, \
         \"enableEmbeddedTeaming\": false, \"ipAddressPools\": {pools}, \"mtu\": 1500}}, \
         {{\"name\": \"vswitch-port2\", \"interfaces\": [\"Port2\"], \"enabledForCompute\": false, \
         \"enabledForStorage\": false, \"enabledForMgmt\": true, \"supportsAcceleratedNetworking\": false, \
         \"enableEmbeddedTeaming\": false, \"ipAddressPools\": [], \"mtu\": 1500}}]"
    );
    let networks: Vec<String> = (0..2)
        .map(|vlan| {
            format!(
                "{{\"name\": \"vnet-{vlan}\", \"vSwitchName\": \"vswitch-port3\", \"vlanId\": {}, \"subnetMask\": \
                 \"255.255.255.0\", \"gateway\": \"10.{}.{b}.1\", \"network\": \"10.{}.{b}.0/24\", \
                 \"enabledForKubernetes\": true, \"ipAddressPools\": [{{\"name\": \"VirtualMachineIPs\", \
                 \"ipAddressRange\": \"10.{}.{b}.100-10.{}.{b}.149\"}}]}}",
                100 + vlan,
                200 + vlan,
                200 + vlan,
                200 + vlan,
                200 + vlan
            )
        })
        .collect();
    let node_list: Vec<String> = nodes
        .iter()
        .map(|node| format!("{{\"id\": \"00000000-0000-4000-8000-000000000000\", \"name\": \"{node}\"}}"))
        .collect();
    let text = format!(
        "{{\"device\": {{\"deviceInfo\": {{\"model\": \"Azure Stack Edge\", \"softwareVersion\": \"3.2.2642.2453\", \
         \"serialNumber\": \"{}\", \"isActivated\": true, \"nodes\": [{}]}}, \"deviceEndpoint\": {{\"name\": \
         \"store{index:05}\", \"dnsDomain\": \"stores.contoso.com\"}}, \"encryptionAtRestKeys\": null, \"network\": \
         {{\"dhcpPolicy\": \"AttemptRenew\", \"interfaces\": [{interfaces}], \"vSwitches\": {switches}, \
         \"virtualNetworks\": [{}]}}, \"time\": {{\"timeZone\": \"UTC\"}}, \"update\": {{\"serverType\": \"None\"}}, \
         \"webProxy\": {{\"isEnabled\": false, \"password\": null}}}}}}\r\n",
        nodes[0],
        node_list.join(", "),
        networks.join(", ")
    );
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().and_then(|count| count.parse().ok()).unwrap_or(1000);
    let dir = args.next();
    let mut random = SplitMix64::new(1000);
    let exports: Vec<Vec<u8>> = (0..count).map(|index| export(index, &mut random)).collect();
    if let Some(dir) = &dir {
        std::fs::create_dir_all(dir).expect("the export directory");
        for (index, bytes) in exports.iter().enumerate() {
            std::fs::write(format!("{dir}/{index:05}.config.json"), bytes).expect("an export");
        }
    }
    let run_import = || -> Vec<String> {
        exports
            .iter()
            .map(|bytes| {
                let inputs = Inputs {
                    device: bytes,
                    vip: None,
                    cluster: None,
                    model: None,
                    name: None,
                    sources: Sources { device: "config.json", vip: None, cluster: None },
                };
                import(&inputs).unwrap_or_else(|problems| panic!("{problems:?}")).text
            })
            .collect()
    };
    let files = run_import();
    let errors: usize = files.iter().filter(|text| asenet::check(text).has_errors()).count();
    let input_bytes: usize = exports.iter().map(Vec::len).sum();
    let output_bytes: usize = files.iter().map(String::len).sum();
    let mut import_runs = Vec::new();
    let mut check_runs = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        std::hint::black_box(run_import());
        import_runs.push(start.elapsed());
        let start = Instant::now();
        for text in &files {
            std::hint::black_box(asenet::check(text));
        }
        check_runs.push(start.elapsed());
    }
    let (import_time, check_time) = (median(import_runs), median(check_runs));
    println!(
        "{count} exports ({:.1} MB UTF-16) -> {count} device files ({:.1} MB), {errors} with errors",
        input_bytes as f64 / 1e6,
        output_bytes as f64 / 1e6
    );
    println!(
        "import of all: {:.1} ms ({:.1} µs each)",
        import_time.as_secs_f64() * 1e3,
        import_time.as_secs_f64() * 1e6 / count as f64
    );
    println!(
        "check of all:  {:.1} ms ({:.1} µs each)",
        check_time.as_secs_f64() * 1e3,
        check_time.as_secs_f64() * 1e6 / count as f64
    );
    println!("import / check: {:.2}", import_time.as_secs_f64() / check_time.as_secs_f64());
}
