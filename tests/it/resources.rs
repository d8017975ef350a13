//! Resource bounds: inputs built to make asenet enumerate a range, recurse, or print a line
//! per diagnostic each answer within seconds (in a debug build), with a diagnostic or a
//! clean result, and a report whose size does not grow with a line's length.
//!
//! The heavy cases (a million services, 50 MB files) are `#[ignore]`d; run them with
//! `cargo test --release --test it resources -- --ignored`.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use asenet::diagnostic::human::{self, Style};
use asenet::diagnostic::json::{self, FileReport};
use asenet::emit::PreviousManifest;

use crate::support::{asenet, repo_root, scratch_dir, stderr};

const EXAMPLE: &str = "examples/seed-scenario.toml";

/// Runs `work` and fails when it takes longer than `limit`: a hang or a blow-up fails the
/// test instead of stalling the suite. Returns what it returned, and how long it took.
fn within<T: Send + 'static>(limit: Duration, what: &str, work: impl FnOnce() -> T + Send + 'static) -> T {
    let (sender, receiver) = mpsc::channel();
    let start = Instant::now();
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            let _ = sender.send(work());
        })
        .unwrap();
    match receiver.recv_timeout(limit) {
        Ok(value) => {
            eprintln!("{what}: {:.2?}", start.elapsed());
            value
        }
        Err(_) => panic!("{what} took longer than {limit:?}"),
    }
}

fn example() -> String {
    std::fs::read_to_string(repo_root().join(EXAMPLE)).unwrap()
}

/// Every rule that `[lint]` can allow, allowed: the file builds whatever the rules think.
fn allow_everything(source: &str) -> String {
    let codes: Vec<String> = asenet::rules::RULES
        .iter()
        .filter(|rule| !rule.is_input_error())
        .map(|rule| format!("\"{}\"", rule.code))
        .collect();
    format!("{source}\n[lint]\nallow = [{}]\n", codes.join(", "))
}

/// Checks and renders `source` both ways; builds it when it has no error. Returns the codes.
fn answer(source: &str) -> Vec<&'static str> {
    let checked = asenet::check(source);
    let report = human::render("f.toml", source, &checked.diagnostics, Style::PLAIN);
    assert!(report.len() <= 100 + 20_000 * checked.diagnostics.len());
    let _ = json::render(&[FileReport { path: "f.toml", source, diagnostics: &checked.diagnostics }]);
    if !checked.has_errors() {
        asenet::build(source, &PreviousManifest::default()).expect("a clean file builds");
    }
    let mut codes: Vec<&'static str> = checked.diagnostics.iter().map(|d| d.code()).collect();
    codes.sort_unstable();
    codes.dedup();
    codes
}

fn seconds(n: u64) -> Duration {
    Duration::from_secs(n)
}

#[test]
fn a_range_of_every_address_and_slash_0_pools_answer_at_once() {
    let whole = example()
        .replace("node_ips = \"192.168.10.30-192.168.10.31\"", "node_ips = \"0.0.0.0-255.255.255.255\"")
        .replace("service_ips = \"192.168.10.40-192.168.10.49\"", "service_ips = \"0.0.0.0-255.255.255.255\"");
    let slash_0 = example()
        .replace("address = \"192.168.10.20/24\"", "address = \"192.168.10.20/0\"")
        .replace(
            "service_ips = \"192.168.10.40-192.168.10.49\"",
            "service_ips = \"0.0.0.0/0\"\nservice_cidr = \"0.0.0.0/0\"\npod_cidr = \"0.0.0.0/0\"",
        )
        .replace("destination = \"192.168.20.0/24\"", "destination = \"0.0.0.0/0\"");
    // Thousands of services on /0 pools, pinned from the top down and allocated from the
    // bottom up: the allocator walks only past what is taken.
    let services: String = (0..5000u32)
        .map(|n| {
            let pins = format!(
                "load_balancer_ip = \"{}\"\ncluster_ip = \"{}\"\n",
                std::net::Ipv4Addr::from(u32::MAX - 1 - n),
                std::net::Ipv4Addr::from(u32::MAX - 1 - n)
            );
            let pins = if n % 2 == 0 { pins.as_str() } else { "" };
            format!("\n[[services]]\nname = \"s{n}\"\nnamespace = \"shop\"\ntype = \"LoadBalancer\"\nports = [{{ port = 80 }}]\n{pins}")
        })
        .collect();
    for (what, source) in [
        ("0.0.0.0-255.255.255.255", whole.clone()),
        ("/0 pools", slash_0.clone()),
        ("/0 pools, 5000 services", format!("{slash_0}{services}")),
        ("0.0.0.0-255.255.255.255, everything allowed", allow_everything(&whole)),
        ("/0 pools, 5000 services, everything allowed", allow_everything(&format!("{slash_0}{services}"))),
    ] {
        let codes = within(seconds(20), what, move || answer(&source));
        assert!(!codes.is_empty() || what.contains("allowed"), "{what}: {codes:?}");
    }
}

#[test]
fn deep_nesting_is_refused_without_exhausting_the_stack() {
    let depth = 100_000;
    let cases = [
        ("arrays", format!("[device]\nname = \"m\"\nx = {}\n", "[".repeat(depth))),
        ("closed arrays", format!("[device]\nname = \"m\"\nx = {}{}\n", "[".repeat(depth), "]".repeat(depth))),
        ("inline tables", format!("[device]\nname = \"m\"\nx = {}\n", "{a = ".repeat(depth))),
        ("dotted keys", format!("[device]\nname = \"m\"\n{} = 1\n", vec!["a"; depth].join("."))),
        ("table header", format!("[{}]\n", vec!["a"; depth].join("."))),
        ("array of tables header", format!("[[{}]]\n", vec!["a"; depth].join("."))),
    ];
    for (what, source) in cases {
        let codes = within(seconds(20), what, move || answer(&source));
        assert!(codes.contains(&"ASE001") || codes.contains(&"ASE002"), "{what}: {codes:?}");
    }
}

