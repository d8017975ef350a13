//! Runs one stage of the pipeline over a file, as a process of its own, and prints the peak
//! of the heap it used: `stage parse|check|build FILE`.
//!
//! `parse` is the parse-only process that `bench/run.sh` compares `asenet check` with (peak
//! memory under `/usr/bin/time -v`); all three are what a profiler
//! (`valgrind --tool=callgrind`) looks at without the CLI around them.

use std::alloc::{GlobalAlloc, Layout};

use mimalloc::MiMalloc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The allocator of `asenet` (mimalloc), counting the bytes in use and their peak.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { MiMalloc.alloc(layout) };
        if !pointer.is_null() {
            let in_use = IN_USE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(in_use, Ordering::Relaxed);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { MiMalloc.dealloc(pointer, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    /// The allocator's `realloc`, which can grow in place, not the default's copy.
    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let moved = unsafe { MiMalloc.realloc(pointer, layout, new_size) };
        if !moved.is_null() {
            if new_size >= layout.size() {
                let in_use = IN_USE.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size - layout.size();
                PEAK.fetch_max(in_use, Ordering::Relaxed);
            } else {
                IN_USE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        moved
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [stages, path] = args.as_slice()
        && stages == "stages"
    {
        return breakdown(path);
    }
    let [stage, path] = args.as_slice() else { usage() };
    let source = std::fs::read_to_string(path).unwrap_or_else(|error| panic!("cannot read {path}: {error}"));
    let file = source.len();
    let found = match stage.as_str() {
        "parse" => {
            let mut sink = asenet::diagnostic::Sink::default();
            let raw = asenet::syntax::parse(&source, &mut sink);
            format!("{} routes", raw.map_or(0, |raw| raw.routes.len()))
        }
        "check" => format!("{} diagnostics", asenet::check(&source).diagnostics.len()),
        "build" => match asenet::build(&source, &asenet::emit::PreviousManifest::default()) {
            Ok(built) => format!("{} files", built.files.len()),
            Err(diagnostics) => format!("{} diagnostics", diagnostics.len()),
        },
        _ => usage(),
    };
    let peak = PEAK.load(Ordering::Relaxed);
    eprintln!(
        "{stage}: {found}; file {file} bytes, peak heap {peak} bytes ({:.1}x the file)",
        peak as f64 / file as f64
    );
}

/// What one keystroke's full check costs, stage by stage: the median of 21 runs of each, in ms.
fn breakdown(path: &str) {
    use asenet::{diagnostic, fix, ide, resolve, rules, syntax};
    let source = std::fs::read_to_string(path).unwrap_or_else(|error| panic!("cannot read {path}: {error}"));
    let median = |mut work: Box<dyn FnMut()>| {
        let mut times: Vec<f64> = (0..21)
            .map(|_| {
                let start = std::time::Instant::now();
                work();
                start.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        times.sort_by(f64::total_cmp);
        times[times.len() / 2]
    };
    let mut sink = diagnostic::Sink::default();
    let raw = syntax::parse(&source, &mut sink).expect("the file is TOML");
    let suppressions = syntax::suppression::scan(&source, &mut sink);
    let network = resolve::resolve_borrowed(&raw, rules::RULES, &mut sink);
    let mut found = sink.into_sorted();
    let rows: Vec<(&str, f64)> = vec![
        ("looks_like_device_file", median(Box::new(|| assert!(ide::looks_like_device_file(&source))))),
        ("syntax::parse", median(Box::new(|| drop(syntax::parse(&source, &mut diagnostic::Sink::default()))))),
        (
            "suppression::scan",
            median(Box::new(|| drop(syntax::suppression::scan(&source, &mut diagnostic::Sink::default())))),
        ),
        (
            "resolve",
            median(Box::new(|| drop(resolve::resolve_borrowed(&raw, rules::RULES, &mut diagnostic::Sink::default())))),
        ),
        ("rules::check", median(Box::new(|| rules::check(&network, &mut diagnostic::Sink::default())))),
        (
            "lint levels + fix attach",
            median(Box::new(|| {
                rules::apply_lint_levels(&network, &suppressions, &mut found);
                fix::attach_mixed_protocol_splits(&source, &network, &mut found);
            })),
        ),
        ("LineIndex::new (publish)", median(Box::new(|| drop(diagnostic::LineIndex::new(&source))))),
        ("crate::check, whole", median(Box::new(|| drop(asenet::check(&source))))),
    ];
    for (stage, ms) in rows {
        println!("{path}: {stage:<28} {ms:8.3} ms");
    }
}

fn usage() -> ! {
    eprintln!("usage: stage parse|check|build|stages FILE");
    std::process::exit(2);
}
