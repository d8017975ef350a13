//! Route tables of the Kubernetes VMs (SPEC §4, F27-F29): per node a JSON table, an
//! `ip -batch` file and a row in `routes.txt`; for the device, `apply-routes.ps1` and
//! `remove-routes.ps1`.
//!
//! A node's table is the compute subnet (origin `connected`, the route the VM's own address
//! gives it) plus every custom route (origin `custom`): `Add-HcsNetRoute` has no node
//! selector, so every VM gets every route, and the tables differ in their source address.

use std::fmt::Write as _;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use serde::Serialize;

use super::{GENERATED, OutputFile};
use crate::model::{Network, PortId, RouteTarget};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
enum Origin {
    Connected,
    Custom,
}

/// One row of a route table: the source document's five fields (F27) and where it comes from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Row {
    origin: Origin,
    /// The network, host bits cleared.
    destination: Ipv4Net,
    metric: u32,
    next_hop: Option<Ipv4Addr>,
    interface: PortId,
}

/// The rows every node shares, connected first, then by destination, metric and next hop.
fn rows(network: &Network) -> Vec<Row> {
    let connected =
        network.compute_port().and_then(|port| Some((port.id, port.subnet()?.value))).map(|(interface, subnet)| Row {
            origin: Origin::Connected,
            destination: subnet,
            metric: 0,
            next_hop: None,
            interface,
        });
    let custom = network.routes.iter().filter(|route| route.target.value == RouteTarget::Kubernetes).map(|route| Row {
        origin: Origin::Custom,
        destination: route.destination.value.trunc(),
        metric: route.metric.value,
        next_hop: Some(route.next_hop.value),
        interface: route.interface.value,
    });
    let mut rows: Vec<Row> = connected.into_iter().chain(custom).collect();
    rows.sort_by_key(|row| {
        (row.origin, row.destination.network(), row.destination.prefix_len(), row.metric, row.next_hop, row.interface)
    });
    rows
}

pub fn emit(network: &Network) -> Vec<OutputFile> {
    let rows = rows(network);
    let custom: Vec<&Row> = rows.iter().filter(|row| row.origin == Origin::Custom).collect();
    let device = network.device.name.as_ref().map_or("the device", |name| name.value.as_str());
    let mut files = vec![
        OutputFile::new("routes/apply-routes.ps1", apply_script(device, &custom)),
        OutputFile::new("routes/remove-routes.ps1", remove_script(device, &custom)),
    ];
    let Some(kubernetes) = &network.kubernetes else { return files };
    let nodes: Vec<(&str, Ipv4Addr)> =
        kubernetes.nodes.iter().filter_map(|node| Some((node.name, node.address?))).collect();
    let vm_interface = kubernetes.vm_interface.value.as_str();
    for &(node, address) in &nodes {
        files.push(OutputFile::new(format!("routes/{node}.json"), json_table(node, address, vm_interface, &rows)));
        files.push(OutputFile::new(format!("routes/{node}.ip"), ip_batch(node, address, vm_interface, &rows)));
    }
    files.push(OutputFile::new("routes/routes.txt", text_tables(device, &nodes, vm_interface, &rows)));
    files
}

#[derive(Serialize)]
struct JsonTable<'a> {
    node: &'a str,
    /// The node's address on the compute subnet: the source of its traffic.
    source: String,
    /// The compute NIC inside the VM, where `ip` applies these routes.
    vm_interface: &'a str,
    routes: Vec<JsonRoute>,
}

#[derive(Serialize)]
struct JsonRoute {
    destination: String,
    prefix_length: u8,
    /// `null` for the connected route: it is on-link.
    next_hop: Option<String>,
    /// The device port, as `Add-HcsNetRoute -InterfaceAlias` names it (F20).
    interface: String,
    metric: u32,
    origin: Origin,
}

fn json_table(node: &str, address: Ipv4Addr, vm_interface: &str, rows: &[Row]) -> String {
    let table = JsonTable {
        node,
        source: address.to_string(),
        vm_interface,
        routes: rows
            .iter()
            .map(|row| JsonRoute {
                destination: row.destination.network().to_string(),
                prefix_length: row.destination.prefix_len(),
                next_hop: row.next_hop.map(|hop| hop.to_string()),
                interface: row.interface.to_string(),
                metric: row.metric,
                origin: row.origin,
            })
            .collect(),
    };
    let mut json = serde_json::to_string_pretty(&table).expect("a route table serializes");
    json.push('\n');
    json
}

