//! Hovers: on an address, range or CIDR value, everything in the network it touches; on a
//! rule code, the rule's documentation; on a key, its description from the JSON Schema.

use std::net::Ipv4Addr;
use std::sync::OnceLock;

use ipnet::Ipv4Net;
use serde_json::Value;

use crate::diagnostic::find_code;
use crate::diagnostic::{Span, floor_char_boundary};
use crate::escape::markdown::code;
use crate::model::{AddrRange, Network, PortConfig, dns};
use crate::query::owners_quoted;
use crate::rules::RULES;

/// Markdown for the hover at `offset`, and the span it is about.
pub fn hover(source: &str, network: Option<&Network>, offset: usize) -> Option<(String, Span)> {
    if offset > source.len() || !source.is_char_boundary(offset) {
        return None;
    }
    let (line_start, line) = line_at(source, offset);
    let column = offset - line_start;
    if let Some((word, start)) = word_at(line, column)
        && let Some(rule) = find_code(RULES, word)
    {
        let text = format!(
            "**{} {}** ({})\n\n{}",
            rule.code,
            rule.name,
            rule.severity.as_str(),
            crate::rules::explanation(rule)
        );
        return Some((text, Span { start: line_start + start, end: line_start + start + word.len() }));
    }
    if let Some((value, start, end)) = string_at(line, column) {
        let range = parse_addresses(value)?;
        let network = network?;
        // One address: the fleet's own answer (`asenet which`); a range or a CIDR: all it meets.
        let touched = if range.first() == range.last() {
            // What owns it (`asenet which`), then the routes that use it as their next hop,
            // which own nothing but are what the address is to them.
            let address = range.first();
            let owned = owners_quoted(network, address, code).into_iter().map(|owner| owner.description);
            let next_hops = network.routes.iter().filter(|route| route.next_hop.value == address).map(|route| {
                format!("the next hop of the route to {} on {}", route.destination.value, route.interface.value)
            });
            owned.chain(next_hops).collect()
        } else {
            touches(network, range)
        };
        let mut text = code(value);
        if range.first() != range.last() {
            text += &format!(" ({} addresses)", range.size());
        }
        text += "\n\n";
        if touched.is_empty() {
            text += "touches nothing else in this file";
        } else {
            text += &touched.iter().map(|line| format!("- {line}\n")).collect::<String>();
        }
        return Some((text, Span { start: line_start + start, end: line_start + end }));
    }
    let (path, span) = key_path_at(source, line_start, line, column)?;
    let description = schema_description(&path)?;
    Some((format!("{}\n\n{description}", code(&path.join("."))), span))
}

/// The line holding `offset`, without its ending, and where it starts.
fn line_at(source: &str, offset: usize) -> (usize, &str) {
    let start = source[..offset].rfind('\n').map_or(0, |newline| newline + 1);
    let end = source[offset..].find('\n').map_or(source.len(), |n| offset + n);
    (start, source[start..end].trim_end_matches('\r'))
}

/// The word (ASCII letters, digits, `_`, `-`) around `column`, a character boundary of
/// `line`.
fn word_at(line: &str, column: usize) -> Option<(&str, usize)> {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let column = floor_char_boundary(line, column);
    // The word starts after the last character before `column` that is not part of one,
    // which may be several bytes long (`ü`).
    let start = line[..column].char_indices().rev().find(|&(_, c)| !is_word(c)).map_or(0, |(i, c)| i + c.len_utf8());
    let end = line[column..].find(|c: char| !is_word(c)).map_or(line.len(), |i| column + i);
    (start < end).then(|| (&line[start..end], start))
}

/// The basic or literal string on `line` holding `column`: its content and its span with
/// the quotes. Stops at a comment.
fn string_at(line: &str, column: usize) -> Option<(&str, usize, usize)> {
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => return None,
            quote @ (b'"' | b'\'') => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    i += if quote == b'"' && bytes[i] == b'\\' { 2 } else { 1 };
                }
                let end = (i + 1).min(bytes.len());
                if start <= column && column <= end {
                    return line.get(start + 1..end.saturating_sub(1).max(start + 1)).map(|text| (text, start, end));
                }
                i = end;
            }
            _ => i += 1,
        }
    }
    None
}

