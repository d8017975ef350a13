//! The facts a classification rests on: each an anchor of `docs/device-facts.md` and the
//! public page that states it. `docs/diff.md` lists them with the quoted sentences.

/// One fact: where the project's facts page explains it, and the public source.
#[derive(Debug, PartialEq, Eq)]
pub struct Fact {
    /// The anchor in `docs/device-facts.md`.
    pub anchor: &'static str,
    /// What the fact says, in a few words.
    pub summary: &'static str,
    pub source: &'static str,
}

impl Fact {
    /// `docs/device-facts.md#anchor`: the link a user follows from the repository.
    pub fn link(&self) -> String {
        format!("docs/device-facts.md#{}", self.anchor)
    }
}

macro_rules! fact {
    ($name:ident, $anchor:literal, $page:literal, $summary:literal) => {
        pub const $name: Fact = Fact { anchor: $anchor, summary: $summary, source: $page };
    };
}

fact!(
    EXTERNAL_SERVICE_IPS,
    "external-service-ips",
    "https://learn.microsoft.com/azure/databox-online/azure-stack-edge-gpu-manage-compute",
    "external service IPs can be changed later; the new IPs take effect immediately, without a restart"
);
fact!(
    POD_AND_SERVICE_SUBNETS,
    "pod-and-service-subnets",
    "https://learn.microsoft.com/azure/databox-online/azure-stack-edge-gpu-connect-powershell-interface",
    "pod and service subnets are set with Set-HcsKubeClusterNetworkInfo before compute is configured, \
     since the Kubernetes cluster is created in that step"
);
fact!(
    COMPUTE_IPS,
    "compute-ips",
    "https://learn.microsoft.com/azure/databox-online/azure-stack-edge-gpu-deploy-configure-network-compute-web-proxy",
    "the Kubernetes node IPs and the compute port are given when compute is configured; no documented \
     step changes them on a running cluster"
);
fact!(
    COMPUTE_SWITCH,
    "compute-virtual-switch",
    "https://learn.microsoft.com/azure/databox-online/azure-stack-edge-gpu-deploy-configure-network-compute-web-proxy",
    "compute is enabled on one virtual switch, on one port, when compute is configured"
);
fact!(
    CUSTOM_ROUTES,
    "custom-routes",
    "https://learn.microsoft.com/azure/databox-online/azure-stack-edge-gpu-kubernetes-networking",
    "routes can be added or updated after compute is configured; Remove-HcsNetRoute takes the interface \
     and the destination"
);
fact!(
    KUBERNETES_NETWORKING,
    "kubernetes-networking-components",
    "https://learn.microsoft.com/azure/databox-online/azure-stack-edge-gpu-kubernetes-networking",
    "MetalLB gives LoadBalancer services their IPs from the external service IP range; CoreDNS maps \
     service names to cluster IPs"
);
fact!(
    EDGEHUB,
    "iot-edge-edgehub",
    "https://learn.microsoft.com/azure/databox-online/azure-stack-edge-gpu-manage-compute",
    "IoT Edge's edgehub service takes one external service IP"
);
fact!(
    PORT_SETTINGS,
    "port-settings",
    "https://learn.microsoft.com/azure/databox-online/azure-stack-edge-gpu-deploy-configure-network-compute-web-proxy",
    "a port's address, gateway, DNS servers and MTU are set in the local UI (or Set-HcsIPAddress)"
);
fact!(
    DEVICE_MODELS,
    "device-models",
    "https://learn.microsoft.com/azure/databox-online/azure-stack-edge-gpu-clustering-overview",
    "the model and the node count are the hardware: another one is another device"
);
fact!(
    SITE_DNS,
    "site-dns-names",
    "https://learn.microsoft.com/azure/databox-online/azure-stack-edge-gpu-certificates-overview",
    "the device's endpoints are named under <device name>.<DNS domain>"
);
fact!(
    KUBERNETES_SERVICES,
    "kubernetes-services",
    "https://kubernetes.io/docs/concepts/services-networking/service/",
    "`kubectl apply` changes a Service in place; a Service's name and cluster IP identify it"
);

fact!(
    VIRTUAL_NETWORKS_FIXED,
    "virtual-networks-fixed",
    "https://learn.microsoft.com/azure/databox-online/azure-stack-edge-gpu-2607-release-notes",
    "virtual networks can't be modified once the Kubernetes cluster is deployed on them"
);
fact!(
    VIRTUAL_NETWORK_CMDLETS,
    "vlan-ids",
    "https://learn.microsoft.com/azure/databox-online/azure-stack-edge-gpu-create-virtual-switch-powershell",
    "a virtual network is added with Add-HcsVirtualNetwork and removed with Remove-HcsVirtualNetwork; no \
     cmdlet changes one in place"
);
fact!(
    BGP_MODE,
    "bgp",
    "https://learn.microsoft.com/azure/databox-online/azure-stack-edge-gpu-configure-metallb-bgp-mode",
    "with BGP peers (Set-HcsBGPPeer, Remove-HcsBGPPeer) MetalLB announces over BGP; without peers it works \
     in layer 2 mode"
);
fact!(
    MODULES_AND_VMS,
    "modules-and-vms",
    "https://github.com/MicrosoftDocs/azure-docs/blob/main/includes/azure-stack-edge-iot-troubleshoot-compute-error-detail.md",
    "besides edgehub's, each IoT Edge module and each VM deployed takes one external service IP"
);