fn ip_batch(node: &str, address: Ipv4Addr, vm_interface: &str, rows: &[Row]) -> String {
    let mut out = format!(
        "# {GENERATED}\n# Custom routes of the Kubernetes VM {node} ({address}): run `ip -batch {node}.ip` inside it.\n"
    );
    for row in rows {
        match row.next_hop {
            None => writeln!(out, "# {} dev {vm_interface} is connected: the VM's address gives it.", row.destination),
            Some(next_hop) => writeln!(
                out,
                "route replace {} via {next_hop} dev {vm_interface} metric {}",
                row.destination, row.metric
            ),
        }
        .expect("writing to a String");
    }
    out
}

fn text_tables(device: &str, nodes: &[(&str, Ipv4Addr)], vm_interface: &str, rows: &[Row]) -> String {
    let header = ["destination", "prefix length", "next hop", "interface", "metric", "origin"];
    let cells: Vec<[String; 6]> = rows
        .iter()
        .map(|row| {
            [
                row.destination.network().to_string(),
                row.destination.prefix_len().to_string(),
                row.next_hop.map_or_else(|| "on-link".to_owned(), |hop| hop.to_string()),
                row.interface.to_string(),
                row.metric.to_string(),
                match row.origin {
                    Origin::Connected => "connected".to_owned(),
                    Origin::Custom => "custom".to_owned(),
                },
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|column| cells.iter().map(|row| row[column].len()).chain([header[column].len()]).max().unwrap_or(0))
        .collect();
    let line = |values: &[&str]| {
        let padded: Vec<String> = values.iter().zip(&widths).map(|(value, width)| format!("{value:<width$}")).collect();
        format!("  {}\n", padded.join("  ").trim_end())
    };
    let mut out = format!(
        "# {GENERATED}\n# Route tables of the Kubernetes VMs of {device}: every VM gets every custom route;\n\
         # each reaches the compute subnet from its own address on {vm_interface}.\n"
    );
    for (node, address) in nodes {
        write!(out, "\n{node} (source {address}, {vm_interface})\n").expect("writing to a String");
        out.push_str(&line(&header));
        for row in &cells {
            out.push_str(&line(&row.iter().map(String::as_str).collect::<Vec<_>>()));
        }
    }
    out
}

/// The guard that makes a script safe to run twice: whether the route with this interface
/// and destination, the key of `Remove-HcsNetRoute` (F28), is present already.
fn present(row: &Row) -> String {
    format!(
        "Get-HcsNetRoute -InterfaceAlias \"{}\" | Where-Object {{ $_.DestinationPrefix -eq \"{}\" }}",
        row.interface, row.destination
    )
}

fn apply_script(device: &str, custom: &[&Row]) -> String {
    let mut out = format!(
        "# {GENERATED}\n\
         # Adds the custom routes of the Kubernetes VMs of {device} (F28, F29). Run it in the\n\
         # device's PowerShell interface. A route whose interface and destination are present\n\
         # already is skipped, so a second run adds nothing twice.\n"
    );
    if custom.is_empty() {
        out.push_str("# The device file has no custom routes.\n");
    }
    for row in custom {
        let next_hop = row.next_hop.expect("custom routes have a next hop");
        write!(
            out,
            "\nif ({}) {{\n    Write-Output \"present: {} {}\"\n}} else {{\n    \
             Add-HcsNetRoute -InterfaceAlias \"{}\" -DestinationPrefix \"{}\" -NextHop \"{next_hop}\" -RouteMetric {}\n}}\n",
            present(row),
            row.interface,
            row.destination,
            row.interface,
            row.destination,
            row.metric
        )
        .expect("writing to a String");
    }
    out
}

fn remove_script(device: &str, custom: &[&Row]) -> String {
    let mut out = format!(
        "# {GENERATED}\n\
         # Removes the custom routes that apply-routes.ps1 adds to the Kubernetes VMs of {device}\n\
         # (F28). Run it in the device's PowerShell interface; a route already gone is skipped.\n"
    );
    if custom.is_empty() {
        out.push_str("# The device file has no custom routes.\n");
    }
    for row in custom {
        write!(
            out,
            "\nif ({}) {{\n    Remove-HcsNetRoute -InterfaceAlias \"{}\" -DestinationPrefix \"{}\"\n}}\n",
            present(row),
            row.interface,
            row.destination
        )
        .expect("writing to a String");
    }
    out
}