/// An address, a CIDR or a `first-last` range, as the addresses it covers.
fn parse_addresses(value: &str) -> Option<AddrRange> {
    if let Ok(address) = value.parse::<Ipv4Addr>() {
        return AddrRange::new(address, address);
    }
    if let Ok(net) = value.parse::<Ipv4Net>() {
        return Some(AddrRange::of_net(net.trunc()));
    }
    let (first, last) = value.split_once('-')?;
    AddrRange::new(first.trim().parse().ok()?, last.trim().parse().ok()?)
}

/// One line for each thing in `network` that holds or overlaps `range`.
pub fn touches(network: &Network, range: AddrRange) -> Vec<String> {
    let meets = |other: AddrRange| range.intersection(other).is_some();
    let holds = |address: Ipv4Addr| range.contains(address);
    let mut lines = Vec::new();
    for port in &network.ports {
        if let PortConfig::Static(addressing) = &port.config {
            for (node, own) in addressing.node_addresses().filter(|(_, own)| holds(own.value.addr())) {
                lines.push(format!("{} ({})", crate::model::port_address_owner(port.id, node), own.value));
            }
            let address = addressing.address.value;
            if meets(AddrRange::of_net(address.trunc())) {
                lines.push(format!("{}'s subnet {}", port.id, address.trunc()));
            }
            if let Some(gateway) = addressing.gateway.filter(|gateway| holds(gateway.value)) {
                lines.push(format!("{}'s gateway {}", port.id, gateway.value));
            }
        }
    }
    if let Some(kubernetes) = &network.kubernetes {
        for node in &kubernetes.nodes {
            if let Some(address) = node.address.filter(|address| holds(*address)) {
                lines.push(format!("the Kubernetes node VM {} ({address})", code(node.name)));
            }
        }
        if meets(kubernetes.node_ips.value) {
            lines.push(format!("the node IP range {}", kubernetes.node_ips.value));
        }
        if let Some(pool) = kubernetes.service_ips.filter(|pool| meets(pool.value)) {
            lines.push(format!("the service IP pool {}", pool.value));
        }
        for (cidr, what) in [(kubernetes.pod_cidr.value, "pod CIDR"), (kubernetes.service_cidr.value, "service CIDR")] {
            if meets(AddrRange::of_net(cidr.trunc())) {
                lines.push(format!("the {what} {cidr}"));
            }
        }
    }
    for vnet in &network.virtual_networks {
        if let Some(pool) = vnet.ip_pool.filter(|pool| meets(pool.value)) {
            lines.push(format!("virtual network {}'s IP pool {}", code(&vnet.name.value), pool.value));
        }
    }
    for vip in &network.virtual_ips {
        if let Some(address) = vip.static_address().filter(|address| holds(address.value)) {
            lines.push(format!("the {} virtual IP {}", crate::model::Keyword::as_str(vip.kind.value), address.value));
        }
    }
    for service in &network.services {
        let name = code(&service.qualified_name());
        if let Some(address) = service.allocated.cluster_ip.filter(|address| holds(*address)) {
            let how = if service.cluster_ip.is_some() { "pinned" } else { "allocated" };
            lines.push(format!("service {name}'s cluster IP {address} ({how})"));
        }
        if let Some(address) = service.allocated.external_ip.filter(|address| holds(*address)) {
            let how = if service.load_balancer_ip.is_some() { "pinned" } else { "allocated" };
            lines.push(format!("service {name}'s external IP {address} ({how})"));
        }
    }
    for zone in dns::zones(network) {
        for (record, address) in zone.records.iter().filter_map(|record| Some((record, record.address?))) {
            if holds(address) {
                lines.push(format!("the DNS name {} ({address})", code(&format!("{}.{}", record.name, zone.origin))));
            }
        }
    }
    for route in &network.routes {
        let destination = route.destination.value;
        if meets(AddrRange::of_net(destination.trunc())) {
            lines.push(format!("the route to {destination} via {} on {}", route.next_hop.value, route.interface.value));
        }
        if holds(route.next_hop.value) {
            lines.push(format!("the next hop of the route to {destination}"));
        }
    }
    lines
}

