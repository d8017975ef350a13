//! One escaper per output language: every place a name or a user's text lands in a
//! PowerShell script, Markdown, a DNS zone, DOT, Mermaid, a GitHub workflow command, JSON, a
//! device file written by `asenet import` (TOML) or a terminal line goes through the function
//! here for that language, never through a hand-written `format!`. Each function is total
//! (any text in, safe text out) and is tested against the same hostile names
//! ([`HOSTILE_NAMES`]: newline, CR, every kind of quote, backtick, `$(...)`, `<`, `]`, `#`,
//! NUL, a non-ASCII letter, bidirectional controls, invisible characters) in
//! `tests/it/escaping.rs`, where each output is also read back by a parser of its language.
//!
//! **Hidden characters** ([`is_hidden`]: the bidirectional controls, the characters that show
//! as nothing, U+2028 and U+2029) make a text read one way to a person and another to the
//! program that consumes it ("Trojan Source", CVE-2021-42574). What each output does with them:
//! - written as visible escapes where a person reads the text: the terminal, every comment
//!   (PowerShell, zone, TOML), Markdown, DOT and Mermaid labels, a GitHub workflow command's
//!   message, a diagnostic's message, labels and help in every report format
//!   ([`report::text`]), and everything the language server has an editor show
//!   ([`editor::line`], a hover's names through [`markdown::code`]); outside the quotes of a
//!   PowerShell string (`[char]0x202E`) and as `\uXXXX` in a TOML string, so that the value
//!   is still exact;
//! - escaped whole in a zone's names (every byte outside letters, digits, `-`, `_` and `*`);
//! - kept exact where a program reads a value: JSON strings (a file's path in a report, a
//!   name in the device package), a GitHub command's `file=` (it must name the repository's
//!   file). Where a serializer writes an artifact (YAML, JSON) nothing can escape them, so
//!   none reaches one: `invalid-name` (ASE401) refuses a switch name holding one (the only
//!   name whose rule is not ASCII), and `emit` refuses any artifact that would hold one,
//!   whatever put it there (a `share_ip` key, a target port name under `[lint]`).
//!
//! YAML has no escaper here: every YAML artifact is written by `serde_saphyr` from typed
//! values (`emit::yaml`), and the tests read the hostile names back through a YAML parser.
//! JSON is written by `serde_json` everywhere; [`json::string`] is the same serializer for
//! the one place that writes a JSON string by hand, if any ever does.
//!
//! Names that no escape can make right (a newline in a switch name, which the device
//! refuses) are refused earlier, by `invalid-name` (ASE401), before anything is emitted.
//! The bottom layer: it imports nothing of the crate.

/// The names every escaper is tested with: each breaks out of a naive context somewhere.
pub const HOSTILE_NAMES: &[&str] = &[
    "site\nStart-Process calc.exe #",
    "store\r\nX-Injected: 1",
    "it's 'quoted'",
    "say \"hi\"",
    "tick ` tock ``",
    "‘curly’ “double” ‚low‛ „low”",
    "$(Remove-Item C:\\ -Recurse)",
    "${env:PATH} $x",
    "<img src=x onerror=alert(1)>",
    "a]b[c](http://evil.example/)",
    "![tracker](http://evil.example/t.png)",
    "# heading\n---",
    "nul\0byte",
    "Zürich store",
    "tab\there",
    "back\\slash \\N \\G",
    "pipe | semi; amp & lt < gt >",
    "line\u{2028}separator\u{85}next",
    "esc\u{1b}[31mred",
    "bidi\u{202e}txt.exe\u{2066}x\u{2069}\u{200e}\u{200f}\u{61c}\u{202a}",
    "zero\u{200b}width\u{200d}\u{feff}soft\u{ad}\u{2060}tag\u{e0041}\u{fe0f}\u{3164}\u{fff9}",
    "",
];

