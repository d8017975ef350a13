//! The incremental check (`asenet::incremental::Session`, `asenet::syntax::sections`)
//! against the whole check: after any sequence of edits, a session's check of a text is
//! `asenet::check` of that text, byte for byte; and the language server, which checks
//! through a session, publishes after a sequence of edits what `asenet check` says of the
//! final text.

use asenet::diagnostic::{LineColumn, LineIndex, Sink, Units};
use asenet::incremental::Session;
use asenet::syntax::sections::Sections;
use asenet::testing::generator::{Shape, device_file};
use asenet::testing::random::SplitMix64;
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::server::Client;
use crate::support::examples;

/// Text an edit inserts: characters that make TOML mean something else or nothing, multi-byte
/// text, whole lines and whole tables, and headers that the sections cannot take alone.
const PIECES: &[&str] = &[
    "a",
    "1",
    " ",
    "\n",
    "\r\n",
    "\"",
    "'",
    "\"\"\"",
    "'''",
    "[",
    "]",
    "{",
    "}",
    "=",
    ",",
    ".",
    "#",
    "\\",
    "ä",
    "漢",
    "😀",
    "e\u{301}",
    // Hidden characters (hidden-character, ASE009): found in the text as in a value.
    "\u{202e}",
    "\\u200b",
    "\n[[routes]]\ninterface = \"Port3\"\ndestination = \"10.99.0.0/24\"\nnext_hop = \"192.168.10.1\"\n",
    "\n[[routes]]\ninterface = \"Port9\"\ndestination = \"10.99.0.0/33\"\nnext_hop = \"10.99.0.1\"\nbogus = 1\n",
    "\n[[services]]\nname = \"edited\"\nnamespace = \"team-01\"\ntype = \"LoadBalancer\"\nports = [{ port = 443 }]\n",
    "\n[[services]]\nname = \"Bad_Name\"\ntype = \"NodePort\"\nports = [{ port = 80, protocol = \"UDP\" }, { port = 80 }]\n",
    "\n[[virtual_networks]]\nname = \"vn\"\nswitch = \"vswitch-port3\"\nvlan = 5000\nsubnet = \"10.50.0.0/24\"\n",
    "\n[[bgp_peers]]\nswitch = \"x\"\npeer_address = \"10.0.0.1\"\npeer_asn = 65001\n",
    "\n[[virtual_ips]]\ntype = \"nope\"\n",
    "\n[routes.extra]\nx = 1\n",
    "\n[[routes.nested]]\nx = 1\n",
    "\nroutes = []\n",
    "\n[[ routes ]]\n",
    "\n[device]\nname = \"twice\"\n",
    "\n[lint]\nallow = [\"ASE203\", \"ASE205\"]\n",
    "\n# asenet: allow(ASE203) -- the router is on-link by a static ARP entry\n",
    "\n# asenet: allow(\n",
    "\nnote = \"\"\"\n",
    "\n  [ports.Port5]\n  address = \"10.20.0.1/24\"\n",
    "\nx = [\n  [1],\n]\n",
];

/// One edit, as a proptest value: which kind, where (a fraction of the text) and what.
#[derive(Clone, Debug)]
struct Edit {
    kind: u8,
    at: u32,
    to: u32,
    piece: usize,
}

fn edit() -> impl Strategy<Value = Edit> {
    (0..7u8, any::<u32>(), any::<u32>(), 0..PIECES.len()).prop_map(|(kind, at, to, piece)| Edit { kind, at, to, piece })
}

/// `edit` applied to `text`, at character boundaries.
fn apply(text: &str, edit: &Edit) -> String {
    let boundaries: Vec<usize> = text.char_indices().map(|(at, _)| at).chain([text.len()]).collect();
    let pick = |value: u32| boundaries[value as usize % boundaries.len()];
    let (at, to) = (pick(edit.at), pick(edit.to));
    let line_start = |at: usize| text[..at].rfind('\n').map_or(0, |n| n + 1);
    let line_end = |at: usize| text[at..].find('\n').map_or(text.len(), |n| at + n + 1);
    let piece = PIECES[edit.piece];
    match edit.kind {
        // A piece typed.
        0 | 1 => format!("{}{piece}{}", &text[..at], &text[at..]),
        // A few characters deleted.
        2 => {
            let end = boundaries.iter().copied().find(|&b| b >= at + (edit.to as usize % 12)).unwrap_or(text.len());
            format!("{}{}", &text[..at], &text[end..])
        }
        // A line deleted, or repeated.
        3 => format!("{}{}", &text[..line_start(at)], &text[line_end(at)..]),
        4 => format!("{}{}", &text[..line_end(at)], &text[line_start(at)..]),
        // A whole table (from its header to the next) deleted, or moved to `to`.
        5 | 6 => {
            let header =
                |from: usize| text[from..].match_indices("\n[").next().map_or(text.len(), |(n, _)| from + n + 1);
            let start = if text[..at].ends_with('\n') && text[at..].starts_with('[') { at } else { header(at) };
            let end = if start < text.len() { header(start + 1) } else { start };
            let rest = format!("{}{}", &text[..start], &text[end..]);
            if edit.kind == 5 {
                return rest;
            }
            let to = line_start(to.min(rest.len())).min(rest.len());
            let to = if rest.is_char_boundary(to) { to } else { 0 };
            format!("{}{}{}", &rest[..to], &text[start..end], &rest[to..])
        }
        _ => unreachable!(),
    }
}

