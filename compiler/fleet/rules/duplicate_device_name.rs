use super::{FleetDiagnostic, device_name, in_device};
use crate::diagnostic::{Diagnostic, Severity, declare_rule};
use crate::fleet::{FileId, Fleet, FleetDevice, Topology};

declare_rule! {
    /// ## What it does
    /// Reports two device files of a fleet with one device name. Names are compared
    /// without case, since a name becomes the DNS zone `<name>.<domain>` (its FQDN,
    /// docs/device-facts.md#names-and-dns), lowercased; the message names the FQDN when both
    /// devices have a `domain`.
    ///
    /// ## Why is this bad?
    /// Azure names a device resource once per resource group, the site zone
    /// `<name>.<domain>` of one would answer for the other, and every tool that keys on
    /// the name (this fleet file's `[[sites]]`, monitoring, IPAM) mixes the two up.
    ///
    /// ## Example
    /// ```toml
    /// # sites/store042/a.toml           # sites/store043/a.toml
    /// [device]                          [device]
    /// name = "store042"                 name = "Store042"
    /// ```
    ///
    /// ## Use instead
    /// A name of its own for each device: `store043`.
    pub static DUPLICATE_DEVICE_NAME = Rule {
        kind: Fleet,
        code: "ASE601",
        name: "duplicate-device-name",
        severity: Severity::Error,
        summary: "two devices of a fleet with one name or FQDN",
    };
}

pub fn check(_: &Fleet, devices: &[FleetDevice], _: &Topology, found: &mut Vec<FleetDiagnostic>) {
    let mut names: Vec<(String, usize)> = devices
        .iter()
        .enumerate()
        .filter_map(|(index, device)| Some((device.clean()?.device.name.as_ref()?.value.to_ascii_lowercase(), index)))
        .collect();
    names.sort();
    for pair in names.windows(2) {
        let [(name, first), (other, second)] = pair else { continue };
        if name != other {
            continue;
        }
        let (a, b) = (devices[*first].clean().expect("clean"), devices[*second].clean().expect("clean"));
        let (Some(first_name), Some(second_name)) = (&a.device.name, &b.device.name) else { continue };
        let fqdn = match (&a.device.domain, &b.device.domain) {
            (Some(x), Some(y)) if x.value.eq_ignore_ascii_case(&y.value) => format!(" (FQDN `{name}.{}`)", y.value),
            _ => String::new(),
        };
        let diagnostic = Diagnostic::new(
            &DUPLICATE_DEVICE_NAME,
            second_name.span,
            format!("device name {} is taken by another device of the fleet{fqdn}", device_name(devices, *second)),
        )
        .with_primary_label("named again here")
        .with_help("give each device of the fleet its own name");
        found.push(in_device(
            *second,
            diagnostic,
            (FileId::Device(*first), first_name.span, "first named here".to_owned()),
        ));
    }
}
