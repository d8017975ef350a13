//! The `port` section: each port's addresses, gateway and DNS servers, known by the port; the
//! compute port's are a redeploy.

use std::collections::BTreeSet;

use super::{Change, Class, Section, Side, facts};
use crate::model::{Network, Port, PortConfig, PortId};

/// A port's settings, as text to show and compare.
fn port_settings(port: &Port) -> (String, Option<String>, Vec<String>) {
    match &port.config {
        PortConfig::Static(addressing) => (
            addressing.node_addresses().map(|(_, address)| address.value.to_string()).collect::<Vec<_>>().join(", "),
            addressing.gateway.map(|gateway| gateway.value.to_string()),
            addressing.dns.iter().map(|server| server.value.to_string()).collect(),
        ),
        PortConfig::Dhcp { .. } => ("DHCP".to_owned(), None, Vec::new()),
        PortConfig::Unconfigured => ("not configured".to_owned(), None, Vec::new()),
    }
}

fn compute_port(network: &Network) -> Option<PortId> {
    network.compute_port().map(|port| port.id)
}

pub(super) fn compare(old: &Side, new: &Side, out: &mut Vec<Change>) {
    let (old, new) = (old.network, new.network);
    let computes = [compute_port(old), compute_port(new)];
    let ids: BTreeSet<PortId> = old.ports.iter().chain(&new.ports).map(|port| port.id).collect();
    for id in ids {
        let is_compute = computes.contains(&Some(id));
        let subject = id.to_string();
        let (before, after) = (old.port(id), new.port(id));
        let (class, reason, fact) = if is_compute {
            (Class::Redeploy, "the compute port's network is where the Kubernetes VMs live", &facts::COMPUTE_IPS)
        } else {
            (
                Class::Disruptive,
                "the device's address on this network changes for what reaches it",
                &facts::PORT_SETTINGS,
            )
        };
        match (before, after) {
            (None, Some(port)) => out.push(
                Change::new(if is_compute { class } else { Class::AppliesLive }, Section::Port, subject, "added")
                    .values(None::<String>, Some(port_settings(port).0))
                    .because("a newly configured port: set it in the local UI", &facts::PORT_SETTINGS),
            ),
            (Some(port), None) => out.push(
                Change::new(class, Section::Port, subject, "removed")
                    .values(Some(port_settings(port).0), None::<String>)
                    .because(reason, fact),
            ),
            (Some(old_port), Some(new_port)) => {
                let (old_address, old_gateway, old_dns) = port_settings(old_port);
                let (new_address, new_gateway, new_dns) = port_settings(new_port);
                if old_address != new_address {
                    out.push(
                        Change::new(class, Section::Port, &subject, "address")
                            .values(Some(old_address), Some(new_address))
                            .because(reason, fact),
                    );
                }
                if old_gateway != new_gateway {
                    let none = || "(none)".to_owned();
                    out.push(
                        Change::new(Class::Disruptive, Section::Port, &subject, "gateway")
                            .values(Some(old_gateway.unwrap_or_else(none)), Some(new_gateway.unwrap_or_else(none)))
                            .because("traffic through this port leaves by another router", &facts::PORT_SETTINGS),
                    );
                }
                if old_dns != new_dns {
                    out.push(
                        Change::new(Class::AppliesLive, Section::Port, &subject, "DNS servers")
                            .values(Some(old_dns.join(", ")), Some(new_dns.join(", ")))
                            .because("a port setting of the local UI; no address changes", &facts::PORT_SETTINGS),
                    );
                }
                let mtu = |port: &Port| port.mtu.map_or("default".to_owned(), |mtu| mtu.value.to_string());
                if mtu(old_port) != mtu(new_port) {
                    let (class, reason) = if is_compute {
                        (Class::Disruptive, "the Kubernetes VMs and pods take the compute switch's MTU")
                    } else {
                        (Class::AppliesLive, "a port setting of the local UI; no address changes")
                    };
                    out.push(
                        Change::new(class, Section::Port, &subject, "MTU")
                            .values(Some(mtu(old_port)), Some(mtu(new_port)))
                            .because(reason, &facts::PORT_SETTINGS),
                    );
                }
            }
            (None, None) => {}
        }
    }
}