/// A check as the tests compare it: every diagnostic's debug form, and the network's.
fn digest(checked: &asenet::Checked) -> (Vec<asenet::diagnostic::Diagnostic>, String) {
    (checked.diagnostics.clone(), format!("{:?}", checked.network))
}

/// What `syntax::parse` reads from `text` (raw types with spans, and diagnostics).
fn parsed(text: &str) -> Option<(String, Vec<asenet::diagnostic::Diagnostic>)> {
    let mut sink = Sink::default();
    let raw = asenet::syntax::parse(text, &mut sink)?;
    let mut diagnostics = sink.into_sorted();
    asenet::diagnostic::sort(&mut diagnostics);
    Some((format!("{raw:#?}"), diagnostics))
}

fn sections_read(sections: &Sections) -> (String, Vec<asenet::diagnostic::Diagnostic>) {
    let mut diagnostics: Vec<_> = sections.diagnostics().cloned().collect();
    asenet::diagnostic::sort(&mut diagnostics);
    (format!("{:#?}", sections.raw()), diagnostics)
}

/// The texts edits start from: every example and generated device files, clean and not.
fn bases() -> Vec<String> {
    let mut bases: Vec<String> = examples().iter().map(|path| std::fs::read_to_string(path).unwrap()).collect();
    bases.push(device_file(Shape { routes: 40, conflicts: false, seed: 5 }));
    bases.push(device_file(Shape { routes: 60, conflicts: true, seed: 9 }));
    bases
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(96),
        ..ProptestConfig::default()
    })]

    /// The invariant: whatever came before, a session's check is the whole check.
    #[test]
    fn a_session_checks_every_edited_text_as_the_whole_check_does(
        base in any::<prop::sample::Index>(),
        edits in prop::collection::vec(edit(), 1..10),
    ) {
        let bases = bases();
        let mut text = base.get(&bases).clone();
        let mut session = Session::default();
        prop_assert!(digest(&session.check(&text)) == digest(&asenet::check(&text)));
        for (step, edit) in edits.iter().enumerate() {
            text = apply(&text, edit);
            let incremental = digest(&session.check(&text));
            let whole = digest(&asenet::check(&text));
            prop_assert!(incremental == whole, "step {}: {:?}\n{:?}\n{:#?}\n{:#?}", step, edit, text, incremental.0, whole.0);
        }
    }

    /// Beneath it: the sections read what `syntax::parse` reads, spans included, whenever
    /// they take an edit; and they take the edits that stay inside a clean element.
    #[test]
    fn the_sections_read_what_the_parser_reads(
        base in any::<prop::sample::Index>(),
        edits in prop::collection::vec(edit(), 1..10),
    ) {
        let bases = bases();
        let mut text = base.get(&bases).clone();
        let mut sections = Sections::read(&text).expect("every base reads a section at a time");
        for edit in &edits {
            text = apply(&text, edit);
            if sections.update(&text) {
                let whole = parsed(&text);
                prop_assert!(whole.as_ref() == Some(&sections_read(&sections)), "{:?}\n{:?}", edit, text);
            }
        }
    }
}

/// Typing inside a route, a character at a time, through a syntax error and back: every
/// step is the whole check, and each step that is TOML is read incrementally.
#[test]
fn typing_a_route_through_a_syntax_error_stays_the_whole_check() {
    let clean = device_file(Shape { routes: 200, conflicts: true, seed: 11 });
    let mut session = Session::default();
    let mut sections = Sections::read(&clean).unwrap();
    let mut random = SplitMix64::new(7);
    let (mut steps, mut incremental) = (0, 0);
    for _ in 0..60 {
        let route = clean.match_indices("[[routes]]").nth(random.below(150) as usize).unwrap().0;
        let at = route + clean[route..].find("next_hop = \"").unwrap() + "next_hop = \"".len();
        let typed = ["9", "\"", "é", "\n[x", "😀\"", "\n[[routes]]\n"][random.below(6) as usize];
        // Typed a character at a time, then deleted the same way.
        let ends: Vec<usize> = typed.char_indices().map(|(n, c)| n + c.len_utf8()).collect();
        let texts = ends
            .iter()
            .chain(ends.iter().rev().skip(1))
            .map(|&n| format!("{}{}{}", &clean[..at], &typed[..n], &clean[at..]));
        for text in texts.chain([clean.clone()]) {
            steps += 1;
            let read = sections.update(&text);
            incremental += usize::from(read);
            // Here a text the parser takes is one the sections take.
            assert_eq!(read, parsed(&text).is_some(), "{text}");
            assert!(digest(&session.check(&text)) == digest(&asenet::check(&text)), "{text}");
        }
    }
    assert!(incremental >= 60 && incremental < steps, "{incremental} of {steps} texts were read a section at a time");
}

