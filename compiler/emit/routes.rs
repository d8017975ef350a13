//! Route tables of the Kubernetes VMs (docs/artifacts.md): per node a JSON
//! table, an `ip -batch` file and a row in `routes.txt`; for the device, `apply-routes.ps1` and
//! `remove-routes.ps1`.
//!
//! A node's table is the compute subnet (origin `connected`, the route the VM's own address
//! gives it) plus every custom route (origin `custom`): `Add-HcsNetRoute` has no node
//! selector, so every VM gets every route, and the tables differ in their source address.

use std::fmt::{self, Write as _};
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use serde::Serialize;

use super::converge::{Action, Decisions, Found};
use super::{GENERATED, OutputFile};
use crate::escape::powershell::comment;
use crate::model::{Network, PortId, RouteTarget};
use crate::plan::classes::{self, RouteField};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
enum Origin {
    Connected,
    Custom,
}

/// One row of a route table: the five fields of a route in Microsoft's Kubernetes networking
/// article (see docs/device-facts.md#route-fields) and where it comes from.
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
    // The compute network's one subnet: the compute port's, or the compute virtual network's.
    let connected = match network.compute_subnets().as_deref() {
        Some([compute]) => Some(Row {
            origin: Origin::Connected,
            destination: compute.subnet.value,
            metric: 0,
            next_hop: None,
            interface: compute.port,
        }),
        _ => None,
    };
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
    // Names in comment lines go through the escaper; they are validated names already.
    let device = comment(network.device.name.as_ref().map_or("the device", |name| name.value.as_str()));
    let device = device.as_str();
    let mut files = vec![
        OutputFile::new("routes/apply-routes.ps1", apply_script(device, &custom)),
        OutputFile::new("routes/remove-routes.ps1", remove_script(device, &custom)),
    ];
    let Some(kubernetes) = &network.kubernetes else { return files };
    let nodes: Vec<(&str, Ipv4Addr)> =
        kubernetes.nodes.iter().filter_map(|node| Some((node.name, node.address?))).collect();
    let vm_interface = kubernetes.vm_interface.value.as_str();
    // Every node has every row: what does not name the node is rendered once.
    let batch = ip_batch_rows(vm_interface, &rows);
    for &(node, address) in &nodes {
        files.push(OutputFile::new(format!("routes/{node}.json"), json_table(node, address, vm_interface, &rows)));
        files.push(OutputFile::new(format!("routes/{node}.ip"), ip_batch(node, address, &batch)));
    }
    files.push(OutputFile::new("routes/routes.txt", text_tables(device, &nodes, vm_interface, &rows)));
    files
}

#[derive(Serialize)]
struct JsonTable<'a> {
    node: &'a str,
    /// The node's address on the compute subnet: the source of its traffic.
    source: Ipv4Addr,
    /// The compute NIC inside the VM, where `ip` applies these routes.
    vm_interface: &'a str,
    routes: Vec<JsonRoute>,
}

#[derive(Serialize)]
struct JsonRoute {
    destination: Ipv4Addr,
    prefix_length: u8,
    /// `null` for the connected route: it is on-link.
    next_hop: Option<Ipv4Addr>,
    /// The device port, as `Add-HcsNetRoute -InterfaceAlias` names it (see
    /// docs/device-facts.md#port-names).
    #[serde(serialize_with = "as_text")]
    interface: PortId,
    metric: u32,
    origin: Origin,
}

fn as_text<S: serde::Serializer>(value: &impl fmt::Display, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

fn json_table(node: &str, address: Ipv4Addr, vm_interface: &str, rows: &[Row]) -> String {
    let table = JsonTable {
        node,
        source: address,
        vm_interface,
        routes: rows
            .iter()
            .map(|row| JsonRoute {
                destination: row.destination.network(),
                prefix_length: row.destination.prefix_len(),
                next_hop: row.next_hop,
                interface: row.interface,
                metric: row.metric,
                origin: row.origin,
            })
            .collect(),
    };
    let mut json = serde_json::to_string_pretty(&table).expect("a route table serializes");
    json.push('\n');
    json
}

/// The lines of a node's `ip -batch` file after its header: the same for every node.
fn ip_batch_rows(vm_interface: &str, rows: &[Row]) -> String {
    let mut out = String::with_capacity(rows.len() * 72);
    for row in rows {
        let _ = match row.next_hop {
            None => writeln!(out, "# {} dev {vm_interface} is connected: the VM's address gives it.", row.destination),
            Some(next_hop) => writeln!(
                out,
                "route replace {} via {next_hop} dev {vm_interface} metric {}",
                row.destination, row.metric
            ),
        };
    }
    out
}

fn ip_batch(node: &str, address: Ipv4Addr, rows: &str) -> String {
    let mut out = format!(
        "# {GENERATED}\n\
         # The custom routes the Kubernetes VM {node} ({address}) gets, as `ip -batch` lines. Not for\n\
         # the VM itself: the device sets its routes when routes/apply-routes.ps1 runs on the device's\n\
         # PowerShell interface. Try them in a lab VM or a network namespace instead:\n\
         # `ip netns exec NS ip -batch {node}.ip` (docs/artifacts.md).\n"
    );
    out.push_str(rows);
    out
}

const TABLE_COLUMNS: usize = 6;

/// A cell of `routes.txt`.
#[derive(Clone, Copy)]
enum Cell<'a> {
    Address(Ipv4Addr),
    /// A next hop: `on-link` for the connected route.
    NextHop(Option<Ipv4Addr>),
    Number(u32),
    Port(PortId),
    Text(&'a str),
}

impl fmt::Display for Cell<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Address(address) | Cell::NextHop(Some(address)) => address.fmt(f),
            Cell::NextHop(None) => f.write_str("on-link"),
            Cell::Number(number) => number.fmt(f),
            Cell::Port(port) => port.fmt(f),
            Cell::Text(text) => f.write_str(text),
        }
    }
}

