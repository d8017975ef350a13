use std::process::ExitCode;

/// mimalloc rather than the system allocator: the parser makes millions of small
/// allocations and a few huge ones, which glibc hands back to the kernel and faults in
/// again (CONTRIBUTING.md, Performance).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    asenet::cli::run(std::env::args_os())
}
