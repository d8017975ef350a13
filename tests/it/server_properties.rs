//! The language server under every position and random edits, on texts with multi-byte
//! characters (ä, ü, CJK, an emoji outside the BMP, a combining mark), CRLF and a lone CR,
//! for a UTF-8 and a UTF-16 client:
//! - every request kind the server answers (hover, definition, code actions, inlay hints,
//!   symbols) at every position of each text, and at positions that are not (inside a
//!   character, past a line's end, past the last line): never an error, and every position
//!   in every answer and every published diagnostic is a position of the text (it starts a
//!   character or ends a line, in the client's units);
//! - the one line index round-trips every position of the text, and maps every other to one
//!   that does;
//! - random sequences of incremental edits, at any position: the server's text is the text
//!   the edits give applied naively, its answers hold the same positions property, and its
//!   "fix all" is `fix_all` of that text.
//!
//! The oracle here is deliberately naive (a walk over the characters, as LSP 3.17 defines
//! lines and columns), not the line index under test. A few seconds in CI;
//! `PROPTEST_CASES=500 cargo test --test it server_properties` runs more edit sequences.

use asenet::cli::server::documents::Documents;
use asenet::diagnostic::{LineColumn, LineIndex, Units};
use lsp_types as lsp;
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::server::Client;
use crate::support::repo_root;

const URI: &str = "file:///site/device.toml";

fn fixture(path: &str) -> String {
    std::fs::read_to_string(repo_root().join(path)).unwrap()
}

/// A comment line with every kind of multi-byte character after each table header.
fn decorate(text: &str) -> String {
    let mut out = String::from("# Zürich store 店舗 🏪 e\u{301} ä\n");
    for line in text.split_inclusive('\n') {
        out.push_str(line);
        if line.starts_with('[') {
            out.push_str("# 表 ü 😀 e\u{301}ä\n");
        }
    }
    out
}

/// The texts: a clean site, a fixable error with CRLF line ends, an error with labels and a
/// device name of multi-byte characters, and a TOML syntax error with a lone CR.
fn texts() -> Vec<String> {
    let clean = decorate(&fixture("examples/mini-r-site.toml"));
    let crlf = decorate(&fixture("tests/fixtures/ASE208/fires.toml")).replace('\n', "\r\n");
    let labels = decorate(&fixture("tests/fixtures/ASE203/fires.toml")).replace("\"fixture\"", "\"zürich-店😀\"");
    let broken = "[device]\rnäme = \"ü\" # 😀\nname = \"x\"\n[ports.Port2]\naddress = \"10.0.0.1/24 😀\n".to_owned();
    vec![clean, crlf, labels, broken]
}

fn units(utf8: bool) -> Units {
    if utf8 { Units::Utf8 } else { Units::Utf16 }
}

/// Every position of `text` (each character's start, and each line's end) with its byte
/// offset, found by walking the characters: LSP 3.17's definition, not the line index's.
fn positions(text: &str, utf8: bool) -> Vec<(LineColumn, usize)> {
    let mut out = Vec::new();
    let (mut line, mut column) = (0, 0);
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        out.push((LineColumn { line, column }, at));
        match c {
            '\n' => (line, column) = (line + 1, 0),
            '\r' => {
                chars.next_if(|&(_, next)| next == '\n');
                (line, column) = (line + 1, 0);
            }
            _ => column += if utf8 { c.len_utf8() } else { c.len_utf16() },
        }
    }
    out.push((LineColumn { line, column }, text.len()));
    out
}

/// The byte offset LSP's clamping gives `position` in `text`: past a line's end is its end,
/// inside a character is that character's end, past the last line is the text's end.
fn naive_offset(text: &str, position: LineColumn, utf8: bool) -> usize {
    let all = positions(text, utf8);
    let on_line: Vec<&(LineColumn, usize)> = all.iter().filter(|(at, _)| at.line == position.line).collect();
    match on_line.iter().find(|(at, _)| at.column >= position.column).or(on_line.last()) {
        Some((_, offset)) => *offset,
        None => text.len(),
    }
}

/// Positions to ask at: every position of the text, and beside each line some that are
/// not (one unit into a character of several, past the line's end), and past the last line.
fn probes(text: &str, utf8: bool) -> Vec<LineColumn> {
    let valid = positions(text, utf8);
    let mut probes: Vec<LineColumn> = valid.iter().map(|(at, _)| *at).collect();
    for pair in valid.windows(2) {
        let (a, b) = (pair[0].0, pair[1].0);
        if a.line == b.line && b.column > a.column + 1 {
            probes.push(LineColumn { line: a.line, column: a.column + 1 });
        }
        if a.line != b.line {
            probes.push(LineColumn { line: a.line, column: a.column + 7 });
        }
    }
    let last = valid.last().unwrap().0.line;
    probes.push(LineColumn { line: last + 1, column: 0 });
    probes.push(LineColumn { line: last + 50, column: 3 });
    probes
}

