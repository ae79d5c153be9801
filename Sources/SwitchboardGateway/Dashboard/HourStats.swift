import Foundation
import SwitchboardStore

/// The last hour of requests, per minute, with its error rate and latency percentiles.
struct HourStats: Equatable {
    struct Minute: Equatable {
        var requests = 0
        var errors = 0
        var p99Milliseconds: Double?
    }

    /// Oldest first; the last is the current minute.
    var minutes: [Minute]
    var requests: Int
    var errorRate: Double
    var p50Milliseconds: Double?
    var p99Milliseconds: Double?

    init(_ samples: [RequestSample], now: Date) {
        var minutes = Array(repeating: Minute(), count: 60)
        var durations = Array(repeating: [Double](), count: 60)
        for sample in samples {
            let age = Int(now.timeIntervalSince(sample.at) / 60)
            guard (0..<60).contains(age) else { continue }
            minutes[59 - age].requests += 1
            if sample.failed { minutes[59 - age].errors += 1 }
            durations[59 - age].append(sample.durationMilliseconds)
        }
        for index in minutes.indices { minutes[index].p99Milliseconds = Self.percentile(durations[index].sorted(), 0.99) }
        self.minutes = minutes
        requests = minutes.reduce(0) { $0 + $1.requests }
        errorRate = requests == 0 ? 0 : Double(minutes.reduce(0) { $0 + $1.errors }) / Double(requests)
        let hour = durations.joined().sorted()
        p50Milliseconds = Self.percentile(hour, 0.50)
        p99Milliseconds = Self.percentile(hour, 0.99)
    }

    /// Nearest-rank percentile of sorted values.
    static func percentile(_ sorted: [Double], _ fraction: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count, max(1, rank)) - 1]
    }
}
