//! `[packet_core]` -> [`PacketCore`]: the technology, the interfaces' virtual networks (by
//! name) and addresses, the data networks with their UE pools. Where the interfaces are,
//! and whether their networks and pools fit, is the rules' to judge (ASE701-ASE718).

use ipnet::Ipv4Net;

use super::{located, missing, optional, unreadable, values};
use crate::diagnostic::input::{DUPLICATE, INVALID_VALUE, MISSING_OR_CONFLICTING, UNDEFINED_REFERENCE};
use crate::diagnostic::{Diagnostic, Sink, Span};
use crate::model::bounds::{self, Bound};
use crate::model::*;
use crate::syntax::raw::{RawDataNetwork, RawInterface, RawPacketCore, RawVirtualNetwork, Text};
use crate::text::did_you_mean;

const TABLE: &str = "[packet_core]";
const DATA_NETWORK_TABLE: &str = "[[packet_core.data_networks]]";

/// The packet core runs on the device's AKS cluster, which is `[kubernetes]`: without it
/// there are no node and service IPs (see docs/device-facts.md#aks-node-ips).
pub(super) fn require_kubernetes(raw: &RawPacketCore, has_kubernetes: bool, sink: &mut Sink) {
    if has_kubernetes {
        return;
    }
    sink.push(
        Diagnostic::new(&MISSING_OR_CONFLICTING, raw.header, "the packet core needs a `[kubernetes]` section")
            .with_primary_label("runs on the device's AKS cluster")
            .with_help(
                "add `[kubernetes]` with `node_ips`, six sequential addresses, and `service_ips`, one, both on the \
                 management network (see docs/device-facts.md#aks-node-ips)",
            ),
    );
}

/// `None` when a required value did not resolve (reported).
pub(super) fn resolve_packet_core(
    raw: &RawPacketCore,
    virtual_networks: &[RawVirtualNetwork],
    sink: &mut Sink,
) -> Option<PacketCore> {
    let header = raw.header;
    if raw.technology.is_none() && !unreadable(&raw.unreadable, "technology") {
        sink.push(missing(
            header,
            "technology",
            TABLE,
            "add `technology = \"5G\"` or `\"4G\"`: one per site (see docs/device-facts.md#ap5gc-technology)",
        ));
    }
    let technology =
        raw.technology.as_ref().and_then(|text| values::one_of::<CoreTechnology>(text, "core technology", sink));
    // Names in messages follow the technology; before it is known, the 5G names with the 4G ones.
    let name = |role| match technology {
        Some(technology) => technology.value.interface_name(role).to_owned(),
        None => {
            format!("{} ({})", CoreTechnology::FiveG.interface_name(role), CoreTechnology::FourG.interface_name(role))
        }
    };
    let names = VirtualNetworkNames(virtual_networks);
    let control_plane = access_interface(
        raw.control_plane.as_ref(),
        "control_plane",
        InterfaceRole::ControlPlaneAccess,
        &name(InterfaceRole::ControlPlaneAccess),
        header,
        &raw.unreadable,
        &names,
        sink,
    );
    let user_plane = access_interface(
        raw.user_plane.as_ref(),
        "user_plane",
        InterfaceRole::UserPlaneAccess,
        &name(InterfaceRole::UserPlaneAccess),
        header,
        &raw.unreadable,
        &names,
        sink,
    );
    let data_interface_name = name(InterfaceRole::UserPlaneData);
    if raw.data_networks.is_empty() && !unreadable(&raw.unreadable, "data_networks") {
        sink.push(
            Diagnostic::new(&MISSING_OR_CONFLICTING, header, "the packet core has no data network")
                .with_primary_label("no `[[packet_core.data_networks]]`")
                .with_help(format!(
                    "add a `[[packet_core.data_networks]]` with its `name`, `virtual_network` ({data_interface_name}), `address` and a \
                     UE pool: a packet core attaches 1 to {MAX_DATA_NETWORKS} (see docs/device-facts.md#ap5gc-data-networks)"
                )),
        );
    }
    if let Some(extra) = raw.data_networks.get(MAX_DATA_NETWORKS) {
        sink.push(
            Diagnostic::new(
                &INVALID_VALUE,
                extra.header,
                format!("the packet core attaches {} data networks, more than {MAX_DATA_NETWORKS}", raw.data_networks.len()),
            )
            .with_primary_label(format!("data network {} of at most {MAX_DATA_NETWORKS}", MAX_DATA_NETWORKS + 1))
            .with_help(format!(
                "a site attaches up to {MAX_DATA_NETWORKS} data networks (see docs/device-facts.md#ap5gc-data-networks): \
                 merge some, or move them to another site"
            )),
        );
    }
    let site = optional(raw.site.as_ref(), |text| resource_name(text, "site name", &bounds::PACKET_CORE_SITE, sink));
    let mobile_network = optional(raw.mobile_network.as_ref(), |text| {
        resource_name(text, "mobile network name", &bounds::PACKET_CORE_MOBILE_NETWORK, sink)
    });
    let location = optional(raw.location.as_ref(), |text| region(text, sink));
    let custom_location = optional(raw.custom_location.as_ref(), |text| custom_location(text, sink));
    let data_networks: Vec<Option<DataNetwork>> =
        raw.data_networks.iter().map(|network| data_network(network, &data_interface_name, &names, sink)).collect();
    let data_networks: Vec<DataNetwork> = data_networks.into_iter().collect::<Option<_>>()?;
    report_duplicate_data_networks(&data_networks, sink);
    if raw.data_networks.len() > MAX_DATA_NETWORKS {
        return None;
    }
    Some(PacketCore {
        header,
        technology: technology?,
        control_plane: control_plane?,
        user_plane: user_plane?,
        data_networks,
        site: site.ok()?,
        mobile_network: mobile_network.ok()?,
        location: location.ok()?,
        custom_location: custom_location.ok()?,
    })
}

