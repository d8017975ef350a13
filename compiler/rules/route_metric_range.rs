use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::Network;

/// The largest metric `New-NetRoute -RouteMetric <UInt16>` takes.
const MAX_METRIC: u32 = u16::MAX as u32;

declare_rule! {
    /// ## What it does
    /// Reports a route `metric` above 65535.
    ///
    /// ## Why is this bad?
    /// `Add-HcsNetRoute -RouteMetric` (see docs/device-facts.md#route-cmdlets) hands the metric to
    /// Windows' route cmdlets, whose `New-NetRoute -RouteMetric` parameter is a `UInt16`: 0 to
    /// 65535 (see: docs/device-facts.md#route-metric). A larger number is refused by the cmdlet, so
    /// the route is never added and `apply-routes.ps1` stops there. asenet would otherwise write
    /// it into every artifact.
    ///
    /// ## Example
    /// ```toml
    /// [[routes]]
    /// interface = "Port3"
    /// destination = "192.168.20.0/24"
    /// next_hop = "192.168.10.1"
    /// metric = 70000
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [[routes]]
    /// interface = "Port3"
    /// destination = "192.168.20.0/24"
    /// next_hop = "192.168.10.1"
    /// metric = 700
    /// ```
    pub static ROUTE_METRIC_RANGE = Rule {
        code: "ASE209",
        name: "route-metric-range",
        severity: Severity::Error,
        summary: "a route metric above 65535, which `New-NetRoute -RouteMetric` (a UInt16) refuses",
    };
}

pub(super) fn check(network: &Network, sink: &mut Sink) {
    for route in &network.routes {
        let metric = route.metric;
        if metric.value <= MAX_METRIC {
            continue;
        }
        sink.push(
            Diagnostic::new(&ROUTE_METRIC_RANGE, metric.span, format!("route metric {} is above 65535", metric.value))
                .with_primary_label("not from 0 to 65535")
                .with_help(
                    "Add-HcsNetRoute passes the metric to `New-NetRoute -RouteMetric`, a UInt16: use 0 to 65535, \
                     lower wins (see: docs/device-facts.md#route-metric)",
                ),
        );
    }
}
