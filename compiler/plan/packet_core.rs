//! `[packet_core]`: what a change to an Azure Private 5G Core site takes, from the articles
//! (see docs/device-facts.md#ap5gc-changes): the device's side changes only with the AKS
//! cluster and the custom location destroyed and created again (`redeploy`); attaching or
//! detaching a data network, another custom location, and a changed data network reinstall
//! the packet core (`disruptive`); the technology cannot change but by a new site.
//! Data networks are known by their name, as the packet core attaches them.

use std::collections::{BTreeMap, BTreeSet};

use super::{Change, Class, Section, Side, facts};
use crate::model::{DataNetwork, Interface, Keyword, Network, PacketCore};

pub(super) fn compare(old: &Side, new: &Side, out: &mut Vec<Change>) {
    match (&old.network.packet_core, &new.network.packet_core) {
        (None, None) => {}
        (None, Some(core)) => out.push(
            Change::new(Class::Redeploy, Section::PacketCore, "packet core", "added")
                .values(None::<String>, Some(summary(core)))
                .because(
                    "a new site: the device's AKS cluster is commissioned for it and the site created in Azure",
                    &facts::AP5GC_DEVICE_CHANGES,
                ),
        ),
        (Some(core), None) => out.push(
            Change::new(Class::Redeploy, Section::PacketCore, "packet core", "removed")
                .values(Some(summary(core)), None::<String>)
                .because(
                    "the site is deleted and the device's AKS cluster and custom location with it",
                    &facts::AP5GC_DEVICE_CHANGES,
                ),
        ),
        (Some(before), Some(after)) => {
            compare_core(old.network, before, new.network, after, out);
            compare_data_networks(old.network, before, new.network, after, out);
        }
    }
}

fn summary(core: &PacketCore) -> String {
    let networks: Vec<&str> = core.data_networks.iter().map(|network| network.name.value.as_str()).collect();
    format!("{}, data networks {}", core.technology.value.as_str(), networks.join(", "))
}

fn text(value: &Option<crate::model::Located<String>>) -> String {
    value.as_ref().map_or_else(|| "(none)".to_owned(), |value| value.value.clone())
}

/// An interface as the device has it: its network's name, its address, and the network's
/// subnet, gateway and VLAN (what the network's Kubernetes pool and the site's
/// configuration in Azure hold).
fn interface(network: &Network, interface: &Interface) -> String {
    let place = match network.interface_network(interface) {
        Some(vnet) => format!(" ({}, gateway {}, VLAN {})", vnet.net(), vnet.gateway.value, vnet.vlan.value),
        None => String::new(),
    };
    format!("{} on `{}`{place}", interface.address.value, interface.virtual_network.value)
}

fn compare_core(old: &Network, before: &PacketCore, new: &Network, after: &PacketCore, out: &mut Vec<Change>) {
    let subject = "packet core";
    if before.technology.value != after.technology.value {
        out.push(
            Change::new(Class::Redeploy, Section::PacketCore, subject, "technology")
                .values(Some(before.technology.value.as_str()), Some(after.technology.value.as_str()))
                .because(
                    "the technology type of a packet core cannot be changed: delete the site and create it again",
                    &facts::AP5GC_TECHNOLOGY,
                ),
        );
    }
    for (what, was, is) in [
        ("site", &before.site, &after.site),
        ("mobile network", &before.mobile_network, &after.mobile_network),
        ("location", &before.location, &after.location),
    ] {
        if text(was) != text(is) {
            out.push(
                Change::new(Class::Redeploy, Section::PacketCore, subject, what)
                    .values(Some(text(was)), Some(text(is)))
                    .because(
                        "the site's name, mobile network and region are its identity in Azure: the template creates \
                         another site (asenet's reading), so delete the old one and create it anew",
                        &facts::AP5GC_TECHNOLOGY,
                    ),
            );
        }
    }
    if text(&before.custom_location) != text(&after.custom_location) {
        out.push(
            Change::new(Class::Disruptive, Section::PacketCore, subject, "custom location")
                .values(Some(text(&before.custom_location)), Some(text(&after.custom_location)))
                .because("changing the custom location reinstalls the packet core", &facts::AP5GC_REINSTALL),
        );
    }
    for (was, is) in [(&before.control_plane, &after.control_plane), (&before.user_plane, &after.user_plane)] {
        let (was_text, is_text) = (interface(old, was), interface(new, is));
        if was_text != is_text {
            out.push(
                Change::new(Class::Redeploy, Section::PacketCore, subject, after.describe(is))
                    .values(Some(was_text), Some(is_text))
                    .because(
                        "the interface's network and pool on the device change: destroy the custom location and the AKS \
                         cluster, change the device, create them again, then modify the packet core",
                        &facts::AP5GC_DEVICE_CHANGES,
                    ),
            );
        }
    }
}

