//! The fleet rules (ASE6xx): one file each, declared with `declare_rule!` and listed in
//! [`crate::rules::RULES`] like every rule, so `explain`, `rules` and the docs know them.
//! Their `check` is `None` there: they run over a fleet, from [`CHECKS`]
//! (their [`RuleKind::Fleet`](crate::diagnostic::RuleKind::Fleet) tells them apart).

pub mod duplicate_device_name;
pub mod fleet_address_overlap;
pub mod fleet_range_collision;
pub mod unmatched_glob;

use super::{FileId, Fleet, FleetDevice, FleetDiagnostic, Related, Topology};
use crate::diagnostic::{Diagnostic, Span};

/// A check over the whole fleet.
pub type FleetCheck = fn(&Fleet, &[FleetDevice], &Topology, &mut Vec<FleetDiagnostic>);

pub static CHECKS: &[FleetCheck] =
    &[duplicate_device_name::check, fleet_address_overlap::check, fleet_range_collision::check];

/// A diagnostic in device `device`, with one related place.
fn in_device(device: usize, diagnostic: Diagnostic, related: (FileId, Span, String)) -> FleetDiagnostic {
    let (file, span, message) = related;
    FleetDiagnostic { file: FileId::Device(device), diagnostic, related: vec![Related { file, span, message }] }
}

/// A device's name for messages: its `[device] name`, else `device #N`.
fn device_name(devices: &[FleetDevice], index: usize) -> String {
    devices[index].name().map_or_else(|| format!("device #{}", index + 1), |name| format!("`{name}`"))
}
