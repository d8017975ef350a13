//! The `switch` section: the virtual switches, known by name, and the ports each joins.

use std::collections::{BTreeMap, BTreeSet};

use super::{Change, Class, Section, Side, facts};
use crate::model::Network;

pub(super) fn compare(old: &Side, new: &Side, out: &mut Vec<Change>) {
    let describe = |network: &Network| -> BTreeMap<String, String> {
        network
            .switches
            .iter()
            .map(|switch| {
                let ports: Vec<String> = switch.ports.iter().map(|port| port.value.to_string()).collect();
                let compute = if switch.compute.is_some() { ", compute" } else { "" };
                (switch.name.value.clone(), format!("{}{compute}", ports.join(" + ")))
            })
            .collect()
    };
    let (before, after) = (describe(old.network), describe(new.network));
    let names: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    for name in names {
        let (was, is) = (before.get(name), after.get(name));
        if was == is {
            continue;
        }
        let compute = was.into_iter().chain(is).any(|text| text.ends_with(", compute"));
        let what = match (was, is) {
            (None, _) => "added",
            (_, None) => "removed",
            _ => "ports",
        };
        let change = Change::new(Class::AppliesLive, Section::Switch, name.as_str(), what).values(was, is);
        out.push(if compute {
            Change { class: Class::Redeploy, ..change }
                .because("compute moves to another virtual switch or port", &facts::COMPUTE_SWITCH)
        } else if what == "added" {
            change.because("a new virtual switch; compute stays where it is", &facts::COMPUTE_SWITCH)
        } else {
            Change { class: Class::Disruptive, ..change }
                .because("what uses this virtual switch loses or changes its port", &facts::COMPUTE_SWITCH)
        });
    }
}
