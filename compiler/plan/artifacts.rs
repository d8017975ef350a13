//! The `artifact` section: a compared artifact that differs where no other section's change
//! explains it ([`feeds`]), so that nothing the device is given escapes the plan.

use std::collections::{BTreeMap, BTreeSet};

use super::{Change, Class, Section, Side, facts};

/// Which sections feed an artifact: a differing artifact that none of them explains is a
/// change of its own, so that nothing the device is given escapes the plan.
pub fn feeds(path: &str) -> &'static [Section] {
    match path {
        "kubernetes/services.yaml" => &[Section::Service, Section::Kubernetes],
        _ if path.starts_with("metallb/") => &[Section::Kubernetes, Section::BgpPeer],
        _ if path.starts_with("network/") => &[Section::VirtualNetwork],
        "routes/apply-bgp.ps1" | "routes/remove-bgp.ps1" => &[Section::BgpPeer],
        _ if path.starts_with("dns/") => &[Section::Dns, Section::Device, Section::Service, Section::Kubernetes],
        _ if path.starts_with("private5g/") => &[Section::PacketCore, Section::VirtualNetwork, Section::Device],
        _ if path.starts_with("device/") => &[
            Section::Device,
            Section::Port,
            Section::Switch,
            Section::VirtualNetwork,
            Section::Kubernetes,
            Section::VirtualIp,
        ],
        _ => &[],
    }
}

pub(super) fn compare(old: &Side, new: &Side, out: &mut Vec<Change>) {
    let contents = |side: &Side| -> BTreeMap<String, String> {
        side.artifacts.iter().map(|file| (file.path.clone(), file.contents.clone())).collect()
    };
    let (before, after) = (contents(old), contents(new));
    let paths: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    let explained: BTreeSet<Section> = out.iter().map(|change| change.section).collect();
    for path in paths {
        if before.get(path) == after.get(path) || feeds(path).iter().any(|section| explained.contains(section)) {
            continue;
        }
        let what = match (before.contains_key(path), after.contains_key(path)) {
            (false, _) => "added",
            (_, false) => "removed",
            _ => "differs",
        };
        out.push(
            Change::new(Class::Reapply, Section::Artifact, path.as_str(), what)
                .because("apply the artifact again", &facts::KUBERNETES_NETWORKING),
        );
    }
}
