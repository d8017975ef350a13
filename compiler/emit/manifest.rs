//! `manifest.json`: every artifact with its sha256, the input's sha256, the tool's version,
//! and each zone's serial with the hash of its text (serial aside). The next build reads it
//! back as [`PreviousManifest`]: to keep or raise zone serials, and to know which files in the
//! output directory asenet wrote (and may remove) and which belong to someone else.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::OutputFile;

pub const PATH: &str = "manifest.json";
/// Raised when the manifest's meaning changes.
const FORMAT: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Manifest {
    format: u32,
    tool: Tool,
    input: Input,
    files: Vec<FileEntry>,
    zones: Vec<ZoneSerial>,
}

#[derive(Serialize, Deserialize)]
struct Tool {
    name: String,
    version: String,
}

#[derive(Serialize, Deserialize)]
struct Input {
    sha256: String,
}

#[derive(Serialize, Deserialize)]
struct FileEntry {
    path: String,
    sha256: String,
}

/// A zone's serial and the hash that tells whether its records changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoneSerial {
    pub path: String,
    pub serial: u32,
    pub records_sha256: String,
}

/// What the previous build wrote, from its `manifest.json`. Empty for a first build.
#[derive(Debug, Default)]
pub struct PreviousManifest {
    /// Every artifact it wrote (not `manifest.json` itself), with the sha256 of the bytes it
    /// wrote: what proves a file there is still asenet's.
    pub files: BTreeMap<String, String>,
    pub zones: BTreeMap<String, ZoneSerial>,
}

impl PreviousManifest {
    /// Reads a previous `manifest.json`.
    pub fn parse(text: &str) -> Result<PreviousManifest, String> {
        let manifest: Manifest = serde_json::from_str(text).map_err(|error| error.to_string())?;
        if manifest.tool.name != "asenet" || manifest.format != FORMAT {
            return Err(format!("not an asenet manifest of format {FORMAT}"));
        }
        let files = manifest.files.into_iter().map(|file| (file.path, file.sha256)).collect();
        let zones = manifest.zones.into_iter().map(|zone| (zone.path.clone(), zone)).collect();
        Ok(PreviousManifest { files, zones })
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|byte| format!("{byte:02x}")).collect()
}

pub fn emit(source: &str, files: &[OutputFile], zones: &[ZoneSerial]) -> OutputFile {
    let manifest = Manifest {
        format: FORMAT,
        tool: Tool { name: "asenet".to_owned(), version: env!("CARGO_PKG_VERSION").to_owned() },
        input: Input { sha256: sha256_hex(source.as_bytes()) },
        files: files
            .iter()
            .map(|file| FileEntry { path: file.path.clone(), sha256: sha256_hex(file.contents.as_bytes()) })
            .collect(),
        zones: zones.to_vec(),
    };
    let mut json = serde_json::to_string_pretty(&manifest).expect("the manifest serializes");
    json.push('\n');
    OutputFile::new(PATH, json)
}