/// Whether PowerShell, Markdown or a terminal could read `c` as the end of a line (or a
/// control): every such character is written as an escape, never as itself.
fn breaks_lines(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Unicode's bidirectional controls (marks, embeddings, overrides, isolates): each reorders
/// how the text around it is shown, so that an editor, a review page or a terminal shows a
/// line other than the one it holds ("Trojan Source", CVE-2021-42574). Never written as
/// themselves: as escapes, like control characters.
pub(crate) fn reorders(c: char) -> bool {
    matches!(c, '\u{61C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that show as nothing: Unicode's default-ignorable code points (the zero-width
/// space and joiners, the word joiner and invisible operators, U+FEFF, the soft hyphen, the
/// variation selectors, the tag characters, the Hangul fillers, ...) and the interlinear
/// annotation marks. A name holding one looks like the name without it.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{AD}'
            | '\u{34F}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200D}'
            | '\u{2060}'..='\u{2065}'
            | '\u{206A}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFFB}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// Whether `c` makes a text read differently to a person than to a program: a bidirectional
/// control, a character that shows as nothing, or U+2028/U+2029, which some readers take as a
/// line break and others do not. What each output language does with them: the module's
/// documentation.
pub fn is_hidden(c: char) -> bool {
    reorders(c) || invisible(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// `text` with every line-breaking, control or hidden character written as its Rust escape
/// (`\n`, `\u{1b}`, `\u{202e}`, `\u{200b}`): visible, on one line, in its order.
fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        // Printable ASCII, nearly all of every line, is neither a control nor hidden.
        if matches!(c, ' '..='~') {
            out.push(c);
        } else if breaks_lines(c) {
            out.extend(c.escape_debug());
        } else if is_hidden(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// PowerShell (the device's scripts).
pub mod powershell {
    use super::{breaks_lines, is_hidden};

    /// The characters PowerShell reads as a single quote.
    fn is_single_quote(c: char) -> bool {
        matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}')
    }

    /// `text` as one PowerShell expression that evaluates to exactly `text`: a single-quoted
    /// string (no expansion of `$`, backtick or anything inside it; each single-quote
    /// character doubled), or, when `text` holds a control or a hidden character, the
    /// concatenation of such strings and `[string][char]0xNNNN` (beyond U+FFFF,
    /// `[char]::ConvertFromUtf32(0xNNNNN)`), in parentheses: `('a' + [string][char]0x000A)`.
    /// A hidden character inside the quotes would show the script's reviewer another name, or
    /// another line ("Trojan Source"): outside them, it is seen for what it is.
    pub fn single_quoted(text: &str) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut plain = String::new();
        for c in text.chars() {
            if breaks_lines(c) || is_hidden(c) {
                if !plain.is_empty() {
                    parts.push(quote(&plain));
                    plain.clear();
                }
                let code = u32::from(c);
                parts.push(if code > 0xFFFF {
                    format!("[char]::ConvertFromUtf32(0x{code:X})")
                } else {
                    format!("[string][char]0x{code:04X}")
                });
            } else {
                plain.push(c);
            }
        }
        if parts.is_empty() {
            return quote(&plain);
        }
        if !plain.is_empty() {
            parts.push(quote(&plain));
        }
        // Every part is a string (the casts say so), and the parentheses make the sum one
        // argument where a command expects a word.
        format!("({})", parts.join(" + "))
    }

    fn quote(text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 2);
        out.push('\'');
        for c in text.chars() {
            if is_single_quote(c) {
                out.push(c);
            }
            out.push(c);
        }
        out.push('\'');
        out
    }

    /// `text` for the rest of a `#` comment line: nothing in it can end the line, and hidden
    /// characters are visible escapes.
    pub fn comment(text: &str) -> String {
        super::visible(text)
    }
}

/// Markdown (the pull-request comment of `asenet diff --format markdown`), as CommonMark
/// and GitHub read it.
pub mod markdown {
    /// The longest run of backticks in `text`.
    fn longest_backtick_run(text: &str) -> usize {
        text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
    }

    /// `text` as one inline code span, shown exactly (control and hidden characters as
    /// visible escapes): fenced by one backtick more than its longest run of backticks, padded with
    /// a space where it starts or ends with a backtick or a space. Inside a code span, `<`,
    /// `!`, `[` and `*` are text, not HTML, images, links or emphasis.
    pub fn code(text: &str) -> String {
        let text = super::visible(text);
        let fence = "`".repeat(longest_backtick_run(&text) + 1);
        let pad = text.is_empty() || text.starts_with(['`', ' ']) || text.ends_with(['`', ' ']);
        let space = if pad { " " } else { "" };
        format!("{fence}{space}{text}{space}{fence}")
    }

    /// asenet's own sentences (reasons, causes, help) on one line: a control character
    /// cannot end the list item it is in, and a hidden character (in a name it quotes, or a
    /// key of an export drift names) is a visible escape.
    pub fn prose(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            if super::breaks_lines(c) {
                out.push(' ');
            } else if super::is_hidden(c) {
                out.extend(c.escape_unicode());
            } else {
                out.push(c);
            }
        }
        out
    }

    /// asenet's own sentence as one cell of a table row: on one line, and a `|` (even inside a
    /// code span, as GitHub reads tables) cannot end the cell.
    pub fn table_cell(text: &str) -> String {
        prose(text).replace('|', "\\|")
    }

    /// `text` as a fenced code block of `language`, whose fence no line of `text` can close.
    /// `text` is asenet's own (a script it wrote), shown as it is: it holds no hidden
    /// character (`emit` refuses an artifact with one).
    pub fn code_block(language: &str, text: &str) -> String {
        let fence = "`".repeat((longest_backtick_run(text) + 1).max(3));
        let mut out = format!("{fence}{language}\n{text}");
        if !text.is_empty() && !text.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&fence);
        out.push('\n');
        out
    }
}

/// DNS master files (RFC 1035 §5.1).
pub mod zone {
    /// A domain name for a zone file: each label's characters other than letters, digits,
    /// `-`, `_` and `*` written as `\DDD` (each byte of their UTF-8), so that a space, `;`,
    /// `(`, `"`, `$`, a newline or a hidden character stays inside the name, and visible.
    /// Dots separate labels.
    pub fn name(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '*' | '.') {
                out.push(c);
            } else {
                let mut bytes = [0; 4];
                for byte in c.encode_utf8(&mut bytes).bytes() {
                    out.push_str(&format!("\\{byte:03}"));
                }
            }
        }
        out
    }

    /// `text` for the rest of a `;` comment line: controls and hidden characters as visible
    /// escapes.
    pub fn comment(text: &str) -> String {
        super::visible(text)
    }
}

