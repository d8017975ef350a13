//! `asenet graph [FILE | --fleet FILE] [--format F]`: a device's topology or the fleet's
//! reachability graph ([`crate::fleet::graph`]) as DOT, Mermaid, or SVG through Graphviz's
//! `dot` when it is installed.

use std::path::PathBuf;
use std::process::ExitCode;

use super::fleet::{Keep, load, locate};
use super::{CANNOT_RUN, FAILURE, print_stdout, read_input, report_human};
use crate::fleet;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
    #[arg(long, value_name = "FILE", conflicts_with = "file")]
    fleet: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Dot)]
    format: Format,
}

/// How `asenet graph` draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Dot,
    Mermaid,
    Svg,
}

/// `asenet graph`: one device's topology (FILE) or the fleet's (`--fleet`, or no FILE).
pub fn run(args: &Args) -> ExitCode {
    let drawing = if let (Some(file), None) = (&args.file, &args.fleet) {
        let (name, bytes) = match read_input(file, "<stdin>") {
            Ok(read) => read,
            Err(message) => {
                say!("error: {message}");
                return ExitCode::from(CANNOT_RUN);
            }
        };
        let checked = crate::check_bytes(&bytes);
        match (&checked.network, checked.has_errors()) {
            (Some(network), false) => fleet::graph::device_drawing(network),
            _ => {
                report_human(&name, &String::from_utf8_lossy(&bytes), &checked.diagnostics);
                say!("error: `{}` has errors; fix them to draw it", crate::escape::terminal::line(&name));
                return ExitCode::from(FAILURE);
            }
        }
    } else {
        let loaded = match locate(args.fleet.as_deref()).and_then(|path| load(&path, Keep::All)) {
            Ok(loaded) => loaded,
            Err(message) => {
                say!("error: {message}");
                return ExitCode::from(CANNOT_RUN);
            }
        };
        let names: Vec<String> = loaded.devices.iter().map(|device| device.name.clone()).collect();
        // The graph marks what `check` reports across the devices.
        let findings = fleet::check_fleet(&loaded.fleet, &loaded.fleet_devices());
        fleet::graph::fleet_drawing(&loaded.fleet, &loaded.fleet_devices(), &names, &findings)
    };
    match args.format {
        Format::Dot => print_stdout(fleet::graph::to_dot(&drawing)),
        Format::Mermaid => print_stdout(fleet::graph::to_mermaid(&drawing)),
        Format::Svg => match render_svg(&fleet::graph::to_dot(&drawing)) {
            Ok(svg) => print_stdout(&svg),
            Err(message) => {
                say!("error: {message}");
                ExitCode::from(CANNOT_RUN)
            }
        },
    }
}

/// How long Graphviz's `dot` may take, and how much SVG it may write: a fleet of 10,000
/// devices draws in seconds and a few tens of MB; a `dot` that hangs or writes without end
/// is stopped, never waited for.
const DOT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);
const DOT_OUTPUT_MAX: u64 = 256 << 20;

/// The limits, which the tests shorten (`ASENET_TEST_DOT_TIMEOUT_MS`, `ASENET_TEST_DOT_LIMIT`)
/// to try a hung or endless `dot` in seconds.
#[cfg(feature = "testing")]
fn dot_limits() -> (std::time::Duration, u64) {
    let number = |name: &str| std::env::var(name).ok().and_then(|value| value.parse::<u64>().ok());
    (
        number("ASENET_TEST_DOT_TIMEOUT_MS").map_or(DOT_TIMEOUT, std::time::Duration::from_millis),
        number("ASENET_TEST_DOT_LIMIT").unwrap_or(DOT_OUTPUT_MAX),
    )
}

#[cfg(not(feature = "testing"))]
fn dot_limits() -> (std::time::Duration, u64) {
    (DOT_TIMEOUT, DOT_OUTPUT_MAX)
}

/// Graphviz's `dot -Tsvg`, when it is installed: fed on one thread, read (bounded) on two
/// others, and killed when it takes longer than the timeout or writes more than the limit.
fn render_svg(dot: &str) -> Result<String, String> {
    use std::io::{Read as _, Write as _};
    use std::process::{Command, Stdio};
    let (timeout, limit) = dot_limits();
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| match error.kind() {
            std::io::ErrorKind::NotFound => {
                "SVG needs Graphviz's `dot`, which is not installed: `apt-get install graphviz` (or use `--format dot`)"
                    .to_owned()
            }
            _ => format!("cannot run Graphviz's `dot`: {error}"),
        })?;
    let mut stdin = child.stdin.take().expect("piped");
    let stdout = child.stdout.take().expect("piped");
    let stderr = child.stderr.take().expect("piped");
    let input = dot.to_owned();
    let feeder = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let reader = std::thread::spawn(move || {
        let mut svg = Vec::new();
        stdout.take(limit + 1).read_to_end(&mut svg).map(|_| svg)
    });
    let errors = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = stderr.take(64 << 10).read_to_end(&mut text);
        text
    });
    let start = std::time::Instant::now();
    let stopped = |child: &mut std::process::Child, why: String| {
        let _ = child.kill();
        let _ = child.wait();
        Err(why)
    };
    let too_slow = format!(
        "Graphviz's `dot` did not finish in {} s and was stopped (use `--format dot` and run it yourself)",
        timeout.as_secs_f32()
    );
    // Until all its output is read (or it exits): the reader stops at the limit.
    while !reader.is_finished() {
        if start.elapsed() >= timeout {
            return stopped(&mut child, too_slow);
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let svg = reader.join().map_err(|_| "cannot read from Graphviz's `dot`".to_owned())?;
    let svg = svg.map_err(|error| format!("cannot read from Graphviz's `dot`: {error}"))?;
    if svg.len() as u64 > limit {
        return stopped(
            &mut child,
            format!("Graphviz's `dot` wrote more than {} MiB of SVG and was stopped", limit >> 20),
        );
    }
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() >= timeout => return stopped(&mut child, too_slow),
            Ok(None) => std::thread::sleep(std::time::Duration::from_millis(10)),
            Err(error) => return stopped(&mut child, format!("Graphviz's `dot` failed: {error}")),
        }
    };
    let written = feeder.join().map_err(|_| "cannot write to Graphviz's `dot`".to_owned())?;
    let messages = errors.join().unwrap_or_default();
    if !status.success() {
        return Err(format!("Graphviz's `dot` failed: {}", String::from_utf8_lossy(&messages).trim()));
    }
    written.map_err(|error| format!("cannot write to Graphviz's `dot`: {error}"))?;
    String::from_utf8(svg).map_err(|_| "Graphviz's `dot` wrote something that is not UTF-8".to_owned())
}
