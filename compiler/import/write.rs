//! The device file's text. Every string from an export goes through `escape::toml_file`
//! (values and keys) or its `comment`; every comment line starts with asenet's own words, so
//! no name from a device can start one (`# asenet: ...` would be read as a suppression).
//! No timestamp and no map iteration: the same exports give the same bytes.

use std::fmt::Write as _;
use std::net::Ipv4Addr;

use super::device::{Addressing, Device, Lease};
use super::vip::{VipAddress, VirtualIp};
use super::{NotImported, Sources};
use crate::escape::toml_file::{comment, key, string};
use crate::model::Keyword;

pub(super) fn device_file(
    device: &Device,
    vips: &[VirtualIp],
    sources: &Sources<'_>,
    not_imported: &[NotImported],
) -> String {
    let mut out = String::new();
    header(&mut out, device, sources, not_imported);

    out.push_str("\n[device]\n");
    line(&mut out, "name", &string(&device.name));
    line(&mut out, "model", &string(device.model.as_str()));
    line(&mut out, "nodes", &device.nodes.len().to_string());
    if let Some(domain) = &device.domain {
        line(&mut out, "domain", &string(domain));
    }
    line(&mut out, "node_names", &list(device.nodes.iter().map(|name| string(name))));

    for port in &device.ports {
        let _ = write!(out, "\n[ports.{}]\n", port.id);
        match &port.addressing {
            Addressing::Static { addresses, gateway, dns } => {
                let prefixes: Vec<String> =
                    addresses.iter().map(|(address, length)| string(&format!("{address}/{length}"))).collect();
                match prefixes.as_slice() {
                    [one] => line(&mut out, "address", one),
                    several => line(&mut out, "addresses", &list(several.iter().cloned())),
                }
                if let Some(gateway) = gateway {
                    line(&mut out, "gateway", &string(&gateway.to_string()));
                }
                if !dns.is_empty() {
                    line(&mut out, "dns", &list(dns.iter().map(|server| string(&server.to_string()))));
                }
            }
            Addressing::Dhcp { leases } => {
                for lease in leases {
                    lease_comment(&mut out, lease, leases.len() > 1);
                }
                line(&mut out, "dhcp", "true");
            }
            Addressing::Unconfigured => out.push_str("# not configured on the device: no address, no DHCP\n"),
        }
        if let Some(mtu) = port.mtu {
            line(&mut out, "mtu", &mtu.to_string());
        }
    }

    for switch in &device.switches {
        let _ = write!(out, "\n[switches.{}]\n", key(&switch.name));
        line(&mut out, "ports", &list(switch.ports.iter().map(|port| string(&port.to_string()))));
        if switch.compute {
            line(&mut out, "compute", "true");
        }
    }

    if let Some(kubernetes) = &device.kubernetes {
        out.push_str("\n[kubernetes]\n");
        line(&mut out, "node_ips", &string(&range(kubernetes.node_ips)));
        if let Some(service_ips) = kubernetes.service_ips {
            line(&mut out, "service_ips", &string(&range(service_ips)));
        }
    }

    for network in &device.virtual_networks {
        out.push_str("\n[[virtual_networks]]\n");
        line(&mut out, "name", &string(&network.name));
        line(&mut out, "switch", &string(&network.switch));
        line(&mut out, "vlan", &network.vlan.to_string());
        line(&mut out, "subnet", &string(&format!("{}/{}", network.subnet.0, network.subnet.1)));
        line(&mut out, "gateway", &string(&network.gateway.to_string()));
        if network.kubernetes {
            line(&mut out, "kubernetes", "true");
        }
        if let Some(pool) = network.ip_pool {
            line(&mut out, "ip_pool", &string(&range(pool)));
        }
    }

    for vip in vips {
        out.push_str("\n[[virtual_ips]]\n");
        line(&mut out, "type", &string(vip.kind));
        match vip.address {
            VipAddress::Static(address) => line(&mut out, "address", &string(&address.to_string())),
            VipAddress::Dhcp(now) => {
                if let Some(now) = now {
                    let _ = writeln!(out, "# DHCP gives it {now} now");
                }
                line(&mut out, "dhcp", "true");
            }
        }
        let (network, length) = vip.cluster_network;
        line(&mut out, "cluster_network", &string(&format!("{network}/{length}")));
    }
    out
}

fn header(out: &mut String, device: &Device, sources: &Sources<'_>, not_imported: &[NotImported]) {
    out.push_str("# Written by `asenet import` from the device's own exports:\n");
    let mut facts = Vec::new();
    if let Some(software) = &device.software {
        facts.push(format!("software {software}"));
    }
    if let Some(serial) = &device.serial {
        facts.push(format!("serial {serial}"));
    }
    if let Some(model) = &device.model_text {
        facts.push(format!("model name {model:?}"));
    }
    let facts = if facts.is_empty() { String::new() } else { format!(" ({})", facts.join(", ")) };
    let _ = writeln!(out, "#   from {}: Get-DeviceConfiguration{}", comment(sources.device), comment(&facts));
    if let Some(vip) = sources.vip {
        let _ = writeln!(out, "#   from {}: Get-DeviceVip", comment(vip));
    }
    if let Some(cluster) = sources.cluster {
        let _ = writeln!(out, "#   from {}: the cluster's services and MetalLB objects", comment(cluster));
    }
    let _ = writeln!(out, "# The model, {}, is from {}.", device.model.as_str(), device.model_from);
    if !not_imported.is_empty() {
        out.push_str("# Not imported (docs/import.md says why):\n");
        for item in not_imported {
            let _ = writeln!(out, "#   - {}", comment(&item.to_string()));
        }
    }
}

fn line(out: &mut String, key: &str, value: &str) {
    let _ = writeln!(out, "{key} = {value}");
}

fn list(items: impl Iterator<Item = String>) -> String {
    format!("[{}]", items.collect::<Vec<_>>().join(", "))
}

fn range((first, last): (Ipv4Addr, Ipv4Addr)) -> String {
    format!("{first}-{last}")
}

fn lease_comment(out: &mut String, lease: &Lease, per_node: bool) {
    let mut parts = Vec::new();
    if let Some((address, length)) = lease.address {
        parts.push(format!("{address}/{length}"));
    }
    if let Some(gateway) = lease.gateway {
        parts.push(format!("gateway {gateway}"));
    }
    if !lease.dns.is_empty() {
        let servers: Vec<String> = lease.dns.iter().map(Ipv4Addr::to_string).collect();
        parts.push(format!("DNS {}", servers.join(", ")));
    }
    let node = if per_node { format!(" of node {}", comment(&lease.node)) } else { String::new() };
    if parts.is_empty() {
        let _ = writeln!(out, "# DHCP{node}: no lease now");
    } else {
        let _ = writeln!(out, "# DHCP lease{node}: {}", parts.join(", "));
    }
}
