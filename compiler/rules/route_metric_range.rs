use crate::diagnostic::{Diagnostic, Severity, Sink, declare_rule};
use crate::model::Network;
use crate::model::bounds::ROUTE_METRIC;

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
        if ROUTE_METRIC.allows(i64::from(metric.value)) {
            continue;
        }
        let allowed = ROUTE_METRIC.describe();
        sink.push(
            Diagnostic::new(
                &ROUTE_METRIC_RANGE,
                metric.span,
                format!("route metric {} is not {allowed}", metric.value),
            )
            .with_primary_label(format!("not {allowed}"))
            .with_help(format!(
                "Add-HcsNetRoute passes the metric to `New-NetRoute -RouteMetric`, a UInt16: use {allowed}, \
                     lower wins (see: docs/device-facts.md#route-metric)"
            )),
        );
    }
}
