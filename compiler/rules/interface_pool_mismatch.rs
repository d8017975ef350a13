use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::{Interface, Network, VirtualNetwork, repeats};

declare_rule! {
    /// ## What it does
    /// Reports a packet core interface whose virtual network is not enabled for Kubernetes
    /// with a pool of exactly the interface's address: `kubernetes = true` missing,
    /// `ip_pool` missing, a pool of other addresses, or two interfaces on one virtual
    /// network (whose pool cannot be both addresses).
    ///
    /// ## Why is this bad?
    /// Each interface has a virtual network of its own, enabled for Kubernetes with a pool of
    /// one address, the interface's: "Enable the virtual network for Kubernetes and add a
    /// pool of IP addresses. Add a range of one IP address for the appropriate address (N2,
    /// N3, N6-DN1, N6-DN2 or N6-DN3 as collected earlier" (see
    /// docs/device-facts.md#ap5gc-interface-pools). Two interfaces on one network would need
    /// two addresses in its pool; the packet core finds each interface by its network's name.
    ///
    /// ## Example
    /// ```toml
    /// [[virtual_networks]]
    /// name = "N2"
    /// kubernetes = true
    /// ip_pool = "10.232.44.20-10.232.44.29"
    ///
    /// [packet_core]
    /// control_plane = { virtual_network = "N2", address = "10.232.44.20" }
    /// ```
    ///
    /// ## Use instead
    /// A pool of the one address, and a network of its own for each interface:
    /// ```toml
    /// [[virtual_networks]]
    /// name = "N2"
    /// kubernetes = true
    /// ip_pool = "10.232.44.20-10.232.44.20"
    /// ```
    pub static INTERFACE_POOL_MISMATCH = Rule {
        code: "ASE706",
        name: "interface-pool-mismatch",
        severity: Severity::Error,
        summary: "a packet core interface's virtual network is not enabled for Kubernetes with a pool of exactly its \
                  address",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let Some(core) = &network.packet_core else { return };
    let shared = repeats(core.interfaces(), |interface: &Interface| interface.virtual_network.value.as_str());
    for interface in core.interfaces() {
        if shared.iter().any(|(first, again)| [first, again].iter().any(|i| i.span == interface.span)) {
            continue;
        }
        let Some(vnet) = network.interface_network(interface) else { continue };
        check_pool(core.describe(interface), interface, vnet, sink);
    }
    for (first, again) in shared {
        let vnet = &again.virtual_network.value;
        sink.push(
            Diagnostic::new(
                &INTERFACE_POOL_MISMATCH,
                again.virtual_network.span,
                format!("{} and {} are both on virtual network `{vnet}`", core.describe(first), core.describe(again)),
            )
            .with_primary_label(format!("`{vnet}` again"))
            .with_label(first.virtual_network.span, format!("{} is on `{vnet}`", core.describe(first)))
            .with_help(format!(
                "give {} a virtual network of its own, on the same switch: each interface's network holds one address, \
                 its own (see docs/device-facts.md#ap5gc-interface-pools)",
                core.describe(again)
            )),
        );
    }
}

/// One interface's network: enabled for Kubernetes, with a pool of exactly its address.
fn check_pool(name: String, interface: &Interface, vnet: &VirtualNetwork, sink: &mut Sink) {
    let address = interface.address.value;
    let one = format!("{address}-{address}");
    let (span, message, label, help) = if vnet.kubernetes.is_none() {
        (
            vnet.name.span,
            format!("virtual network `{}` of {name} is not enabled for Kubernetes", vnet.name.value),
            "no `kubernetes = true`".to_owned(),
            format!("add `kubernetes = true` and `ip_pool = \"{one}\"` to `{}`", vnet.name.value),
        )
    } else {
        match vnet.ip_pool {
            None => (
                vnet.kubernetes.unwrap_or(vnet.name.span),
                format!("virtual network `{}` of {name} has no IP pool", vnet.name.value),
                "enabled for Kubernetes without a pool".to_owned(),
                format!("add `ip_pool = \"{one}\"` to `{}`", vnet.name.value),
            ),
            Some(pool) if pool.value.size() == 1 && pool.value.first() == address => return,
            Some(pool) => (
                pool.span,
                format!(
                    "IP pool {} of virtual network `{}` is not {name}'s one address {address}",
                    pool.value, vnet.name.value
                ),
                format!("{} {}", pool.value.size(), if pool.value.size() == 1 { "address" } else { "addresses" }),
                format!("make the pool `{one}`"),
            ),
        }
    };
    sink.push(
        Diagnostic::new(&INTERFACE_POOL_MISMATCH, span, message)
            .with_primary_label(label)
            .with_label(interface.address.span, format!("{name}'s address"))
            .with_help(format!(
                "{help}: the interface's network is enabled for Kubernetes with a pool of one address, the interface's \
                 own (see docs/device-facts.md#ap5gc-interface-pools)"
            )),
    );
}
