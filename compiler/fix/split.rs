//! The fix of `mixed-protocol` (ASE404): one LoadBalancer service per protocol, sharing one
//! IP. It copies the service's table as written (comments and all) once per protocol, so
//! it needs the source, which rules do not see: [`attach_mixed_protocol_splits`] adds it after
//! the check.

use std::collections::BTreeSet;

use super::{Edit, Fix, apply, basic_string, line_ending};
use crate::diagnostic::{Diagnostic, Span};
use crate::model::{Keyword, Network, Protocol, Service};
use crate::rules::MIXED_PROTOCOL;

/// Gives each ASE404 diagnostic in `diagnostics` its split, where one can be written.
pub fn attach_mixed_protocol_splits(source: &str, network: &Network, diagnostics: &mut [Diagnostic]) {
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
    let items = PortItems::of(source, &service.ports.iter().map(|port| port.span).collect::<Vec<_>>())?;
    if items.start < start || items.end > end {
        return None;
    }
    let key = service.share_ip.as_ref().map_or(name.clone(), |key| key.value.clone());
    let mut copies = Vec::new();
    for (index, (protocol, new_name)) in protocols.iter().zip(&new_names).enumerate() {
        let chosen: Vec<usize> =
            (0..service.ports.len()).filter(|&port| service.ports[port].protocol.value == *protocol).collect();
        let mut edits = vec![
            Edit::replace(local(service.name.span), basic_string(new_name)),
            Edit::replace(local(Span { start: items.start, end: items.end }), items.text_of(&chosen)),
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

/// The ports of a `ports = [...]` array as written: each port's text, the comment on its
/// line after it, the comment lines before it, and how the array is laid out; so that a
/// copy with some of the ports keeps every comment that belongs to them.
struct PortItems<'s> {
    /// Each port as written.
    texts: Vec<&'s str>,
    /// After each port on its line: the comment (with the space before it), or `""`.
    comments: Vec<&'s str>,
    /// Before each port: the line break, comment lines and indentation that separate it
    /// from the one before (`" "` in a one-line array); for the first, from the `[`.
    leading: Vec<&'s str>,
    /// Whether the last port is followed by a comma (a trailing comma).
    trailing_comma: bool,
    /// Where the replaced text starts, just after the array's `[`, and where it ends: after
    /// the last port and the rest of its line's comma and comment, before the line break.
    start: usize,
    end: usize,
}

impl<'s> PortItems<'s> {
    /// `None` when what lies between the ports is not commas, whitespace and comments.
    fn of(source: &'s str, spans: &[Span]) -> Option<PortItems<'s>> {
        let first = spans.first()?;
        let start = array_start(source, first.start)?;
        let mut items = PortItems {
            texts: Vec::new(),
            comments: Vec::new(),
            leading: vec![&source[start..first.start]],
            trailing_comma: false,
            start,
            end: 0,
        };
        for (index, span) in spans.iter().enumerate() {
            items.texts.push(source.get(span.start..span.end)?);
            // The rest of this port's line: up to the next port, or up to the line's end.
            let next = spans.get(index + 1).map_or(source.len(), |next| next.start);
            let rest = source.get(span.end..next)?;
            let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
            let (before_comment, comment) = match line.find('#') {
                Some(hash) => (&line[..hash], &line[hash..]),
                None => (line, ""),
            };
            let comma = before_comment.trim();
            if index + 1 < spans.len() {
                if comma != "," {
                    return None;
                }
                // Whatever follows the comma's line, up to the next port: comment lines and
                // indentation, or the space of a one-line array.
                let gap = &rest[line.len()..];
                if gap.lines().any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#')) {
                    return None;
                }
                items.leading.push(if gap.is_empty() { " " } else { gap });
            } else {
                // After the last port: a comma, the array's `]` (and whatever follows it,
                // which stays where it is), or a comment and the end of the line.
                items.trailing_comma = comma.starts_with(',');
                if comma.trim_start_matches(',').trim_start().starts_with(']') {
                    items.end = span.end + before_comment.find(']').unwrap_or(0);
                    items.comments.push("");
                    break;
                }
                items.end = span.end + line.len();
            }
            let padding = &before_comment[before_comment.trim_end().len()..];
            items.comments.push(if comment.is_empty() {
                ""
            } else {
                &line[line.len() - comment.len() - padding.len()..]
            });
        }
        Some(items)
    }

    /// The array's content for the ports `chosen` (indices, in order), each with its
    /// comments; laid out as the original is.
    fn text_of(&self, chosen: &[usize]) -> String {
        let mut out = String::new();
        for (position, &port) in chosen.iter().enumerate() {
            if position > 0 {
                let previous = chosen[position - 1];
                out.push(',');
                out.push_str(self.comments[previous]);
                out.push_str(self.leading[port]);
            } else if port == 0 || !self.leading[0].contains('\n') {
                out.push_str(self.leading[0]);
            } else {
                // The first port of the copy takes the first port's place: the line break
                // after `[` (and what is on its line), then the comment lines written before
                // this port.
                let first = self.leading[0];
                out.push_str(&first[..=first.find('\n').expect("checked above")]);
                let own = self.leading[port];
                out.push_str(own.strip_prefix("\r\n").or_else(|| own.strip_prefix('\n')).unwrap_or(own));
            }
            out.push_str(self.texts[port]);
        }
        if let Some(&last) = chosen.last() {
            if self.trailing_comma || self.comments[last].contains('#') && last + 1 < self.texts.len() {
                out.push(',');
            }
            out.push_str(self.comments[last]);
        }
        out
    }
}

/// Just after the `[` of the array whose first element starts at `first`: only whitespace
/// and comment lines may lie between them. `None` otherwise.
fn array_start(source: &str, first: usize) -> Option<usize> {
    let mut line_end = first;
    loop {
        let line_start = source[..line_end].rfind('\n').map_or(0, |n| n + 1);
        let line = &source[line_start..line_end];
        // Only the line of the first element ends at it; a line above may end in a comment.
        let code = if line_end == first { line } else { &line[..line.find('#').unwrap_or(line.len())] };
        let code = code.trim_end();
        if let Some(before) = code.strip_suffix('[') {
            return Some(line_start + before.len() + 1);
        }
        if !code.trim().is_empty() || line_start == 0 {
            return None;
        }
        line_end = line_start - 1;
    }
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

#[cfg(test)]
mod tests {
    /// Issue 21 finding 9: the split dropped the comments written inside `ports`.
    #[test]
    fn the_split_keeps_every_comment_inside_ports() {
        let fixture = include_str!("../../tests/fixtures/ASE404/fires.toml");
        let layouts = [
            "ports = [\n  # plain DNS\n  { port = 53, protocol = \"UDP\" },  # answers\n  # zone transfers\n  { port = 53, protocol = \"TCP\" },  # AXFR\n  { port = 853, protocol = \"TCP\" }  # DNS over TLS\n]",
            "ports = [\n  { port = 53, protocol = \"TCP\" }, # over TCP\n  { port = 53, protocol = \"UDP\" }, # over UDP\n]",
            "ports = [{ port = 53, protocol = \"TCP\" }, { port = 53, protocol = \"UDP\" }] # both",
            "ports = [{ port = 53, protocol = \"TCP\" }, { port = 53, protocol = \"UDP\" },]",
        ];
        let written = "ports = [{ port = 53, protocol = \"TCP\" }, { port = 53, protocol = \"UDP\" }]";
        assert!(fixture.contains(written));
        for layout in layouts {
            let source = fixture.replace(written, layout);
            let fixed = crate::fix_all(&source, true);
            assert!(fixed.applied > 0, "{layout}: no split");
            assert!(!fixed.checked.diagnostics.iter().any(|d| d.code() == "ASE404"), "{layout}: {}", fixed.source);
            assert!(!fixed.checked.has_errors(), "{layout}: {:?}\n{}", fixed.checked.diagnostics, fixed.source);
            for line in layout.lines().chain(source.lines()) {
                if let Some(at) = line.find('#') {
                    let comment = &line[at..];
                    assert!(fixed.source.contains(comment), "{layout}: lost `{comment}`:\n{}", fixed.source);
                }
            }
            let again = crate::fix_all(&fixed.source, true);
            assert_eq!(again.source, fixed.source, "stable");
        }
    }
}
