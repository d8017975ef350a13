use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::{InterfaceRole, Network};
use crate::text::join;

declare_rule! {
    /// ## What it does
    /// Warns about a data network with `napt = false` that names no `router`: no route to its
    /// UE pools is written into `private5g/data-network-routes.txt`. Naming the router the
    /// routes go on makes the plan complete, and the warning goes.
    ///
    /// ## Why is this bad?
    /// Without NAPT the UEs' own addresses reach the data network, which must route them back
    /// to the packet core: "For every network where you decided not to enable NAPT …,
    /// configure the data network to route traffic destined for the UE IP address pools via
    /// the IP address you allocated to the packet core instance's user plane interface on the
    /// data network" (see docs/device-facts.md#ap5gc-napt). A flat layer 2 network without a
    /// router "requires Network Address Port Translation (NAPT) to be enabled". Without those
    /// routes, UEs send traffic and no answer comes back.
    ///
    /// ## Example
    /// ```toml
    /// [[packet_core.data_networks]]
    /// name = "plant-ot"
    /// address = "10.232.45.20"
    /// dynamic_ue_pool = "198.51.100.0/24"
    /// napt = false
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// napt = false
    /// router = "10.232.45.1"   # gets 198.51.100.0/24 via 10.232.45.20
    /// ```
    pub static ROUTED_DATA_NETWORK_WITHOUT_ROUTER = Rule {
        code: "ASE714",
        name: "routed-data-network-without-router",
        severity: Severity::Warning,
        summary: "a data network without NAPT names no `router` for the routes to its UE pools",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    let Some(core) = &network.packet_core else { return };
    let n6 = core.name(InterfaceRole::UserPlaneData);
    for data_network in &core.data_networks {
        if data_network.napt.value || data_network.router.is_some() {
            continue;
        }
        let address = data_network.interface.address.value;
        let routes: Vec<String> =
            data_network.pools().map(|(_, pool)| format!("{} via {address}", pool.value)).collect();
        sink.push(
            Diagnostic::new(
                &ROUTED_DATA_NETWORK_WITHOUT_ROUTER,
                data_network.napt.span,
                format!(
                    "data network `{}` has no NAPT and no `router` for the routes to its UE pools",
                    data_network.name.value
                ),
            )
            .with_primary_label("NAPT off")
            .with_label(data_network.interface.address.span, format!("the {n6} address the routes point to"))
            .with_help(format!(
                "name the router that gets {} with `router = \"a.b.c.d\"` (asenet writes them in \
                 private5g/data-network-routes.txt), or set `napt = true` (see docs/device-facts.md#ap5gc-napt)",
                join(&routes)
            )),
        );
    }
}