/// The virtual networks of the file, by name, for the interfaces' references.
struct VirtualNetworkNames<'a>(&'a [RawVirtualNetwork]);

impl VirtualNetworkNames<'_> {
    /// The name, when exactly one `[[virtual_networks]]` entry has it (reported otherwise).
    fn resolve(&self, name: &Text, interface: &str, sink: &mut Sink) -> Option<Located<String>> {
        let written = name.get_ref();
        let named: Vec<&RawVirtualNetwork> =
            self.0.iter().filter(|vnet| vnet.name.as_ref().is_some_and(|n| n.get_ref() == written)).collect();
        // As a message shows it: a name that is no network's may hold anything.
        let shown = written.escape_debug().to_string();
        match named.as_slice() {
            [_] => Some(located(name)),
            [] => {
                let names = self.0.iter().filter_map(|vnet| vnet.name.as_ref()).map(|n| n.get_ref().as_str());
                let diagnostic = Diagnostic::new(
                    &UNDEFINED_REFERENCE,
                    name.span(),
                    format!("no virtual network `{shown}` for the {interface} interface"),
                );
                sink.push(match did_you_mean(written, names) {
                    Some(suggestion) => diagnostic
                        .with_primary_label(format!("did you mean `{suggestion}`?"))
                        .with_help(format!("rename it to `{suggestion}`, or add a `[[virtual_networks]]` named `{shown}`")),
                    None => diagnostic.with_primary_label("not a `[[virtual_networks]]` name of this file").with_help(format!(
                        "add a `[[virtual_networks]]` named `{shown}` for the {interface} interface, on the switch of its port \
                         (see docs/device-facts.md#ap5gc-virtual-switches)"
                    )),
                });
                None
            }
            [first, second, ..] => {
                let mut diagnostic = Diagnostic::new(
                    &UNDEFINED_REFERENCE,
                    name.span(),
                    format!(
                        "{} virtual networks are named `{shown}`: the {interface} interface needs one",
                        named.len()
                    ),
                )
                .with_primary_label("which one?");
                for vnet in [first, second] {
                    let switch = vnet.switch.as_ref().map(|s| s.get_ref().as_str()).unwrap_or("?");
                    diagnostic = diagnostic.with_label(vnet.header, format!("`{shown}` on switch `{switch}`"));
                }
                sink.push(diagnostic.with_help(
                    "give the interface's virtual network a name no other virtual network has: the packet core's configuration \
                     in Azure finds it by name",
                ));
                None
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn access_interface(
    raw: Option<&RawInterface>,
    key: &str,
    role: InterfaceRole,
    interface: &str,
    header: Span,
    unreadable_keys: &[String],
    names: &VirtualNetworkNames,
    sink: &mut Sink,
) -> Option<Interface> {
    let Some(raw) = raw else {
        if !unreadable(unreadable_keys, key) {
            sink.push(missing(
                header,
                key,
                TABLE,
                &format!("add `{key} = {{ virtual_network = \"...\", address = \"...\" }}`, the {interface} interface"),
            ));
        }
        return None;
    };
    let context = format!("`packet_core.{key}`");
    for (field, value, help) in [
        (
            "virtual_network",
            raw.virtual_network.is_none(),
            format!("add `virtual_network = \"...\"`: the virtual network of the {interface} interface"),
        ),
        ("address", raw.address.is_none(), format!("add `address = \"a.b.c.d\"`: the {interface} interface's address")),
    ] {
        if value && !unreadable(&raw.unreadable, field) {
            sink.push(missing(raw.span, field, &context, &help));
        }
    }
    let virtual_network = raw.virtual_network.as_ref().and_then(|name| names.resolve(name, interface, sink));
    let address = raw.address.as_ref().and_then(|text| values::ipv4(text, &format!("{interface} address"), sink));
    Some(Interface { role, span: raw.span, virtual_network: virtual_network?, address: address? })
}

fn data_network(
    raw: &RawDataNetwork,
    interface: &str,
    names: &VirtualNetworkNames,
    sink: &mut Sink,
) -> Option<DataNetwork> {
    let header = raw.header;
    let required = [
        ("name", raw.name.is_none(), "add `name = \"...\"`, the data network's name in Azure".to_owned()),
        (
            "virtual_network",
            raw.virtual_network.is_none(),
            format!("add `virtual_network = \"...\"`: the virtual network of its {interface} interface"),
        ),
        ("address", raw.address.is_none(), format!("add `address = \"a.b.c.d\"`: its {interface} interface's address")),
    ];
    super::report_missing(header, DATA_NETWORK_TABLE, &raw.unreadable, required, sink);
    let unreadable_pool =
        unreadable(&raw.unreadable, "dynamic_ue_pool") || unreadable(&raw.unreadable, "static_ue_pool");
    if raw.dynamic_ue_pool.is_none() && raw.static_ue_pool.is_none() && !unreadable_pool {
        sink.push(
            Diagnostic::new(&MISSING_OR_CONFLICTING, header, "the data network has no UE pool")
                .with_primary_label("neither `dynamic_ue_pool` nor `static_ue_pool`")
                .with_help(
                    "add `dynamic_ue_pool = \"a.b.c.0/n\"`, `static_ue_pool`, or both: UEs take their addresses from them \
                     (see docs/device-facts.md#ue-pools)",
                ),
        );
    }
    let name = optional(raw.name.as_ref(), |text| data_network_name(text, sink));
    let virtual_network = raw.virtual_network.as_ref().and_then(|text| names.resolve(text, interface, sink));
    let address = raw.address.as_ref().and_then(|text| values::ipv4(text, &format!("{interface} address"), sink));
    let dynamic_pool = optional(raw.dynamic_ue_pool.as_ref(), |text| ue_pool(text, "dynamic UE pool", sink));
    let static_pool = optional(raw.static_ue_pool.as_ref(), |text| ue_pool(text, "static UE pool", sink));
    let dns = raw
        .dns
        .as_ref()
        .map(|list| list.get_ref().iter().map(|server| values::ipv4(server, "DNS server", sink)).collect::<Vec<_>>());
    let router = optional(raw.router.as_ref(), |text| values::ipv4(text, "router", sink));
    let napt = match &raw.napt {
        Some(flag) => Located::new(*flag.get_ref(), flag.span()),
        None => Located::new(true, header),
    };
    if let (true, Some(router)) = (napt.value, &raw.router) {
        let mut diagnostic =
            Diagnostic::new(&MISSING_OR_CONFLICTING, router.span(), "`router` on a data network with NAPT")
                .with_primary_label("routes to the UE pools are for a data network without NAPT");
        diagnostic = if napt.span == header {
            diagnostic.with_help("add `napt = false` if the data network routes the UE addresses (NAPT is on by default), or remove `router`")
        } else {
            diagnostic.with_label(napt.span, "NAPT on here").with_help("set `napt = false`, or remove `router`")
        };
        sink.push(diagnostic);
        return None;
    }
    let dns = match dns {
        Some(servers) => Some(servers.into_iter().collect::<Option<Vec<_>>>()?),
        None => None,
    };
    Some(DataNetwork {
        header,
        name: name.ok()??,
        interface: Interface {
            role: InterfaceRole::UserPlaneData,
            span: header,
            virtual_network: virtual_network?,
            address: address?,
        },
        dynamic_pool: dynamic_pool.ok()?,
        static_pool: static_pool.ok()?,
        napt,
        dns,
        router: router.ok()?,
    })
}

/// Two data networks with one name: the packet core attaches a data network once.
fn report_duplicate_data_networks(networks: &[DataNetwork], sink: &mut Sink) {
    for (first, network) in repeats(networks, |network: &DataNetwork| network.name.value.to_ascii_lowercase()) {
        sink.push(
            Diagnostic::new(
                &DUPLICATE,
                network.name.span,
                format!("data network `{}` is attached twice", network.name.value),
            )
            .with_primary_label("attached again here")
            .with_label(first.name.span, "first attached here")
            .with_help("a packet core attaches each data network once: remove one, or rename it"),
        );
    }
}

/// A UE pool: a network in CIDR notation, without host bits (the articles ask for "the
/// network address of the subnet").
fn ue_pool(text: &Text, what: &str, sink: &mut Sink) -> Option<Located<Ipv4Net>> {
    let pool = values::ipv4_net(text, what, false, sink)?;
    if pool.value != pool.value.trunc() {
        let network = pool.value.trunc();
        sink.push(
            Diagnostic::new(&INVALID_VALUE, pool.span, format!("{what} `{}` has host bits set", pool.value))
                .with_primary_label(format!("the network is {network}"))
                .with_help(format!(
                    "write the pool's network address: `{network}` (see docs/device-facts.md#ue-pools)"
                )),
        );
        return None;
    }
    Some(pool)
}

/// A name the REST API takes for a site or a mobile network: `^[a-zA-Z0-9][a-zA-Z0-9_-]*$`,
/// of `bound`'s length (see docs/device-facts.md#ap5gc-site-template).
fn resource_name(text: &Text, what: &str, bound: &Bound, sink: &mut Sink) -> Option<Located<String>> {
    let name = text.get_ref();
    if let Some(problem) = bound.length_problem(name.chars().count()) {
        return too_long(text, what, &problem, bound, sink);
    }
    let valid = name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if valid {
        return Some(located(text));
    }
    invalid_name(text, what, "letters, digits, `_` and `-`, starting with a letter or digit", sink)
}

/// A name of the wrong length, with the limit as the bound says it.
fn too_long<T>(text: &Text, what: &str, problem: &str, bound: &Bound, sink: &mut Sink) -> Option<T> {
    sink.push(
        Diagnostic::new(&INVALID_VALUE, text.span(), format!("{what} `{}` {problem}", text.get_ref().escape_debug()))
            .with_primary_label(bound.describe())
            .with_help(format!(
                "Azure takes a {what} of {} (see docs/device-facts.md#ap5gc-site-template)",
                bound.describe()
            )),
    );
    None
}

/// A data network's name: letters, digits and `-` in dot-separated labels that start and
/// end with a letter or digit, at most 64 characters (the API's `DataNetworkNameParameter`).
fn data_network_name(text: &Text, sink: &mut Sink) -> Option<Located<String>> {
    let name = text.get_ref();
    if let Some(problem) = bounds::DATA_NETWORK_NAME.length_problem(name.chars().count()) {
        return too_long(text, "data network name", &problem, &bounds::DATA_NETWORK_NAME, sink);
    }
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    if name.split('.').all(label_ok) {
        return Some(located(text));
    }
    invalid_name(
        text,
        "data network name",
        "letters, digits and `-` in labels joined by `.`, each label starting and ending with a letter or digit",
        sink,
    )
}

fn invalid_name<T>(text: &Text, what: &str, rule: &str, sink: &mut Sink) -> Option<T> {
    sink.push(
        Diagnostic::new(&INVALID_VALUE, text.span(), format!("invalid {what} `{}`", text.get_ref().escape_debug()))
            .with_primary_label(format!("not {rule}"))
            .with_help(format!("Azure refuses it: a {what} is {rule} (see docs/device-facts.md#ap5gc-site-template)")),
    );
    None
}

/// An Azure region's code name, such as `eastus`: lowercase letters and digits.
fn region(text: &Text, sink: &mut Sink) -> Option<Located<String>> {
    let name = text.get_ref();
    if (1..=64).contains(&name.len()) && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()) {
        return Some(located(text));
    }
    invalid_name(text, "location", "a region's code name: lowercase letters and digits, like `eastus`", sink)
}

/// A custom location's resource ID, as the API's `CustomLocationResourceId` pattern has it.
fn custom_location(text: &Text, sink: &mut Sink) -> Option<Located<String>> {
    let id = text.get_ref();
    let segment = |s: &str| !s.is_empty() && !s.contains(['/', '?', '#']) && !s.chars().any(char::is_control);
    let parts: Vec<&str> = id.split('/').collect();
    let valid = matches!(
        parts.as_slice(),
        ["", subscriptions, subscription, groups, group, providers, provider, locations, name]
            if subscriptions.eq_ignore_ascii_case("subscriptions")
                && groups.eq_ignore_ascii_case("resourceGroups")
                && providers.eq_ignore_ascii_case("providers")
                && provider.eq_ignore_ascii_case("Microsoft.ExtendedLocation")
                && locations.eq_ignore_ascii_case("customLocations")
                && [subscription, group, name].iter().all(|s| segment(s))
    );
    if valid {
        return Some(located(text));
    }
    sink.push(
        Diagnostic::new(&INVALID_VALUE, text.span(), "invalid custom location")
            .with_primary_label("not a custom location's resource ID")
            .with_help(
                "write the full resource ID: `/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ExtendedLocation/\
                 customLocations/<name>` (see docs/device-facts.md#ap5gc-site-template)",
            ),
    );
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(source: &str) -> (Option<PacketCore>, Vec<String>) {
        let mut sink = Sink::default();
        let raw = crate::syntax::parse(source, &mut sink).expect("TOML");
        let core =
            raw.packet_core.as_ref().and_then(|core| resolve_packet_core(core, &raw.virtual_networks, &mut sink));
        let messages = sink.into_sorted().iter().map(|d| format!("{} {}", d.code(), d.message)).collect();
        (core, messages)
    }

    const NETWORKS: &str = r#"
[[virtual_networks]]
name = "N2"
switch = "vswitch-port5"
vlan = 0
subnet = "10.0.5.0/24"
gateway = "10.0.5.1"

[[virtual_networks]]
name = "N6"
switch = "vswitch-port6"
vlan = 0
subnet = "10.0.6.0/24"
gateway = "10.0.6.1"
"#;

    #[test]
    fn a_whole_table_resolves() {
        let source = format!(
            "{NETWORKS}\n[packet_core]\ntechnology = \"4G\"\ncontrol_plane = {{ virtual_network = \"N2\", address = \"10.0.5.10\" }}\n\
             user_plane = {{ virtual_network = \"N2\", address = \"10.0.5.11\" }}\n\
             [[packet_core.data_networks]]\nname = \"internet\"\nvirtual_network = \"N6\"\naddress = \"10.0.6.10\"\n\
             dynamic_ue_pool = \"198.51.100.0/24\"\nnapt = false\nrouter = \"10.0.6.1\"\n"
        );
        let (core, messages) = resolve(&source);
        assert_eq!(messages, Vec::<String>::new());
        let core = core.unwrap();
        assert_eq!(core.technology.value, CoreTechnology::FourG);
        assert_eq!(core.describe(&core.data_networks[0].interface), "SGi of data network `internet`");
        assert_eq!(core.data_networks[0].dns, None);
        assert!(!core.data_networks[0].napt.value);
    }

    #[test]
    fn each_mistake_is_reported_where_it_is() {
        let source = format!(
            "{NETWORKS}\n[packet_core]\ntechnology = \"5g\"\ncontrol_plane = {{ virtual_network = \"N3\", address = \"10.0.5.10\" }}\n\
             [[packet_core.data_networks]]\nname = \"-internet\"\nvirtual_network = \"N6\"\naddress = \"10.0.6.10\"\n\
             dynamic_ue_pool = \"198.51.100.1/24\"\nrouter = \"10.0.6.1\"\n"
        );
        let (core, messages) = resolve(&source);
        assert!(core.is_none());
        assert_eq!(
            messages,
            [
                "ASE006 [packet_core] is missing `user_plane`",
                "ASE003 unknown core technology `5g`",
                "ASE004 no virtual network `N3` for the N2 (S1-MME) interface",
                "ASE003 invalid data network name `-internet`",
                "ASE003 dynamic UE pool `198.51.100.1/24` has host bits set",
                "ASE006 `router` on a data network with NAPT",
            ]
        );
    }

    #[test]
    fn names_that_are_no_network_are_shown_escaped() {
        let source = format!(
            "{NETWORKS}\n[packet_core]\ntechnology = \"5G\"\ncontrol_plane = {{ virtual_network = \"N2\\\"\\n# x\", address = \"10.0.5.10\" }}\n\
             [[packet_core.data_networks]]\nname = \"a\\nb\"\nvirtual_network = \"N6\"\naddress = \"10.0.6.10\"\n\
             dynamic_ue_pool = \"198.51.100.0/24\"\n"
        );
        let (_, messages) = resolve(&source);
        let hostile: Vec<&String> = messages.iter().filter(|m| m.contains("N2") || m.contains("a\\nb")).collect();
        assert!(hostile.len() >= 2, "{messages:?}");
        for message in messages {
            assert!(!message.contains('\n'), "a raw newline in {message:?}");
        }
    }

    #[test]
    fn names_follow_the_apis_patterns() {
        let mut sink = Sink::default();
        let text = |s: &str| Text::new(0..1, s.to_owned());
        assert!(data_network_name(&text("internet.corp-1"), &mut sink).is_some());
        assert!(data_network_name(&text("a..b"), &mut sink).is_none());
        let site = &bounds::PACKET_CORE_SITE;
        assert!(resource_name(&text("plant_1-a"), "site name", site, &mut sink).is_some());
        assert!(resource_name(&text("_plant"), "site name", site, &mut sink).is_none());
        assert!(resource_name(&text(&"a".repeat(64)), "site name", site, &mut sink).is_some());
        assert!(resource_name(&text(&"a".repeat(65)), "site name", site, &mut sink).is_none());
        let id = "/subscriptions/s/resourceGroups/g/providers/Microsoft.ExtendedLocation/customLocations/c";
        assert!(custom_location(&text(id), &mut sink).is_some());
        assert!(custom_location(&text(&format!("{id}/x")), &mut sink).is_none());
    }
}
