//! asenet compiles one TOML description of an Azure Stack Edge device's network into
//! deployment artifacts, and lints it. ARCHITECTURE.md is the contributor's map: a line for
//! every module and command, the invariants with the test that holds each, and the recipes
//! for a rule, a fleet rule, an artifact, a key, a command, a language server request and a
//! `diff` section.
//!
//! # The pipeline
//! ```text
//! text --syntax::parse--> RawConfig --resolve::resolve--> Network --rules::check--> diagnostics
//!                                                            \--emit::emit--> Vec<OutputFile>
//! ```
//! The modules, bottom layer first; each uses only its own layer and those below it
//! (`tests/it/layers.rs` enforces it):
//! - [`text`]: message helpers (joined lists, plurals, "did you mean", the unified diff);
//!   [`escape`]: one escaper per output language.
//! - [`diagnostic`]: the `Diagnostic` data type (with its `Fix`), the `Sink`, the line index,
//!   the renderers (human, JSON, SARIF, GitHub), and the rule descriptor with the
//!   input-error codes.
//! - [`model`]: the resolved network: typed values, each with its span.
//! - [`syntax`]: stage 1, TOML text to the raw input types; spans on every leaf; unknown keys
//!   and wrong types reported. Only a TOML syntax error stops the pipeline. Also the JSON
//!   Schema of the input, the fleet file's raw types, and the `# asenet: allow(...)`
//!   suppression comments.
//! - [`resolve`]: stage 2, raw types to the [`model`]: addresses parsed, defaults applied,
//!   references resolved, nodes named, service addresses allocated.
//! - [`rules`]: stage 3, one file per rule over the model; [`rules::RULES`] and
//!   [`rules::CHECKS`] are the registry, [`rules::apply_lint_levels`] applies suppression
//!   comments and `[lint]`. Beside it [`fleet`]: the fleet file and the rules over many
//!   devices.
//! - [`emit`]: stage 4, the model to the artifacts of `asenet build`, as files in memory;
//!   only for a network without errors. Beside it [`query`] (who owns an address, which
//!   prefixes are free), [`plan`] (two networks to the classified changes between them,
//!   `asenet diff`) and [`fix`] (edits at spans of the source, applied without
//!   re-serialising). And [`import`]: the device's own exports (`Get-DeviceConfiguration`,
//!   `Get-DeviceVip`) to a device file's text, every problem with its JSON path.
//! - [`ide`]: what an editor shows (hovers, inlay hints, code lenses, definitions, outline,
//!   actions), as functions of the text and the network; `cli/server/` only speaks the
//!   protocol.
//! - This root ([`check`], [`check_bytes`], [`build`], [`fix_all`]) runs the pipeline;
//!   [`incremental`] runs it again after an edit, reading again only the tables it touched
//!   (a [`incremental::Session`] answers what [`check`] answers); and [`cli`] is the edge:
//!   files, terminal, exit codes, the language server.
//! - `testing`, with the `testing` feature only: the device file generator and the
//!   invariants of any input, shared by the tests, benchmarks and fuzz targets.
//!
//! # Invariants
//! - Nothing outside `cli` touches the filesystem, the terminal or the process: the core is
//!   a function from text to diagnostics.
//! - Only `syntax` parses TOML, and no type of the toml crate leaves it (its raw types carry
//!   its own `Spanned`); rules and emitters read the model and never parse strings. The hover
//!   (`ide/hover.rs`) reads the key under the cursor from its line's text, not from a parse.
//! - No artifact is emitted from a network with an error, nor from a name that could break
//!   out of its place in an artifact, whatever `[lint]` says; every artifact path is plain
//!   and relative ([`emit::path_problem`]). Emitters are pure functions of the model (and
//!   the previous manifest, given as data).
//! - Every diagnostic carries a code from [`rules::RULES`] and a span into the source.
//! - Output order never depends on hashing: diagnostics are sorted by position and code.

pub mod cli;
pub mod diagnostic;
pub mod emit;
pub mod escape;
pub mod fix;
pub mod fleet;
pub mod ide;
pub mod import;
pub mod incremental;
pub mod model;
pub mod plan;
pub mod query;
pub mod resolve;
pub mod rules;
pub mod syntax;
#[cfg(feature = "testing")]
pub mod testing;
pub mod text;

use diagnostic::{Diagnostic, Sink};
use emit::{OutputFile, PreviousManifest};
use model::Network;
use syntax::suppression::Suppression;