fn json_position(at: LineColumn) -> Value {
    json!({ "line": at.line, "character": at.column })
}

/// Every `{ "line", "character" }` object in `value`.
fn found_positions(value: &Value, out: &mut Vec<LineColumn>) {
    match value {
        Value::Object(map) => {
            if let (Some(line), Some(character)) = (map.get("line"), map.get("character"))
                && let (Some(line), Some(character)) = (line.as_u64(), character.as_u64())
            {
                out.push(LineColumn { line: line as usize, column: character as usize });
            }
            map.values().for_each(|value| found_positions(value, out));
        }
        Value::Array(items) => items.iter().for_each(|value| found_positions(value, out)),
        _ => {}
    }
}

/// Fails unless every position in `answer` is a position of `text`.
fn assert_positions_of(text: &str, utf8: bool, answer: &Value, asked: &str) {
    let valid: std::collections::BTreeSet<LineColumn> = positions(text, utf8).into_iter().map(|(at, _)| at).collect();
    let mut found = Vec::new();
    found_positions(answer, &mut found);
    for position in found {
        assert!(
            valid.contains(&position),
            "{asked}: {position:?} is not a position of the text (UTF-8: {utf8})\n{text:?}"
        );
    }
}

/// Every kind of request at `at`, and over the range from `from` to `at`.
fn everything_at(from: LineColumn, at: LineColumn) -> Vec<(&'static str, Value)> {
    let document = json!({ "uri": URI });
    let position = json_position(at);
    let range = json!({ "start": json_position(from), "end": position });
    vec![
        ("textDocument/hover", json!({ "textDocument": document, "position": position })),
        ("textDocument/definition", json!({ "textDocument": document, "position": position })),
        (
            "textDocument/codeAction",
            json!({ "textDocument": document, "range": range, "context": { "diagnostics": [] } }),
        ),
        ("textDocument/inlayHint", json!({ "textDocument": document, "range": range })),
    ]
}

/// Asks each request about the whole document (no position): it must answer with positions
/// of the text only.
fn ask_document_wide(client: &mut Client, text: &str, utf8: bool) {
    for method in ["textDocument/documentSymbol", "textDocument/codeLens"] {
        let answer = client.ok(method, json!({ "textDocument": { "uri": URI } }));
        assert_positions_of(text, utf8, &answer, method);
    }
}

/// Asks every kind of request at each of `probes` (each over the range from the one before);
/// each must answer, with positions of the text only.
fn ask_everything(client: &mut Client, text: &str, utf8: bool, probes: &[LineColumn]) {
    let mut requests = Vec::new();
    let mut from = LineColumn { line: 0, column: 0 };
    for &probe in probes {
        requests.extend(everything_at(from, probe));
        from = probe;
    }
    let asked: Vec<String> = requests.iter().map(|(method, params)| format!("{method} {params}")).collect();
    for (answer, asked) in client.ok_all(requests).iter().zip(asked) {
        assert_positions_of(text, utf8, answer, &asked);
    }
}

/// Every published diagnostic's positions are positions of `text`.
fn assert_published_positions(client: &mut Client, text: &str, utf8: bool) {
    for notification in client.notifications() {
        assert_positions_of(text, utf8, &notification.params, "publishDiagnostics");
    }
}

#[test]
fn the_line_index_round_trips_every_position_and_clamps_the_others() {
    for text in texts() {
        let index = LineIndex::new(&text);
        for utf8 in [false, true] {
            let units = units(utf8);
            for (position, offset) in positions(&text, utf8) {
                assert_eq!(index.offset(position, units), Some(offset), "{position:?} in {text:?}");
                assert_eq!(index.line_column(offset, units), position, "offset {offset} in {text:?}");
            }
            for probe in probes(&text, utf8) {
                let expected = naive_offset(&text, probe, utf8);
                let offset = index.offset(probe, units).unwrap_or(text.len());
                assert_eq!(offset, expected, "{probe:?} in {text:?}");
                assert_eq!(asenet::diagnostic::offset_in(&text, probe, units), expected, "{probe:?} in {text:?}");
            }
        }
    }
}

