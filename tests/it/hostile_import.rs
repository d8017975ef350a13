//! The adversarial pass over `asenet import` (SAFETY.md): exports a hostile or careless hand
//! made. Each test was first run against main b155cb8's code and failed there.

use asenet::import::{Imported, Inputs, Problem, Sources, import};
use serde_json::Value;

use crate::support::{asenet, repo_root, scratch_dir, stderr, stdout};

/// The 2312 export (UTF-8), the one `--model` never needs.
fn export() -> String {
    let bytes = std::fs::read(repo_root().join("tests/import/exports/ap5gc-2312.json")).unwrap();
    String::from_utf8(bytes).unwrap().trim_start_matches('\u{feff}').to_owned()
}

fn run(text: &str) -> Result<Imported, Vec<Problem>> {
    import(&Inputs {
        device: text.as_bytes(),
        vip: None,
        cluster: None,
        model: None,
        name: None,
        sources: Sources { device: "CONFIG.json", vip: None, cluster: None },
    })
}

/// The export with its device name replaced by `name`.
fn named(name: &str) -> String {
    let mut value: Value = serde_json::from_str(&export()).unwrap();
    value["device"]["deviceEndpoint"]["name"] = Value::String(name.to_owned());
    serde_json::to_string(&value).unwrap()
}

/// Finding 1: a key given twice in one object (`"name": "A", "name": "B"`), which no
/// PowerShell writes but a hand edit or a bad merge does, was read as its last value and
/// nothing said so: the device file named a device the export also names otherwise. Now
/// the export is refused with the key and where it is given the second time.
#[test]
fn a_key_given_twice_in_one_object_is_refused_with_where() {
    let text = export();
    let original = "\"name\": \"DBE-2QBV9Y3\"";
    assert!(text.contains(original));
    for twice in [
        // In the device's name, either order.
        text.replacen(original, &format!("{original}, \"name\": \"OTHER\""), 1),
        text.replacen(original, &format!("\"name\": \"OTHER\", {original}"), 1),
        // A whole object given twice.
        text.replacen("\"deviceEndpoint\": {", "\"deviceEndpoint\": {\"name\": \"X\"}, \"deviceEndpoint\": {", 1),
        // Deep inside an array's object.
        text.replacen("\"isDhcpEnabled\": false,", "\"isDhcpEnabled\": false, \"isDhcpEnabled\": true,", 1),
    ] {
        assert_ne!(twice, text);
        let problems = run(&twice).expect_err("an export with a key given twice was imported");
        let messages: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(
            messages.iter().any(|message| message.contains("is given twice in one object") && message.contains("line ")),
            "{messages:#?}"
        );
    }
    // Two keys that differ only in case are two keys (JSON's keys are case-sensitive).
    let cased = text.replacen(original, &format!("{original}, \"Name\": \"OTHER\""), 1);
    let imported = run(&cased).unwrap();
    assert!(imported.text.contains("name = \"DBE-2QBV9Y3\""), "{}", imported.text);
}

/// Finding 2: Unicode's bidirectional controls (U+202E RIGHT-TO-LEFT OVERRIDE, the
/// isolates U+2066 to U+2069, U+200F, U+061C) in a name were written into the device file
/// as themselves, where an editor or a review page shows the line's text reordered (the
/// "Trojan Source" attack, CVE-2021-42574), and to the terminal the same way. Now they are
/// written as `\uXXXX` escapes in TOML strings and as visible escapes in comments, terminal
/// lines and Markdown code, and the name still reads back exactly.
#[test]
fn bidirectional_controls_are_escaped_and_names_still_round_trip() {
    const BIDI: &[char] = &[
        '\u{61C}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}',
        '\u{2067}', '\u{2068}', '\u{2069}',
    ];
    let raw = |text: &str| text.chars().any(|c| BIDI.contains(&c));
    let name: String = ["a", "\u{202E}", "b", "\u{2066}", "c", "\u{2069}", "\u{200F}", "\u{61C}d"].concat();
    let imported = run(&named(&name)).unwrap();
    assert!(!raw(&imported.text), "{:?}", imported.text);
    let parsed: toml::Table = toml::from_str(&imported.text).unwrap();
    assert_eq!(parsed["device"]["name"].as_str(), Some(name.as_str()));
    for escaped in [
        asenet::escape::toml_file::string(&name),
        asenet::escape::toml_file::comment(&name),
        asenet::escape::terminal::line(&name),
        asenet::escape::markdown::code(&name),
    ] {
        assert!(!raw(&escaped), "{escaped:?}");
    }
    // Every one of them, in a string and as a key.
    for c in BIDI {
        let text = format!("x{c}y");
        for toml in [format!("v = {}", asenet::escape::toml_file::string(&text)), format!("{} = 1", asenet::escape::toml_file::key(&text))] {
            assert!(!raw(&toml), "{toml:?}");
            let parsed: toml::Table = toml::from_str(&toml).unwrap();
            assert!(parsed.get("v").and_then(toml::Value::as_str) == Some(&text) || parsed.contains_key(&text), "{toml}");
        }
    }
    // And on the terminal, in the message that echoes a bad value.
    let mut value: Value = serde_json::from_str(&export()).unwrap();
    value["device"]["network"]["interfaces"][0]["iPv4"]["address"] = Value::String(name.clone());
    let dir = scratch_dir("import-bidi");
    std::fs::write(dir.join("config.json"), serde_json::to_vec(&value).unwrap()).unwrap();
    let output = asenet(&["import", "--device", dir.join("config.json").to_str().unwrap()], b"");
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("\\u{202e}"), "{}", stderr(&output));
    assert!(!raw(&stderr(&output)) && !raw(&stdout(&output)), "{}", stderr(&output));
}

/// Finding 3: `-o -` wrote a new file named `-` in the working directory, where `--device -`
/// reads standard input and every other tool's `-o -` writes standard output. Now `-o -` is
/// standard output, and no file `-` appears.
#[test]
fn dash_as_the_output_is_standard_output_not_a_file_named_dash() {
    let dir = scratch_dir("import-dash");
    std::fs::write(dir.join("config.json"), export()).unwrap();
    let output = crate::support::run_in(&dir, &[], &["import", "--device", "config.json", "-o", "-"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("name = \"DBE-2QBV9Y3\""), "{}", stdout(&output));
    assert!(!dir.join("-").exists(), "a file named `-` was written");
}
