//! `asenet import --device CONFIG.json [--vip VIP.json] [--cluster CLUSTER.json] [--model
//! MODEL] [--name NAME] [-o FILE]`: reads the device's exports, runs [`crate::import::import`]
//! and writes the device file to standard output or, through the writer, to a new FILE.
//! A problem in an export writes nothing (exit 2); what is not imported is said on stderr.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::builder::{PossibleValuesParser, TypedValueParser};

use super::{CANNOT_RUN, print_stdout, read_input, write};
use crate::import::{self, Inputs, Sources};
use crate::model::{DeviceModel, Keyword};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The device's configuration: `Get-DeviceConfiguration | To-json` saved to a file (UTF-8
    /// or UTF-16, as PowerShell writes it); `-` reads standard input.
    #[arg(long, value_name = "CONFIG.json")]
    device: PathBuf,
    /// A two-node cluster's virtual IPs: `Get-DeviceVip | to-json`.
    #[arg(long, value_name = "VIP.json")]
    vip: Option<PathBuf>,
    /// The cluster's services and MetalLB objects: `kubectl get services,ipaddresspools.metallb.io,
    /// l2advertisements.metallb.io,bgppeers.metallb.io,bgpadvertisements.metallb.io -A -o json`.
    #[arg(long, value_name = "CLUSTER.json")]
    cluster: Option<PathBuf>,
    /// The device's model, which the export names only as "Azure Stack Edge": required unless
    /// the export lists Port5 or Port6 (a pro-gpu).
    #[arg(long, value_name = "MODEL", value_parser = model_parser())]
    model: Option<DeviceModel>,
    /// The device's name, instead of the export's `deviceEndpoint.name`.
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// Write the device file to FILE, a new file (never over an existing one or through a
    /// link), instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
}

/// An input's name and bytes, or `Err` after saying why it cannot be read.
fn read(path: &Path) -> Result<(String, Vec<u8>), ()> {
    read_input(path, "<stdin>").map_err(|message| say!("error: {message}"))
}

fn model_parser() -> impl TypedValueParser<Value = DeviceModel> {
    PossibleValuesParser::new(DeviceModel::ALL.iter().map(|model| model.as_str()))
        .map(|word| *DeviceModel::ALL.iter().find(|model| model.as_str() == word).expect("one of the possible values"))
}

pub fn run(args: &Args) -> ExitCode {
    // Every input is read (each one that cannot be is said) before any is used.
    let device = read(&args.device);
    let vip = args.vip.as_deref().map(read);
    let cluster = args.cluster.as_deref().map(read);
    let (Ok((device_name, device)), Ok(vip), Ok(cluster)) = (device, vip.transpose(), cluster.transpose()) else {
        return ExitCode::from(CANNOT_RUN);
    };
    let inputs = Inputs {
        device: &device,
        vip: vip.as_ref().map(|(_, bytes)| bytes.as_slice()),
        cluster: cluster.as_ref().map(|(_, bytes)| bytes.as_slice()),
        model: args.model,
        name: args.name.as_deref(),
        sources: Sources {
            device: &device_name,
            vip: vip.as_ref().map(|(name, _)| name.as_str()),
            cluster: cluster.as_ref().map(|(name, _)| name.as_str()),
        },
    };
    let imported = match import::import(&inputs) {
        Ok(imported) => imported,
        Err(problems) => {
            for problem in &problems {
                say!("error: {problem}");
            }
            let count = problems.len();
            say!("error: nothing written: {count} problem{} in the exports", if count == 1 { "" } else { "s" });
            return ExitCode::from(CANNOT_RUN);
        }
    };
    for item in &imported.not_imported {
        say!("warning: not imported: {item}");
    }
    match &args.output {
        None => print_stdout(&imported.text),
        Some(path) => match write::fresh::create_file(path, imported.text.as_bytes()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                say!("error: {message}");
                ExitCode::from(CANNOT_RUN)
            }
        },
    }
}
