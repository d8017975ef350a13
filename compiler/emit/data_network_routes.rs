//! `private5g/data-network-routes.txt`: for each data network without NAPT, the static
//! routes its router needs, one per UE pool, via the data network's N6 (SGi) address (see
//! docs/device-facts.md#ap5gc-napt). Written when a data network has NAPT off.
//!
//! Each route is a line `DESTINATION via NEXT-HOP`, the words of `ip route add`; the comment
//! before each group names the data network and its router. Data network names are
//! restricted to letters, digits, `-` and `.` by `resolve`, so they are safe in a comment.

use super::{GENERATED, OutputFile};
use crate::model::{InterfaceRole, Network};

pub const PATH: &str = "private5g/data-network-routes.txt";

pub fn emit(network: &Network) -> Option<OutputFile> {
    let core = network.packet_core.as_ref()?;
    let routed: Vec<_> = core.data_networks.iter().filter(|data_network| !data_network.napt.value).collect();
    if routed.is_empty() {
        return None;
    }
    let n6 = core.name(InterfaceRole::UserPlaneData);
    let mut out = format!(
        "# {GENERATED}\n# The routes each data network without NAPT needs on its router: its UE pools via its {n6} \
         address\n# (docs/device-facts.md#ap5gc-napt). One route a line: DESTINATION via NEXT-HOP.\n"
    );
    for data_network in routed {
        let address = data_network.interface.address.value;
        let router = match data_network.router {
            Some(router) => format!("on router {}", router.value),
            None => "on the data network's router (the device file names none: `router`)".to_owned(),
        };
        out.push_str(&format!("\n# data network {}, {n6} address {address}, {router}\n", data_network.name.value));
        for (_, pool) in data_network.pools() {
            out.push_str(&format!("{} via {address}\n", pool.value));
        }
    }
    Some(OutputFile::new(PATH, out))
}
