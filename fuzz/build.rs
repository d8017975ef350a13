//! Embeds the clean device files of the repository (the examples, the edge cases and every
//! rule's `quiet*.toml` fixture) as the seeds that `edit_examples` mutates.

use std::path::{Path, PathBuf};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
    let mut seeds: Vec<PathBuf> = Vec::new();
    for dir in ["examples", "tests/build"] {
        seeds.extend(toml_files(&root.join(dir)));
    }
    let mut fixtures: Vec<PathBuf> =
        std::fs::read_dir(root.join("tests/fixtures")).unwrap().map(|entry| entry.unwrap().path()).collect();
    fixtures.sort();
    for dir in fixtures {
        seeds.extend(
            toml_files(&dir)
                .into_iter()
                .filter(|path| path.file_name().unwrap().to_string_lossy().starts_with("quiet")),
        );
    }
    let list: String =
        seeds.iter().map(|path| format!("    include_str!({:?}),\n", path.display().to_string())).collect();
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("seeds.rs");
    std::fs::write(out, format!("pub static SEEDS: &[&str] = &[\n{list}];\n")).unwrap();
    println!("cargo::rerun-if-changed={}", root.join("examples").display());
    println!("cargo::rerun-if-changed={}", root.join("tests/fixtures").display());
}

fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    files
}
