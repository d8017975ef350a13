//! The fleet at the edge: finding `asenet-fleet.toml`, expanding its globs, reading the
//! device files; then `check` over the fleet, `which`, `free` and `graph`, all answered by
//! the pure core in `fleet` and `query`.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ipnet::Ipv4Net;

use super::{CANNOT_RUN, FAILURE, Format, print_stdout, read_input, report_human};
use crate::diagnostic::json::FileReport;
use crate::diagnostic::{Diagnostic, LineIndex, Severity, Sink, github, json, sarif};
use crate::fleet::rules::unmatched_glob;
use crate::fleet::{self, FLEET_FILE_NAME, FileId, Fleet, FleetDevice, FleetDiagnostic};
use crate::model::{AddrRange, Network};
use crate::query;

/// How `asenet graph` draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    Dot,
    Mermaid,
    Svg,
}

/// A file as read and checked.
struct Loaded {
    name: String,
    source: String,
    checked: crate::Checked,
}

/// The fleet file and every device file its globs match, each checked alone.
struct LoadedFleet {
    file: Loaded,
    fleet: Fleet,
    devices: Vec<Loaded>,
}

impl LoadedFleet {
    fn fleet_devices(&self) -> Vec<FleetDevice<'_>> {
        self.devices
            .iter()
            .map(|device| FleetDevice {
                network: device.checked.network.as_ref(),
                has_errors: device.checked.has_errors(),
            })
            .collect()
    }
}

/// The fleet file: `--fleet FILE`, else `asenet-fleet.toml` in the current directory or
/// the nearest one above, as cargo finds `Cargo.toml`.
fn locate(fleet: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(path) = fleet {
        return Ok(path.to_owned());
    }
    let cwd = std::env::current_dir().map_err(|error| format!("cannot read the current directory: {error}"))?;
    for dir in cwd.ancestors() {
        let candidate = dir.join(FLEET_FILE_NAME);
        if candidate.is_file() {
            // Shown relative to where the user is, as they would type it.
            return Ok(candidate.strip_prefix(&cwd).map(Path::to_owned).unwrap_or(candidate));
        }
    }
    Err(format!("no files given and no `{FLEET_FILE_NAME}` in `{}` or above", cwd.display()))
}

/// What of each device's network to keep after checking it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Keep {
    /// Everything: `which`, `free` and `graph` read services and routes.
    All,
    /// What the fleet rules read (device, ports, Kubernetes, `[lint]`): services and
    /// routes are dropped on the thread that checked the file, which keeps a fleet check's
    /// memory and time near a plain check's.
    FleetRules,
}

fn load(path: &Path, keep: Keep) -> Result<LoadedFleet, String> {
    let (name, bytes) = read_input(path, "<stdin>")?;
    let source = crate::syntax::encoding::decode(&bytes)
        .map_err(|why| format!("cannot read `{name}`: {}\n  help: {}", why.message, why.help.unwrap_or_default()))?
        .to_owned();
    let mut sink = Sink::default();
    let fleet = fleet::parse_fleet(&source, &mut sink).unwrap_or_default();
    let dir = path.parent().filter(|dir| !dir.as_os_str().is_empty());
    // Below the fleet file's directory only, links inside it followed once, each file read
    // once (cli/walk.rs).
    let globs: Vec<&str> = fleet.devices.iter().map(|glob| glob.value.as_str()).collect();
    let found = super::walk::device_files(dir, &globs, path)?;
    for note in &found.notes {
        say!("note: {note}");
    }
    for (device_glob, matched) in fleet.devices.iter().zip(&found.matched) {
        if !matched {
            sink.push(unmatched_glob::unmatched(device_glob));
        }
    }
    let paths = found.files;
    let mut read = Vec::with_capacity(paths.len());
    for path in &paths {
        read.push(read_input(path, "<stdin>")?);
    }
    let devices = super::parallel::map_in_order(read, |(name, bytes)| {
        let mut checked = crate::check_bytes(&bytes);
        if let (Keep::FleetRules, Some(network)) = (keep, &mut checked.network) {
            network.services = Vec::new();
            network.routes = Vec::new();
        }
        Loaded { name, source: String::from_utf8_lossy(&bytes).into_owned(), checked }
    });
    let file = Loaded { name, source, checked: crate::Checked { diagnostics: sink.into_sorted(), network: None } };
    Ok(LoadedFleet { file, fleet, devices })
}

