//! The fleet file `asenet-fleet.toml`, TOML text to raw values with spans, read like a
//! device file: every unknown key and wrong type reported, only a syntax error stops.
//! `fleet::file` resolves it.

use super::raw::{Spanned, Text};
use super::table::{Table, keys_of};
use super::{parse_document, read};
use crate::diagnostic::{Sink, Span};

/// The fleet file as written.
#[derive(Debug, Default)]
pub struct RawFleet {
    /// `[fleet]`, with its header's span.
    pub fleet: Option<(Span, RawFleetTable)>,
    pub networks: Vec<RawNetwork>,
    pub sites: Vec<RawSite>,
}

/// `[fleet]`.
#[derive(Debug, Default)]
pub struct RawFleetTable {
    /// Globs of device files, relative to the fleet file.
    pub devices: Option<Spanned<Vec<Text>>>,
}

/// `[[networks]]`: a prefix that some devices reach.
#[derive(Debug)]
pub struct RawNetwork {
    pub header: Span,
    pub name: Option<Text>,
    pub prefix: Option<Text>,
    /// Globs over device names.
    pub sites: Option<Spanned<Vec<Text>>>,
}

/// `[[sites]]`: devices that share layer 2 or route to each other.
#[derive(Debug)]
pub struct RawSite {
    pub header: Span,
    pub name: Option<Text>,
    pub devices: Option<Spanned<Vec<Text>>>,
}

/// Reads the fleet file's text; `None` only when it is not TOML.
pub fn parse(source: &str, sink: &mut Sink) -> Option<RawFleet> {
    let document = parse_document(source, sink)?;
    let top = Table::new(document.root(), "the fleet file", &keys_of(read_top), sink);
    let raw = read_top(&top, sink);
    super::hidden::in_source(source, sink);
    Some(raw)
}

/// Each table's keys, as its reader reads them (the fleet schema test compares them).
pub fn table_keys() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        ("the fleet file", keys_of(read_top)),
        ("[fleet]", keys_of(read_fleet)),
        ("[[networks]]", network_keys()),
        ("[[sites]]", site_keys()),
    ]
}

fn network_keys() -> Vec<&'static str> {
    keys_of(|t, sink| read_network(t, Span::default(), sink))
}

fn site_keys() -> Vec<&'static str> {
    keys_of(|t, sink| read_site(t, Span::default(), sink))
}

fn read_top(top: &Table, sink: &mut Sink) -> RawFleet {
    let network_keys = network_keys();
    let site_keys = site_keys();
    RawFleet {
        fleet: top
            .table("fleet", sink)
            .map(|(table, header)| (header, read(table, "[fleet]", &keys_of(read_fleet), sink, read_fleet))),
        networks: top
            .array_of_tables("networks", sink)
            .into_iter()
            .map(|(table, header)| {
                read(table, "[[networks]]", &network_keys, sink, |t, sink| read_network(t, header, sink))
            })
            .collect(),
        sites: top
            .array_of_tables("sites", sink)
            .into_iter()
            .map(|(table, header)| read(table, "[[sites]]", &site_keys, sink, |t, sink| read_site(t, header, sink)))
            .collect(),
    }
}

fn read_fleet(t: &Table, sink: &mut Sink) -> RawFleetTable {
    RawFleetTable { devices: t.string_list("devices", sink) }
}

fn read_network(t: &Table, header: Span, sink: &mut Sink) -> RawNetwork {
    RawNetwork {
        header,
        name: t.string("name", sink),
        prefix: t.string("prefix", sink),
        sites: t.string_list("sites", sink),
    }
}

fn read_site(t: &Table, header: Span, sink: &mut Sink) -> RawSite {
    RawSite { header, name: t.string("name", sink), devices: t.string_list("devices", sink) }
}
