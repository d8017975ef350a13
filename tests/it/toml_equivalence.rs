//! The stream reader (`compiler/syntax/stream.rs`) against the `toml` crate: on every TOML
//! file of the repository, on generated device files, on documents written for each rule of
//! TOML the reader ports, and on thousands of mutations of them, both accept or both refuse,
//! and where they accept they read the same keys, values and spans
//! (`asenet::syntax::oracle::compare_with_toml`).

use asenet::syntax::oracle::compare_with_toml;
use asenet::testing::generator::{Shape, device_file};
use asenet::testing::random::SplitMix64;

use crate::support::repository_files;

/// Documents for each rule of TOML the reader ports, accepted and refused.
const RULES: &[&str] = &[
    // Tables, headers, arrays of tables, and the order of keys.
    "b = 1\na = 2\n[z]\ny = 1\n[a]\nx = 1\n",
    "[a.b.c]\nd = 1\n[a]\ne = 2\n[a.b]\nf = 3\n",
    "[[a]]\nb = 1\n[[a]]\nb = 2\n[a.c]\nd = 1\n[[a.e]]\nf = 1\n[[a.e]]\nf = 2\n",
    "[ a . \"b c\" . 'd' ]\ne = 1\n",
    "[[ a ]]\n[[ a ]]\n",
    // Dotted keys.
    "a.b.c = 1\na.b.d = 2\na.e = 3\n",
    "[t]\na.b = 1\na.c = 2\n",
    "a.b = 1\n[a.c]\nd = 1\n",
    // Redefinitions.
    "a = 1\na = 2\n",
    "[a]\n[a]\n",
    "[a]\nb = 1\n[a.b]\n",
    "[a]\nb.c = 1\n[a.b]\nd = 1\n",
    "[a.b]\nc = 1\n[a]\nb.d = 2\n",
    "[a.b]\n[a]\nb = 1\n",
    "a = [1]\n[[a]]\n",
    "[[a]]\n[a]\n",
    "[a]\n[[a]]\n",
    "a.b = 1\n[a]\n",
    "a = {}\n[a.b]\n",
    "a = { b = 1 }\na.c = 2\n",
    "a = { b = { c = 1 } }\n[a.b]\n",
    "[a]\nb = 1\n[a]\nc = 2\n",
    "a = 1\n[a.b]\n",
    "a = [{ b = 1 }]\n[a.c]\n",
    // Inline tables and arrays.
    "a = { b = 1, c.d = 2, c.e = 3 }\n",
    "a = { b = 1, b = 2 }\n",
    "a = { b.c = 1, b = 2 }\n",
    "a = { b = { c = 1 }, b.d = 2 }\n",
    "a = [1, [2, 3], { b = 4 }, \"x\", ]\n",
    "a = [\n  1, # one\n  2,\n]\n",
    "a = [ ]\nb = { }\n",
    "a = {\n  b = 1,\n  c = 2,\n}\n",
    "a = { b = 1, }\n",
    // Strings and escapes.
    "a = \"\\b\\t\\n\\f\\r\\\"\\\\\\u00e9\\U0001F600\"\n",
    "a = \"\\e\\x41\"\n",
    "a = \"\\q\"\n",
    "a = \"\\uD800\"\n",
    "a = 'lit\\eral'\nb = '''\nmulti\nline'''\nc = \"\"\"\\\n  trimmed \\\n  text\"\"\"\n",
    "a = \"\"\"one\ntwo\"\"\"\nb = \"\"\"\"quoted\"\"\"\"\n",
    "\"quoted key\" = 1\n'literal key' = 2\n\"\" = 3\n\"\\u0061\" = 4\n",
    "a = \"unterminated\n",
    "a = \"tab\there\"\n",
    "a = \"nul\u{0}\"\n",
    // Numbers, booleans, date-times.
    "a = 0x_1\nb = 1_000\nc = -0\nd = +7\ne = 0o17\nf = 0b101\ng = 9223372036854775808\n",
    "a = 1.5\nb = -inf\nc = nan\nd = 1e10\ne = 6.626e-34\n",
    "a = 01\n",
    "a = 1__0\n",
    "a = true\nb = false\n",
    "a = True\n",
    "a = 1979-05-27\nb = 07:32:00\nc = 1979-05-27T07:32:00Z\nd = 1979-05-27 07:32:00.999+01:00\ne = 07:32\n",
    "a = 1979-13-27\n",
    "a = 1979-02-30\n",
    "a = 24:00:00\n",
    // What the reader reads without the decoder (bare keys, plain basic strings, decimal
    // integers, booleans), beside what looks like it and is not.
    "a-b_C9 = 1\n_ = 2\n- = 3\n0 = 4\n",
    "a$b = 1\n",
    "é = 1\n",
    "a = \"\"\nb = \"x\"\nc = \"é ü 😀\"\nd = \"!#$%&'()*+,-./:;<=>?@[]^_`{|}~\"\n",
    "a = \"del\u{7f}\"\n",
    "a = \"bell\u{7}\"\n",
    "a = \"x\\\\\"\n",
    "a = 123456789012345678\nb = 1234567890123456789\nc = 9999999999999999999\nd = 0\ne = 7\n",
    "a = 00\n",
    "a = 1x\n",
    "a = 1_\n",
    "a = truee\n",
    "a = fals\n",
    "a = TRUE\n",
    "[a]\nb = true\nc = false\nd = [true, false, 1, \"s\"]\n",
    // Comments, whitespace, line endings, a byte order mark.
    "# comment\na = 1 # trailing\r\n[b] # header\r\nc = 2\n",
    "\u{FEFF}a = 1\n",
    "a = 1\r",
    "a = 1 \u{7f}\n",
    "a =\n1\n",
    "a = 1 b = 2\n",
    "[a\nb = 1\n",
    "a = [1,\nb = 2\n",
    "a = 1]\nb = 2\n",
    "]\n[\n",
    "[[a]\n",
    "[a]]\n",
    "= 1\n",
    "a.b. = 1\n",
    "a . b = 1\n",
    "",
    "\n\n",
    // Plain lines (`syntax/plain_line.rs`) beside the parser's: after a comment, a string or
    // an array that spans lines, inside them, and a line ending or a byte order mark only the
    // parser takes.
    "# c\n[[a]]\nb = \"x\"\n\n[[a]]\nb = 2\nc = true\n[d]\ne = false\n",
    "a = \"\"\"\nb = 1\n[c]\n\"\"\"\nd = 2\n",
    "a = [\nb = 1\n]\n",
    "a = [\n1,\n]\nb = 2\n",
    "a = 1\r\nb = 2\r\n\r\n[c]\r\nd = 3",
    "a = 1\rb = 2\n",
    "a = 1\nb = 2\r",
    "a = 1\n\u{FEFF}b = 2\n",
    "a = 1\n\u{FEFF}\n",
    "\u{FEFF}\na = 1\n",
    "a = 1\nb = 1\na = 3\n",
    "[a]\nb = 1\n[a]\n",
    "[a]\nb = 1\n[a.c]\nd = 2\n[a]\n",
    "a = 1\n  \t \nb = \"\"\n",
    "a = 1\n]\nb = 2\n",
    "a = 1\n[b\nc = 2\n",
    "[[a]]\nb.c = 1\n[[a]]\nb = 2\n",
];

