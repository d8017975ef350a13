//! One escaper per output language: every place a name or a user's text lands in a
//! PowerShell script, Markdown, a DNS zone, DOT, Mermaid, a GitHub workflow command, JSON, a
//! device file written by `asenet import` (TOML) or a terminal line goes through the function
//! here for that language, never through a hand-written `format!`. Each function is total
//! (any text in, safe text out) and is tested against the same hostile names
//! ([`HOSTILE_NAMES`]: newline, CR, every kind of quote, backtick, `$(...)`, `<`, `]`, `#`,
//! NUL, a non-ASCII letter) in `tests/it/escaping.rs`, where each output is also read back by
//! a parser of its language.
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
fn reorders(c: char) -> bool {
    matches!(c, '\u{61C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every line-breaking, control or bidirectional control character written as
/// its Rust escape (`\n`, `\u{1b}`, `\u{202e}`): visible, on one line, in its order.
fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if reorders(c) {
            out.extend(c.escape_unicode());
        } else if breaks_lines(c) {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}

/// PowerShell (the device's scripts).
pub mod powershell {
    use super::breaks_lines;

    /// The characters PowerShell reads as a single quote.
    fn is_single_quote(c: char) -> bool {
        matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}')
    }

    /// `text` as one PowerShell expression that evaluates to exactly `text`: a single-quoted
    /// string (no expansion of `$`, backtick or anything inside it; each single-quote
    /// character doubled), or, when `text` holds a control character, the concatenation of
    /// such strings and `[string][char]0xNNNN`, in parentheses: `('a' + [string][char]0x000A)`.
    pub fn single_quoted(text: &str) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut plain = String::new();
        for c in text.chars() {
            if breaks_lines(c) {
                if !plain.is_empty() {
                    parts.push(quote(&plain));
                    plain.clear();
                }
                parts.push(format!("[string][char]0x{:04X}", u32::from(c)));
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

    /// `text` for the rest of a `#` comment line: nothing in it can end the line.
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

    /// `text` as one inline code span, shown exactly (control characters as visible
    /// escapes): fenced by one backtick more than its longest run of backticks, padded with
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
    /// cannot end the list item it is in. The names they quote are validated names.
    pub fn prose(text: &str) -> String {
        text.chars().map(|c| if super::breaks_lines(c) { ' ' } else { c }).collect()
    }

    /// asenet's own sentence as one cell of a table row: on one line, and a `|` (even inside a
    /// code span, as GitHub reads tables) cannot end the cell.
    pub fn table_cell(text: &str) -> String {
        prose(text).replace('|', "\\|")
    }

    /// `text` as a fenced code block of `language`, whose fence no line of `text` can close.
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
    /// `(`, `"`, `$` or a newline stays inside the name. Dots separate labels.
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

    /// `text` for the rest of a `;` comment line.
    pub fn comment(text: &str) -> String {
        super::visible(text)
    }
}

/// Graphviz DOT.
pub mod dot {
    /// `text` as a DOT double-quoted string, quotes included: `"` and `\` escaped (a bare
    /// `\N`, `\G` or `\n` would be a substitution or a line break in a label), control
    /// characters shown as visible escapes.
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
    /// Mermaid's `#NNN;` entity codes, control characters as spaces.
    pub fn label(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            match c {
                '"' | '<' | '>' | '#' | '`' | '&' | '\'' => out.push_str(&format!("#{};", u32::from(c))),
                c if super::breaks_lines(c) => out.push(' '),
                c => out.push(c),
            }
        }
        out
    }
}

/// GitHub Actions workflow commands (`::error file=...,line=...::message`).
pub mod github {
    /// A command's message: `%`, CR and LF percent-encoded, as the runner decodes them.
    pub fn data(text: &str) -> String {
        text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
    }

    /// A command's property value (`file=`): also `:` and `,`, which end a property.
    pub fn property(text: &str) -> String {
        data(text).replace(':', "%3A").replace(',', "%2C")
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
    /// every bidirectional control as `\uXXXX` (it would reorder the line as shown);
    /// everything else, non-ASCII letters included, as itself.
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
                c if c.is_control() || super::reorders(c) => out.push_str(&format!("\\u{:04X}", u32::from(c))),
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
    /// starts a terminal's escape sequences) written as visible escapes.
    pub fn line(text: &str) -> String {
        super::visible(text)
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
}
