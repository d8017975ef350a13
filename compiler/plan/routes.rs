//! Custom routes: every Kubernetes VM gets every route (`Add-HcsNetRoute` has no node
//! selector), so the nodes' tables differ from one another only in their source address,
//! which the node IPs decide. A route is known by its interface and destination, as
//! `Remove-HcsNetRoute` knows it; its next hop and metric are what can change.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use super::classes::{self, Difference, RouteField};
use super::{Change, Class, Section, Side, facts};
use crate::model::{Network, PortId, RouteTarget};

type Key = (PortId, Ipv4Net);
/// A route to the Kubernetes VMs: its key, next hop and metric. A key written twice keeps
/// every pair, sorted.
type Row = (Key, (Ipv4Addr, u32));

/// The routes to the Kubernetes VMs sorted by key, then next hop and metric, without repeats:
/// the rows of one key are its values in order. (A map of a vector per key made 100,000 small
/// vectors for a file of 100,000 routes, a tenth of a diff.)
fn table(network: &Network) -> Vec<Row> {
    let mut rows: Vec<Row> = network
        .routes
        .iter()
        .filter(|route| route.target.value == RouteTarget::Kubernetes)
        .map(|route| {
            let key = (route.interface.value, route.destination.value.trunc());
            (key, (route.next_hop.value, route.metric.value))
        })
        .collect();
    rows.sort_unstable();
    rows.dedup();
    rows
}

pub fn compare(old: &Side, new: &Side, out: &mut Vec<Change>) {
    let (before, after) = (table(old.network), table(new.network));
    let mut before = before.chunk_by(|a, b| a.0 == b.0).peekable();
    let mut after = after.chunk_by(|a, b| a.0 == b.0).peekable();
    // One merge of two sorted tables: linear in the routes.
    loop {
        let order = match (before.peek(), after.peek()) {
            (None, None) => break,
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some(a), Some(b)) => a[0].0.cmp(&b[0].0),
        };
        match order {
            std::cmp::Ordering::Less => {
                let rows = before.next().expect("peeked");
                out.push(removed(rows[0].0, rows));
            }
            std::cmp::Ordering::Greater => {
                let rows = after.next().expect("peeked");
                out.push(added(rows[0].0, rows));
            }
            std::cmp::Ordering::Equal => {
                let was = before.next().expect("peeked");
                let is = after.next().expect("peeked");
                // The same key: the same rows are the same values.
                if was != is {
                    out.push(replaced(was[0].0, was, is));
                }
            }
        }
    }
}

fn subject((interface, destination): Key) -> String {
    format!("{interface} {destination}")
}

/// The next hops and metrics of one key's rows.
fn show(rows: &[Row]) -> String {
    rows.iter().map(|(_, (next_hop, metric))| format!("via {next_hop} metric {metric}")).collect::<Vec<_>>().join(", ")
}

pub fn remove_command((interface, destination): Key) -> String {
    format!("Remove-HcsNetRoute -InterfaceAlias \"{interface}\" -DestinationPrefix \"{destination}\"")
}

pub fn add_command((interface, destination): Key, next_hop: Ipv4Addr, metric: u32) -> String {
    format!(
        "Add-HcsNetRoute -InterfaceAlias \"{interface}\" -DestinationPrefix \"{destination}\" -NextHop \"{next_hop}\" \
         -RouteMetric {metric}"
    )
}

const REASON: &str = "run the route commands on the device's PowerShell interface; routes can be changed while \
                      compute runs";

fn removed(key: Key, rows: &[Row]) -> Change {
    let mut change = Change::new(classes::route(Difference::Removed), Section::Route, subject(key), "removed")
        .values(Some(show(rows)), None::<String>)
        .because(REASON, &facts::CUSTOM_ROUTES);
    change.commands = vec![remove_command(key)];
    change
}

fn added(key: Key, rows: &[Row]) -> Change {
    let mut change = Change::new(classes::route(Difference::Added), Section::Route, subject(key), "added")
        .values(None::<String>, Some(show(rows)))
        .because(REASON, &facts::CUSTOM_ROUTES);
    change.commands = rows.iter().map(|&(_, (next_hop, metric))| add_command(key, next_hop, metric)).collect();
    change
}

fn replaced(key: Key, was: &[Row], is: &[Row]) -> Change {
    let fields: Vec<RouteField> = match (was, is) {
        ([(_, (hop_a, _))], [(_, (hop_b, _))]) if hop_a == hop_b => vec![RouteField::Metric],
        ([(_, (_, metric_a))], [(_, (_, metric_b))]) if metric_a == metric_b => vec![RouteField::NextHop],
        _ => RouteField::COMPARED.to_vec(),
    };
    let what = match fields.as_slice() {
        [field] => field.as_str(),
        _ => "next hop and metric",
    };
    let class = fields.iter().map(|&field| classes::route(Difference::Changed(field))).max().unwrap_or(Class::Reapply);
    let (before, after) = match (was, is) {
        ([(_, (_, a))], [(_, (_, b))]) if what == "metric" => (a.to_string(), b.to_string()),
        ([(_, (a, _))], [(_, (b, _))]) if what == "next hop" => (a.to_string(), b.to_string()),
        _ => (show(was), show(is)),
    };
    let mut change = Change::new(class, Section::Route, subject(key), what)
        .values(Some(before), Some(after))
        .because(
            format!("{REASON}; the route is removed and added again, since Remove-HcsNetRoute knows it only by interface and destination"),
            &facts::CUSTOM_ROUTES,
        );
    change.commands = std::iter::once(remove_command(key))
        .chain(is.iter().map(|&(_, (next_hop, metric))| add_command(key, next_hop, metric)))
        .collect();
    change
}

/// Every command of `changes`: all removals first, then all additions, each in plan order.
pub fn ordered_commands(changes: &[Change]) -> Vec<&str> {
    let commands = || changes.iter().flat_map(|change| &change.commands).map(String::as_str);
    commands()
        .filter(|command| command.starts_with("Remove-"))
        .chain(commands().filter(|command| !command.starts_with("Remove-")))
        .collect()
}
