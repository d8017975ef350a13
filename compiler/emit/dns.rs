//! DNS artifacts (docs/artifacts.md): the cluster zone (for review only), the site zone and the
//! Corefile stanza that serves it. The records come from [`crate::model::dns`], the list
//! that `dns-collision` checks.
//!
//! Serials are deterministic yet monotonic, because CoreDNS reloads a zone only when its
//! serial grows: a zone whose text, serial aside, is what the previous build wrote keeps
//! that build's serial; a changed zone gets it + 1; a first build uses 1.

use std::fmt::Write as _;

use super::manifest::{PreviousManifest, ZoneSerial, sha256_hex};
use super::{GENERATED, OutputFile};
use crate::escape::zone as escape;
use crate::model::Network;
use crate::model::dns::{self, Zone, ZoneKind};

pub struct Zones {
    pub files: Vec<OutputFile>,
    pub serials: Vec<ZoneSerial>,
}

pub fn emit(network: &Network, previous: &PreviousManifest) -> Zones {
    let mut zones = Zones { files: Vec::new(), serials: Vec::new() };
    for zone in dns::zones(network) {
        let path = format!("dns/{}.zone", zone.origin);
        let records_sha256 = sha256_hex(zone_text(&zone, 0).as_bytes());
        let serial = match previous.zones.get(&path) {
            Some(before) if before.records_sha256 == records_sha256 => before.serial,
            Some(before) => before.serial.checked_add(1).unwrap_or(1),
            None => 1,
        };
        if zone.kind == ZoneKind::Site {
            zones.files.push(OutputFile::new("dns/Corefile", corefile(&zone.origin)));
        }
        zones.files.push(OutputFile::new(path.clone(), zone_text(&zone, serial)));
        zones.serials.push(ZoneSerial { path, serial, records_sha256 });
    }
    zones
}

/// SOA timers and the default TTL. The cluster zone copies what CoreDNS's kubernetes plugin
/// answers (TTL 5, refresh 7200, retry 1800, expire 86400, minimum 5), so that the review
/// copy reads like the live zone; the site zone takes RFC 1912's common values.
struct Timers {
    ttl: u32,
    refresh: u32,
    retry: u32,
    expire: u32,
    minimum: u32,
}

fn timers(kind: ZoneKind) -> Timers {
    match kind {
        ZoneKind::Cluster => Timers { ttl: 5, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 },
        ZoneKind::Site => Timers { ttl: 3600, refresh: 3600, retry: 900, expire: 1_209_600, minimum: 300 },
    }
}

fn header(zone: &Zone) -> String {
    let origin = escape::comment(&zone.origin);
    match zone.kind {
        ZoneKind::Cluster => format!(
            "; The names CoreDNS's kubernetes plugin answers in {origin}, for review, diffs and\n\
             ; resolver tests. Do NOT load this file into the cluster's CoreDNS: it owns this zone\n\
             ; and builds it from the live Services.\n"
        ),
        ZoneKind::Site => format!(
            "; The site zone {origin}, for the site's DNS servers (see the Corefile beside it): the\n\
             ; device's Kubernetes endpoints and each service's hostname.\n\
             ; See docs/artifacts.md and docs/device-facts.md#system-endpoints.\n"
        ),
    }
}

/// RFC 1035 master file text, records sorted by name.
fn zone_text(zone: &Zone, serial: u32) -> String {
    let Timers { ttl, refresh, retry, expire, minimum } = timers(zone.kind);
    // Names are validated DNS labels before anything is emitted; the escaper keeps any
    // other character inside its name all the same.
    let mut records: Vec<(String, String)> = zone
        .records
        .iter()
        .filter_map(|record| Some((escape::name(&record.name), record.address?.to_string())))
        .collect();
    records.sort();
    records.dedup();
    let width = records.iter().map(|(name, _)| name.len()).max().unwrap_or(0).max(1);
    let nameserver = zone.nameserver;
    let mut out = format!("; {GENERATED}\n{}$ORIGIN {}.\n$TTL {ttl}\n", header(zone), escape::name(&zone.origin));
    let _ = writeln!(
        out,
        "{:<width$} IN SOA {nameserver} hostmaster ( {serial} {refresh} {retry} {expire} {minimum} )",
        "@"
    );
    let _ = writeln!(out, "{:<width$} IN NS  {nameserver}", "@");
    for (name, address) in records {
        let _ = writeln!(out, "{name:<width$} IN A   {address}");
    }
    out
}

fn corefile(origin: &str) -> String {
    format!(
        "# {GENERATED}\n\
         # A CoreDNS server block that serves the site zone from {origin}.zone, a path relative\n\
         # to CoreDNS's working directory; CoreDNS reloads the file when its serial grows.\n\
         {origin} {{\n    file {origin}.zone\n    errors\n}}\n"
    )
}
