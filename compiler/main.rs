use std::process::ExitCode;

fn main() -> ExitCode {
    asenet::cli::run(std::env::args_os())
}
