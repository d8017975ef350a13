//! `asenet import`: the device's own exports to a device file.
//!
//! [`import`] reads `Get-DeviceConfiguration | To-json` (and, optionally, `Get-DeviceVip |
//! to-json` and the cluster's `kubectl get ... -o json`) and writes the TOML text of the
//! device file they describe: bytes in, text out, no IO. Every value that is not what its
//! field holds is a [`Problem`] with its JSON path, all of them are reported, and then
//! nothing is written; what the export holds that the device file cannot say is listed in
//! [`Imported::not_imported`] (and in the file's header), never guessed.
//!
//! The text it writes checks without input errors (ASE0xx): every value is read here to the
//! shape `resolve` accepts, and every string goes through `escape::toml_file`. Whether the
//! device is configured well is `asenet check`'s to judge: import reproduces the device, the
//! rules judge it (docs/import.md).
//!
//! - `json.rs`: bytes to text (UTF-8, UTF-16 with or without a byte order mark), text to JSON,
//!   and the reader that keeps each value's JSON path.
//! - `device.rs`: the configuration export (both vSwitch layouts, both `network` forms).
//! - `vip.rs`: the virtual IPs.
//! - `cluster.rs`: the cluster's services and MetalLB's BGP peers.
//! - `write.rs`: the device file's text.

mod cluster;
mod device;
mod json;
mod vip;
mod write;

use crate::model::DeviceModel;

/// What `import` reads.
pub struct Inputs<'a> {
    /// `Get-DeviceConfiguration | To-json`.
    pub device: &'a [u8],
    /// `Get-DeviceVip | to-json`.
    pub vip: Option<&'a [u8]>,
    /// `kubectl get services,ipaddresspools.metallb.io,... -A -o json`.
    pub cluster: Option<&'a [u8]>,
    /// The model, where the export cannot tell it (`--model`).
    pub model: Option<DeviceModel>,
    /// The device's name, instead of the export's `deviceEndpoint.name` (`--name`).
    pub name: Option<&'a str>,
    /// The inputs' names, for the header comment and the problems.
    pub sources: Sources<'a>,
}

/// The names the inputs are shown by (their paths as the user gave them).
pub struct Sources<'a> {
    pub device: &'a str,
    pub vip: Option<&'a str>,
    pub cluster: Option<&'a str>,
}

/// The device file, and what the exports hold that it does not.
#[derive(Debug)]
pub struct Imported {
    /// The device file's TOML text.
    pub text: String,
    pub not_imported: Vec<NotImported>,
}

/// A value of an export that the device file does not hold, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotImported {
    /// The input's name, from [`Sources`].
    pub source: String,
    /// The value's JSON path: `device.network.interfaces[0].routes`.
    pub path: String,
    pub why: String,
}

/// A value that is not what its field holds (or an input that is not JSON at all).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The input's name, from [`Sources`].
    pub source: String,
    /// The value's JSON path (`device.network.interfaces[3].iPv4.subnetMask`), or
    /// `(the whole file)`.
    pub path: String,
    /// What was expected, and what was found.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = crate::escape::terminal::line(&self.path);
        // The value a message echoes is the export's: it can be megabytes long (cut), and hold
        // any character (made visible here, whichever check wrote the message).
        const SHOWN_MAX: usize = 400;
        let message = &self.message;
        let cut = message.char_indices().nth(SHOWN_MAX).map_or(message.len(), |(index, _)| index);
        let shown = crate::escape::terminal::line(&message[..cut]);
        write!(formatter, "{}: {path}: {shown}", crate::escape::terminal::line(&self.source))?;
        match message[cut..].chars().count() {
            0 => Ok(()),
            more => write!(formatter, "… ({more} more characters)"),
        }
    }
}

impl std::fmt::Display for NotImported {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = crate::escape::terminal::line(&self.path);
        let why = crate::escape::terminal::line(&self.why);
        write!(formatter, "{}: {path}: {why}", crate::escape::terminal::line(&self.source))
    }
}

/// The device file the exports describe, or every problem they have.
pub fn import(inputs: &Inputs<'_>) -> Result<Imported, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut not_imported = Vec::new();
    let device = read(inputs.device, inputs.sources.device, &mut problems).and_then(|value| {
        let mut reader = json::Reader::new(inputs.sources.device);
        let device = device::read(&value, inputs.model, inputs.name, &mut reader);
        problems.append(&mut reader.problems);
        not_imported.append(&mut reader.not_imported);
        device
    });
    let vips = match inputs.vip {
        None => Some(Vec::new()),
        Some(bytes) => {
            let source = inputs.sources.vip.unwrap_or("VIP.json");
            read(bytes, source, &mut problems).and_then(|value| {
                let mut reader = json::Reader::new(source);
                let vips = vip::read(&value, device.as_ref().map(|device| device.nodes.len()), &mut reader);
                problems.append(&mut reader.problems);
                not_imported.append(&mut reader.not_imported);
                vips
            })
        }
    };
    let cluster = match inputs.cluster {
        None => Some(None),
        Some(bytes) => {
            let source = inputs.sources.cluster.unwrap_or("CLUSTER.json");
            read(bytes, source, &mut problems).and_then(|value| {
                let mut reader = json::Reader::new(source);
                let cluster = cluster::read(&value, device.as_ref(), &mut reader);
                problems.append(&mut reader.problems);
                not_imported.append(&mut reader.not_imported);
                cluster.map(Some)
            })
        }
    };
    match (device, vips, cluster) {
        (Some(device), Some(vips), Some(cluster)) if problems.is_empty() => {
            let text = write::device_file(&device, &vips, cluster.as_ref(), &inputs.sources, &not_imported);
            Ok(Imported { text, not_imported })
        }
        _ => Err(problems),
    }
}

/// One input's JSON, or its problem.
fn read(bytes: &[u8], source: &str, problems: &mut Vec<Problem>) -> Option<serde_json::Value> {
    let parsed = json::decode(bytes).and_then(|text| json::parse(&text));
    match parsed {
        Ok(value) => Some(value),
        Err(message) => {
            problems.push(Problem { source: source.to_owned(), path: "(the whole file)".to_owned(), message });
            None
        }
    }
}
