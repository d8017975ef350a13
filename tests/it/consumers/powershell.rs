//! Every PowerShell script `asenet build` writes, through a PowerShell parser: tree-sitter
//! with the PowerShell grammar (`pwsh` is not in Debian, so no script is run). A script
//! must parse without an error or a missing node, and call the device cmdlets it is meant
//! to, each with the parameters the device documents.

use std::collections::BTreeSet;

use tree_sitter::{Node, Parser, Tree};

use super::inputs;
use crate::support::{build_file, relative};

pub(super) fn parse(source: &str) -> Tree {
    let mut parser = Parser::new();
    parser.set_language(&tree_sitter_powershell::LANGUAGE.into()).expect("the PowerShell grammar loads");
    parser.parse(source, None).expect("the parser returns a tree")
}

/// The nodes that are errors or were inserted as missing, with their text.
pub(super) fn problems(tree: &Tree, source: &str) -> Vec<String> {
    let mut found = Vec::new();
    walk(tree.root_node(), &mut |node| {
        if node.is_error() || node.is_missing() {
            found.push(format!("{} at {}: {:?}", node.kind(), node.start_position(), &source[node.byte_range()]));
        }
    });
    found
}

fn walk<'t>(node: Node<'t>, visit: &mut impl FnMut(Node<'t>)) {
    visit(node);
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        walk(child, visit);
    }
}

/// Every command the script calls: its name and the parameters (`-Name`) it passes.
pub(super) fn commands(tree: &Tree, source: &str) -> Vec<(String, Vec<String>)> {
    let mut found = Vec::new();
    walk(tree.root_node(), &mut |node| {
        if node.kind() != "command" {
            return;
        }
        let Some(name) = node.child_by_field_name("command_name") else { return };
        let mut parameters = Vec::new();
        walk(node, &mut |inner| {
            if inner.kind() == "command_parameter" {
                parameters.push(source[inner.byte_range()].to_owned());
            }
        });
        found.push((source[name.byte_range()].to_owned(), parameters));
    });
    found
}

#[test]
fn the_parser_finds_a_broken_script() {
    let broken = "if ($peer -and { Write-Output 'x'\n";
    assert!(!problems(&parse(broken), broken).is_empty());
    let fine = "if ($peer) {\n    Set-HcsBGPPeer -PeerAddress '10.0.0.1' -PeerAsn 64512\n}\n";
    assert!(problems(&parse(fine), fine).is_empty());
    assert_eq!(
        commands(&parse(fine), fine),
        [("Set-HcsBGPPeer".to_owned(), vec!["-PeerAddress".to_owned(), "-PeerAsn".to_owned()])]
    );
}

/// The functions the script defines itself (`function Set-AsenetRoute(...)`).
fn functions(tree: &Tree, source: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    walk(tree.root_node(), &mut |node| {
        if node.kind() == "function_statement" {
            let mut cursor = node.walk();
            let name = node.children(&mut cursor).find(|child| child.kind() == "function_name");
            if let Some(name) = name {
                found.insert(source[name.byte_range()].to_owned());
            }
        }
    });
    found
}

/// The parameters each device cmdlet takes (see docs/device-facts.md).
fn documented_parameters(cmdlet: &str) -> Option<&'static [&'static str]> {
    Some(match cmdlet {
        "Add-HcsNetRoute" => &["-InterfaceAlias", "-DestinationPrefix", "-NextHop", "-RouteMetric"],
        "Get-HcsNetRoute" | "Remove-HcsNetRoute" => &["-InterfaceAlias", "-DestinationPrefix"],
        "Set-HcsBGPPeer" => &["-PeerAddress", "-PeerAsn", "-SelfAsn", "-SwitchName", "-HoldTimeInSeconds"],
        "Get-HcsBGPPeers" => &["-SwitchName"],
        "Remove-HcsBGPPeer" => &["-PeerAddress", "-SwitchName"],
        "Add-HcsVirtualNetwork" => &[
            "-VirtualSwitchName",
            "-Name",
            "-VlanId",
            "-AddressSpace",
            "-GatewayIPAddress",
            "-DnsServers",
            "-DnsSuffix",
        ],
        "Get-HcsVirtualNetwork" => &[],
        "Remove-HcsVirtualNetwork" => &["-VirtualSwitchName", "-Name"],
        "Where-Object" | "Write-Output" | "ForEach-Object" => &[],
        _ => return None,
    })
}

#[test]
fn every_emitted_script_parses_and_calls_only_documented_cmdlets() {
    let mut called = BTreeSet::new();
    for path in inputs() {
        for file in build_file(&path).iter().filter(|file| file.path.ends_with(".ps1")) {
            let name = format!("{} {}", relative(&path), file.path);
            // A script of comments only (no routes) is valid PowerShell that the grammar,
            // which wants one statement, reads as an error.
            if file.contents.lines().all(|line| line.is_empty() || line.starts_with('#')) {
                continue;
            }
            let tree = parse(&file.contents);
            let errors = problems(&tree, &file.contents);
            assert!(errors.is_empty(), "{name}: {errors:#?}");
            let defined = functions(&tree, &file.contents);
            for (cmdlet, parameters) in commands(&tree, &file.contents) {
                if defined.contains(&cmdlet) {
                    continue;
                }
                let documented = documented_parameters(&cmdlet).unwrap_or_else(|| panic!("{name}: calls `{cmdlet}`"));
                for parameter in &parameters {
                    assert!(documented.contains(&parameter.as_str()), "{name}: `{cmdlet} {parameter}`");
                }
                called.insert(cmdlet);
            }
        }
    }
    for cmdlet in ["Add-HcsNetRoute", "Set-HcsBGPPeer", "Remove-HcsBGPPeer", "Add-HcsVirtualNetwork"] {
        assert!(called.contains(cmdlet), "no example calls {cmdlet}");
    }
}

/// Issue 24, finding 1: with Kubernetes on `vnet-k8s` (examples/vlan-compute-site.toml),
/// `apply-vnets.ps1` removed and added the network whenever it differed (a changed DNS
/// server, which `asenet diff` classes as redeploy), and `remove-vnets.ps1` removed it:
/// the cluster lost its network. Neither script may run a cmdlet that removes it.
#[test]
fn no_script_runs_a_cmdlet_that_removes_the_compute_network() {
    let path = crate::support::repo_root().join("examples/vlan-compute-site.toml");
    let mut scripts = 0;
    for file in build_file(&path).iter().filter(|file| file.path.starts_with("network/")) {
        scripts += 1;
        let tree = parse(&file.contents);
        let mut removals = Vec::new();
        walk(tree.root_node(), &mut |node| {
            if node.kind() == "command" {
                let text = &file.contents[node.byte_range()];
                if text.starts_with("Remove-HcsVirtualNetwork") && text.contains("vnet-k8s") {
                    removals.push(text.to_owned());
                }
            }
        });
        assert!(removals.is_empty(), "{} removes the compute network: {removals:?}", file.path);
        assert!(file.contents.contains("vnet-k8s"), "{} does not know the compute network", file.path);
    }
    assert_eq!(scripts, 2);
}
