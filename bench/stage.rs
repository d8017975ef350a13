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

fn usage() -> ! {
    eprintln!("usage: stage parse|check|build FILE");
    std::process::exit(2);
}
