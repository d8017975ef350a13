//! Hidden characters (`hidden-character`, ASE009): in each string the readers take from the
//! file, escaped or not ([`in_value`], called by `table::Table`), and written as themselves
//! anywhere else in the text ([`in_source`]). What counts as hidden is `escape::is_hidden`,
//! the same test every output and `emit`'s refusal use.

use crate::diagnostic::input::HIDDEN_CHARACTER;
use crate::diagnostic::{Diagnostic, Sink, Span};
use crate::escape::{is_hidden, reorders, report};
use crate::text::join;

/// Reports `text`, a string the file gives at `span` (`what()` names it: "`share_ip` in
/// [[services]]"), when it holds a hidden character, written as itself or escaped.
pub(super) fn in_value(what: impl FnOnce() -> String, text: &str, span: Span, sink: &mut Sink) {
    if text.is_ascii() {
        return;
    }
    let mut found: Vec<char> = Vec::new();
    for c in text.chars().filter(|&c| is_hidden(c)) {
        if !found.contains(&c) {
            found.push(c);
        }
    }
    if found.is_empty() {
        return;
    }
    let named = join(&found.iter().map(|c| c.escape_unicode().to_string()).collect::<Vec<_>>());
    let message = format!("{} holds {} {named}", report::text(&what()), characters(&found));
    sink.push(Diagnostic::new(&HIDDEN_CHARACTER, span, message).with_primary_label(effect(&found)).with_help(format!(
        "remove {named} from the value: its reader would see other text than the device reads (a TOML `\\u` \
             escape does not help: the value still holds it)"
    )));
}

/// Reports each run of hidden characters written as themselves in `source` outside the
/// values [`in_value`] has reported already (its diagnostics in `sink`): run after the
/// readers. A byte order mark at the start is the encoding's, not a character of the text. A
/// text of ASCII, nearly every file, is passed over at once.
pub(super) fn in_source(source: &str, sink: &mut Sink) {
    if source.is_ascii() {
        return;
    }
    // The values' spans, by start: a lookup per hidden character is a binary search, so a
    // file of many such values costs no more than one pass (a scan of every span for every
    // character took seconds at 40,000 of them).
    let mut reported = sink.spans_of(&HIDDEN_CHARACTER);
    reported.sort_unstable_by_key(|span| span.start);
    let reported_at = |offset: usize| {
        let after = reported.partition_point(|span| span.start <= offset);
        after > 0 && offset < reported[after - 1].end
    };
    let mut run: Option<(usize, usize, Vec<char>)> = None;
    for (offset, c) in source.char_indices() {
        let hidden = is_hidden(c) && !(offset == 0 && c == '\u{feff}') && !reported_at(offset);
        match (&mut run, hidden) {
            (Some((_, end, found)), true) if *end == offset => {
                *end = offset + c.len_utf8();
                found.push(c);
            }
            (_, true) => {
                if let Some(done) = run.take() {
                    report_run(done, sink);
                }
                run = Some((offset, offset + c.len_utf8(), vec![c]));
            }
            (_, false) => {}
        }
    }
    if let Some(done) = run {
        report_run(done, sink);
    }
}

fn report_run((start, end, found): (usize, usize, Vec<char>), sink: &mut Sink) {
    let written: String = found.iter().flat_map(|c| c.escape_unicode()).collect();
    let message = format!("the text holds {} {written} as itself", characters(&found));
    sink.push(
        Diagnostic::new(&HIDDEN_CHARACTER, Span { start, end }, message).with_primary_label(effect(&found)).with_help(
            format!(
                "remove {written}: a reviewer of this file reads other text here than asenet does (a comment, a key \
                 or a value asenet does not read)"
            ),
        ),
    );
}

/// "the hidden character" or "the hidden characters".
fn characters(found: &[char]) -> &'static str {
    if found.len() == 1 { "the hidden character" } else { "the hidden characters" }
}

/// What the hidden characters `found` do to the text as a person reads it.
fn effect(found: &[char]) -> &'static str {
    if found.iter().any(|&c| reorders(c)) {
        "reorders the text around it as shown"
    } else {
        "shows as nothing, or breaks the line for some readers only"
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::{Sink, Span};

    fn found(sink: Sink) -> Vec<(&'static str, Span)> {
        sink.into_sorted().into_iter().map(|diagnostic| (diagnostic.rule.code, diagnostic.span)).collect()
    }

    #[test]
    fn a_value_is_reported_once_at_its_span_and_the_rest_of_the_text_where_it_stands() {
        let source = "# a\u{202e}b\u{2066}\u{2069}\n[device]\nname = \"x\u{200b}\"\nmodel = \"pro-gpu\"\n";
        let mut sink = Sink::default();
        super::super::parse(source, &mut sink);
        let value = source.find("\"x").unwrap();
        let comment = source.find('\u{202e}').unwrap();
        let isolates = source.find('\u{2066}').unwrap();
        assert_eq!(
            found(sink),
            [
                ("ASE009", Span { start: comment, end: comment + 3 }),
                ("ASE009", Span { start: isolates, end: isolates + 6 }),
                ("ASE009", Span { start: value, end: value + 6 }),
            ]
        );
    }

    #[test]
    fn a_fleet_file_is_read_the_same_way() {
        let source = "# \u{feff}\n[fleet]\ndevices = [\"a\\u2028\"]\n";
        let mut sink = Sink::default();
        super::super::fleet::parse(source, &mut sink);
        let codes: Vec<_> = found(sink).into_iter().map(|(code, span)| (code, &source[span.range()])).collect();
        assert_eq!(codes, [("ASE009", "\u{feff}"), ("ASE009", "\"a\\u2028\"")]);
    }

    #[test]
    fn a_byte_order_mark_at_the_start_and_letters_beyond_ascii_are_not_hidden() {
        let mut sink = Sink::default();
        super::super::parse("\u{feff}# München – Kasse\n[device]\nname = \"x\"\n", &mut sink);
        assert!(found(sink).iter().all(|(code, _)| *code != "ASE009"));
    }
}
