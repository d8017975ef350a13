//! `asenet drift FILE --device CONFIG.json [--vip VIP.json] [--cluster CLUSTER.json]`: what
//! differs between the device file and what is on the device. The exports are imported as
//! `asenet import` does (`crate::import`), both sides are checked as `check` checks them,
//! what no export shows is set aside (`plan::drift::set_aside`), and `diff`'s engine
//! classifies each difference, with the device's value and the file's.

use std::path::PathBuf;
use std::process::ExitCode;

use super::diff::{FailOn, Format};
use super::{CANNOT_RUN, FAILURE, print_stdout, read_input, report_human};
use crate::Checked;
use crate::diagnostic::Diagnostic;
use crate::emit::OutputFile;
use crate::import::{Inputs, Sources};
use crate::plan::drift::{self, Exports, NotCompared};
use crate::plan::render::Compared;
use crate::plan::{self, Side};

#[derive(clap::Args, Debug)]
#[command(after_help = "Exit status: 0 in sync (or the drift stays below --fail-on), 1 drift, 2 an input cannot \
                        be read, imported or checked.\nWhat is compared and what is not: docs/drift.md.")]
pub struct Args {
    /// The device file: what the device should be.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// `Get-DeviceConfiguration | To-json` of the device, as saved (UTF-8 or UTF-16).
    #[arg(long, value_name = "CONFIG.json")]
    device: PathBuf,
    /// `Get-DeviceVip | To-json` of a two-node device: its virtual IPs are compared too.
    #[arg(long, value_name = "VIP.json")]
    vip: Option<PathBuf>,
    /// `kubectl get services,ipaddresspools.metallb.io,... -A -o json`: the services and BGP
    /// peers are compared too.
    #[arg(long, value_name = "CLUSTER.json")]
    cluster: Option<PathBuf>,
    /// `human`, `markdown` (a pull-request or issue comment) or `json`; on stdout.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Exit 1 only when the drift reaches this class: applies-live, reapply, disruptive,
    /// redeploy (by default any drift does).
    #[arg(long, value_enum, value_name = "CLASS")]
    fail_on: Option<FailOn>,
}

pub fn run(args: &Args) -> ExitCode {
    match try_run(args) {
        Ok(code) => code,
        Err(Some(message)) => {
            say!("error: {message}");
            ExitCode::from(CANNOT_RUN)
        }
        Err(None) => ExitCode::from(CANNOT_RUN),
    }
}

/// One side checked as `check` checks it. `Err(None)` when it has errors, printed already.
fn checked(name: &str, source: &str) -> Result<Checked, Option<String>> {
    let checked = crate::check(source);
    if checked.network.is_some() && !checked.has_errors() {
        return Ok(checked);
    }
    Err(nothing_to_compare(name, source, &checked.diagnostics))
}

/// One side checked, with its compared artifacts. `Err(None)` when it has errors or its
/// artifacts are refused, printed already.
fn checked_side(name: &str, source: &str) -> Result<(Checked, Vec<OutputFile>), Option<String>> {
    let checked = checked(name, source)?;
    let network = checked.network.as_ref().expect("a checked side has a network");
    match crate::emit::emit_compared(network) {
        Ok(artifacts) => Ok((checked, artifacts)),
        Err(refused) => {
            let mut diagnostics = checked.diagnostics;
            diagnostics.extend(refused);
            Err(nothing_to_compare(name, source, &diagnostics))
        }
    }
}

/// Prints a side's errors as `check` does, and that there is nothing to compare.
fn nothing_to_compare(name: &str, source: &str, diagnostics: &[Diagnostic]) -> Option<String> {
    report_human(name, source, diagnostics);
    say!("{}: has errors, so there is nothing to compare", crate::escape::terminal::line(name));
    None
}

