use super::{FleetDiagnostic, device_name, in_device};
use crate::diagnostic::{Diagnostic, Severity, Span, declare_rule};
use crate::fleet::sweep::{self, Item};
use crate::fleet::{FileId, Fleet, FleetDevice, Topology};
use crate::model::AddrRange;

declare_rule! {
    /// ## What it does
    /// Reports two devices that meet (one site, or a port on one subnet: see
    /// `docs/fleet.md`) whose port addresses, Kubernetes node IPs (`kubernetes.node_ips`)
    /// or external service IP pools (`kubernetes.service_ips`) share an address.
    ///
    /// Each file is valid alone; only the fleet sees the collision. Overlap is found by
    /// sort and sweep over all devices at once.
    ///
    /// ## Why is this bad?
    /// Two hosts answer ARP for one address: traffic goes to either at random. The
    /// device's own readiness checker warns of exactly this ("Duplicate IP: Some IP
    /// addresses allocated to Azure Stack may be active on the network"), but only for
    /// hosts that are up when it runs.
    ///
    /// ## Example
    /// ```toml
    /// # store042-a.toml                          # store042-b.toml
    /// [kubernetes]                               [kubernetes]
    /// node_ips = "172.16.43.20-172.16.43.23"     node_ips = "172.16.43.22-172.16.43.25"
    /// ```
    ///
    /// ## Use instead
    /// Split the site subnet between the devices:
    /// ```toml
    /// node_ips = "172.16.43.24-172.16.43.27"
    /// ```
    pub static FLEET_ADDRESS_OVERLAP = Rule {
        kind: Fleet,
        code: "ASE602",
        name: "fleet-address-overlap",
        severity: Severity::Error,
        summary: "two devices that meet share a port address, node IP or pool address",
    };
}

#[derive(Clone, Copy)]
struct Held {
    device: usize,
    what: &'static str,
    span: Span,
}

pub fn check(_: &Fleet, devices: &[FleetDevice], topology: &Topology, found: &mut Vec<FleetDiagnostic>) {
    let mut items = Vec::new();
    for (device, fleet_device) in devices.iter().enumerate() {
        let Some(network) = fleet_device.clean() else { continue };
        let group = topology.component[device];
        let mut push =
            |range, what, span| items.push(Item { group, class: (), range, value: Held { device, what, span } });
        for port in &network.ports {
            if let Some(addressing) = port.static_addressing() {
                for (_, own) in addressing.node_addresses() {
                    let address = own.value.addr();
                    push(AddrRange::new(address, address).expect("one address"), "port address", own.span);
                }
            }
        }
        for vip in &network.virtual_ips {
            if let Some(own) = vip.static_address() {
                push(AddrRange::new(own.value, own.value).expect("one address"), "virtual IP", own.span);
            }
        }
        for pool in network.virtual_networks.iter().filter_map(|vnet| vnet.ip_pool) {
            push(pool.value, "virtual network IP pool", pool.span);
        }
        if let Some(kubernetes) = &network.kubernetes {
            push(kubernetes.node_ips.value, "node IP range", kubernetes.node_ips.span);
            if let Some(pool) = kubernetes.service_ips {
                push(pool.value, "external service IP pool", pool.span);
            }
        }
    }
    for (first, second, shared) in sweep::pairs(items, |_, _| true, |a: &Held, b: &Held| a.device != b.device) {
        let message = format!(
            "{} of {} shares {} with {} of {}",
            second.what,
            device_name(devices, second.device),
            describe(shared),
            first.what,
            device_name(devices, first.device)
        );
        let diagnostic = Diagnostic::new(&FLEET_ADDRESS_OVERLAP, second.span, message)
            .with_primary_label(format!("{shared} is also {}'s", device_name(devices, first.device)))
            .with_help("give each device of a subnet its own addresses: split the range between them");
        let related = format!("{} of {}", first.what, device_name(devices, first.device));
        found.push(in_device(second.device, diagnostic, (FileId::Device(first.device), first.span, related)));
    }
}

fn describe(shared: AddrRange) -> String {
    if shared.size() == 1 { format!("address {shared}") } else { format!("addresses {shared}") }
}
