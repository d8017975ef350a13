//! The incremental reader: a text kept as its top-level sections (each table header and the
//! lines up to the next one, and the lines before the first), so that after an edit only the
//! sections it touched are read again.
//!
//! Most of a large device file is the elements of its arrays of tables (`[[routes]]`,
//! `[[services]]`, ...). Each such section is read alone, as a text of its own, and kept as
//! its raw element and its diagnostics, moved by the length an edit before it added or took
//! away. Every other section (`[device]`, `[ports.X]`, `[packet_core]`, ..., the lines before
//! the first header) is "the head": the head's sections are read again on every update, as
//! one text, because what one of them means can depend on another (a table defined twice,
//! `[ports.A]` and `[ports]`); they are a few dozen lines. An empty element of each array
//! that has elements follows them, so that the top level holds the keys it holds in the
//! whole text (a fix renames a key to `services` only where there is no `services`).
//!
//! The invariant: after [`Sections::update`] answers `true`, [`Sections::raw`] and
//! [`Sections::diagnostics`] are what [`super::parse`] reads from the same text (the same raw
//! types with the same spans, the same diagnostics). Where that cannot be shown, `update`
//! answers `false` and the caller reads the whole text; that is the case when:
//! - a section cannot be read alone: a syntax error, or a multi-line string or array that a
//!   line starting with `[` cuts (a cut that is not a table header always leaves a section
//!   that does not read alone, so a section that reads alone proves its cuts);
//! - a run of head sections before an element does not read alone (it might open a string
//!   that the element would close);
//! - the head names one of the arrays of tables in any other way (`[routes.x]`,
//!   `routes = [...]`, `[[ routes ]]`): then the elements are not independent of it.
//!
//! `tests/it/incremental.rs` holds it against [`super::parse`] and `crate::check` over random
//! edit sequences.

use std::ops::Range;

use super::raw::*;
use super::{ARRAYS_OF_TABLES, parse_noting_arrays, stream};
use crate::diagnostic::{Diagnostic, Sink, Span};

/// A text read a section at a time, and what was read from it.
#[derive(Default)]
pub struct Sections {
    /// The text the sections were read from.
    text: String,
    /// Every section of `text`, in order, end to end.
    sections: Vec<Section>,
    /// The raw config: its arrays of tables are the elements kept (in the order of their
    /// sections), the rest is the head's last read.
    raw: RawConfig,
    /// The diagnostics of the head's last read.
    head_diagnostics: Vec<Diagnostic>,
}

struct Section {
    start: usize,
    end: usize,
    /// The index in [`ARRAYS_OF_TABLES`] of the array this section is an element of; `None`
    /// for a head section.
    array: Option<usize>,
    /// What reading the element found, at its spans in the whole text.
    diagnostics: Vec<Diagnostic>,
}

/// The elements of newly read sections, by array, in order.
#[derive(Default)]
struct Fresh {
    services: Vec<RawService>,
    routes: Vec<RawRoute>,
    virtual_networks: Vec<RawVirtualNetwork>,
    bgp_peers: Vec<RawBgpPeer>,
    virtual_ips: Vec<RawVirtualIp>,
}

impl Sections {
    /// `text`, read a section at a time; `None` when it cannot be (see the module's list).
    pub fn read(text: &str) -> Option<Sections> {
        let mut sections = Sections::default();
        sections.update(text).then_some(sections)
    }

    /// The raw config of the text last read.
    pub fn raw(&self) -> &RawConfig {
        &self.raw
    }

