//! `asenet graph --format svg` through Graphviz's `dot`: the fleet drawn as SVG, with its
//! devices and networks as node labels.

use std::process::Command;

use super::run;
use crate::fleet::EXAMPLE;
use crate::support::{asenet, require, stderr, stdout};

#[test]
#[ignore = "consumer: needs dot (apt-get install graphviz)"]
fn graph_svg_through_graphviz() {
    require("dot", "apt-get install graphviz", run(Command::new("dot").arg("-V")).map(|_| ()));
    let output = asenet(&["graph", "--fleet", EXAMPLE, "--format", "svg"], b"");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // Graphviz writes `-` as `&#45;` in text.
    let svg = stdout(&output).replace("&#45;", "-");
    assert!(svg.contains("<svg") && svg.contains("store042-a") && svg.contains("hq-lan"), "{svg}");
}