/// Sections that cannot prove a cut fall back: a multi-line string across a header, a head
/// that names an array of tables, and a syntax error anywhere.
#[test]
fn the_sections_refuse_what_they_cannot_read_alone() {
    let route = "[[routes]]\ninterface = \"Port3\"\n";
    for text in [
        format!("[device]\nnote = \"\"\"\n{route}\"\"\"\n"),
        format!("[device]\nnote = '''\n{route}[ports.X]\n'''\n"),
        format!("{route}[routes.extra]\nx = 1\n"),
        format!("routes = []\n{route}"),
        format!("[[ routes ]]\n{route}"),
        format!("{route}x = \n"),
        format!("[device]\nname = 1\nname = 2\n{route}"),
    ] {
        assert!(Sections::read(&text).is_none(), "{text}");
        assert!(digest(&Session::default().check(&text)) == digest(&asenet::check(&text)), "{text}");
    }
    let clean = format!("[device]\nname = \"a\"\n{route}{route}[kubernetes]\n{route}");
    let sections = Sections::read(&clean).expect("a plain file reads a section at a time");
    assert_eq!(sections.raw().routes.len(), 3);
    assert_eq!(Some(sections_read(&sections)), parsed(&clean));
}

/// Through the protocol: after range edits (incremental sync), what the server publishes is
/// what `asenet check` says of the final text.
#[test]
fn the_server_publishes_after_edits_what_a_check_of_the_final_text_says() {
    let uri = "file:///incremental/device.toml";
    let mut text = device_file(Shape { routes: 30, conflicts: true, seed: 4 });
    let mut client = Client::start(true);
    client.open(uri, &text);
    let mut random = SplitMix64::new(3);
    let mut version = 1;
    for _ in 0..40 {
        let edit = Edit {
            kind: random.below(7) as u8,
            at: random.below(u32::MAX as u64) as u32,
            to: random.below(u32::MAX as u64) as u32,
            piece: random.below(PIECES.len() as u64) as usize,
        };
        let edited = apply(&text, &edit);
        // The change as an editor sends it: the range between the common prefix and suffix.
        let prefix = text.bytes().zip(edited.bytes()).take_while(|(a, b)| a == b).count();
        let prefix = (0..=prefix).rev().find(|&at| text.is_char_boundary(at) && edited.is_char_boundary(at)).unwrap();
        let suffix =
            text[prefix..].bytes().rev().zip(edited[prefix..].bytes().rev()).take_while(|(a, b)| a == b).count();
        let suffix = (0..=suffix)
            .rev()
            .find(|&n| text.is_char_boundary(text.len() - n) && edited.is_char_boundary(edited.len() - n))
            .unwrap();
        let index = LineIndex::new(&text);
        let position = |at: usize| {
            let LineColumn { line, column } = index.line_column(at, Units::Utf8);
            json!({ "line": line, "character": column })
        };
        let range = json!({ "start": position(prefix), "end": position(text.len() - suffix) });
        version += 1;
        let change = json!({ "range": range, "text": &edited[prefix..edited.len() - suffix] });
        let params = json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [change] });
        client.notify("textDocument/didChange", params);
        text = edited;
    }
    // Each diagnostic as the server writes it: where it starts, its code, its message with
    // the primary label and the help appended.
    let index = LineIndex::new(&text);
    let mut published: Vec<(Value, String, String)> = client
        .diagnostics_at(uri, version)
        .into_iter()
        .map(|d| {
            (
                d["range"]["start"].clone(),
                d["code"].as_str().unwrap().to_owned(),
                d["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let mut checked: Vec<(Value, String, String)> = asenet::check(&text)
        .diagnostics
        .iter()
        .map(|d| {
            let LineColumn { line, column } = index.line_column(d.span.start, Units::Utf8);
            let label = d.primary_label.as_ref().map(|label| format!(": {label}")).unwrap_or_default();
            let help = d.help.as_ref().map(|help| format!("\nhelp: {help}")).unwrap_or_default();
            (json!({ "line": line, "character": column }), d.code().to_owned(), format!("{}{label}{help}", d.message))
        })
        .collect();
    published.sort_by(|a, b| (a.0.to_string(), &a.1, &a.2).cmp(&(b.0.to_string(), &b.1, &b.2)));
    checked.sort_by(|a, b| (a.0.to_string(), &a.1, &a.2).cmp(&(b.0.to_string(), &b.1, &b.2)));
    assert!(!checked.is_empty(), "the file with conflicts draws diagnostics");
    assert_eq!(published, checked);
    client.shutdown();
}