/// `asenet check` over a fleet: every device file as `check` reports it, the fleet file's
/// own problems, and the fleet rules, in one report. Exit 1 on an error (or a warning with
/// `--deny-warnings`), 2 when a file cannot be read.
pub fn check(fleet: Option<&Path>, format: Format, deny_warnings: bool) -> ExitCode {
    let loaded = match locate(fleet).and_then(|path| load(&path, Keep::FleetRules)) {
        Ok(loaded) => loaded,
        Err(message) => {
            say!("error: {message}");
            return ExitCode::from(CANNOT_RUN);
        }
    };
    let mut loaded = loaded;
    let found = fleet::check_fleet(&loaded.fleet, &loaded.fleet_devices());
    let mut per_file: Vec<Vec<Diagnostic>> = std::iter::once(&mut loaded.file)
        .chain(&mut loaded.devices)
        .map(|file| std::mem::take(&mut file.checked.diagnostics))
        .collect();
    let files: Vec<&Loaded> = std::iter::once(&loaded.file).chain(&loaded.devices).collect();
    for FleetDiagnostic { file, diagnostic, related } in found {
        let mut diagnostic = diagnostic;
        let notes: Vec<String> = related
            .iter()
            .map(|related| {
                let at = position(files[file_index(related.file)], related.span.start);
                format!("see {at}: {}", related.message)
            })
            .collect();
        if !notes.is_empty() {
            let help = diagnostic.help.take().map(|help| format!("{help}; ")).unwrap_or_default();
            diagnostic.help = Some(format!("{help}{}", notes.join("; ")));
        }
        per_file[file_index(file)].push(diagnostic);
    }
    for diagnostics in &mut per_file {
        crate::diagnostic::sort(diagnostics);
    }
    let reports: Vec<FileReport> = files
        .iter()
        .zip(&per_file)
        .map(|(file, diagnostics)| FileReport { path: &file.name, source: &file.source, diagnostics })
        .collect();
    let output = match format {
        Format::Human => {
            for report in &reports {
                report_human(report.path, report.source, report.diagnostics);
            }
            String::new()
        }
        Format::Json => json::render(&reports),
        Format::Sarif => sarif::render(&reports, crate::rules::RULES),
        Format::Github => github::render(&reports),
    };
    if !output.is_empty() && print_stdout(&output) != ExitCode::SUCCESS {
        return ExitCode::from(CANNOT_RUN);
    }
    let fails = |d: &Diagnostic| d.severity == Severity::Error || deny_warnings;
    ExitCode::from(if per_file.iter().flatten().any(fails) { FAILURE } else { 0 })
}

fn file_index(file: FileId) -> usize {
    match file {
        FileId::Fleet => 0,
        FileId::Device(index) => index + 1,
    }
}

/// `path:line:column` of a byte offset. Indexes the file's lines each time: only the few
/// files a fleet diagnostic points into are asked.
fn position(file: &Loaded, offset: usize) -> String {
    let position = LineIndex::new(&file.source).position(offset);
    format!("{}:{}:{}", file.name, position.line, position.column)
}

/// The networks to query: the device files given, else the fleet's.
enum Scope {
    Files(Vec<Loaded>),
    Fleet(Box<LoadedFleet>),
}

impl Scope {
    fn open(files: &[PathBuf], fleet: Option<&Path>) -> Result<Scope, String> {
        if fleet.is_none() && !files.is_empty() {
            let mut loaded = Vec::new();
            for path in files {
                let (name, bytes) = read_input(path, "<stdin>")?;
                let checked = crate::check_bytes(&bytes);
                loaded.push(Loaded { name, source: String::from_utf8_lossy(&bytes).into_owned(), checked });
            }
            return Ok(Scope::Files(loaded));
        }
        locate(fleet).and_then(|path| load(&path, Keep::All)).map(|loaded| Scope::Fleet(Box::new(loaded)))
    }

    fn devices(&self) -> &[Loaded] {
        match self {
            Scope::Files(files) => files,
            Scope::Fleet(loaded) => &loaded.devices,
        }
    }
}

#[derive(serde::Serialize)]
struct WhichOwner<'a> {
    file: &'a str,
    device: Option<&'a str>,
    kind: &'static str,
    description: String,
    line: usize,
    column: usize,
}

