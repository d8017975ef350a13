//! How asenet scales with the size of a device file: parse only (TOML text to the raw input
//! types, through the stream reader), the `toml` crate's parse of the same text beside it
//! (`parse_toml_crate`, what `syntax` did before), a full check, and a full build in memory (no disk), over generated files of 1k,
//! 10k and 100k routes (and a tenth as many services). `check_conflicts` checks the variant
//! with 1% conflicts, whose diagnostics are made too.
//!
//! `cargo bench -p asenet-bench --bench scale` (`bench/run.sh` runs it with the rest). Each iteration
//! includes dropping what it made, as a process would.

use asenet::testing::generator::{self, Shape};
use divan::Bencher;
use divan::counter::BytesCount;

/// What the `asenet` binary allocates with.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ROUTES: &[usize] = &[1_000, 10_000, 100_000];

fn main() {
    divan::main();
}

#[divan::bench(args = ROUTES, sample_count = 20)]
fn parse(bencher: Bencher, routes: usize) {
    let source = generator::device_file(Shape::valid(routes));
    bencher.counter(BytesCount::of_str(&source)).bench(|| {
        let mut sink = asenet::diagnostic::Sink::default();
        let raw = asenet::syntax::parse(divan::black_box(&source), &mut sink).expect("generated files are TOML");
        divan::black_box_drop((raw, sink));
    });
}

/// The `toml` crate's parse of the same text into its document tree (`DeTable::parse`), what
/// `syntax` used before its stream reader: side by side with `parse` in one run.
#[divan::bench(args = ROUTES, sample_count = 20)]
fn parse_toml_crate(bencher: Bencher, routes: usize) {
    let source = generator::device_file(Shape::valid(routes));
    bencher.counter(BytesCount::of_str(&source)).bench(|| {
        let document = toml::de::DeTable::parse(divan::black_box(&source)).expect("generated files are TOML");
        divan::black_box_drop(document);
    });
}

#[divan::bench(args = ROUTES, sample_count = 20)]
fn check(bencher: Bencher, routes: usize) {
    let source = generator::device_file(Shape::valid(routes));
    bencher.counter(BytesCount::of_str(&source)).bench(|| {
        let checked = asenet::check(divan::black_box(&source));
        assert!(checked.diagnostics.is_empty());
        divan::black_box_drop(checked);
    });
}

#[divan::bench(args = ROUTES, sample_count = 20)]
fn check_conflicts(bencher: Bencher, routes: usize) {
    let source = generator::device_file(Shape::with_conflicts(routes));
    bencher.counter(BytesCount::of_str(&source)).bench(|| {
        let checked = asenet::check(divan::black_box(&source));
        assert!(checked.has_errors());
        divan::black_box_drop(checked);
    });
}

#[divan::bench(args = ROUTES, sample_count = 20)]
fn build(bencher: Bencher, routes: usize) {
    let source = generator::device_file(Shape::valid(routes));
    let previous = asenet::emit::PreviousManifest::default();
    bencher.counter(BytesCount::of_str(&source)).bench(|| {
        let built = asenet::build(divan::black_box(&source), &previous).expect("generated files build");
        divan::black_box_drop(built);
    });
}
