//! The fleet file `asenet-fleet.toml` resolved: prefixes parsed, globs compiled, names
//! checked for duplicates. `syntax::fleet` reads the text (unknown keys, wrong types);
//! every problem is a coded diagnostic at its span.

use ipnet::Ipv4Net;

use crate::diagnostic::input::{DUPLICATE, INVALID_VALUE, MISSING_OR_CONFLICTING};
use crate::diagnostic::{Diagnostic, Sink, Span};
use crate::model::Located;
use crate::resolve::values;
use crate::syntax::fleet::{RawNetwork, RawSite};
use crate::syntax::raw::Text;

/// The name the fleet file has, found in the current directory or above.
pub const FLEET_FILE_NAME: &str = "asenet-fleet.toml";

/// A resolved fleet file.
#[derive(Debug, Default)]
pub struct Fleet {
    /// `[fleet] devices`: globs relative to the fleet file, as written.
    pub devices: Vec<Located<String>>,
    pub networks: Vec<FleetNetwork>,
    pub sites: Vec<Site>,
}

/// A `[[networks]]` entry: a prefix the devices of some sites reach.
#[derive(Debug)]
pub struct FleetNetwork {
    pub name: Located<String>,
    pub prefix: Located<Ipv4Net>,
    /// Device-name globs; `*` is every device.
    pub reached_by: Vec<Located<glob::Pattern>>,
}

impl FleetNetwork {
    /// Whether a device of this name reaches the network.
    pub fn is_reached_by(&self, device: &str) -> bool {
        self.reached_by.iter().any(|pattern| pattern.value.matches(device))
    }
}

/// A `[[sites]]` entry: devices that share layer 2 or route to each other.
#[derive(Debug)]
pub struct Site {
    pub name: Located<String>,
    pub devices: Vec<Located<String>>,
}

/// Reads and resolves the fleet file's text. `None` only when it is not TOML; any other
/// problem is in `sink` and the parts that resolved are kept.
pub fn parse_fleet(source: &str, sink: &mut Sink) -> Option<Fleet> {
    let raw = crate::syntax::fleet::parse(source, sink)?;
    let mut fleet = Fleet::default();
    match raw.fleet {
        Some((header, table)) => match table.devices {
            Some(globs) => {
                fleet.devices = globs.into_inner().into_iter().filter_map(|g| device_glob(g, sink)).collect()
            }
            None => sink.push(missing(
                header,
                "devices",
                "[fleet]",
                "list the device files: `devices = [\"sites/**/*.toml\"]`",
            )),
        },
        None => sink.push(missing(
            0..0,
            "[fleet]",
            "the fleet file",
            "start with `[fleet]` and `devices = [\"sites/**/*.toml\"]`",
        )),
    }
    fleet.networks = raw.networks.into_iter().filter_map(|network| resolve_network(network, sink)).collect();
    fleet.sites = raw.sites.into_iter().filter_map(|site| resolve_site(site, sink)).collect();
    report_duplicates(&fleet, sink);
    Some(fleet)
}

fn device_glob(text: Text, sink: &mut Sink) -> Option<Located<String>> {
    let span = text.span();
    let glob = text.into_inner();
    match glob::Pattern::new(&glob) {
        Ok(_) if glob.starts_with('/') || glob.split('/').any(|part| part == "..") => {
            sink.push(
                Diagnostic::new(&INVALID_VALUE, span, format!("device glob `{glob}` leaves the fleet's directory"))
                    .with_primary_label("absolute or with `..`")
                    .with_help("device globs are relative to the fleet file and stay below it: `sites/**/*.toml`"),
            );
            None
        }
        Ok(_) => Some(Located::new(glob, span)),
        Err(error) => {
            sink.push(bad_glob(span, &glob, &error));
            None
        }
    }
}

fn bad_glob(span: impl Into<Span>, glob: &str, error: &glob::PatternError) -> Diagnostic {
    Diagnostic::new(&INVALID_VALUE, span, format!("`{glob}` is not a glob: {}", error.msg))
        .with_primary_label(format!("at character {}", error.pos + 1))
        .with_help("`*` matches within a name, `**` across directories, `?` one character, `[ab]` a set")
}

