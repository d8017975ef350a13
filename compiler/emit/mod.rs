//! Stage 4: the [`Network`] to the artifacts of docs/artifacts.md, as [`OutputFile`]s. Emitters are
//! pure functions of the model: no clock, no environment, no hash-map order; the same
//! input gives the same bytes on any machine. Only `cli` writes the files.
//!
//! The previous build's `manifest.json`, read by `cli`, comes in as [`PreviousManifest`]: it
//! decides the zone serials.

pub mod converge;
mod data_network_routes;
mod dns;
pub mod manifest;
mod metallb;
pub mod package;
pub mod powershell;
mod routes;
mod services;
pub mod site_parameters;

pub use manifest::PreviousManifest;

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Network;
use crate::rules::invalid_name::{self, INVALID_NAME};

/// One artifact: a path relative to the output directory, with `/` separators, and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub contents: String,
}

impl OutputFile {
    fn new(path: impl Into<String>, contents: impl Into<String>) -> Self {
        OutputFile { path: path.into(), contents: contents.into() }
    }
}

/// Every artifact of `network`, `manifest.json` included, sorted by path. `source` is the
/// input's text, whose hash the manifest records. Call only for a network without errors.
///
/// `Err` when a name would be written where it could break out of its place, whatever
/// `[lint]` allows: a name that breaks `invalid-name`'s rule (it becomes a file name, a
/// zone record, an `ip` argument, a line of a script), or, independently of any rule, a
/// path that is not a plain relative path ([`path_problem`]).
pub fn emit(network: &Network, source: &str, previous: &PreviousManifest) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let refused: Vec<Diagnostic> = invalid_name::problems(network).into_iter().map(refuse).collect();
    if !refused.is_empty() {
        return Err(refused);
    }
    let mut files = routes::emit(network);
    files.extend(metallb::emit(network));
    files.extend(powershell::emit(network));
    let zones = dns::emit(network, previous);
    files.extend(zones.files);
    files.extend(services::emit(network));
    files.extend(private5g(network));
    files.extend(package::emit(network));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let manifest = manifest::emit(source, &files, &zones.serials);
    files.push(manifest);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let unsafe_paths: Vec<Diagnostic> = files
        .iter()
        .filter_map(|file| {
            let problem = path_problem(&file.path)?;
            let path = clip(&file.path);
            Some(
                Diagnostic::new(&INVALID_NAME, network.device.header, format!("artifact path `{path}` {problem}"))
                    .with_primary_label("a name in this file makes an artifact path that leaves the output directory")
                    .with_help("asenet writes nothing: rename what makes this path"),
            )
        })
        .collect();
    if !unsafe_paths.is_empty() {
        return Err(unsafe_paths);
    }
    refuse_hidden_characters(network, files)
}

/// The artifacts `asenet diff` compares as text, with the refusals of [`emit`]: all but the
/// route files, which it compares route by route from the model (that is all they render,
/// and at 100,000 routes they are most of a build's time), and the manifest, which records
/// the build rather than the device. Zone serials are those of a first build on both sides.
pub fn emit_compared(network: &Network) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let refused: Vec<Diagnostic> = invalid_name::problems(network).into_iter().map(refuse).collect();
    if !refused.is_empty() {
        return Err(refused);
    }
    let mut files = metallb::emit(network);
    files.extend(dns::emit(network, &PreviousManifest::default()).files);
    files.extend(services::emit(network));
    files.extend(private5g(network));
    files.extend(package::emit(network));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    refuse_hidden_characters(network, files)
}

/// `files`, or a refusal for each that would hold a hidden character (`escape::is_hidden`: a
/// bidirectional control, a character that shows as nothing, U+2028 or U+2029), whatever put
/// it there. The escapers write such characters as visible escapes, but a serializer (YAML,
/// JSON) writes a string as it is: a `share_ip` key, or a target port name where `[lint]`
/// allows its rule, would reach `services.yaml` as itself, and its reviewer would read a key
/// other than MetalLB's. Files of ASCII, nearly all, are passed over at once.
fn refuse_hidden_characters(network: &Network, files: Vec<OutputFile>) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let refused: Vec<Diagnostic> = files
        .iter()
        .filter(|file| !file.contents.is_ascii())
        .filter_map(|file| {
            let (number, hidden) = file.contents.lines().enumerate().find_map(|(number, line)| {
                line.chars().find(|&c| crate::escape::is_hidden(c)).map(|c| (number + 1, c))
            })?;
            let (path, hidden) = (clip(&file.path), hidden.escape_unicode());
            Some(
                Diagnostic::new(
                    &INVALID_NAME,
                    network.device.header,
                    format!(
                        "artifact `{path}` would hold the character {hidden} on its line {number}, which shows as \
                         nothing or reorders the text around it"
                    ),
                )
                .with_primary_label("a name or value of this file reaches that line with it")
                .with_help(format!(
                    "asenet writes nothing: remove {hidden} from the name or value written on that line (a \
                     `share_ip`, a target port name, ...); its reader would see other text than its consumer reads"
                )),
            )
        })
        .collect();
    if refused.is_empty() { Ok(files) } else { Err(refused) }
}

