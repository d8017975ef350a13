//! Every `.ip` batch through `ip -batch` in a fresh network namespace: it applies, and
//! `ip route show` then lists exactly the node's JSON route table.

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::Value;

use super::{artifact, inputs, network, run};
use crate::support::{build_file, relative, require, scratch_dir};

const IP_NETNS: &str = "apt-get install iproute2, and run the tests as root";

/// A network namespace with one veth end inside, named as the VM's compute NIC; removed on
/// drop.
struct Namespace {
    name: String,
    host_link: String,
}

impl Namespace {
    fn new(index: usize, interface: &str, address: &str) -> Result<Namespace, String> {
        let id = std::process::id() % 100_000;
        let namespace = Namespace { name: format!("asenet-{id}-{index}"), host_link: format!("as{id}v{index}") };
        run(Command::new("ip").args(["netns", "add", &namespace.name]))?;
        run(Command::new("ip")
            .args(["link", "add", &namespace.host_link, "type", "veth", "peer", "name", interface])
            .args(["netns", &namespace.name]))?;
        run(Command::new("ip").args(["link", "set", &namespace.host_link, "up"]))?;
        namespace.ip(&["addr", "add", address, "dev", interface])?;
        namespace.ip(&["link", "set", interface, "up"])?;
        Ok(namespace)
    }

    fn ip(&self, args: &[&str]) -> Result<String, String> {
        run(Command::new("ip").args(["-n", &self.name]).args(args))
    }
}

impl Drop for Namespace {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["link", "del", &self.host_link]).output();
        let _ = Command::new("ip").args(["netns", "del", &self.name]).output();
    }
}

/// Whether a namespace can be made; `index` keeps the probes of tests that run at the same
/// time apart.
fn network_namespaces(index: usize) -> Result<(), String> {
    let probe = Namespace::new(index, "probe0", "192.0.2.1/24")?;
    drop(probe);
    Ok(())
}

/// A route as `ip -j route show` and the JSON table both can say it.
type KernelRoute = (String, Option<String>, String, u64);

fn destination(text: &str) -> String {
    match text {
        "default" => "0.0.0.0/0".to_owned(),
        text if text.contains('/') => text.to_owned(),
        text => format!("{text}/32"),
    }
}

#[test]
#[ignore = "consumer: needs `ip netns` (apt-get install iproute2; root)"]
fn every_ip_batch_applies_in_a_namespace_and_yields_exactly_its_table() {
    require("ip netns", IP_NETNS, network_namespaces(99));
    let mut index = 0;
    for path in inputs() {
        let files = build_file(&path);
        let dir = scratch_dir(&format!("routes-{}", path.file_stem().unwrap().to_string_lossy()));
        for table in files.iter().filter(|file| file.path.starts_with("routes/") && file.path.ends_with(".json")) {
            let table: Value = serde_json::from_str(&table.contents).unwrap();
            let node = table["node"].as_str().unwrap();
            let interface = table["vm_interface"].as_str().unwrap();
            let routes = table["routes"].as_array().unwrap();
            let connected = routes.iter().find(|route| route["origin"] == "connected").unwrap();
            let address = format!("{}/{}", table["source"].as_str().unwrap(), connected["prefix_length"]);
            index += 1;
            let namespace = Namespace::new(index, interface, &address).unwrap();
            let batch = dir.join(format!("{node}.ip"));
            std::fs::write(&batch, artifact(&files, &format!("routes/{node}.ip"))).unwrap();
            namespace
                .ip(&["-batch", batch.to_str().unwrap()])
                .unwrap_or_else(|error| panic!("{} {node}.ip: {error}", relative(&path)));
            let shown: Vec<Value> = serde_json::from_str(&namespace.ip(&["-j", "route", "show"]).unwrap()).unwrap();
            let shown: BTreeSet<KernelRoute> = shown
                .iter()
                .map(|route| {
                    (
                        destination(route["dst"].as_str().unwrap()),
                        route["gateway"].as_str().map(str::to_owned),
                        route["dev"].as_str().unwrap().to_owned(),
                        route["metric"].as_u64().unwrap_or(0),
                    )
                })
                .collect();
            let expected: BTreeSet<KernelRoute> = routes
                .iter()
                .map(|route| {
                    (
                        format!("{}/{}", route["destination"].as_str().unwrap(), route["prefix_length"]),
                        route["next_hop"].as_str().map(str::to_owned),
                        interface.to_owned(),
                        route["metric"].as_u64().unwrap(),
                    )
                })
                .collect();
            assert_eq!(shown, expected, "{} {node}", relative(&path));
            assert_eq!(shown.len(), routes.len(), "{} {node}: one kernel route per row", relative(&path));
            // The table is the model's: the compute subnet plus every custom route.
            let network = network(&path);
            assert_eq!(routes.len(), 1 + network.routes.len(), "{} {node}", relative(&path));
        }
    }
    assert!(index >= 9, "{index} node tables applied");
}