/// `asenet which ADDRESS`: every owner of the address in every device, then the fleet
/// networks that hold it. Exit 0 when something owns it, 1 when nothing does.
pub fn which(address: Ipv4Addr, files: &[PathBuf], fleet: Option<&Path>, json: bool) -> ExitCode {
    let scope = match Scope::open(files, fleet) {
        Ok(scope) => scope,
        Err(message) => {
            say!("error: {message}");
            return ExitCode::from(CANNOT_RUN);
        }
    };
    let mut owners: Vec<WhichOwner> = Vec::new();
    for device in scope.devices() {
        let Some(network) = &device.checked.network else { continue };
        let name = network.device.name.as_ref().map(|name| name.value.as_str());
        let index = LineIndex::new(&device.source);
        for owner in query::owners(network, address) {
            let position = index.position(owner.span.start);
            owners.push(WhichOwner {
                file: &device.name,
                device: name,
                kind: owner.kind.as_str(),
                description: owner.description,
                line: position.line,
                column: position.column,
            });
        }
    }
    if let Scope::Fleet(loaded) = &scope {
        let index = LineIndex::new(&loaded.file.source);
        for network in loaded.fleet.networks.iter().filter(|network| network.prefix.value.contains(&address)) {
            let position = index.position(network.prefix.span.start);
            owners.push(WhichOwner {
                file: &loaded.file.name,
                device: None,
                kind: "fleet-network",
                description: format!("fleet network `{}` {}", network.name.value, network.prefix.value),
                line: position.line,
                column: position.column,
            });
        }
    }
    let text = if json {
        let document = serde_json::json!({ "address": address.to_string(), "owners": owners });
        serde_json::to_string_pretty(&document).expect("owners serialize") + "\n"
    } else if owners.is_empty() {
        format!("{address}: nothing owns or contains it\n")
    } else {
        let mut text = format!("{address}:\n");
        for owner in &owners {
            let device = owner.device.map(|name| format!("{name}: ")).unwrap_or_default();
            text += &format!(
                "  {device}{} [{}] ({}:{}:{})\n",
                owner.description, owner.kind, owner.file, owner.line, owner.column
            );
        }
        text
    };
    let printed = print_stdout(&text);
    if printed != ExitCode::SUCCESS {
        return printed;
    }
    ExitCode::from(if owners.is_empty() { FAILURE } else { 0 })
}

/// Everything a device takes: its subnets (ports' and virtual networks'), node range, pool, pod and service CIDRs.
fn taken_by(network: &Network, taken: &mut Vec<AddrRange>) {
    taken.extend(crate::fleet::device_subnets(network).map(|subnet| AddrRange::of_net(subnet.value)));
    if let Some(kubernetes) = &network.kubernetes {
        taken.push(kubernetes.node_ips.value);
        taken.extend(kubernetes.service_ips.map(|pool| pool.value));
        taken.push(AddrRange::of_net(kubernetes.pod_cidr.value));
        taken.push(AddrRange::of_net(kubernetes.service_cidr.value));
    }
    taken.extend(network.routes.iter().map(|route| AddrRange::of_net(route.destination.value.trunc())));
}

