//! The fix of `mixed-protocol` (ASE404): one LoadBalancer service per protocol, sharing one
//! IP. It copies the service's table as written (comments and all) once per protocol, so
//! it needs the source, which rules do not see: [`attach`] adds it after the check.

use std::collections::BTreeSet;

use super::{Edit, Fix, apply, basic_string, line_ending};
use crate::diagnostic::{Diagnostic, Span};
use crate::model::{Keyword, Network, Protocol, Service};
use crate::rules::MIXED_PROTOCOL;

/// Gives each ASE404 diagnostic in `diagnostics` its split, where one can be written.
pub fn attach(source: &str, network: &Network, diagnostics: &mut [Diagnostic]) {
    for diagnostic in diagnostics.iter_mut().filter(|d| *d.rule == MIXED_PROTOCOL && d.fix.is_none()) {
        let owner =
            network.services.iter().find(|service| service.ports.iter().any(|port| port.span == diagnostic.span));
        if let Some(fix) = owner.and_then(|service| split(source, network, service)) {
            diagnostic.fix = Some(fix);
        }
    }
}

/// The service's table, rewritten as one table per protocol: `NAME-tcp`, `NAME-udp`, each
/// with the ports of its protocol and `share_ip` (the service's own key, or its name). The
/// first keeps `hostname` and a pinned `cluster_ip`; a cluster IP is never shared and one
/// name needs one record. `None` when the result would draw a problem of its own: a
/// `node_port` used by two protocols (node ports are unique across services), a new name
/// already taken, or a table whose extent is not plain.
fn split(source: &str, network: &Network, service: &Service) -> Option<Fix> {
    let mut protocols: Vec<Protocol> = Vec::new();
    for port in &service.ports {
        if !protocols.contains(&port.protocol.value) {
            protocols.push(port.protocol.value);
        }
    }
    let mut node_ports = BTreeSet::new();
    for protocol in &protocols {
        let own: BTreeSet<i64> = service
            .ports
            .iter()
            .filter(|port| port.protocol.value == *protocol)
            .filter_map(|port| port.node_port.map(|node_port| node_port.value))
            .collect();
        if own.iter().any(|node_port| node_ports.contains(node_port)) {
            return None;
        }
        node_ports.extend(own);
    }
    let name = &service.name.value;
    let new_names: Vec<String> = protocols.iter().map(|p| format!("{name}-{}", p.as_str().to_lowercase())).collect();
    let taken = |candidate: &String| {
        network
            .services
            .iter()
            .any(|other| other.namespace.value == service.namespace.value && other.name.value == *candidate)
    };
    if protocols.len() < 2 || new_names.iter().any(taken) {
        return None;
    }
    let start = service.header.start;
    let end = table_end(source, service.header.end);
    let first = service.ports.first()?.span;
    let last = service.ports.last()?.span;
    let spans = [service.name.span, first, last];
    if spans.iter().any(|span| span.start < start || span.end > end) || !source.is_char_boundary(end) {
        return None;
    }
    let table = &source[start..end];
    let local = |span: Span| Span { start: span.start - start, end: span.end - start };
    let separator = port_separator(source, &first, &service.ports.get(1)?.span);
    let key = service.share_ip.as_ref().map_or(name.clone(), |key| key.value.clone());
    let mut copies = Vec::new();
    for (index, (protocol, new_name)) in protocols.iter().zip(&new_names).enumerate() {
        let ports: Vec<&str> = service
            .ports
            .iter()
            .filter(|port| port.protocol.value == *protocol)
            .map(|port| &source[port.span.start..port.span.end])
            .collect();
        let mut edits = vec![
            Edit::replace(local(service.name.span), basic_string(new_name)),
            Edit::replace(local(Span { start: first.start, end: last.end }), ports.join(&separator)),
        ];
        if service.share_ip.is_none() {
            edits.push(Edit::insert(
                line_end(table, local(service.name.span).end),
                format!("{}share_ip = {}", line_ending(source), basic_string(&key)),
            ));
        }
        if index > 0 {
            for span in
                [service.hostname.as_ref().map(|h| h.span), service.cluster_ip.map(|c| c.span)].into_iter().flatten()
            {
                let span = local(span);
                if span.end <= table.len() {
                    edits.push(Edit::delete(whole_line(table, span)));
                }
            }
        }
        let fixes: Vec<Fix> = edits.into_iter().map(|edit| Fix::safe("", vec![edit])).collect();
        let copy = apply(table, &fixes);
        if copy.applied != fixes.len() {
            return None;
        }
        copies.push(copy.source.trim_end().to_owned());
    }
    let trailing = &table[table.trim_end().len()..];
    let eol = line_ending(source);
    let text = copies.join(&eol.repeat(2)) + if trailing.is_empty() { eol } else { trailing };
    Some(Fix::unsafe_edits(
        format!(
            "split `{name}` into {} sharing one IP",
            crate::text::join(&new_names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>())
        ),
        vec![Edit::replace(start..end, text)],
    ))
}

/// Where the table whose header ends at `after` ends: at the next line that starts a table
/// header (`[` then a name, `"` or `[`), or at the end of the text.
fn table_end(source: &str, after: usize) -> usize {
    let mut at = source[after..].find('\n').map_or(source.len(), |n| after + n + 1);
    while at < source.len() {
        let line_end = source[at..].find('\n').map_or(source.len(), |n| at + n + 1);
        let line = source[at..line_end].trim_start();
        let mut chars = line.chars();
        if chars.next() == Some('[')
            && chars.next().is_some_and(|c| c.is_ascii_alphanumeric() || c == '"' || c == '[' || c == '\'')
        {
            return at;
        }
        at = line_end;
    }
    source.len()
}

/// What separates the first two ports as written (`, ` or a comma, a newline and an
/// indentation), normalised to a comma and the whitespace after it.
fn port_separator(source: &str, first: &Span, second: &Span) -> String {
    let between = &source[first.end.min(second.start)..second.start];
    let whitespace: String =
        between.chars().rev().take_while(|c| c.is_whitespace()).collect::<Vec<_>>().into_iter().rev().collect();
    format!(",{}", if whitespace.is_empty() { " ".to_owned() } else { whitespace })
}

fn line_end(text: &str, from: usize) -> usize {
    let end = text[from..].find('\n').map_or(text.len(), |n| from + n);
    if text[..end].ends_with('\r') { end - 1 } else { end }
}

/// The line holding `span`, with its line ending.
fn whole_line(text: &str, span: Span) -> Span {
    let start = text[..span.start].rfind('\n').map_or(0, |n| n + 1);
    let end = text[span.end..].find('\n').map_or(text.len(), |n| span.end + n + 1);
    Span { start, end }
}