/// What checking one file found.
#[derive(Debug)]
pub struct Checked {
    /// Sorted by position, then code; suppression comments and `[lint]` already applied.
    pub diagnostics: Vec<Diagnostic>,
    /// The resolved network, unless the file is not TOML.
    pub network: Option<Network>,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Runs the whole pipeline over one file's text.
pub fn check(source: &str) -> Checked {
    let mut sink = Sink::default();
    let Some(raw) = syntax::parse(source, &mut sink) else {
        return Checked { diagnostics: sink.into_sorted(), network: None };
    };
    let suppressions = syntax::suppression::scan(source, &mut sink);
    // The raw types are dropped as they are resolved: the peak memory of a big file.
    let network = resolve::resolve(raw, rules::RULES, &mut sink);
    check_network(source, network, &suppressions, sink)
}

/// The pipeline after `syntax`: `raw` was read from `source`, and `sink` holds what reading
/// it found. [`check`] and [`incremental::Session::check`] share it; the session keeps `raw`.
fn check_raw(source: &str, raw: &syntax::raw::RawConfig, mut sink: Sink) -> Checked {
    let suppressions = syntax::suppression::scan(source, &mut sink);
    let network = resolve::resolve_borrowed(raw, rules::RULES, &mut sink);
    check_network(source, network, &suppressions, sink)
}

/// The rules over `network`, then suppressions and `[lint]`.
fn check_network(source: &str, network: Network, suppressions: &[Suppression], mut sink: Sink) -> Checked {
    rules::check(&network, &mut sink);
    let mut diagnostics = sink.into_sorted();
    rules::apply_lint_levels(&network, suppressions, &mut diagnostics);
    fix::attach_mixed_protocol_splits(source, &network, &mut diagnostics);
    Checked { diagnostics, network: Some(network) }
}

/// Checks a file given as bytes, which may not even be text.
pub fn check_bytes(bytes: &[u8]) -> Checked {
    match syntax::encoding::decode(bytes) {
        Ok(source) => check(source),
        Err(diagnostic) => Checked { diagnostics: vec![*diagnostic], network: None },
    }
}

/// What a build that found no error gives: the artifacts, and the warnings.
#[derive(Debug)]
pub struct Built {
    pub diagnostics: Vec<Diagnostic>,
    /// Every artifact, `manifest.json` included, sorted by path.
    pub files: Vec<OutputFile>,
    /// Why an artifact the file could have was not written (`device/network.json` without
    /// `node_names`, see [`emit::package::notes`]), one sentence each.
    pub notes: Vec<String>,
}

/// Checks `source` and, when it has no error, emits every artifact. `previous` is what the
/// last build into the same directory wrote (its `manifest.json`), for zone serials.
/// `Err` carries the diagnostics, errors among them: no artifact is made then. That includes
/// a name that breaks `invalid-name`'s rule even where `[lint]` allows it, since it would
/// be written into a path, a zone record, an `ip` command or a script ([`emit::emit`]).
pub fn build(source: &str, previous: &PreviousManifest) -> Result<Built, Vec<Diagnostic>> {
    let checked = check(source);
    match checked.network {
        Some(network) if !checked.has_errors() => match emit::emit(&network, source, previous) {
            Ok(files) => Ok(Built { files, diagnostics: checked.diagnostics, notes: emit::package::notes(&network) }),
            Err(refused) => {
                let mut sink = Sink::default();
                checked.diagnostics.into_iter().chain(refused).for_each(|diagnostic| sink.push(diagnostic));
                Err(sink.into_sorted())
            }
        },
        _ => Err(checked.diagnostics),
    }
}

/// What [`fix_all`] did to one file.
#[derive(Debug)]
pub struct Fixed {
    /// The text after every pass.
    pub source: String,
    /// Fixes applied over all passes.
    pub applied: usize,
    /// The check of the final text.
    pub checked: Checked,
}

/// Checks `source`, applies every fix that `--fix` may (safe ones; unsafe ones too when
/// `unsafe_fixes`), and repeats on the new text until a pass applies nothing or changes
/// nothing, or after [`fix::MAX_PASSES`].
pub fn fix_all(source: &str, unsafe_fixes: bool) -> Fixed {
    let mut current = source.to_owned();
    let mut applied = 0;
    let mut checked = check(&current);
    for _ in 0..fix::MAX_PASSES {
        let fixes = checked.diagnostics.iter().filter_map(|d| d.fix.as_ref()).filter(|f| f.applies_under(unsafe_fixes));
        let pass = fix::apply(&current, fixes);
        if pass.applied == 0 || pass.source == current {
            break;
        }
        applied += pass.applied;
        current = pass.source;
        checked = check(&current);
    }
    Fixed { source: current, applied, checked }
}