fn resolve_network(raw: RawNetwork, sink: &mut Sink) -> Option<FleetNetwork> {
    let RawNetwork { header, name, prefix, sites } = raw;
    if name.is_none() {
        sink.push(missing(header, "name", "[[networks]]", "name the network: `name = \"hq-lan\"`"));
    }
    if prefix.is_none() {
        sink.push(missing(header, "prefix", "[[networks]]", "give its prefix: `prefix = \"10.0.0.0/16\"`"));
    }
    let prefix = values::ipv4_net(prefix.as_ref()?, "`prefix`", false, sink)?;
    let mut reached_by = Vec::new();
    match sites {
        Some(sites) => {
            for site in sites.into_inner() {
                match glob::Pattern::new(site.get_ref()) {
                    Ok(pattern) => reached_by.push(Located::new(pattern, site.span())),
                    Err(error) => sink.push(bad_glob(site.span(), site.get_ref(), &error)),
                }
            }
        }
        None => sink.push(missing(header, "sites", "[[networks]]", "say which devices reach it: `sites = [\"*\"]`")),
    }
    let name = name?;
    Some(FleetNetwork {
        name: Located::new(name.get_ref().clone(), name.span()),
        prefix: Located::new(prefix.value.trunc(), prefix.span),
        reached_by,
    })
}

fn resolve_site(raw: RawSite, sink: &mut Sink) -> Option<Site> {
    let RawSite { header, name, devices } = raw;
    if name.is_none() {
        sink.push(missing(header, "name", "[[sites]]", "name the site: `name = \"store-042\"`"));
    }
    if devices.is_none() {
        sink.push(missing(header, "devices", "[[sites]]", "list its devices by name: `devices = [\"store042-a\"]`"));
    }
    let name = name?;
    let devices = devices.map(|devices| devices.into_inner()).unwrap_or_default();
    Some(Site {
        name: Located::new(name.get_ref().clone(), name.span()),
        devices: devices.into_iter().map(|device| Located::new(device.get_ref().clone(), device.span())).collect(),
    })
}

/// Two networks or two sites with one name; one device listed in two sites (or twice in
/// one): it would belong to two layer-2 domains at once.
fn report_duplicates(fleet: &Fleet, sink: &mut Sink) {
    let mut names: Vec<(&str, &str, Span)> = Vec::new();
    names.extend(fleet.networks.iter().map(|n| ("network", n.name.value.as_str(), n.name.span)));
    names.extend(fleet.sites.iter().map(|s| ("site", s.name.value.as_str(), s.name.span)));
    names.sort();
    for pair in names.windows(2) {
        let [(kind, name, first), (other_kind, other_name, second)] = pair else { continue };
        if kind == other_kind && name == other_name {
            sink.push(
                Diagnostic::new(&DUPLICATE, *second, format!("a second {kind} named `{name}`"))
                    .with_primary_label("named again here")
                    .with_label(*first, "first named here")
                    .with_help(format!("give each {kind} its own name")),
            );
        }
    }
    let mut members: Vec<(&str, Span, &str)> = fleet
        .sites
        .iter()
        .flat_map(|site| {
            site.devices.iter().map(move |device| (device.value.as_str(), device.span, site.name.value.as_str()))
        })
        .collect();
    members.sort();
    for pair in members.windows(2) {
        let [(device, first, first_site), (other, second, second_site)] = pair else { continue };
        if device == other {
            let message = if first_site == second_site {
                format!("device `{device}` is listed twice in site `{first_site}`")
            } else {
                format!("device `{device}` is in two sites, `{first_site}` and `{second_site}`")
            };
            sink.push(
                Diagnostic::new(&DUPLICATE, *second, message)
                    .with_primary_label("listed again here")
                    .with_label(*first, format!("listed in `{first_site}` here"))
                    .with_help("a device is in one site: merge the sites if they share a network"),
            );
        }
    }
}

fn missing(span: impl Into<Span>, what: &str, table: &str, help: &str) -> Diagnostic {
    Diagnostic::new(&MISSING_OR_CONFLICTING, span, format!("{table} is missing `{what}`"))
        .with_primary_label(format!("`{what}` is required here"))
        .with_help(help.to_owned())
}