const HEADER: [Cell; TABLE_COLUMNS] = [
    Cell::Text("destination"),
    Cell::Text("prefix length"),
    Cell::Text("next hop"),
    Cell::Text("interface"),
    Cell::Text("metric"),
    Cell::Text("origin"),
];

fn cells(row: &Row) -> [Cell<'static>; TABLE_COLUMNS] {
    [
        Cell::Address(row.destination.network()),
        Cell::Number(row.destination.prefix_len().into()),
        Cell::NextHop(row.next_hop),
        Cell::Port(row.interface),
        Cell::Number(row.metric),
        Cell::Text(match row.origin {
            Origin::Connected => "connected",
            Origin::Custom => "custom",
        }),
    ]
}

/// The length of `value` as text, counted without writing it anywhere.
fn text_len(value: Cell) -> usize {
    struct Counter(usize);
    impl fmt::Write for Counter {
        fn write_str(&mut self, text: &str) -> fmt::Result {
            self.0 += text.len();
            Ok(())
        }
    }
    let mut counter = Counter(0);
    write!(counter, "{value}").expect("counting cannot fail");
    counter.0
}

/// One line of a table: two spaces of indent, each cell left-aligned in its column, two
/// spaces between columns, none at the end of the line.
fn write_line(out: &mut String, cells: [Cell; TABLE_COLUMNS], widths: &[usize; TABLE_COLUMNS]) {
    out.push_str("  ");
    for (column, (cell, width)) in cells.iter().zip(widths).enumerate() {
        let start = out.len();
        let _ = write!(out, "{cell}");
        if column + 1 < cells.len() {
            let padding = width.saturating_sub(out.len() - start) + 2;
            out.extend(std::iter::repeat_n(' ', padding));
        }
    }
    out.push('\n');
}

fn text_tables(device: &str, nodes: &[(&str, Ipv4Addr)], vm_interface: &str, rows: &[Row]) -> String {
    let mut widths = HEADER.map(text_len);
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(cells(row)) {
            *width = (*width).max(text_len(cell));
        }
    }
    // Every node has the same table: it is written once and copied under each node.
    let mut table = String::with_capacity((rows.len() + 1) * (widths.iter().sum::<usize>() + 2 * TABLE_COLUMNS + 1));
    write_line(&mut table, HEADER, &widths);
    for row in rows {
        write_line(&mut table, cells(row), &widths);
    }
    let mut out = format!(
        "# {GENERATED}\n# Route tables of the Kubernetes VMs of {device}: every VM gets every custom route;\n\
         # each reaches the compute subnet from its own address on {vm_interface}.\n"
    );
    out.reserve(nodes.len() * (table.len() + 64));
    for (node, address) in nodes {
        let _ = write!(out, "\n{node} (source {address}, {vm_interface})\n");
        out.push_str(&table);
    }
    out
}

/// The guard that makes a script safe to run twice: whether the route with this interface
/// and destination, the key of `Remove-HcsNetRoute` (see docs/device-facts.md#route-cmdlets), is
/// present already.
fn write_present(out: &mut String, row: &Row) {
    let _ = write!(
        out,
        "Get-HcsNetRoute -InterfaceAlias \"{}\" | Where-Object {{ $_.DestinationPrefix -eq \"{}\" }}",
        row.interface, row.destination
    );
}

