//! The benchmark's generated device files: the valid ones run every rule on its happy path
//! and draw nothing; the others draw exactly the conflicts injected into them.

use std::collections::BTreeMap;

use asenet::testing::generator::{self, Shape};

fn counts(source: &str) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    for diagnostic in asenet::check(source).diagnostics {
        *counts.entry(diagnostic.code()).or_default() += 1;
    }
    counts
}

#[test]
fn a_generated_file_is_valid_and_builds() {
    let source = generator::device_file(Shape::valid(1000));
    assert_eq!(counts(&source), BTreeMap::new());
    let built = asenet::build(&source, &asenet::emit::PreviousManifest::default()).expect("it builds");
    assert!(built.diagnostics.is_empty());
    let table = built.files.iter().find(|file| file.path == "routes/master.ip").expect("a route table");
    assert_eq!(table.contents.lines().filter(|line| line.starts_with("route replace")).count(), 1000);
}

#[test]
fn a_generated_file_with_conflicts_draws_one_in_a_hundred() {
    let source = generator::device_file(Shape::with_conflicts(1000));
    assert_eq!(counts(&source), BTreeMap::from([("ASE108", 1), ("ASE203", 5), ("ASE206", 5)]));
}

#[test]
fn the_generator_is_deterministic() {
    assert_eq!(generator::device_file(Shape::valid(200)), generator::device_file(Shape::valid(200)));
    let other_seed = Shape { seed: 7, ..Shape::valid(200) };
    assert_ne!(generator::device_file(Shape::valid(200)), generator::device_file(other_seed));
}