    /// The diagnostics of the text last read, in no particular order.
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.sections.iter().flat_map(|section| &section.diagnostics).chain(&self.head_diagnostics)
    }

    /// Reads `text`, a new version of the text last read, again where it differs. `false`
    /// when that cannot be done: nothing is changed then, and the caller reads `text` whole.
    pub fn update(&mut self, text: &str) -> bool {
        self.try_update(text).is_some()
    }

    fn try_update(&mut self, text: &str) -> Option<()> {
        u32::try_from(text.len()).ok()?;
        let (old, new) = (self.text.as_bytes(), text.as_bytes());
        let (old_len, new_len) = (old.len(), new.len());
        // What both texts begin and end with, cut at characters (the bytes of one may be
        // a prefix of another's).
        let mut prefix = common_prefix(old, new);
        while !text.is_char_boundary(prefix) {
            prefix -= 1;
        }
        let mut suffix = common_suffix(&old[prefix..], &new[prefix..]);
        while !text.is_char_boundary(new_len - suffix) {
            suffix -= 1;
        }
        // The sections that hold the change: from the one holding the byte before it (a
        // change at a section's start may take its header away, and its lines then belong to
        // the section before) to the one holding the byte after it (which may now follow a
        // line that lost its end).
        let count = self.sections.len();
        let (first, end) = match count {
            0 => (0, 0),
            _ => {
                let first = self.sections.partition_point(|s| s.end < prefix).min(count - 1);
                let last = self.sections.partition_point(|s| s.end <= old_len - suffix).min(count - 1);
                (first, last.max(first) + 1)
            }
        };
        let start = self.sections.get(first).map_or(0, |s| s.start);
        let old_end = end.checked_sub(1).map_or(0, |last| self.sections[last].end);
        let new_end = old_end + new_len - old_len;
        let moved = |at: usize| at + new_len - old_len;

        let mut fresh = Fresh::default();
        let mut fresh_sections = Vec::new();
        for range in cut(text, start..new_end) {
            let array = element_of(&text[range.clone()]);
            let mut diagnostics = Vec::new();
            if let Some(array) = array {
                diagnostics = read_element(&text[range.clone()], range.start, array, &mut fresh)?;
            }
            fresh_sections.push(Section { start: range.start, end: range.end, array, diagnostics });
        }
        let layout = self.sections[..first]
            .iter()
            .map(|s| (s.start..s.end, s.array))
            .chain(fresh_sections.iter().map(|s| (s.start..s.end, s.array)))
            .chain(self.sections[end..].iter().map(|s| (moved(s.start)..moved(s.end), s.array)));
        let (head, head_diagnostics) = read_head(text, layout)?;

        // Everything is read: now the kept state changes.
        let mut before = [0; ARRAYS_OF_TABLES.len()];
        let mut removed = [0; ARRAYS_OF_TABLES.len()];
        for section in &self.sections[..end] {
            if let Some(array) = section.array {
                if section.start < start { before[array] += 1 } else { removed[array] += 1 }
            }
        }
        let shift = |span: Span| Span { start: moved(span.start), end: moved(span.end) };
        let raw = &mut self.raw;
        splice(&mut raw.services, before[0], removed[0], fresh.services, shift);
        splice(&mut raw.routes, before[1], removed[1], fresh.routes, shift);
        splice(&mut raw.virtual_networks, before[2], removed[2], fresh.virtual_networks, shift);
        splice(&mut raw.bgp_peers, before[3], removed[3], fresh.bgp_peers, shift);
        splice(&mut raw.virtual_ips, before[4], removed[4], fresh.virtual_ips, shift);
        if new_len != old_len {
            for section in &mut self.sections[end..] {
                (section.start, section.end) = (moved(section.start), moved(section.end));
                section.diagnostics.iter_mut().for_each(|diagnostic| diagnostic.respan(&mut |span| shift(span)));
            }
        }
        if fresh_sections.len() == end - first {
            self.sections[first..end].iter_mut().zip(fresh_sections).for_each(|(slot, section)| *slot = section);
        } else {
            self.sections.splice(first..end, fresh_sections);
        }
        let RawConfig {
            device,
            ports,
            switches,
            kubernetes,
            services: _,
            routes: _,
            virtual_networks: _,
            bgp_peers: _,
            virtual_ips: _,
            packet_core,
            lint,
        } = head;
        (raw.device, raw.ports, raw.switches, raw.kubernetes) = (device, ports, switches, kubernetes);
        (raw.packet_core, raw.lint) = (packet_core, lint);
        self.head_diagnostics = head_diagnostics;
        self.text.replace_range(prefix..old_len - suffix, &text[prefix..new_len - suffix]);
        Some(())
    }
}

/// How many bytes `a` and `b` begin with alike: compared a block at a time first (the
/// bytes before a keystroke at the end of a 12 MB text, compared one by one, took 10 ms).
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let blocks = a.chunks(4096).zip(b.chunks(4096)).take_while(|(a, b)| a == b).count() * 4096;
    let blocks = blocks.min(a.len()).min(b.len());
    blocks + a[blocks..].iter().zip(&b[blocks..]).take_while(|(a, b)| a == b).count()
}

