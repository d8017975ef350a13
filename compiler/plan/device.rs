//! The `device` section: the model, the node count, the name, the domain, the node names and
//! the package layout.

use super::{Change, Class, Section, Side, facts};
use crate::model::Keyword;

pub(super) fn compare(old: &Side, new: &Side, out: &mut Vec<Change>) {
    let (old, new) = (&old.network.device, &new.network.device);
    let hardware = "another model or node count is another device: compute is configured anew on it";
    if old.model.value != new.model.value {
        out.push(
            Change::new(Class::Redeploy, Section::Device, "device", "model")
                .values(Some(old.model.value.as_str()), Some(new.model.value.as_str()))
                .because(hardware, &facts::DEVICE_MODELS),
        );
    }
    if old.nodes.value != new.nodes.value {
        out.push(
            Change::new(Class::Redeploy, Section::Device, "device", "nodes")
                .values(Some(old.nodes.value.get()), Some(new.nodes.value.get()))
                .because(hardware, &facts::DEVICE_MODELS),
        );
    }
    let names = |device: &crate::model::Device| {
        device
            .node_names
            .as_ref()
            .map(|names| names.value.iter().map(|name| name.value.clone()).collect::<Vec<_>>().join(", "))
    };
    if names(old) != names(new) {
        out.push(
            Change::new(Class::Reapply, Section::Device, "device", "node names")
                .values(names(old).or(Some("(none)".into())), names(new).or(Some("(none)".into())))
                .because(
                    "device/network.json names each port's node: the rebuilt package applies only to a device whose \
                     nodes have these names",
                    &facts::NODE_NAMES,
                ),
        );
    }
    let (old_layout, new_layout) = (old.package_layout(), new.package_layout());
    if old_layout != new_layout {
        out.push(
            Change::new(Class::Reapply, Section::Device, "device", "package layout")
                .values(Some(old_layout.release()), Some(new_layout.release()))
                .because(
                    "device/network.json is written in the layout of another release: apply the rebuilt package to \
                     a device that runs it",
                    &facts::PACKAGE_LAYOUTS,
                ),
        );
    }
    let text = |value: &Option<crate::model::Located<String>>| value.as_ref().map(|v| v.value.clone());
    for (what, before, after) in
        [("name", text(&old.name), text(&new.name)), ("domain", text(&old.domain), text(&new.domain))]
    {
        if before != after {
            out.push(
                Change::new(Class::Reapply, Section::Device, "device", what)
                    .values(before.or(Some("(none)".into())), after.or(Some("(none)".into())))
                    .because("the site zone takes the new name: serve the new zone file", &facts::SITE_DNS),
            );
        }
    }
}