/// What the route scripts may do in each state, from `plan::classes` (a route is never
/// `redeploy`: every state of it is acted on).
fn route_decisions() -> Decisions {
    let fields: Vec<(RouteField, &'static str)> = RouteField::COMPARED.iter().map(|&f| (f, f.as_str())).collect();
    Decisions::derive(&fields, false, |_, difference| classes::route(difference))
}

/// The function that makes `apply-routes.ps1` converge: a route is known by its interface and
/// destination, the key of `Remove-HcsNetRoute`; it is compared by next hop and metric, and
/// each state does what [`route_decisions`] says: present and the same is left alone, a
/// different one is removed and added again, a missing one is added. One line of output
/// per route says which. (One call per route keeps the script small at 100,000 routes.)
fn set_route_function() -> String {
    let decisions = route_decisions();
    let mut out = String::from(
        "function Set-AsenetRoute([string]$Interface, [string]$Destination, [string]$NextHop, [long]$Metric) {
    $found = @(Get-HcsNetRoute -InterfaceAlias $Interface | Where-Object { $_.DestinationPrefix -eq $Destination })
    $route = \"$Interface $Destination via $NextHop metric $Metric\"
    $was = ($found | ForEach-Object { \"via $($_.NextHop) metric $($_.RouteMetric)\" }) -join ', '
    if ($found.Count -eq 0) { $state = 'absent' }
    elseif ($found.Count -gt 1 -or \"$($found[0].NextHop)\" -ne $NextHop) { $state = 'next hop' }
    elseif (\"$($found[0].RouteMetric)\" -ne \"$Metric\") { $state = 'metric' }
    else { $state = 'present' }
    switch ($state) {
",
    );
    let add = "Add-HcsNetRoute -InterfaceAlias $Interface -DestinationPrefix $Destination -NextHop $NextHop -RouteMetric $Metric";
    let remove = "Remove-HcsNetRoute -InterfaceAlias $Interface -DestinationPrefix $Destination";
    let states = [
        Found::Absent,
        Found::Differs(RouteField::NextHop.as_str()),
        Found::Differs(RouteField::Metric.as_str()),
        Found::Same,
    ];
    for found in states {
        let (commands, said): (Vec<&str>, String) = match decisions.apply_action(found, false) {
            Action::Leave => (vec![], "\"present: $route\"".to_owned()),
            Action::Add => (vec![add], "\"added: $route\"".to_owned()),
            Action::Replace => (vec![remove, add], "\"replaced: $route (was $was)\"".to_owned()),
            Action::Remove => (vec![remove], "\"removed: $route\"".to_owned()),
            Action::Stop => (
                vec![],
                format!(
                    "throw \"asenet: $route: its {} differs, and changing it is what `asenet diff` classes as redeploy\"",
                    found.as_str()
                ),
            ),
        };
        let _ = writeln!(out, "        '{}' {{", found.as_str());
        for command in commands {
            let _ = writeln!(out, "            {command}");
        }
        if said.starts_with("throw") {
            let _ = writeln!(out, "            {said}");
        } else {
            let _ = writeln!(out, "            Write-Output {said}");
        }
        out.push_str("        }\n");
    }
    out.push_str("    }\n}\n");
    out
}

fn apply_script(device: &str, custom: &[&Row]) -> String {
    let mut out = format!(
        "# {GENERATED}\n\
         # Sets the custom routes of the Kubernetes VMs of {device} (docs/device-facts.md#route-cmdlets).\n\
         # Run it in the device's PowerShell interface. It converges: a route present with the same\n\
         # next hop and metric is left alone, one with another next hop or metric is replaced\n\
         # (removed, then added), a missing one is added; each route prints one line saying which.\n"
    );
    if custom.is_empty() {
        out.push_str("# The device file has no custom routes.\n");
        return out;
    }
    out.push('\n');
    out.push_str(&set_route_function());
    out.push('\n');
    out.reserve(custom.len() * 64);
    for row in custom {
        let next_hop = row.next_hop.expect("custom routes have a next hop");
        let _ = writeln!(
            out,
            "Set-AsenetRoute \"{}\" \"{}\" \"{next_hop}\" {}",
            row.interface, row.destination, row.metric
        );
    }
    out
}

fn remove_script(device: &str, custom: &[&Row]) -> String {
    let mut out = format!(
        "# {GENERATED}\n\
         # Removes the custom routes that apply-routes.ps1 adds to the Kubernetes VMs of {device}.\n\
         # Run it in the device's PowerShell interface; a route already gone is skipped.\n\
         # See docs/artifacts.md and docs/device-facts.md#route-cmdlets.\n"
    );
    if custom.is_empty() {
        out.push_str("# The device file has no custom routes.\n");
    }
    out.reserve(custom.len() * 200);
    // A present route is removed in every state (it is never `redeploy`).
    let decisions = route_decisions();
    let removes =
        [Found::Same, Found::Differs(RouteField::NextHop.as_str()), Found::Differs(RouteField::Metric.as_str())]
            .into_iter()
            .all(|found| decisions.remove_action(found, false) == Action::Remove);
    debug_assert!(removes, "plan::classes makes a route removal a redeploy: remove-routes.ps1 must stop instead");
    for row in custom {
        out.push_str("\nif (");
        write_present(&mut out, row);
        let _ = write!(
            out,
            ") {{\n    Remove-HcsNetRoute -InterfaceAlias \"{}\" -DestinationPrefix \"{}\"\n}}\n",
            row.interface, row.destination
        );
    }
    out
}