/// How many bytes `a` and `b` end with alike.
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let blocks = a.rchunks(4096).zip(b.rchunks(4096)).take_while(|(a, b)| a == b).count() * 4096;
    let blocks = blocks.min(a.len()).min(b.len());
    let (a, b) = (&a[..a.len() - blocks], &b[..b.len() - blocks]);
    blocks + a.iter().rev().zip(b.iter().rev()).take_while(|(a, b)| a == b).count()
}

/// Replaces `removed` elements after the first `before` of `kept` with `fresh`, and moves
/// the elements after them with `shift`.
fn splice<T: Respan>(kept: &mut Vec<T>, before: usize, removed: usize, fresh: Vec<T>, shift: impl Fn(Span) -> Span) {
    let added = fresh.len();
    if added == removed {
        // The usual keystroke: one element for one, without moving the elements after it.
        kept[before..before + removed].iter_mut().zip(fresh).for_each(|(slot, element)| *slot = element);
    } else {
        kept.splice(before..before + removed, fresh);
    }
    for element in &mut kept[before + added..] {
        element.respan(&mut |span| shift(span));
    }
}

/// `range` of `text` cut before each line whose first character but blanks is `[` (a table
/// header, or a cut that leaves a section that does not read alone). `range` starts a line.
fn cut(text: &str, range: Range<usize>) -> Vec<Range<usize>> {
    let mut sections = Vec::new();
    let mut start = range.start;
    for (at, _) in text[range.clone()].match_indices('\n') {
        let next = range.start + at + 1;
        if next < range.end && text[next..range.end].trim_start_matches([' ', '\t']).starts_with('[') {
            sections.push(start..next);
            start = next;
        }
    }
    if start < range.end {
        sections.push(start..range.end);
    }
    sections
}

/// The index in [`ARRAYS_OF_TABLES`] of the array whose element `section` is, when its first
/// line is that array's header written plainly (`[[routes]]`, blanks and a comment after).
fn element_of(section: &str) -> Option<usize> {
    let line = section.split('\n').next().unwrap_or_default().trim_start_matches([' ', '\t']);
    ARRAYS_OF_TABLES.iter().position(|key| {
        line.strip_prefix("[[")
            .and_then(|rest| rest.strip_prefix(key))
            .and_then(|rest| rest.strip_prefix("]]"))
            .is_some_and(|rest| {
                let rest = rest.trim_start_matches([' ', '\t']);
                rest.is_empty() || rest == "\r" || rest.starts_with('#')
            })
    })
}

/// Reads `section` (at `start` of the whole text), an element of the array `array`, alone;
/// the element goes into `fresh`, its diagnostics are returned. `None` when it does not read
/// alone as exactly one element of that array.
fn read_element(section: &str, start: usize, array: usize, fresh: &mut Fresh) -> Option<Vec<Diagnostic>> {
    let mut sink = Sink::default();
    let (raw, _) = parse_noting_arrays(section, &mut sink)?;
    let RawConfig {
        device,
        ports,
        switches,
        kubernetes,
        mut services,
        mut routes,
        mut virtual_networks,
        mut bgp_peers,
        mut virtual_ips,
        packet_core,
        lint,
    } = raw;
    let head = device.is_some() || !ports.is_empty() || !switches.is_empty() || kubernetes.is_some();
    let lengths = [services.len(), routes.len(), virtual_networks.len(), bgp_peers.len(), virtual_ips.len()];
    let one = lengths.iter().enumerate().all(|(at, &length)| length == usize::from(at == array));
    if head || packet_core.is_some() || lint.is_some() || !one {
        return None;
    }
    let mut shift = |span: Span| Span { start: span.start + start, end: span.end + start };
    fn push<T: Respan>(to: &mut Vec<T>, from: &mut Vec<T>, shift: &mut impl FnMut(Span) -> Span) {
        to.extend(from.pop().map(|mut element| {
            element.respan(shift);
            element
        }));
    }
    match array {
        0 => push(&mut fresh.services, &mut services, &mut shift),
        1 => push(&mut fresh.routes, &mut routes, &mut shift),
        2 => push(&mut fresh.virtual_networks, &mut virtual_networks, &mut shift),
        3 => push(&mut fresh.bgp_peers, &mut bgp_peers, &mut shift),
        _ => push(&mut fresh.virtual_ips, &mut virtual_ips, &mut shift),
    }
    let mut diagnostics = sink.into_sorted();
    diagnostics.iter_mut().for_each(|diagnostic| diagnostic.respan(&mut shift));
    Some(diagnostics)
}

