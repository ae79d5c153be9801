import Histogram

/// Counters and HdrHistograms (nanoseconds, 3 significant digits) of one run.
final class LoadStats {
    let sse: Bool
    var latency = LoadStats.histogram()
    var firstEvent = LoadStats.histogram()
    /// Open loop: how late the generator's own timer noticed a request was due (its scheduling overhead).
    var scheduleLag = LoadStats.histogram()
    /// From the intended time to the write: schedule lag plus waiting for a free connection.
    var sendDelay = LoadStats.histogram()
    var statuses: [Int: Int] = [:]
    var completed = 0
    var bytes = 0
    var events = 0
    var streamsWithoutCompletedEvent = 0
    var streamsWithoutFirstEvent = 0
    var transportErrors = 0
    var connectErrors = 0
    var reconnects = 0
    var timedOut = 0
    var lateCompletions = 0
    var maxBacklog = 0
    var connectionsOpened = 0
    var connectStart: UInt64 = 0
    var connectEnd: UInt64 = 0
    var wallNanos: UInt64 = 0

    init(sse: Bool) { self.sse = sse }

    static func histogram() -> Histogram<UInt64> {
        Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000_000, numberOfSignificantValueDigits: .three)
    }

    func recordScheduleLag(_ nanos: UInt64) { _ = scheduleLag.record(min(max(1, nanos), 600_000_000_000)) }
    func recordSendDelay(_ nanos: UInt64) { _ = sendDelay.record(min(max(1, nanos), 600_000_000_000)) }

    func record(_ exchange: Exchange) {
        completed += 1
        statuses[exchange.status, default: 0] += 1
        bytes += exchange.bytes
        _ = latency.record(min(max(1, exchange.end &- exchange.intended), 600_000_000_000))
        if sse && exchange.status == 200 {
            events += exchange.events
            if exchange.firstEvent > 0 {
                _ = firstEvent.record(min(max(1, exchange.firstEvent &- exchange.intended), 600_000_000_000))
            } else {
                streamsWithoutFirstEvent += 1
            }
            if !exchange.completedEvent { streamsWithoutCompletedEvent += 1 }
        }
    }

    func result(measuredNanos: UInt64) -> LoadResult { LoadResult(stats: self, measuredNanos: measuredNanos) }
}

/// The summary written as JSON.
struct LoadResult {
    let stats: LoadStats
    let measuredNanos: UInt64

    static let reportedPercentiles: [Double] = [50, 90, 99, 99.9, 99.99, 100]

    func json(plan: LoadPlan) -> [String: Any] {
        let seconds = Double(measuredNanos) / 1e9
        let ok = stats.statuses.filter { (200..<300).contains($0.key) }.values.reduce(0, +)
        var out: [String: Any] = [
            "mode": plan.openLoop ? "open" : (plan.requestsPerConnection > 0 ? "burst" : "closed"),
            "url": "http://\(plan.target.hostHeader)\(plan.target.path)",
            "connections": plan.connections,
            "ports": plan.ports,
            "connections_opened": stats.connectionsOpened,
            "connect_seconds": Double(stats.connectEnd &- stats.connectStart) / 1e9,
            "duration_s": plan.duration,
            "warmup_s": plan.warmup,
            "measured_s": seconds,
            "wall_s": Double(stats.wallNanos) / 1e9,
            "completed": stats.completed,
            "ok": ok,
            "throughput_rps": Double(stats.completed) / seconds,
            "ok_rps": Double(ok) / seconds,
            "statuses": Dictionary(uniqueKeysWithValues: stats.statuses.map { (String($0.key), $0.value) }),
            "bytes": stats.bytes,
            "transport_errors": stats.transportErrors,
            "connect_errors": stats.connectErrors,
            "reconnects": stats.reconnects,
            "timed_out": stats.timedOut,
            "late_completions": stats.lateCompletions,
            "max_backlog": stats.maxBacklog,
            "latency_us": Self.summary(stats.latency),
            "latency_spectrum_us": Self.spectrum(stats.latency),
            "schedule_lag_us": Self.summary(stats.scheduleLag),
            "send_delay_us": Self.summary(stats.sendDelay),
        ]
        if let rate = plan.rate { out["rate"] = rate }
        if plan.requestsPerConnection > 0 { out["requests_per_connection"] = plan.requestsPerConnection }
        if plan.sse {
            out["first_event_us"] = Self.summary(stats.firstEvent)
            out["first_event_spectrum_us"] = Self.spectrum(stats.firstEvent)
            out["events"] = stats.events
            out["events_per_stream"] = ok > 0 ? Double(stats.events) / Double(ok) : 0
            out["streams_without_first_event"] = stats.streamsWithoutFirstEvent
            out["streams_without_completed_event"] = stats.streamsWithoutCompletedEvent
        }
        return out
    }

    static func summary(_ histogram: Histogram<UInt64>) -> [String: Any] {
        guard histogram.totalCount > 0 else { return ["count": 0] }
        var out: [String: Any] = [
            "count": Int(histogram.totalCount),
            "mean": histogram.mean / 1000,
            "min": Double(histogram.min) / 1000,
        ]
        for percentile in reportedPercentiles {
            let key = percentile == 100 ? "max" : "p" + String(percentile).replacingOccurrences(of: ".0", with: "").replacingOccurrences(of: ".", with: "_")
            out[key] = Double(histogram.valueAtPercentile(percentile)) / 1000
        }
        return out
    }

    /// (percentile, microseconds) points for plotting the distribution.
    static func spectrum(_ histogram: Histogram<UInt64>) -> [[Double]] {
        guard histogram.totalCount > 0 else { return [] }
        var points: [[Double]] = []
        for item in histogram.percentiles(ticksPerHalfDistance: 5) {
            points.append([item.percentileLevelIteratedTo, Double(item.value) / 1000])
            if item.percentileLevelIteratedTo >= 99.999 { break }
        }
        points.append([100, Double(histogram.max) / 1000])
        return points
    }
}