/// The dotted key under the cursor, with its table's path in front: `ports.Port3.address`.
/// Only keys at the start of a line and table headers; not keys inside inline tables.
fn key_path_at(source: &str, line_start: usize, line: &str, column: usize) -> Option<(Vec<String>, Span)> {
    let trimmed = line.trim_start();
    let indent = line.len() - trimmed.len();
    if trimmed.starts_with('[') {
        let inner = trimmed.trim_start_matches('[');
        let close = inner.find(']')?;
        let open = indent + (trimmed.len() - inner.len());
        if column < open || column > open + close {
            return None;
        }
        let keys = split_keys(&inner[..close]);
        let span = Span { start: line_start + open, end: line_start + open + close };
        return Some((keys, span));
    }
    let equals = line.find('=')?;
    if column < indent || column > equals || trimmed.starts_with('#') {
        return None;
    }
    let mut path = table_path(&source[..line_start]);
    path.extend(split_keys(&line[indent..equals]));
    Some((path, Span { start: line_start + indent, end: line_start + line[..equals].trim_end().len() }))
}

/// The path of the last table header before the text's end.
fn table_path(before: &str) -> Vec<String> {
    before
        .lines()
        .rev()
        .map(str::trim_start)
        .find(|line| line.starts_with('['))
        .and_then(|header| {
            let inner = header.trim_start_matches('[');
            inner.find(']').map(|close| split_keys(&inner[..close]))
        })
        .unwrap_or_default()
}

/// `a."b.c".d` as `[a, b.c, d]`.
fn split_keys(dotted: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut current = String::new();
    let mut quote = None;
    for c in dotted.chars() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(open), _) if c == open => quote = None,
            (None, '.') => keys.push(std::mem::take(&mut current).trim().to_owned()),
            _ => current.push(c),
        }
    }
    keys.push(current.trim().to_owned());
    keys
}

fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| serde_json::from_str(&crate::syntax::schema::json_schema(RULES)).expect("the schema is JSON"))
}

/// The description the JSON Schema gives the key at `path`.
pub fn schema_description(path: &[String]) -> Option<String> {
    let root = schema();
    let resolve = |mut node: &'static Value| {
        for _ in 0..8 {
            match node.get("$ref").and_then(Value::as_str).and_then(|target| target.strip_prefix('#')) {
                Some(pointer) => node = root.pointer(pointer)?,
                None => break,
            }
        }
        Some(node)
    };
    let mut node = root;
    let mut description = None;
    for key in path {
        let mut table = resolve(node)?;
        if let Some(items) = table.get("items") {
            table = resolve(items)?;
        }
        let child = table
            .get("properties")
            .and_then(|properties| properties.get(key))
            .or_else(|| table.get("additionalProperties").filter(|value| value.is_object()))?;
        description = child.get("description").or_else(|| resolve(child)?.get("description"));
        node = child;
    }
    description.and_then(Value::as_str).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_words_are_found_on_their_line() {
        assert_eq!(string_at(r#"address = "10.0.0.1/24" # "x""#, 12), Some(("10.0.0.1/24", 10, 23)));
        assert_eq!(string_at(r#"address = "10.0.0.1/24" # "x""#, 27), None);
        assert_eq!(word_at("# asenet: allow(ASE203) -- x", 18), Some(("ASE203", 16)));
        // After a character of several bytes: the word starts after all of them.
        assert_eq!(word_at("# Zürich ASE203", 6), Some(("rich", 5)));
        assert_eq!(word_at("#ü漢😀ASE203", 12), Some(("ASE203", 10)));
    }

    #[test]
    fn keys_have_their_table_in_front() {
        assert_eq!(split_keys(r#"ports."Port 3""#), ["ports", "Port 3"]);
        assert!(schema_description(&["routes".into(), "next_hop".into()]).is_some());
        assert!(schema_description(&["ports".into(), "Port3".into(), "address".into()]).is_some());
        assert_eq!(schema_description(&["nothing".into()]), None);
    }

    #[test]
    fn the_packet_cores_keys_have_their_descriptions() {
        let source = include_str!("../../examples/ap5gc-pro-gpu.toml");
        for (key, words) in [("napt = false", "translation"), ("technology = ", "5G"), ("router = ", "router")] {
            let offset = source.find(key).unwrap() + 1;
            let (text, _) = hover(source, None, offset).unwrap_or_else(|| panic!("no hover on {key}"));
            assert!(text.contains(words), "{key}: {text}");
        }
    }
}