/// Reads the head sections of `layout` (each section's range in `text` and its array) as
/// one text; the raw config (without elements) and diagnostics at their spans in `text`.
fn read_head(
    text: &str,
    layout: impl Iterator<Item = (Range<usize>, Option<usize>)>,
) -> Option<(RawConfig, Vec<Diagnostic>)> {
    // The runs of head sections: where each starts in the head's text and in `text`.
    let mut runs: Vec<(usize, Range<usize>)> = Vec::new();
    let mut head = String::new();
    let mut before_element = false;
    let mut elements = [false; ARRAYS_OF_TABLES.len()];
    for (range, array) in layout {
        if let Some(array) = array {
            elements[array] = true;
        }
        match (array, runs.last_mut()) {
            (Some(_), Some(_)) => before_element = true,
            (Some(_), None) => {}
            (None, Some((_, run))) if run.end == range.start => run.end = range.end,
            (None, _) => {
                // A run followed by an element must read alone: else it could open a string
                // that the element closes.
                if before_element && !reads_alone(&text[runs.last()?.1.clone()]) {
                    return None;
                }
                before_element = false;
                runs.push((head.len(), range.clone()));
            }
        }
        if array.is_none() {
            head.push_str(&text[range]);
        }
    }
    if before_element && !reads_alone(&text[runs.last()?.1.clone()]) {
        return None;
    }
    // An empty element of each array that has elements, after the head: what the head's
    // tables mean can depend on those keys (no fix renames a key to `services` when
    // `services` exists). It reads as nothing; a head that names the array in any other way
    // makes it a second element or a syntax error.
    if !head.is_empty() && !head.ends_with('\n') {
        head.push('\n');
    }
    for (key, _) in ARRAYS_OF_TABLES.iter().zip(elements).filter(|(_, present)| *present) {
        head.push_str(&format!("[[{key}]]\n"));
    }
    let mut sink = Sink::default();
    let (mut raw, named) = parse_noting_arrays(&head, &mut sink)?;
    let lengths =
        [raw.services.len(), raw.routes.len(), raw.virtual_networks.len(), raw.bgp_peers.len(), raw.virtual_ips.len()];
    let only_the_empty_elements =
        (0..ARRAYS_OF_TABLES.len()).all(|at| named[at] == elements[at] && lengths[at] == usize::from(elements[at]));
    if !only_the_empty_elements {
        return None;
    }
    // An offset of the head's text in `text`; an end (or an empty span) that ends a run is
    // that run's end, not the next one's start.
    let place = |at: usize, end: bool| {
        let run = runs.partition_point(|(from, _)| if end { *from < at } else { *from <= at }).max(1) - 1;
        runs.get(run).map_or(at, |(from, range)| range.start + (at - from))
    };
    let mut map = |span: Span| {
        let empty = span.start == span.end;
        Span { start: place(span.start, empty), end: place(span.end, true) }
    };
    raw.respan(&mut map);
    let mut diagnostics = sink.into_sorted();
    diagnostics.iter_mut().for_each(|diagnostic| diagnostic.respan(&mut map));
    Some((raw, diagnostics))
}

/// Whether `text` reads alone as TOML (its syntax, not what asenet makes of it).
fn reads_alone(text: &str) -> bool {
    stream::read(text, &mut |_, _| false).is_some()
}

/// What holds spans of a text: moved to where they are in another (`map`).
pub trait Respan {
    fn respan(&mut self, map: &mut impl FnMut(Span) -> Span);
}

impl Respan for Span {
    fn respan(&mut self, map: &mut impl FnMut(Span) -> Span) {
        *self = map(*self);
    }
}

impl Respan for Diagnostic {
    fn respan(&mut self, map: &mut impl FnMut(Span) -> Span) {
        self.span.respan(map);
        self.labels.iter_mut().for_each(|label| label.span.respan(map));
        if let Some(fix) = &mut self.fix {
            fix.edits.iter_mut().for_each(|edit| edit.span.respan(map));
        }
    }
}

impl<T: Respan> Respan for Spanned<T> {
    fn respan(&mut self, map: &mut impl FnMut(Span) -> Span) {
        self.move_span(&mut *map).respan(map);
    }
}