#[test]
fn the_reader_and_toml_agree_on_each_rule() {
    let failures: Vec<String> = RULES
        .iter()
        .filter_map(|source| compare_with_toml(source).err().map(|why| format!("{source:?}: {why}")))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    let accepted = RULES.iter().filter(|source| compare_with_toml(source) == Ok(true)).count();
    assert!(accepted > 20 && accepted < RULES.len() - 20, "{accepted} of {} accepted", RULES.len());
}

#[test]
fn the_reader_and_toml_agree_on_every_toml_file_of_the_repository() {
    let files = repository_files(&["examples", "tests", "docs"], "toml");
    assert!(files.len() > 200, "{} files", files.len());
    for path in files {
        let Ok(source) = std::fs::read_to_string(&path) else { continue };
        if let Err(why) = compare_with_toml(&source) {
            panic!("{}: {why}", path.display());
        }
        assert_eq!(streamed(&source), whole(&source), "{}", path.display());
    }
}

/// What `syntax::parse` reads, the arrays of tables element by element as the stream reader
/// completes them, and its diagnostics.
fn streamed(source: &str) -> String {
    let mut sink = asenet::diagnostic::Sink::default();
    let raw = asenet::syntax::parse(source, &mut sink);
    format!("{raw:#?}\n{:#?}", sink.into_sorted())
}