fn try_run(args: &Args) -> Result<ExitCode, Option<String>> {
    let inputs = [Some(&args.file), Some(&args.device), args.vip.as_ref(), args.cluster.as_ref()];
    if inputs.iter().flatten().filter(|path| path.as_os_str() == "-").count() > 1 {
        return Err(Some("only one input can be `-` (standard input)".to_owned()));
    }
    let (file_name, file_bytes) = read_input(&args.file, "<stdin>").map_err(Some)?;
    let Ok(file_source) = String::from_utf8(file_bytes.clone()) else {
        let checked = crate::check_bytes(&file_bytes);
        report_human(&file_name, &String::from_utf8_lossy(&file_bytes), &checked.diagnostics);
        return Err(None);
    };
    let (file_checked, file_artifacts) = checked_side(&file_name, &file_source)?;
    let file_network = file_checked.network.as_ref().expect("a checked side has a network");

    let (device_name, device_bytes) = read_input(&args.device, "<stdin>").map_err(Some)?;
    let vip = args.vip.as_ref().map(|path| read_input(path, "<stdin>")).transpose().map_err(Some)?;
    let cluster = args.cluster.as_ref().map(|path| read_input(path, "<stdin>")).transpose().map_err(Some)?;
    let inputs = Inputs {
        device: &device_bytes,
        vip: vip.as_ref().map(|(_, bytes)| bytes.as_slice()),
        cluster: cluster.as_ref().map(|(_, bytes)| bytes.as_slice()),
        model: Some(file_network.device.model.value),
        name: None,
        sources: Sources {
            device: &device_name,
            vip: vip.as_ref().map(|(name, _)| name.as_str()),
            cluster: cluster.as_ref().map(|(name, _)| name.as_str()),
        },
    };
    let imported = match crate::import::import(&inputs) {
        Ok(imported) => imported,
        Err(problems) => {
            for problem in &problems {
                say!("error: {problem}");
            }
            say!("{}: cannot be imported, so there is nothing to compare", crate::escape::terminal::line(&device_name));
            return Err(None);
        }
    };
    let device_label = format!("{device_name} (imported)");
    // Its artifacts are made once, below, after what no export shows is set aside: an
    // imported file has no `[lint]` and no suppression, so any name they would refuse is an
    // error of this check already.
    let mut device_checked = checked(&device_label, &imported.text)?;
    // An export the import read as a whole "not imported" (the cluster's, before import
    // reads it) compares nothing.
    let read = |source: Option<&str>| {
        source.is_some_and(|source| {
            !imported.not_imported.iter().any(|item| item.source == source && item.path == "(the whole file)")
        })
    };
    let exports = Exports {
        vip: read(vip.as_ref().map(|(name, _)| name.as_str())),
        cluster: read(cluster.as_ref().map(|(name, _)| name.as_str())),
    };
    // A copy of the file's network gives the parts no export shows, moved onto the device.
    let device_network = device_checked.network.as_mut().expect("a checked side has a network");
    let mut not_compared = drift::set_aside(device_network, file_network.clone(), exports);
    for item in &imported.not_imported {
        not_compared.push(NotCompared {
            what: format!("{}: {}", item.source, item.path),
            why: format!("not imported: {}", item.why),
        });
    }
    let device_network = device_checked.network.as_ref().expect("a checked side has a network");
    let device_artifacts = match crate::emit::emit_compared(device_network) {
        Ok(artifacts) => artifacts,
        Err(refused) => {
            // Why, as `check` says it (a name or value the exports hold, such as a sharing key
            // with a hidden character), then which side, on one visible line.
            report_human(&device_label, &imported.text, &refused);
            let label = crate::escape::terminal::line(&device_label);
            say!("error: {label}: its artifacts cannot be made, so there is nothing to compare");
            return Err(None);
        }
    };
    let plan = drift::in_sides_words(plan::plan(
        Side { network: device_network, artifacts: &device_artifacts },
        Side { network: file_network, artifacts: &file_artifacts },
    ));
    let compared = [Compared { old: &device_name, new: &file_name, plan: &plan, sides: Some(drift::SIDES) }];
    let output = match args.format {
        Format::Human => drift::human(&compared, &not_compared),
        Format::Markdown => drift::markdown(&compared, &not_compared),
        Format::Json => drift::json(&compared, &not_compared),
    };
    if print_stdout(&output) != ExitCode::SUCCESS {
        return Ok(ExitCode::from(CANNOT_RUN));
    }
    let drifted = match (args.fail_on, plan.class()) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(limit), Some(class)) => class >= limit.class(),
    };
    Ok(ExitCode::from(if drifted { FAILURE } else { 0 }))
}
