use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::{Interface, Network, repeats};

declare_rule! {
    /// ## What it does
    /// Reports a packet core interface whose virtual network cannot hold exactly its
    /// address as a Kubernetes pool: two interfaces on one virtual network.
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
    /// [packet_core]
    /// control_plane = { virtual_network = "access", address = "10.232.44.20" }
    /// user_plane = { virtual_network = "access", address = "10.232.44.21" }
    /// ```
    ///
    /// ## Use instead
    /// Two virtual networks on the access port's switch, with one subnet:
    /// ```toml
    /// [packet_core]
    /// control_plane = { virtual_network = "N2", address = "10.232.44.20" }
    /// user_plane = { virtual_network = "N3", address = "10.232.44.21" }
    /// ```
    pub static INTERFACE_POOL_MISMATCH = Rule {
        code: "ASE706",
        name: "interface-pool-mismatch",
        severity: Severity::Error,
        summary: "a packet core interface's virtual network cannot be a pool of its one address",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let Some(core) = &network.packet_core else { return };
    for (first, again) in repeats(core.interfaces(), |interface: &Interface| interface.virtual_network.value.as_str()) {
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