/// `asenet free --size /N`: the lowest free prefixes that overlap nothing the site (or,
/// without `--site`, anything in the fleet) can reach.
pub fn free(
    size: u8,
    within: Option<Ipv4Net>,
    site: Option<&str>,
    count: usize,
    files: &[PathBuf],
    fleet: Option<&Path>,
    json: bool,
) -> ExitCode {
    let scope = match Scope::open(files, fleet) {
        Ok(scope) => scope,
        Err(message) => {
            say!("error: {message}");
            return ExitCode::from(CANNOT_RUN);
        }
    };
    let mut taken = Vec::new();
    match &scope {
        Scope::Files(devices) => {
            if site.is_some() {
                say!("error: `--site` needs a fleet (`--fleet FILE` or `{FLEET_FILE_NAME}`)");
                return ExitCode::from(CANNOT_RUN);
            }
            devices.iter().filter_map(|device| device.checked.network.as_ref()).for_each(|n| taken_by(n, &mut taken));
        }
        Scope::Fleet(loaded) => {
            let devices = loaded.fleet_devices();
            let topology = fleet::Topology::new(&loaded.fleet, &devices);
            let components: Option<BTreeSet<usize>> = match site {
                None => None,
                Some(site) => {
                    let Some(entry) = loaded.fleet.sites.iter().find(|entry| entry.name.value == site) else {
                        let names: Vec<&str> =
                            loaded.fleet.sites.iter().map(|entry| entry.name.value.as_str()).collect();
                        say!("error: no site `{site}` in the fleet; sites: {}", names.join(", "));
                        return ExitCode::from(CANNOT_RUN);
                    };
                    let members: BTreeSet<&str> = entry.devices.iter().map(|device| device.value.as_str()).collect();
                    Some(
                        devices
                            .iter()
                            .enumerate()
                            .filter(|(_, device)| device.name().is_some_and(|name| members.contains(name)))
                            .map(|(index, _)| topology.component[index])
                            .collect(),
                    )
                }
            };
            let reaches = |component: usize| components.as_ref().is_none_or(|set| set.contains(&component));
            for (index, device) in devices.iter().enumerate() {
                if let Some(network) = device.network.filter(|_| reaches(topology.component[index])) {
                    taken_by(network, &mut taken);
                }
            }
            let mut networks = BTreeSet::new();
            for (component, reached) in topology.networks_reached.iter().enumerate() {
                if reaches(component) {
                    networks.extend(reached.iter().copied());
                }
            }
            if components.is_none() {
                networks.extend(0..loaded.fleet.networks.len());
            }
            taken
                .extend(networks.into_iter().map(|index| AddrRange::of_net(loaded.fleet.networks[index].prefix.value)));
        }
    }
    let blocks: Vec<Ipv4Net> = match within {
        Some(within) => vec![within.trunc()],
        None => query::PRIVATE_BLOCKS.iter().map(|block| block.parse().expect("a CIDR")).collect(),
    };
    let mut found = Vec::new();
    for block in blocks {
        if found.len() < count {
            found.extend(query::free_prefixes(size, block, taken.clone(), count - found.len()));
        }
    }
    let text = if json {
        let prefixes: Vec<String> = found.iter().map(ToString::to_string).collect();
        serde_json::to_string_pretty(&serde_json::json!({ "size": size, "free": prefixes })).expect("json") + "\n"
    } else if found.is_empty() {
        format!("no free /{size}\n")
    } else {
        found.iter().map(|prefix| format!("{prefix}\n")).collect()
    };
    let printed = print_stdout(&text);
    if printed != ExitCode::SUCCESS {
        return printed;
    }
    ExitCode::from(if found.is_empty() { FAILURE } else { 0 })
}

/// `asenet graph`: one device's topology (FILE) or the fleet's (`--fleet`, or no FILE).
pub fn graph(file: Option<&Path>, fleet: Option<&Path>, format: GraphFormat) -> ExitCode {
    let drawing = if let (Some(file), None) = (file, fleet) {
        let (name, bytes) = match read_input(file, "<stdin>") {
            Ok(read) => read,
            Err(message) => {
                say!("error: {message}");
                return ExitCode::from(CANNOT_RUN);
            }
        };
        let checked = crate::check_bytes(&bytes);
        match (&checked.network, checked.has_errors()) {
            (Some(network), false) => fleet::graph::device_drawing(network),
            _ => {
                report_human(&name, &String::from_utf8_lossy(&bytes), &checked.diagnostics);
                say!("error: `{name}` has errors; fix them to draw it");
                return ExitCode::from(FAILURE);
            }
        }
    } else {
        let loaded = match locate(fleet).and_then(|path| load(&path, Keep::All)) {
            Ok(loaded) => loaded,
            Err(message) => {
                say!("error: {message}");
                return ExitCode::from(CANNOT_RUN);
            }
        };
        let names: Vec<String> = loaded.devices.iter().map(|device| device.name.clone()).collect();
        // The graph marks what `check` reports across the devices.
        let findings = fleet::check_fleet(&loaded.fleet, &loaded.fleet_devices());
        fleet::graph::fleet_drawing(&loaded.fleet, &loaded.fleet_devices(), &names, &findings)
    };
    match format {
        GraphFormat::Dot => print_stdout(&fleet::graph::to_dot(&drawing)),
        GraphFormat::Mermaid => print_stdout(&fleet::graph::to_mermaid(&drawing)),
        GraphFormat::Svg => match render_svg(&fleet::graph::to_dot(&drawing)) {
            Ok(svg) => print_stdout(&svg),
            Err(message) => {
                say!("error: {message}");
                ExitCode::from(CANNOT_RUN)
            }
        },
    }
}

