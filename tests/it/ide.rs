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