fact!(
    IP_POOLS,
    "ip-pools",
    "https://learn.microsoft.com/azure/databox-online/azure-stack-edge-deploy-aks-on-azure-stack-edge",
    "a virtual network enabled for Kubernetes gives pods static IPs from its pool; the IP pool settings \
     can't be modified once the AKS cluster is deployed"
);
fact!(
    VIRTUAL_IPS,
    "virtual-ips",
    "https://learn.microsoft.com/azure/databox-online/azure-stack-edge-powershell-based-configuration",
    "a two-node cluster's virtual IPs (ACS, NFS) are available IPs of a cluster network, set with Set-DeviceVip"
);
fact!(
    NODE_NAMES,
    "node-names",
    "https://learn.microsoft.com/azure/databox-online/azure-stack-edge-powershell-based-configuration",
    "a configuration package applies to the device whose nodeName it names"
);
fact!(
    PACKAGE_LAYOUTS,
    "package-layouts",
    "https://learn.microsoft.com/azure/databox-online/azure-stack-edge-powershell-based-configuration",
    "a configuration package is the device's Network declaration, in the layout of the device's software release"
);
fact!(
    AP5GC_DEVICE_CHANGES,
    "ap5gc-device-changes",
    "https://learn.microsoft.com/azure/private-5g-core/commission-cluster",
    "the device's side of a packet core (its virtual networks, their pools, the cluster's addresses) changes only \
     with the AKS cluster and the custom location destroyed and created again"
);
fact!(
    AP5GC_REINSTALL,
    "ap5gc-reinstall",
    "https://learn.microsoft.com/azure/private-5g-core/modify-packet-core",
    "attaching or detaching a data network, another custom location, or a changed access network or attached \
     data network reinstalls the packet core, which is unavailable meanwhile"
);
fact!(
    AP5GC_TECHNOLOGY,
    "ap5gc-technology-fixed",
    "https://learn.microsoft.com/azure/private-5g-core/modify-packet-core",
    "a packet core's technology type cannot be changed: the site is deleted and created again"
);
fact!(
    AP5GC_ROUTES,
    "ap5gc-napt",
    "https://learn.microsoft.com/azure/private-5g-core/complete-private-mobile-network-prerequisites",
    "a data network without NAPT routes its UE pools via the packet core's N6 address"
);

/// Every fact `asenet diff` cites, for the docs test.
pub const ALL: [&Fact; 23] = [
    &EXTERNAL_SERVICE_IPS,
    &POD_AND_SERVICE_SUBNETS,
    &COMPUTE_IPS,
    &COMPUTE_SWITCH,
    &CUSTOM_ROUTES,
    &KUBERNETES_NETWORKING,
    &EDGEHUB,
    &PORT_SETTINGS,
    &DEVICE_MODELS,
    &SITE_DNS,
    &KUBERNETES_SERVICES,
    &VIRTUAL_NETWORKS_FIXED,
    &VIRTUAL_NETWORK_CMDLETS,
    &BGP_MODE,
    &MODULES_AND_VMS,
    &IP_POOLS,
    &VIRTUAL_IPS,
    &NODE_NAMES,
    &PACKAGE_LAYOUTS,
    &AP5GC_DEVICE_CHANGES,
    &AP5GC_REINSTALL,
    &AP5GC_TECHNOLOGY,
    &AP5GC_ROUTES,
];

#[cfg(test)]
mod tests {
    #[test]
    fn anchors_are_unique_and_device_facts_are_on_learn() {
        let mut anchors: Vec<_> = super::ALL.iter().map(|fact| fact.anchor).collect();
        anchors.sort_unstable();
        anchors.dedup();
        assert_eq!(anchors.len(), super::ALL.len());
        for fact in super::ALL {
            assert!(
                fact.source.starts_with("https://learn.microsoft.com/azure/databox-online/")
                    || fact.source.starts_with("https://learn.microsoft.com/azure/private-5g-core/")
                    || fact.source.starts_with("https://kubernetes.io/")
                    // The troubleshooting text Learn's Azure Stack Edge pages include.
                    || fact.source.starts_with("https://github.com/MicrosoftDocs/azure-docs/blob/main/includes/")
            );
        }
    }
}