/// A data network's configuration in Azure, as text per property.
fn settings(network: &DataNetwork) -> BTreeMap<&'static str, String> {
    let pool =
        |pool: Option<crate::model::Located<ipnet::Ipv4Net>>| pool.map_or("(none)".to_owned(), |p| p.value.to_string());
    let dns = match &network.dns {
        Some(servers) => servers.iter().map(|server| server.value.to_string()).collect::<Vec<_>>().join(", "),
        None => "(none)".to_owned(),
    };
    BTreeMap::from([
        ("dynamic UE pool", pool(network.dynamic_pool)),
        ("static UE pool", pool(network.static_pool)),
        ("NAPT", if network.napt.value { "on" } else { "off" }.to_owned()),
        ("DNS servers", dns),
    ])
}

fn compare_data_networks(old: &Network, before: &PacketCore, new: &Network, after: &PacketCore, out: &mut Vec<Change>) {
    let by_name = |core: &PacketCore| -> BTreeMap<String, usize> {
        core.data_networks.iter().enumerate().map(|(index, network)| (network.name.value.clone(), index)).collect()
    };
    let (was, is) = (by_name(before), by_name(after));
    let names: BTreeSet<&String> = was.keys().chain(is.keys()).collect();
    for name in names {
        let subject = format!("data network {name}");
        match (was.get(name).map(|i| &before.data_networks[*i]), is.get(name).map(|i| &after.data_networks[*i])) {
            (None, Some(added)) => out.push(
                Change::new(Class::Redeploy, Section::PacketCore, subject, "added")
                    .values(None::<String>, Some(interface(new, &added.interface)))
                    .because(
                        "the device needs the data network's interface first, which takes destroying the custom location \
                         and the AKS cluster and creating them again; attaching it reinstalls the packet core",
                        &facts::AP5GC_DEVICE_CHANGES,
                    ),
            ),
            (Some(removed), None) => out.push(
                Change::new(Class::Disruptive, Section::PacketCore, subject, "removed")
                    .values(Some(interface(old, &removed.interface)), None::<String>)
                    .because("detaching a data network reinstalls the packet core", &facts::AP5GC_REINSTALL),
            ),
            (Some(was), Some(is)) => compare_data_network(old, was, new, is, after, &subject, out),
            (None, None) => {}
        }
    }
}