/// The same, the whole document read first.
fn whole(source: &str) -> String {
    let mut sink = asenet::diagnostic::Sink::default();
    let raw = asenet::syntax::parse_whole(source, &mut sink);
    format!("{raw:#?}\n{:#?}", sink.into_sorted())
}

#[test]
fn the_reader_and_toml_agree_on_generated_device_files() {
    for (routes, seed, conflicts) in [(0, 1, false), (10, 2, true), (300, 42, false), (2_000, 7, true)] {
        let source = device_file(Shape { routes, conflicts, seed });
        assert_eq!(compare_with_toml(&source), Ok(true), "{routes} routes, seed {seed}");
        assert!(streamed(&source) == whole(&source), "{routes} routes, seed {seed}");
    }
}

/// Pieces of TOML that make a document mean something else or nothing.
const PIECES: &[&str] = &[
    "[",
    "]",
    "[[",
    "]]",
    "{",
    "}",
    "=",
    ",",
    ".",
    "\"",
    "'",
    "\"\"\"",
    "'''",
    "\n",
    "\r\n",
    " ",
    "#",
    "\\",
    "\\u00",
    "\\U",
    "\\t",
    "a",
    "a.b",
    "1",
    "-",
    "_",
    "0x",
    "1e",
    "inf",
    "true",
    "1979-05-27",
    "07:32:00",
    "T",
    "Z",
    "[a]\n",
    "[[a]]\n",
    "a = 1\n",
    "a.b = 1\n",
    "x = { y = 1 }\n",
    "\u{e9}",
    "\u{0}",
    "\t",
    "\r",
    "\r\n",
    "\u{FEFF}",
    "\"",
    " = ",
    "\n[[b]]\n",
];

/// One random change of `source` at character boundaries: a piece inserted, a short range
/// deleted or replaced by a piece, a line repeated, or the text cut and its ends swapped.
fn mutate(source: &str, random: &mut SplitMix64) -> String {
    let boundaries: Vec<usize> = source.char_indices().map(|(at, _)| at).chain([source.len()]).collect();
    let mut at = || boundaries[random.below(boundaries.len() as u64) as usize];
    let (first, second) = {
        let (a, b) = (at(), at());
        (a.min(b), a.max(b))
    };
    match random.below(4) {
        0 => {
            let piece = PIECES[random.below(PIECES.len() as u64) as usize];
            format!("{}{piece}{}", &source[..first], &source[first..])
        }
        1 if second - first < 40 => format!("{}{}", &source[..first], &source[second..]),
        2 => {
            let line_start = source[..first].rfind('\n').map_or(0, |n| n + 1);
            let line_end = source[first..].find('\n').map_or(source.len(), |n| first + n + 1);
            format!("{}{}", &source[..line_end], &source[line_start..line_end])
        }
        _ if second - first < 8 => {
            let piece = PIECES[random.below(PIECES.len() as u64) as usize];
            format!("{}{piece}{}", &source[..first], &source[second..])
        }
        _ => format!("{}{}", &source[second..], &source[..first]),
    }
}

#[test]
fn the_reader_and_toml_agree_on_mutated_documents() {
    let mut bases: Vec<String> = RULES.iter().map(|source| source.to_string()).collect();
    bases.push(device_file(Shape { routes: 20, conflicts: false, seed: 3 }));
    for path in repository_files(&["examples"], "toml").into_iter().take(6) {
        bases.push(std::fs::read_to_string(path).unwrap());
    }
    let mut random = SplitMix64::new(23);
    let (mut accepted, mut refused) = (0, 0);
    for round in 0..20_000 {
        let mut source = bases[round % bases.len()].clone();
        for _ in 0..=random.below(3) {
            source = mutate(&source, &mut random);
        }
        if round % 10 == 0 {
            assert!(streamed(&source) == whole(&source), "round {round}, {source:?}");
        }
        match compare_with_toml(&source) {
            Ok(true) => accepted += 1,
            Ok(false) => refused += 1,
            Err(why) => panic!("round {round}, {source:?}: {why}"),
        }
    }
    assert!(accepted > 500 && refused > 500, "{accepted} accepted, {refused} refused");
}
