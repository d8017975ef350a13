//! The raw input types: the file's shape, every leaf with its span, nothing interpreted yet.
//! Addresses are still strings here; `resolve` turns them into the model.

use toml::Spanned;

use crate::diagnostic::Span;

pub type Text = Spanned<String>;

#[derive(Debug, Default)]
pub struct RawConfig {
    pub device: Option<RawDevice>,
    pub ports: Vec<RawPort>,
    pub switches: Vec<RawSwitch>,
    pub kubernetes: Option<RawKubernetes>,
    pub services: Vec<RawService>,
    pub routes: Vec<RawRoute>,
    pub lint: Option<RawLint>,
}

/// `[device]`
#[derive(Debug)]
pub struct RawDevice {
    pub header: Span,
    pub name: Option<Text>,
    pub model: Option<Text>,
    pub nodes: Option<Spanned<i64>>,
    pub domain: Option<Text>,
}

/// `[ports.PortN]`
#[derive(Debug)]
pub struct RawPort {
    pub name: Text,
    pub address: Option<Text>,
    pub dhcp: Option<Spanned<bool>>,
    pub gateway: Option<Text>,
    pub dns: Option<Vec<Text>>,
    pub mtu: Option<Spanned<i64>>,
}

/// `[switches.NAME]`
#[derive(Debug)]
pub struct RawSwitch {
    pub name: Text,
    pub ports: Option<Spanned<Vec<Text>>>,
    pub compute: Option<Spanned<bool>>,
}

/// `[kubernetes]`
#[derive(Debug)]
pub struct RawKubernetes {
    pub header: Span,
    pub node_ips: Option<Text>,
    pub service_ips: Option<Text>,
    pub pod_cidr: Option<Text>,
    pub service_cidr: Option<Text>,
    pub cluster_domain: Option<Text>,
    pub iot_edge: Option<Spanned<bool>>,
    pub vm_interface: Option<Text>,
}

/// `[[services]]`
#[derive(Debug)]
pub struct RawService {
    pub header: Span,
    pub name: Option<Text>,
    pub namespace: Option<Text>,
    pub kind: Option<Text>,
    pub ports: Option<Spanned<Vec<RawServicePort>>>,
    pub load_balancer_ip: Option<Text>,
    pub cluster_ip: Option<Text>,
    pub share_ip: Option<Text>,
    pub hostname: Option<Text>,
}

/// One entry of a service's `ports`.
#[derive(Debug)]
pub struct RawServicePort {
    pub span: Span,
    pub port: Option<Spanned<i64>>,
    pub protocol: Option<Text>,
    pub target_port: Option<Spanned<i64>>,
    pub node_port: Option<Spanned<i64>>,
}

/// `[[routes]]`
#[derive(Debug)]
pub struct RawRoute {
    pub header: Span,
    pub interface: Option<Text>,
    pub destination: Option<Text>,
    pub next_hop: Option<Text>,
    pub metric: Option<Spanned<i64>>,
    pub target: Option<Text>,
}

/// `[lint]`
#[derive(Debug)]
pub struct RawLint {
    pub allow: Vec<Text>,
    pub deny: Vec<Text>,
}
