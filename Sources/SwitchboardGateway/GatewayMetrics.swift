import CoreMetrics
import Foundation
import Metrics
import Prometheus
import Synchronization
import SwitchboardCore

/// Every metric the gateway exports (swift-metrics, exposed by swift-prometheus at `/metrics`).
/// Labels are routes, statuses and codes: never an account's token or a client's key.
enum GatewayMetrics {
    private static let bootstrapped = Mutex(false)
    private static let openStreamCount = Atomic<Int>(0)

    /// Installs the Prometheus factory once per process (tests start several servers).
    static func bootstrap() {
        bootstrapped.withLock { done in
            guard !done else { return }
            var factory = PrometheusMetricsFactory(registry: registry)
            factory.defaultDurationHistogramBuckets = [
                .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
                .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
                .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
            ]
            MetricsSystem.bootstrap(factory)
            done = true
        }
    }

    static let registry = PrometheusCollectorRegistry()

    /// The Prometheus text exposition of every metric.
    static func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }

    // Handles are made once (after `bootstrap`, which the gateway runs before serving) and reused:
    // a lookup by label on every request cost a registry lock and allocations per request.
    private struct RouteStatus: Hashable {
        let route: String
        let status: Int
    }
    private static let requestCounters = Mutex<[RouteStatus: CoreMetrics.Counter]>([:])
    private static let requestTimers = Mutex<[String: Metrics.Timer]>([:])
    private static let upstreamLatency = Metrics.Timer(label: "switchboard_upstream_latency_seconds", preferredDisplayUnit: .seconds)
    private static let upstreamTTFB = Metrics.Timer(label: "switchboard_upstream_ttfb_seconds", preferredDisplayUnit: .seconds)
    private static let openStreams = Gauge(label: "switchboard_open_streams")
    private static let clientDisconnects = Counter(label: "switchboard_client_disconnects_total")

    /// `route` is a matched route or `unknown`, and statuses are few: both label sets stay bounded.
    static func request(route: String, status: Int, duration: Duration) {
        let key = RouteStatus(route: route, status: status)
        requestCounters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = Counter(label: "switchboard_requests_total", dimensions: [("route", route), ("status", String(status))])
            counters[key] = counter
            return counter
        }.increment()
        requestTimers.withLock { timers in
            if let timer = timers[route] { return timer }
            let timer = Metrics.Timer(label: "switchboard_request_duration_seconds", dimensions: [("route", route)], preferredDisplayUnit: .seconds)
            timers[route] = timer
            return timer
        }.record(duration: duration)
    }

    /// From sending the upstream request to its response head.
    static func upstreamHead(after latency: Duration) {
        upstreamLatency.record(duration: latency)
    }

    /// From sending the upstream request to the first body byte.
    static func upstreamFirstByte(after duration: Duration) {
        upstreamTTFB.record(duration: duration)
    }

    static func failover(reason: String) {
        Counter(label: "switchboard_failovers_total", dimensions: [("reason", reason)]).increment()
    }

    static func refresh(outcome: String) {
        Counter(label: "switchboard_token_refreshes_total", dimensions: [("outcome", outcome)]).increment()
    }

    static func transition(_ transition: Transition) {
        if transition.isDeactivation {
            Counter(label: "switchboard_deactivations_total", dimensions: [("code", transition.code ?? "unknown")]).increment()
        }
    }

    static func accounts(byStatus counts: [AccountStatus.Name: Int]) {
        for name in AccountStatus.Name.allCases {
            Gauge(label: "switchboard_accounts", dimensions: [("status", name.rawValue)]).record(counts[name] ?? 0)
        }
    }

    static func streamOpened() {
        openStreams.record(openStreamCount.add(1, ordering: .relaxed).newValue)
    }

    static func streamClosed(cancelledByClient: Bool) {
        openStreams.record(openStreamCount.subtract(1, ordering: .relaxed).newValue)
        if cancelledByClient { clientDisconnects.increment() }
    }

    /// A request-log row dropped because the writer's queue was full.
    static func requestLogDropped(_ rows: Int = 1) {
        Counter(label: "switchboard_request_log_dropped_total").increment(by: rows)
    }
}