impl<T: Respan> Respan for Option<T> {
    fn respan(&mut self, map: &mut impl FnMut(Span) -> Span) {
        if let Some(value) = self {
            value.respan(map);
        }
    }
}

impl<T: Respan> Respan for Vec<T> {
    fn respan(&mut self, map: &mut impl FnMut(Span) -> Span) {
        self.iter_mut().for_each(|value| value.respan(map));
    }
}

impl<A: Respan, B: Respan> Respan for (A, B) {
    fn respan(&mut self, map: &mut impl FnMut(Span) -> Span) {
        self.0.respan(map);
        self.1.respan(map);
    }
}

/// Values without spans.
macro_rules! no_spans {
    ($($type:ty),*) => {$(
        impl Respan for $type {
            fn respan(&mut self, _: &mut impl FnMut(Span) -> Span) {}
        }
    )*};
}
no_spans!(String, i64, bool, RawTargetPort);

/// A raw type's fields, every one named (a new field does not compile until it is here).
macro_rules! fields {
    ($($type:ident { $($field:ident),* $(,)? })*) => {$(
        impl Respan for $type {
            fn respan(&mut self, map: &mut impl FnMut(Span) -> Span) {
                let $type { $($field),* } = self;
                $($field.respan(map);)*
            }
        }
    )*};
}
fields! {
    RawConfig { device, ports, switches, kubernetes, services, routes, virtual_networks, bgp_peers, virtual_ips, packet_core, lint }
    RawDevice { header, name, model, nodes, domain, node_names, software_version, unreadable }
    RawPort { name, address, addresses, dhcp, gateway, dns, mtu, unreadable }
    RawSwitch { name, ports, compute, unreadable }
    RawKubernetes { header, node_ips, service_ips, pod_cidr, service_cidr, cluster_domain, iot_edge, vm_interface, iot_modules, vms, unreadable }
    RawService { header, name, namespace, kind, ports, load_balancer_ip, cluster_ip, share_ip, hostname, selector, unreadable }
    RawServicePort { span, port, protocol, target_port, node_port, unreadable }
    RawRoute { header, interface, destination, next_hop, metric, target, unreadable }
    RawVirtualNetwork { header, name, switch, vlan, subnet, gateway, dns, compute, kubernetes, ip_pool, unreadable }
    RawVirtualIp { header, kind, address, dhcp, cluster_network, unreadable }
    RawBgpPeer { header, switch, peer_address, peer_asn, self_asn, hold_time, unreadable }
    RawPacketCore { header, technology, control_plane, user_plane, data_networks, site, mobile_network, location, custom_location, unreadable }
    RawInterface { span, virtual_network, address, unreadable }
    RawDataNetwork { header, name, virtual_network, address, dynamic_ue_pool, static_ue_pool, napt, dns, router, unreadable }
    RawLint { allow, deny }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_cut_before_each_line_that_starts_with_a_bracket() {
        let text = "a = 1\n[device]\nb = [\n  [1],\n]\n  [[routes]] # x\nc = 2";
        let pieces: Vec<&str> = cut(text, 0..text.len()).into_iter().map(|range| &text[range]).collect();
        assert_eq!(pieces, ["a = 1\n", "[device]\nb = [\n", "  [1],\n]\n", "  [[routes]] # x\nc = 2"]);
        assert_eq!(element_of(pieces[3]), Some(1));
        assert_eq!(element_of("[[routes.x]]\n"), None);
        assert_eq!(element_of("[[ routes ]]\n"), None);
        assert_eq!(element_of("[[services]]\r\n"), Some(0));
        assert!(cut("", 0..0).is_empty());
    }

    #[test]
    fn common_ends_are_counted_across_blocks() {
        let long = "x".repeat(10_000);
        for (a, b, prefix, suffix) in [
            (format!("{long}a{long}"), format!("{long}b{long}"), 10_000, 10_000),
            (long.clone(), format!("{long}y"), 10_000, 0),
            (format!("y{long}"), long.clone(), 0, 10_000),
            (String::new(), long.clone(), 0, 0),
        ] {
            assert_eq!(common_prefix(a.as_bytes(), b.as_bytes()), prefix);
            assert_eq!(common_suffix(a.as_bytes(), b.as_bytes()), suffix);
        }
    }
}