/// The Azure Private 5G Core artifacts, with `[packet_core]`.
fn private5g(network: &Network) -> impl Iterator<Item = OutputFile> {
    site_parameters::emit(network).into_iter().chain(data_network_routes::emit(network))
}

/// An `invalid-name` diagnostic as a refusal to build: an error even where `[lint]` allows
/// the rule.
fn refuse(mut diagnostic: Diagnostic) -> Diagnostic {
    diagnostic.severity = Severity::Error;
    let help = diagnostic.help.take().unwrap_or_default();
    diagnostic.with_help(format!(
        "{help}; `asenet build` writes nothing from such a name, even where [lint] allows {}: it would be \
         written into file names, DNS records, `ip` commands or scripts",
        INVALID_NAME.code
    ))
}

/// Longest path component, in bytes, most filesystems take (`NAME_MAX`).
const COMPONENT_MAX: usize = 255;
/// Longest artifact path, in bytes (`PATH_MAX` less room for the output directory).
const PATH_MAX: usize = 1024;

/// Why `path` is not safe to write below the output directory, whatever wrote it: it must
/// be relative, `/`-separated, of plain names (no empty, `.` or `..` component), with no
/// NUL, control character, `\` or `:` (a separator or drive on Windows), each component at
/// most 255 bytes. `None` when it is safe.
pub fn path_problem(path: &str) -> Option<&'static str> {
    if path.is_empty() {
        return Some("is empty");
    }
    if path.len() > PATH_MAX {
        return Some("is too long");
    }
    if path.starts_with('/') {
        return Some("is absolute");
    }
    if path.contains('\0') {
        return Some("contains a NUL byte");
    }
    if path.chars().any(|c| c.is_control()) {
        return Some("contains a control character");
    }
    if path.contains(['\\', ':']) {
        return Some("contains `\\` or `:`");
    }
    for component in path.split('/') {
        match component {
            "" => return Some("has an empty component"),
            "." | ".." => return Some("has a `.` or `..` component"),
            _ if component.len() > COMPONENT_MAX => return Some("has a component longer than 255 bytes"),
            _ => {}
        }
    }
    None
}

/// A path as a message shows it: escaped, and cut when long.
fn clip(path: &str) -> String {
    let escaped = path.escape_debug().to_string();
    match escaped.char_indices().nth(120) {
        Some((cut, _)) => format!("{}…", &escaped[..cut]),
        None => escaped,
    }
}

/// The comment that opens every artifact that can hold one.
const GENERATED: &str = "Generated by asenet from the device file: do not edit, change the device file and rebuild.";

/// YAML of one document, from a maintained serializer (it quotes `yes`, `on`, ... so that
/// Kubernetes never reads them as booleans).
fn yaml<T: serde::Serialize>(value: &T) -> String {
    serde_saphyr::to_string(value).expect("artifact types serialize to YAML")
}

#[cfg(test)]
mod tests {
    use super::path_problem;

    #[test]
    fn only_plain_relative_paths_are_safe() {
        for safe in ["manifest.json", "dns/cluster.local.zone", "routes/worker1.ip", &"a".repeat(255)] {
            assert_eq!(path_problem(safe), None, "{safe}");
        }
        let long = format!("dns/{}", "a".repeat(256));
        let deep = "a/".repeat(600);
        for (unsafe_path, problem) in [
            ("", "is empty"),
            ("/etc/passwd", "is absolute"),
            ("dns/../../etc/x.zone", "has a `.` or `..` component"),
            ("dns/./x", "has a `.` or `..` component"),
            ("..", "has a `.` or `..` component"),
            ("dns//x", "has an empty component"),
            ("dns/", "has an empty component"),
            ("dns/a\0b.zone", "contains a NUL byte"),
            ("dns/a\nb.zone", "contains a control character"),
            ("dns\\..\\x", "contains `\\` or `:`"),
            ("C:x", "contains `\\` or `:`"),
            (&long, "has a component longer than 255 bytes"),
            (&deep, "is too long"),
        ] {
            assert_eq!(path_problem(unsafe_path), Some(problem), "{unsafe_path:?}");
        }
    }
}