#[test]
fn every_request_at_every_position_answers_with_positions_of_the_text() {
    for utf8 in [false, true] {
        let mut client = Client::start(utf8);
        for text in texts() {
            let published = client.open(URI, &text);
            assert_positions_of(&text, utf8, &Value::Array(published), "publishDiagnostics");
            ask_document_wide(&mut client, &text, utf8);
            ask_everything(&mut client, &text, utf8, &probes(&text, utf8));
            assert_published_positions(&mut client, &text, utf8);
        }
        client.shutdown();
    }
}

/// One edit: two positions (reduced to the text's size when applied) and the text inserted.
#[derive(Clone, Debug)]
struct RandomEdit {
    start: (usize, usize),
    end: (usize, usize),
    inserted: String,
}

const PIECES: &[&str] =
    &["a", "ä", "ü", "漢", "😀", "e\u{301}", "\n", "\r\n", "\r", " ", "=", "\"", "[", "]", "#", "1", ".", "/"];

fn random_edit() -> impl Strategy<Value = RandomEdit> {
    (any::<(usize, usize)>(), any::<(usize, usize)>(), prop::collection::vec(0..PIECES.len(), 0..6)).prop_map(
        |(start, end, pieces)| RandomEdit {
            start,
            end,
            inserted: pieces.into_iter().map(|piece| PIECES[piece]).collect(),
        },
    )
}

/// A random edit's position in `text`: a line up to two past the last, a column up to four
/// past the longest line, so that some fall inside characters and past ends.
fn place(text: &str, utf8: bool, (line, column): (usize, usize)) -> LineColumn {
    let all = positions(text, utf8);
    let lines = all.last().unwrap().0.line + 1;
    let widest = all.iter().map(|(at, _)| at.column).max().unwrap_or(0);
    LineColumn { line: line % (lines + 2), column: column % (widest + 5) }
}

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(12);
    ProptestConfig { cases, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_incremental_edits_keep_the_text_and_every_answer_right(
        which in 0..4usize,
        utf8 in any::<bool>(),
        batches in prop::collection::vec(prop::collection::vec(random_edit(), 1..4), 1..8),
        asks in prop::collection::vec(any::<(usize, usize)>(), 3),
    ) {
        let mut text = texts()[which].clone();
        let mut client = Client::start(utf8);
        client.open(URI, &text);
        // The same changes through the documents the server keeps, to compare the text itself.
        let mut documents = Documents::default();
        documents.open(URI, text.clone(), 1);
        // The text of each version, for the diagnostics published of it.
        let mut versions = vec![String::new(), text.clone()];
        for (version, batch) in (2..).zip(batches) {
            let mut changes = Vec::new();
            for edit in batch {
                let (start, end) = (place(&text, utf8, edit.start), place(&text, utf8, edit.end));
                let (from, to) = (naive_offset(&text, start, utf8), naive_offset(&text, end, utf8));
                text.replace_range(from..to.max(from), &edit.inserted);
                let range = lsp::Range { start: lsp_position(start), end: lsp_position(end) };
                changes.push(lsp::TextDocumentContentChangeEvent { range: Some(range), range_length: None, text: edit.inserted });
            }
            let params = json!({ "textDocument": { "uri": URI, "version": version }, "contentChanges": changes });
            client.notify("textDocument/didChange", params);
            documents.change(URI, version, changes, units(utf8));
            prop_assert_eq!(documents.get(URI).unwrap().text(), text.as_str());
            versions.push(text.clone());
        }
        let asks: Vec<LineColumn> = asks.into_iter().map(|ask| place(&text, utf8, ask)).collect();
        ask_everything(&mut client, &text, utf8, &asks);
        ask_document_wide(&mut client, &text, utf8);
        // "Fix all", when there is something to fix, is `fix_all` of the text the edits gave.
        let whole = json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } });
        let only = json!({ "textDocument": { "uri": URI }, "range": whole,
                           "context": { "diagnostics": [], "only": ["source.fixAll"] } });
        let fix_all = client.ok("textDocument/codeAction", only);
        if let Some(new_text) = fix_all.get(0).and_then(|action| action["edit"]["changes"][URI][0]["newText"].as_str()) {
            prop_assert_eq!(new_text, asenet::fix_all(&text, false).source);
        }
        for notification in client.notifications() {
            let version = notification.params["version"].as_u64().unwrap() as usize;
            assert_positions_of(&versions[version], utf8, &notification.params, "publishDiagnostics");
        }
        client.shutdown();
    }
}

fn lsp_position(at: LineColumn) -> lsp::Position {
    lsp::Position { line: at.line as u32, character: at.column as u32 }
}