#[test]
fn a_one_megabyte_line_gives_a_small_report_from_the_binary() {
    let dir = scratch_dir("long-line");
    for (name, source) in [
        ("brackets.toml", format!("a = {}\n", "[".repeat(1 << 20))),
        ("minified.toml", format!("[device]\nname = \"m\"\nx = [{}]\n", "\"10.0.0.1\", ".repeat(1 << 16))),
        ("long-name.toml", format!("[device]\nname = \"{}\"\n", "x".repeat(1 << 20))),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, &source).unwrap();
        let output = within(seconds(20), name, move || asenet(&["check", path.to_str().unwrap()], b""));
        assert_eq!(output.status.code(), Some(1), "{name}");
        let report = stderr(&output);
        assert!(report.len() < 20_000, "{name}: {} bytes", report.len());
    }
}

/// A file of `count` services, all different, in a compute subnet big enough for all.
fn services_file(count: u32, load_balancers: bool) -> String {
    let mut source = String::from(
        "[device]\nname = \"big\"\ndomain = \"contoso.local\"\n\n[ports.Port2]\naddress = \"192.168.2.20/24\"\n\
         gateway = \"192.168.2.1\"\ndns = [\"192.168.2.53\"]\n\n[ports.Port3]\naddress = \"10.0.0.20/8\"\n\n[switches.vswitch-port3]\n\
         ports = [\"Port3\"]\ncompute = true\n\n[kubernetes]\nnode_ips = \"10.0.0.30-10.0.0.31\"\n\
         service_ips = \"10.1.0.0-10.255.255.254\"\nservice_cidr = \"172.16.0.0/12\"\npod_cidr = \"100.64.0.0/16\"\n",
    );
    // Written tight, as a generator would: a million services stay under the 128 MiB that
    // the command line reads.
    for n in 0..count {
        let load_balancer = if load_balancers && n % 2 == 0 {
            format!("type=\"LoadBalancer\"\nhostname=\"h{n}\"\n")
        } else {
            String::new()
        };
        source += &format!("[[services]]\nname=\"s{n}\"\nnamespace=\"ns\"\nports=[{{port=80}}]\n{load_balancer}");
    }
    source
}

#[test]
fn a_hundred_thousand_services_check_and_build_in_seconds() {
    let source = services_file(100_000, true);
    let files = within(seconds(60), "100k services: check and build", move || {
        assert!(asenet::check(&source).diagnostics.is_empty());
        asenet::build(&source, &PreviousManifest::default()).unwrap().files
    });
    let services = files.iter().find(|file| file.path == "kubernetes/services.yaml").unwrap();
    assert_eq!(services.contents.matches("kind: Service\n").count(), 100_000);
}

#[test]
fn ten_thousand_diagnostics_render_in_linear_time() {
    // Every service is a duplicate of the first, which each report points back to, far up.
    let source: String = services_file(0, false)
        + &"\n[[services]]\nname = \"s\"\nnamespace = \"ns\"\nports = [{ port = 80 }]\n".repeat(10_000);
    let (diagnostics, report) = within(seconds(60), "10k duplicates, rendered", move || {
        let checked = asenet::check(&source);
        let report = human::render("f.toml", &source, &checked.diagnostics, Style::PLAIN);
        (checked.diagnostics.len(), report)
    });
    assert!(diagnostics >= 9_999);
    assert!(report.len() < 2_000 * diagnostics, "{} bytes for {diagnostics} diagnostics", report.len());
}

// ---- heavy: `cargo test --release --test it resources -- --ignored` ----------------------

#[test]
#[ignore = "heavy: run with --release"]
fn a_million_services_check_and_build_in_seconds() {
    let source = services_file(1_000_000, true);
    eprintln!("a million services: {} MB", source.len() >> 20);
    assert!(source.len() < 128 << 20, "the command line reads it too");
    let files = within(seconds(120), "1M services: check and build", move || {
        asenet::build(&source, &PreviousManifest::default()).unwrap().files
    });
    assert!(files.iter().any(|file| file.path == "kubernetes/services.yaml"));
}

#[test]
#[ignore = "heavy: run with --release"]
fn fifty_megabyte_files_answer_in_seconds() {
    let size = 50 << 20;
    let mut garbage = String::with_capacity(size);
    let pattern = "[]{}=\"'#.,abc123 \n\t";
    let mut state = 12345u64;
    while garbage.len() < size {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        garbage.push(char::from(pattern.as_bytes()[(state >> 33) as usize % pattern.len()]));
    }
    let cases = [
        ("50 MB on one line", format!("[device]\nname = \"m\"\nx = [{}]\n", "1, ".repeat(size / 3))),
        ("50 MB of comments", "# a comment line that says nothing at all, again and again\n".repeat(size / 58)),
        ("50 MB of garbage", garbage),
        ("50 MB string", format!("[device]\nname = \"{}\"\n", "x".repeat(size))),
    ];
    for (what, source) in cases {
        within(seconds(60), what, move || answer(&source));
    }
}