fn compare_data_network(
    old: &Network,
    was: &DataNetwork,
    new: &Network,
    is: &DataNetwork,
    core: &PacketCore,
    subject: &str,
    out: &mut Vec<Change>,
) {
    let (was_interface, is_interface) = (interface(old, &was.interface), interface(new, &is.interface));
    if was_interface != is_interface {
        out.push(
            Change::new(Class::Redeploy, Section::PacketCore, subject, core.name(is.interface.role))
                .values(Some(was_interface), Some(is_interface))
                .because(
                    "the interface's network and pool on the device change: destroy the custom location and the AKS \
                     cluster, change the device, create them again, then modify the data network",
                    &facts::AP5GC_DEVICE_CHANGES,
                ),
        );
    }
    let (before, after) = (settings(was), settings(is));
    let routed = !was.napt.value || !is.napt.value;
    for (what, value) in &after {
        let old_value = &before[what];
        if old_value == value {
            continue;
        }
        let pools = what.ends_with("UE pool") || *what == "NAPT";
        let reason = if routed && pools {
            "changing an attached data network takes a packet core reinstall; the data network's router also needs \
             the routes of the new private5g/data-network-routes.txt"
        } else {
            "changing an attached data network takes a packet core reinstall"
        };
        out.push(
            Change::new(Class::Disruptive, Section::PacketCore, subject, *what)
                .values(Some(old_value), Some(value))
                .because(reason, &facts::AP5GC_REINSTALL),
        );
    }
    let router = |network: &DataNetwork| network.router.map_or("(none)".to_owned(), |router| router.value.to_string());
    if router(was) != router(is) {
        out.push(
            Change::new(Class::Reapply, Section::PacketCore, subject, "router")
                .values(Some(router(was)), Some(router(is)))
                .because(
                    "configure the routes of private5g/data-network-routes.txt on the new router (and remove them from \
                     the old one)",
                    &facts::AP5GC_ROUTES,
                ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::changes_between;
    use super::super::{Class, Section};

    const SITE: &str = include_str!("../../examples/ap5gc-pro-gpu.toml");

    /// `(class, subject, what)` of each packet core change from the example to `new`.
    fn changes(new: &str) -> Vec<(Class, String, String)> {
        changes_between(SITE, new)
            .into_iter()
            .filter(|(_, section, ..)| *section == Section::PacketCore || *section == Section::Artifact)
            .map(|(class, _, subject, what, _)| (class, subject, what))
            .collect()
    }

    fn one(class: Class, subject: &str, what: &str) -> Vec<(Class, String, String)> {
        vec![(class, subject.to_owned(), what.to_owned())]
    }

    #[test]
    fn the_same_site_restyled_is_an_empty_plan() {
        let restyled =
            SITE.replace("napt = true\n", "").replace("\n# The data networks, each on a VLAN of Port 6's trunk.", "");
        assert_eq!(changes(&restyled), []);
    }

    #[test]
    fn each_change_takes_what_the_articles_say() {
        let technology = SITE.replace("technology = \"5G\"", "technology = \"4G\"");
        assert_eq!(changes(&technology), one(Class::Redeploy, "packet core", "technology"));
        let n2 = SITE.replace("address = \"10.232.44.20\"", "address = \"10.232.44.22\"");
        assert_eq!(changes(&n2), one(Class::Redeploy, "packet core", "N2"));
        let pool = SITE.replace("static_ue_pool = \"10.250.0.0/24\"", "static_ue_pool = \"10.250.1.0/24\"");
        assert_eq!(changes(&pool), one(Class::Disruptive, "data network plant-ot", "static UE pool"));
        let dns = SITE.replace("dns = [\"10.232.40.53\", \"1.1.1.1\"]", "dns = [\"10.232.40.53\"]");
        assert_eq!(changes(&dns), one(Class::Disruptive, "data network internet", "DNS servers"));
        let router = SITE.replace("router = \"10.232.62.1\"", "router = \"10.232.62.254\"");
        assert_eq!(changes(&router), one(Class::Reapply, "data network plant-ot", "router"));
        let custom = SITE.replace("location = \"eastus\"\n", "location = \"eastus\"\ncustom_location = \"/subscriptions/s/resourceGroups/g/providers/Microsoft.ExtendedLocation/customLocations/c\"\n");
        assert_eq!(changes(&custom), one(Class::Disruptive, "packet core", "custom location"));
        let site = SITE.replace("site = \"plant1\"", "site = \"plant-one\"");
        assert_eq!(changes(&site), one(Class::Redeploy, "packet core", "site"));
    }

    #[test]
    fn data_networks_attached_and_detached() {
        let second = SITE.find("\n[[packet_core.data_networks]]\nname = \"plant-ot\"").unwrap();
        let detached = &SITE[..second + 1];
        assert_eq!(changes(detached), one(Class::Disruptive, "data network plant-ot", "removed"));
        let attached: Vec<_> = changes_between(detached, SITE)
            .into_iter()
            .filter(|(_, section, ..)| *section == Section::PacketCore)
            .map(|(class, _, _, what, _)| (class, what))
            .collect();
        assert_eq!(attached, [(Class::Redeploy, "added".to_owned())]);
    }
}
