//! The device's own names for asenet's keys. Operators arrive with the names of the device's
//! PowerShell cmdlets (`Add-HcsVirtualNetwork -VlanId`, `Add-HcsNetRoute -DestinationPrefix`,
//! `Set-HcsBGPPeer -PeerAsn`), of what its `Get-Hcs*` cmdlets print (`SwitchName`,
//! `EnabledForK8s`) and of its configuration export (`vlanId`, `vSwitchName`,
//! `isDhcpEnabled`, `dnsServerAddresses`, `enabledForCompute`; the sample export of
//! Azure-Samples/azure-stack-edge-deploy-vms, `PowerShellBasedConfiguration/*.json`). An
//! unknown key that is one of these, in any case and with or without `_` or `-` (`vlan_id`,
//! `VlanId`, `vlanId`), is asenet's key in that table: ASE002 suggests it, renames it as a
//! safe fix, and the value is read as that key, so the mistake is one report. A name whose
//! value asenet writes another way (`subnetMask`, a mask where asenet writes a prefix
//! length) gets a help that says how, and no fix.

/// What a device name stands for in asenet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Meaning {
    /// asenet's key for the same value.
    Key(&'static str),
    /// No key takes the value as it is; the help says what to write.
    Written(&'static str),
}

/// One name of the device's vocabulary: where it is known, its normalized spelling
/// (lowercase, no `_` or `-`), what it means in asenet and where the name comes from.
struct Alias {
    table: &'static str,
    name: &'static str,
    meaning: Meaning,
    source: &'static str,
}

const fn key(table: &'static str, name: &'static str, key: &'static str, source: &'static str) -> Alias {
    Alias { table, name, meaning: Meaning::Key(key), source }
}

const fn written(table: &'static str, name: &'static str, how: &'static str, source: &'static str) -> Alias {
    Alias { table, name, meaning: Meaning::Written(how), source }
}

const VNET: &str = "[[virtual_networks]]";
const ROUTE: &str = "[[routes]]";
const PEER: &str = "[[bgp_peers]]";
const PORT: &str = "[ports.";
const SWITCH: &str = "[switches.";
const KUBERNETES: &str = "[kubernetes]";
const DEVICE: &str = "[device]";

static ALIASES: &[Alias] = &[
    key(VNET, "vlanid", "vlan", "PowerShell's `-VlanId`, the export's `vlanId`"),
    key(VNET, "vnetname", "name", "PowerShell's `-VnetName`"),
    key(VNET, "virtualswitchname", "switch", "PowerShell's `-VirtualSwitchName`"),
    key(VNET, "vswitchname", "switch", "the export's `vSwitchName`"),
    key(VNET, "switchname", "switch", "`Get-HcsVirtualNetwork`'s `SwitchName`"),
    key(VNET, "addressspace", "subnet", "PowerShell's `-AddressSpace`"),
    key(VNET, "gatewayipaddress", "gateway", "PowerShell's `-GatewayIPAddress`"),
    key(VNET, "dnsservers", "dns", "PowerShell's `-DnsServers`"),
    key(VNET, "enabledfork8s", "compute", "`Get-HcsVirtualNetwork`'s `EnabledForK8s`"),
    key(VNET, "enabledforkubernetes", "compute", "the export's `enabledForKubernetes`"),
    written(
        VNET,
        "subnetmask",
        "asenet writes the mask as the prefix length of `subnet`: `subnet = \"10.20.10.0/24\"`",
        "the export's `subnetMask`",
    ),
    written(
        VNET,
        "network",
        "asenet writes the network with its prefix length as `subnet`: `subnet = \"10.20.10.0/24\"`",
        "the export's `network`",
    ),
    key(ROUTE, "interfacealias", "interface", "PowerShell's `-InterfaceAlias`"),
    key(ROUTE, "destinationprefix", "destination", "PowerShell's `-DestinationPrefix`"),
    key(ROUTE, "nexthop", "next_hop", "PowerShell's `-NextHop`"),
    key(ROUTE, "routemetric", "metric", "PowerShell's `-RouteMetric`"),
    key(PEER, "peeraddress", "peer_address", "PowerShell's `-PeerAddress`"),
    key(PEER, "peerasn", "peer_asn", "PowerShell's `-PeerAsn`"),
    key(PEER, "selfasn", "self_asn", "PowerShell's `-SelfAsn`"),
    key(PEER, "holdtimeinseconds", "hold_time", "PowerShell's `-HoldTimeInSeconds`"),
    key(PEER, "switchname", "switch", "PowerShell's `-SwitchName`"),
    key(PORT, "isdhcpenabled", "dhcp", "the export's `isDhcpEnabled`"),
    key(PORT, "dnsserveraddresses", "dns", "the export's `dnsServerAddresses`"),
    key(PORT, "dnsservers", "dns", "PowerShell's `-DnsServers`"),
    key(PORT, "ipaddress", "address", "PowerShell's `-IPAddress`"),
    key(PORT, "defaultgateway", "gateway", "PowerShell's `-DefaultGateway`"),
    written(
        PORT,
        "subnetmask",
        "asenet writes the mask as the prefix length of `address`: `address = \"10.10.2.20/24\"`",
        "the export's `subnetMask`",
    ),
    written(
        PORT,
        "prefixlength",
        "asenet writes the prefix length after `address`: `address = \"10.10.2.20/24\"`",
        "PowerShell's `-PrefixLength`",
    ),
    key(
        SWITCH,
        "enabledforcompute",
        "compute",
        "the export's and `Get-HcsExternalVirtualSwitch`'s `EnabledForCompute`",
    ),
    written(
        SWITCH,
        "interfacealias",
        "asenet lists the switch's port in `ports`: `ports = [\"Port3\"]`",
        "PowerShell's `-InterfaceAlias`",
    ),
    written(
        SWITCH,
        "interfacename",
        "asenet lists the switch's port in `ports`: `ports = [\"Port3\"]`",
        "the export's `interfaceName`",
    ),
    key(KUBERNETES, "podsubnet", "pod_cidr", "PowerShell's `-PodSubnet`"),
    key(KUBERNETES, "servicesubnet", "service_cidr", "PowerShell's `-ServiceSubnet`"),
    key(KUBERNETES, "kubernetesnodeips", "node_ips", "the device's `KubernetesNodeIPs` pool"),
    key(KUBERNETES, "kubernetesserviceips", "service_ips", "the device's `KubernetesServiceIPs` pool"),
    written(
        KUBERNETES,
        "ipaddressrange",
        "asenet names the two ranges: `node_ips` (the export's `KubernetesNodeIPs` pool) and `service_ips` \
         (`KubernetesServiceIPs`)",
        "the export's `ipAddressRange`",
    ),
    key(DEVICE, "dnsdomain", "domain", "the export's `dnsDomain`"),
];

/// What `name`, unknown in the table `context` (`[[routes]]`, `[ports.Port3]`), means in
/// the device's vocabulary, and where that name comes from. A [`Meaning::Key`] only when
/// the table has that key (`known`).
pub fn meaning(context: &str, name: &str, known: &[&str]) -> Option<(Meaning, &'static str)> {
    let normalized: String = name.chars().filter(|c| !matches!(c, '_' | '-')).flat_map(char::to_lowercase).collect();
    let alias = ALIASES.iter().find(|alias| context.starts_with(alias.table) && alias.name == normalized)?;
    match alias.meaning {
        Meaning::Key(key) if !known.contains(&key) => None,
        meaning => Some((meaning, alias.source)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_spelling_of_a_device_name_means_the_key() {
        for written in ["vlan_id", "VlanId", "vlanId", "VLAN-ID"] {
            assert_eq!(meaning(VNET, written, &["vlan"]).map(|m| m.0), Some(Meaning::Key("vlan")), "{written}");
        }
        assert_eq!(meaning(ROUTE, "vlan_id", &["vlan"]), None, "only in its own table");
        assert_eq!(meaning(VNET, "vlan_id", &["name"]), None, "only for a key the table has");
        assert!(matches!(meaning("[ports.Port3]", "subnetMask", &[]), Some((Meaning::Written(_), _))));
    }

    #[test]
    fn every_name_is_normalized_and_known_once_per_table() {
        for (index, alias) in ALIASES.iter().enumerate() {
            assert!(alias.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()), "{}", alias.name);
            let twice = ALIASES[..index].iter().any(|other| other.table == alias.table && other.name == alias.name);
            assert!(!twice, "{} {}", alias.table, alias.name);
        }
    }
}
