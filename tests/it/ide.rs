//! What an editor shows, from the core (`asenet::ide`), without the protocol.

use crate::one_cause::CLEAN;

/// Issue 24, finding 10: hover on a route's `next_hop` showed only the port's subnet, though
/// docs/editors.md promises the next hops it touches.
#[test]
fn hover_on_a_next_hop_says_it_is_the_routes_next_hop() {
    let network = asenet::check(CLEAN).network.expect("TOML");
    let offset = CLEAN.find("next_hop = \"192.168.10.1\"").unwrap() + "next_hop = \"1".len();
    let (text, _) = asenet::ide::hover(CLEAN, Some(&network), offset).expect("a hover");
    assert!(text.contains("next hop"), "{text}");
    assert!(text.contains("192.168.20.0/24"), "{text}");
}

/// Issue 24, finding 10: with a port-name typo in the file, the outline lost every switch and
/// route that refers to the port.
#[test]
fn the_outline_keeps_what_refers_to_a_misspelt_port() {
    for typo in [
        CLEAN.replace("[ports.Port3]", "[ports.port3]"),
        CLEAN.replace("interface = \"Port3\"", "interface = \"Prot3\""),
    ] {
        let network = asenet::check(&typo).network.expect("TOML");
        let names: Vec<String> = asenet::ide::symbols(&network).into_iter().map(|symbol| symbol.name).collect();
        assert!(names.iter().any(|name| name == "vswitch-port3"), "{names:?}");
        assert!(names.iter().any(|name| name == "192.168.20.0/24"), "{names:?}");
    }
}

/// SAFETY.md's pass over the editor (lspsafe, finding 1): a hover is Markdown, and names from
/// the file (a service's name, namespace and hostname, a table's key) were put between single
/// backticks as they are (here and in `asenet which`'s owners, which a hover on one address
/// lists): a backtick in a name ended the code span, and what followed was
/// Markdown the file chose (a `command:` link, an image, HTML), hidden characters as
/// themselves. The same hover with a plain name and with each hostile name: the same text
/// outside code spans, on as many lines, and no hidden character anywhere.
#[test]
fn a_hover_holds_names_from_the_file_only_inside_code_spans() {
    use asenet::escape::{HOSTILE_NAMES, is_hidden, toml_file};

    use crate::escaping::outside_code_spans;

    let site = std::fs::read_to_string(crate::support::repo_root().join("examples/mini-r-site.toml")).unwrap();
    let hover = |name: &str, needle: &str, shift: usize| -> String {
        let quoted = toml_file::string(name);
        let source = site
            .replace("name = \"pos-api\"", &format!("name = {quoted}"))
            .replace("namespace = \"retail\"\ntype", &format!("namespace = {quoted}\ntype"))
            .replace("hostname = \"pos\"", &format!("hostname = {quoted}"))
            .replace("type = \"LoadBalancer\"", "type = \"LoadBalancer\"\nload_balancer_ip = \"172.16.43.30\"")
            .replace(
                "[switches.vswitch-port3]",
                &format!("[switches.{}]\n[switches.vswitch-port3]", toml_file::key(name)),
            );
        let network = asenet::check(&source).network.expect("TOML");
        let offset = source.find(needle).unwrap() + shift;
        asenet::ide::hover(&source, Some(&network), offset).map(|(text, _)| text).unwrap_or_default()
    };
    let hostile = [
        "a`[run](command:workbench.action.terminal.new)`",
        "``x`` ![t](http://evil.example/t.png) <img src=x onerror=alert(1)> *b* _c_",
    ];
    for (needle, shift) in [("service_ips = \"", 16), ("load_balancer_ip = \"", 20), ("[switches.", 10)] {
        let plain = hover("x", needle, shift);
        assert!(!plain.is_empty(), "no hover at {needle}");
        let shape = |text: &str| text.lines().map(outside_code_spans).collect::<Vec<_>>();
        for name in HOSTILE_NAMES.iter().copied().filter(|name| !name.is_empty() && !name.contains('\0')).chain(hostile)
        {
            let text = hover(name, needle, shift);
            // A key the hover cannot read (a `]` in it) gets no hover: nothing shown is safe.
            if text.is_empty() && needle == "[switches." {
                continue;
            }
            assert_eq!(shape(&text), shape(&plain), "{name:?} at {needle}: {text}");
            assert!(!text.chars().any(is_hidden), "{name:?} at {needle}: {text:?}");
        }
    }
}