/// How long Graphviz's `dot` may take, and how much SVG it may write: a fleet of 10,000
/// devices draws in seconds and a few tens of MB; a `dot` that hangs or writes without end
/// is stopped, never waited for.
const DOT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);
const DOT_OUTPUT_MAX: u64 = 256 << 20;

/// The limits, which the tests shorten (`ASENET_TEST_DOT_TIMEOUT_MS`, `ASENET_TEST_DOT_LIMIT`)
/// to try a hung or endless `dot` in seconds.
#[cfg(feature = "testing")]
fn dot_limits() -> (std::time::Duration, u64) {
    let number = |name: &str| std::env::var(name).ok().and_then(|value| value.parse::<u64>().ok());
    (
        number("ASENET_TEST_DOT_TIMEOUT_MS").map_or(DOT_TIMEOUT, std::time::Duration::from_millis),
        number("ASENET_TEST_DOT_LIMIT").unwrap_or(DOT_OUTPUT_MAX),
    )
}

#[cfg(not(feature = "testing"))]
fn dot_limits() -> (std::time::Duration, u64) {
    (DOT_TIMEOUT, DOT_OUTPUT_MAX)
}

/// Graphviz's `dot -Tsvg`, when it is installed: fed on one thread, read (bounded) on two
/// others, and killed when it takes longer than the timeout or writes more than the limit.
fn render_svg(dot: &str) -> Result<String, String> {
    use std::io::{Read as _, Write as _};
    use std::process::{Command, Stdio};
    let (timeout, limit) = dot_limits();
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| match error.kind() {
            std::io::ErrorKind::NotFound => {
                "SVG needs Graphviz's `dot`, which is not installed: `apt-get install graphviz` (or use `--format dot`)"
                    .to_owned()
            }
            _ => format!("cannot run Graphviz's `dot`: {error}"),
        })?;
    let mut stdin = child.stdin.take().expect("piped");
    let stdout = child.stdout.take().expect("piped");
    let stderr = child.stderr.take().expect("piped");
    let input = dot.to_owned();
    let feeder = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let reader = std::thread::spawn(move || {
        let mut svg = Vec::new();
        stdout.take(limit + 1).read_to_end(&mut svg).map(|_| svg)
    });
    let errors = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = stderr.take(64 << 10).read_to_end(&mut text);
        text
    });
    let start = std::time::Instant::now();
    let stopped = |child: &mut std::process::Child, why: String| {
        let _ = child.kill();
        let _ = child.wait();
        Err(why)
    };
    let too_slow = format!(
        "Graphviz's `dot` did not finish in {} s and was stopped (use `--format dot` and run it yourself)",
        timeout.as_secs_f32()
    );
    // Until all its output is read (or it exits): the reader stops at the limit.
    while !reader.is_finished() {
        if start.elapsed() >= timeout {
            return stopped(&mut child, too_slow);
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let svg = reader.join().map_err(|_| "cannot read from Graphviz's `dot`".to_owned())?;
    let svg = svg.map_err(|error| format!("cannot read from Graphviz's `dot`: {error}"))?;
    if svg.len() as u64 > limit {
        return stopped(
            &mut child,
            format!("Graphviz's `dot` wrote more than {} MiB of SVG and was stopped", limit >> 20),
        );
    }
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() >= timeout => return stopped(&mut child, too_slow),
            Ok(None) => std::thread::sleep(std::time::Duration::from_millis(10)),
            Err(error) => return stopped(&mut child, format!("Graphviz's `dot` failed: {error}")),
        }
    };
    let written = feeder.join().map_err(|_| "cannot write to Graphviz's `dot`".to_owned())?;
    let messages = errors.join().unwrap_or_default();
    if !status.success() {
        return Err(format!("Graphviz's `dot` failed: {}", String::from_utf8_lossy(&messages).trim()));
    }
    written.map_err(|error| format!("cannot write to Graphviz's `dot`: {error}"))?;
    String::from_utf8(svg).map_err(|_| "Graphviz's `dot` wrote something that is not UTF-8".to_owned())
}