/// Graphviz DOT.
pub mod dot {
    /// `text` as a DOT double-quoted string, quotes included: `"` and `\` escaped (a bare
    /// `\N`, `\G` or `\n` would be a substitution or a line break in a label), control and
    /// hidden characters shown as visible escapes (Graphviz would draw them as they are).
    pub fn quoted(text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 2);
        out.push('"');
        for c in super::visible(text).chars() {
            if matches!(c, '"' | '\\') {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
        out
    }
}

/// Mermaid flowcharts (which GitHub renders inside Markdown).
pub mod mermaid {
    /// `text` inside a Mermaid `"..."` label: quotes, `<`, `>`, `#`, backtick and `&` as
    /// Mermaid's `#NNN;` entity codes, control characters as spaces, hidden characters as
    /// visible escapes (`\u{202e}`; an entity code would draw the character itself).
    pub fn label(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            match c {
                '"' | '<' | '>' | '#' | '`' | '&' | '\'' => out.push_str(&format!("#{};", u32::from(c))),
                c if super::breaks_lines(c) => out.push(' '),
                c if super::is_hidden(c) => out.extend(c.escape_unicode()),
                c => out.push(c),
            }
        }
        out
    }
}

/// GitHub Actions workflow commands (`::error file=...,line=...::message`).
pub mod github {
    /// A command's message: `%`, CR and LF percent-encoded, as the runner decodes them; a
    /// hidden character as a visible escape (the annotation is read by a person).
    pub fn data(text: &str) -> String {
        let shown = super::report::text(text);
        percent(&shown)
    }

    /// A command's property value (`file=`): `%`, CR, LF, `:` and `,` (which end a property)
    /// percent-encoded, and nothing else changed: `file=` must name the repository's file as
    /// it is, hidden characters and all (GitHub shows its own file names).
    pub fn property(text: &str) -> String {
        percent(text).replace(':', "%3A").replace(',', "%2C")
    }

    fn percent(text: &str) -> String {
        text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
    }
}

/// A diagnostic's message, labels and help in a report a person reads through another
/// program (the JSON and SARIF reports, code scanning, a GitHub annotation).
pub mod report {
    use std::borrow::Cow;

