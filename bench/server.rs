//! Keystroke to published diagnostics, through the protocol, and memory over a long session.
//!
//!     cargo build --release
//!     cargo run --release -p asenet-bench --example server_latency -- FILE [EDITS] [--full] [--middle]
//!
//! Starts `target/release/asenet server` (or `$ASENET_BIN`), opens FILE, then sends EDITS
//! (default 200) `didChange` notifications, each a keystroke (a comment line typed at the
//! end, or with `--middle` after the line in the middle of the file, then deleted), as the
//! range edit an editor sends (incremental sync), or with `--full` as the whole text (full
//! sync, what the server offered first). `bench/server.sh` runs it before and after a change. Times each from the moment
//! it is written to the moment the `publishDiagnostics` of that version is read. Prints the
//! median, the 95th percentile, the server's CPU time per edit (the wall time also counts
//! waiting for a core on a loaded machine) and its resident memory (VmRSS) after the first
//! tenth of the edits and at the end: a long session should not grow.

use std::io::BufReader;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use lsp_server::{Message, Notification, Request, RequestId};
use serde_json::json;

fn main() {
    let mut args = std::env::args().skip(1);
    let file = args.next().expect("usage: server_latency FILE [EDITS]");
    let mut edits = 200;
    let mut full = false;
    let mut middle = false;
    for arg in args {
        match arg.as_str() {
            "--full" => full = true,
            "--middle" => middle = true,
            n => edits = n.parse().expect("EDITS is a number"),
        }
    }
    let text = std::fs::read_to_string(&file).expect("FILE is readable");
    let binary = std::env::var("ASENET_BIN").unwrap_or_else(|_| "target/release/asenet".to_owned());
    let mut child = Command::new(&binary)
        .arg("server")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("cannot start {binary}: {error}"));
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut send = |message: Message| message.write(&mut stdin).expect("the server reads");
    send(Message::Request(Request::new(RequestId::from(1), "initialize".into(), json!({ "capabilities": {} }))));
    let _initialized = Message::read(&mut stdout).unwrap();
    send(Message::Notification(Notification::new("initialized".into(), json!({}))));
    let uri = "file:///bench/device.toml";
    let document = json!({ "uri": uri, "languageId": "toml", "version": 0, "text": text });
    send(Message::Notification(Notification::new("textDocument/didOpen".into(), json!({ "textDocument": document }))));
    wait_for_version(&mut stdout, 0);

    let mut latencies = Vec::with_capacity(edits);
    let cpu_before = cpu_ms(child.id());
    let mut rss_early = 0;
    // Where the keystrokes go: the end of the text, or the end of its middle line, as an LSP
    // position (UTF-16, the default encoding), and as a byte offset.
    let lines: Vec<&str> = text.split('\n').collect();
    let last_line = if middle { lines.len() / 2 } else { lines.len() - 1 };
    let last_column = lines[last_line].encode_utf16().count();
    let offset = lines[..=last_line].iter().map(|line| line.len() + 1).sum::<usize>() - 1;
    let end = json!({ "line": last_line, "character": last_column });
    for edit in 1..=edits {
        let typed = format!("\n# keystroke {}", edit % 10);
        let change = match (full, edit % 2 == 1) {
            (true, true) => json!({ "text": format!("{}{typed}{}", &text[..offset], &text[offset..]) }),
            (true, false) => json!({ "text": text }),
            (false, true) => json!({ "range": { "start": end, "end": end }, "text": typed }),
            (false, false) => {
                let typed_end = json!({ "line": last_line + 1, "character": typed.len() - 1 });
                json!({ "range": { "start": end, "end": typed_end }, "text": "" })
            }
        };
        let params = json!({
            "textDocument": { "uri": uri, "version": edit },
            "contentChanges": [change],
        });
        let start = Instant::now();
        send(Message::Notification(Notification::new("textDocument/didChange".into(), params)));
        wait_for_version(&mut stdout, edit as i64);
        latencies.push(start.elapsed());
        if edit == edits / 10 {
            rss_early = rss_kib(child.id());
        }
    }
    let rss_end = rss_kib(child.id());
    let cpu_per_edit = (cpu_ms(child.id()) - cpu_before) / edits as f64;
    send(Message::Request(Request::new(RequestId::from(2), "shutdown".into(), json!(null))));
    send(Message::Notification(Notification::new("exit".into(), json!(null))));
    let _ = child.wait();

    latencies.sort();
    let median = latencies[latencies.len() / 2];
    let p95 = latencies[latencies.len() * 95 / 100];
    println!(
        "{file}: {} bytes, {edits} {} edits at the {}: median {:.2} ms, p95 {:.2} ms; server CPU {cpu_per_edit:.2} ms \
         per edit; RSS {rss_early} KiB after {} edits, {rss_end} KiB after {edits}",
        text.len(),
        if full { "full-text" } else { "incremental" },
        if middle { "middle" } else { "end" },
        ms(median),
        ms(p95),
        edits / 10
    );
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// Reads messages until the diagnostics of `version` arrive.
fn wait_for_version(stdout: &mut impl std::io::BufRead, version: i64) {
    loop {
        match Message::read(stdout).expect("the server writes").expect("the server is alive") {
            Message::Notification(notification)
                if notification.method == "textDocument/publishDiagnostics"
                    && notification.params["version"].as_i64() == Some(version) =>
            {
                return;
            }
            _ => {}
        }
    }
}

/// The CPU time (user and system) process `pid` has used, in ms (Linux), 0 where unknown:
/// on a loaded machine the wall-clock latency also counts the time waiting for a core.
fn cpu_ms(pid: u32) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { return 0.0 };
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')').map_or("", |(_, rest)| rest).split_whitespace().collect();
    let ticks: f64 = [11, 12].iter().filter_map(|&i| fields.get(i)?.parse::<f64>().ok()).sum();
    ticks * 10.0 // USER_HZ is 100 on Linux
}

/// The resident memory of process `pid` in KiB (Linux), 0 where unknown.
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0)
}
