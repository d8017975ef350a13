//! The fleet at the edge: finding `asenet-fleet.toml`, expanding its globs, reading and
//! checking the device files (for `check`, and for `which`, `free` and `graph` in their own
//! files); then `check` over the fleet, answered by [`crate::fleet::check_fleet`].

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::check::{Format, Input, deny, report};
use super::{CANNOT_RUN, read_input};
use crate::diagnostic::{Diagnostic, LineIndex, Sink};
use crate::fleet::rules::unmatched_glob;
use crate::fleet::{self, FLEET_FILE_NAME, FileId, Fleet, FleetDevice, FleetDiagnostic};

/// A file as read and checked.
pub struct Loaded {
    pub name: String,
    pub source: String,
    pub checked: crate::Checked,
}

/// The fleet file and every device file its globs match, each checked alone.
pub struct LoadedFleet {
    pub file: Loaded,
    pub fleet: Fleet,
    pub devices: Vec<Loaded>,
}

impl LoadedFleet {
    pub fn fleet_devices(&self) -> Vec<FleetDevice<'_>> {
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
pub fn locate(fleet: Option<&Path>) -> Result<PathBuf, String> {
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
pub enum Keep {
    /// Everything: `which`, `free` and `graph` read services and routes.
    All,
    /// What the fleet rules read (device, ports, Kubernetes, `[lint]`): services and
    /// routes are dropped on the thread that checked the file, which keeps a fleet check's
    /// memory and time near a plain check's.
    FleetRules,
}

pub fn load(path: &Path, keep: Keep) -> Result<LoadedFleet, String> {
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
/// own problems, and the fleet rules, in one report ([`super::check::report`]). Exit 1 on an
/// error (or a warning with `--deny-warnings`), 2 when a file cannot be read.
pub fn check(fleet: Option<&Path>, format: Format, deny_warnings: bool) -> ExitCode {
    let mut loaded = match locate(fleet).and_then(|path| load(&path, Keep::FleetRules)) {
        Ok(loaded) => loaded,
        Err(message) => {
            say!("error: {message}");
            return ExitCode::from(CANNOT_RUN);
        }
    };
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
    // Each file reported as `check` reports it, `--deny-warnings` included.
    let files = std::iter::once(loaded.file).chain(loaded.devices);
    let inputs: Vec<Input> = files
        .zip(per_file)
        .map(|(file, mut diagnostics)| {
            crate::diagnostic::sort(&mut diagnostics);
            if deny_warnings {
                deny(&mut diagnostics);
            }
            Input { name: file.name, source: file.source, diagnostics }
        })
        .collect();
    report(&inputs, &[], format)
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

/// The arguments of a question asked of device files or of the fleet (`which`, `free`).
#[derive(clap::Args, Debug)]
pub struct ScopeArgs {
    /// Device files; without any, the fleet.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
    #[arg(long, value_name = "FILE", conflicts_with = "files")]
    fleet: Option<PathBuf>,
}

/// The networks to query: the device files given, else the fleet's.
pub enum Scope {
    Files(Vec<Loaded>),
    Fleet(Box<LoadedFleet>),
}

impl Scope {
    pub fn open(args: &ScopeArgs) -> Result<Scope, String> {
        let (files, fleet) = (&args.files, args.fleet.as_deref());
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

    pub fn devices(&self) -> &[Loaded] {
        match self {
            Scope::Files(files) => files,
            Scope::Fleet(loaded) => &loaded.devices,
        }
    }
}