    /// `text` with each hidden character as a visible escape (`\u{202e}`), everything else,
    /// line breaks included, as it is: the format's serializer escapes what it must. Borrowed
    /// when there is nothing hidden, as nearly always.
    pub fn text(text: &str) -> Cow<'_, str> {
        if !text.chars().any(super::is_hidden) {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len() + 16);
        for c in text.chars() {
            if super::is_hidden(c) {
                out.extend(c.escape_unicode());
            } else {
                out.push(c);
            }
        }
        Cow::Owned(out)
    }
}

/// What an editor shows as plain text, from the language server: a diagnostic's message,
/// labels and help, a code action's title, a symbol's name and detail, an inlay hint's label
/// and a code lens's title (VS Code and Neovim render none of them as Markdown; a hover is
/// Markdown, through [`markdown::code`]).
pub mod editor {
    /// `text` on one line: every control character (a newline would forge a line, such as
    /// the `help:` line the server appends to a message) and every hidden character written
    /// as a visible escape (`\n`, `\u{202e}`).
    pub fn line(text: &str) -> String {
        super::visible(text)
    }
}

/// JSON.
pub mod json {
    /// `text` as a JSON string, quotes included (serde_json's escaping).
    pub fn string(text: &str) -> String {
        serde_json::to_string(text).expect("a string serializes")
    }
}

/// TOML, the device file itself (`asenet import` writes one from the device's export).
pub mod toml_file {
    /// `text` as a TOML basic string, quotes included: `"` and `\` escaped, every control
    /// character (TOML allows none but tab unescaped) as `\n`, `\t`, ... or `\uXXXX`, and
    /// every hidden character as `\uXXXX` or `\UXXXXXXXX` (it would reorder the line as
    /// shown, or not show); everything else, non-ASCII letters included, as itself.
    pub fn string(text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 2);
        out.push('"');
        for c in text.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{8}' => out.push_str("\\b"),
                '\u{c}' => out.push_str("\\f"),
                c if u32::from(c) > 0xFFFF && super::is_hidden(c) => out.push_str(&format!("\\U{:08X}", u32::from(c))),
                c if c.is_control() || super::is_hidden(c) => out.push_str(&format!("\\u{:04X}", u32::from(c))),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }

    /// `text` as a key: bare when TOML allows it (`A-Za-z0-9_-`, not empty), else quoted.
    pub fn key(text: &str) -> String {
        let bare = !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if bare { text.to_owned() } else { string(text) }
    }

    /// `text` for the rest of a `#` comment line: TOML allows no control character but tab
    /// in a comment, and nothing in it may end the line.
    pub fn comment(text: &str) -> String {
        super::visible(text)
    }
}

/// A terminal or a CI log (the human output).
pub mod terminal {
    /// `text` on one line of a terminal: control characters (newlines, and ESC, which
    /// starts a terminal's escape sequences) and hidden characters written as visible escapes.
    pub fn line(text: &str) -> String {
        super::visible(text)
    }

    /// Text of many lines for a terminal or a CI log, each line kept on its own (ended by
    /// LF or CRLF), tabs kept; every other control character (a lone CR, which some readers
    /// take as a line end, and ESC) and every hidden character written as a visible escape.
    pub fn lines(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for line in text.split_inclusive('\n') {
            let (body, end) = match line.strip_suffix("\r\n") {
                Some(body) => (body, "\r\n"),
                None => line.strip_suffix('\n').map_or((line, ""), |body| (body, "\n")),
            };
            for c in body.chars() {
                if c == '\t' || matches!(c, ' '..='~') {
                    out.push(c);
                } else if c.is_control() || super::breaks_lines(c) {
                    out.extend(c.escape_debug());
                } else if super::is_hidden(c) {
                    out.extend(c.escape_unicode());
                } else {
                    out.push(c);
                }
            }
            out.push_str(end);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_cell_stays_one_cell_on_one_line() {
        assert_eq!(markdown::table_cell("a `b` c"), "a `b` c");
        assert_eq!(markdown::table_cell("a | b\nc"), "a \\| b c");
    }

    #[test]
    fn powershell_strings_expand_nothing_and_keep_controls_outside_quotes() {
        assert_eq!(powershell::single_quoted("vswitch-port3"), "'vswitch-port3'");
        assert_eq!(powershell::single_quoted("a'b"), "'a''b'");
        assert_eq!(powershell::single_quoted("a\u{2019}; rm"), "'a\u{2019}\u{2019}; rm'");
        assert_eq!(powershell::single_quoted("$(evil)"), "'$(evil)'");
        assert_eq!(powershell::single_quoted(""), "''");
        assert_eq!(powershell::single_quoted("a\nb"), "('a' + [string][char]0x000A + 'b')");
        assert_eq!(powershell::single_quoted("\0"), "([string][char]0x0000)");
        assert_eq!(powershell::comment("x\n#y"), "x\\n#y");
    }

    #[test]
    fn markdown_code_spans_outlast_every_backtick_run() {
        assert_eq!(markdown::code("store.toml"), "`store.toml`");
        assert_eq!(markdown::code("a`b"), "``a`b``");
        assert_eq!(markdown::code("`x``"), "``` `x`` ```");
        assert_eq!(markdown::code("a\nb"), "`a\\nb`");
        assert_eq!(markdown::code(""), "`  `");
        assert_eq!(markdown::code_block("powershell", "a\n"), "```powershell\na\n```\n");
        assert_eq!(markdown::code_block("", "````\n"), "`````\n````\n`````\n");
    }

    #[test]
    fn zone_names_escape_everything_but_letters_digits_and_dots() {
        assert_eq!(zone::name("store042.contoso.local"), "store042.contoso.local");
        assert_eq!(zone::name("a b;c"), "a\\032b\\059c");
        assert_eq!(zone::name("ü"), "\\195\\188");
    }

    #[test]
    fn dot_mermaid_and_github() {
        assert_eq!(dot::quoted("a\"b\\N\nc"), "\"a\\\"b\\\\N\\\\nc\"");
        assert_eq!(mermaid::label("a\"<b>#"), "a#34;#60;b#62;#35;");
        assert_eq!(github::property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        assert_eq!(github::data("50% done\r\nnext: a,b"), "50%25 done%0D%0Anext: a,b");
        assert_eq!(github::property("C:\\sites\\a,b.toml"), "C%3A\\sites\\a%2Cb.toml");
        assert_eq!(terminal::line("a\u{1b}[31m"), "a\\u{1b}[31m");
        assert_eq!(toml_file::string("say \"hi\"\\"), "\"say \\\"hi\\\"\\\\\"");
        assert_eq!(toml_file::string("a\nb\0\u{7f}ü"), "\"a\\nb\\u0000\\u007Fü\"");
        assert_eq!(toml_file::key("vswitch-port3"), "vswitch-port3");
        assert_eq!(toml_file::key("a.b"), "\"a.b\"");
        assert_eq!(toml_file::key(""), "\"\"");
        assert_eq!(toml_file::comment("x\ny"), "x\\ny");
    }

    #[test]
    fn hidden_characters_are_shown_and_values_stay_exact() {
        assert!(is_hidden('\u{202e}') && is_hidden('\u{200b}') && is_hidden('\u{e0041}') && is_hidden('\u{2028}'));
        assert!(!is_hidden('ü') && !is_hidden('店') && !is_hidden(' ') && !is_hidden('\u{301}'));
        assert_eq!(
            powershell::single_quoted("a\u{202e}b\u{e0041}"),
            "('a' + [string][char]0x202E + 'b' + [char]::ConvertFromUtf32(0xE0041))"
        );
        assert_eq!(powershell::comment("a\u{200b}b"), "a\\u{200b}b");
        assert_eq!(markdown::prose("a\u{2066}b\nc"), "a\\u{2066}b c");
        assert_eq!(mermaid::label("a\u{200f}"), "a\\u{200f}");
        assert_eq!(github::data("a\u{202e}%"), "a\\u{202e}%25");
        assert_eq!(github::property("a\u{202e}:"), "a\u{202e}%3A");
        assert_eq!(toml_file::string("a\u{feff}\u{e0041}"), "\"a\\uFEFF\\U000E0041\"");
        assert_eq!(report::text("plain"), std::borrow::Cow::Borrowed("plain"));
        assert_eq!(report::text("a\u{61c}\nb"), "a\\u{61c}\nb");
        assert_eq!(terminal::lines("a\tb\r\nc\rd\u{1b}\n\u{202e}"), "a\tb\r\nc\\rd\\u{1b}\n\\u{202e}");
    }
}
