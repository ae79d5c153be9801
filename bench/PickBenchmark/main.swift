import Foundation
import Histogram
import SwitchboardCore

/// `switchboard-pick-bench`: times `Balancer.pick` at 10, 1,000 and 10,000 accounts (JSON on stdout).
///
/// For each pool size and case it runs warm-up picks, then times batches of picks with the
/// monotonic clock (per-pick mean per batch, so the clock's own cost is amortised) and, separately,
/// single picks (clock cost included: an upper bound on one pick's tail).
/// Cases: `no_key` (headroom order), `sticky` (a session key seen before), `new_key` (a key's first
/// pick: inserts a sticky entry), `excluding_2` (fail-over after two tries).

@inline(__always) func nanos() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}

let quick = CommandLine.arguments.contains("--quick")
let sizes = [10, 1_000, 10_000]
let batches = quick ? 200 : 1_000
let batchSize = 1_000
let singles = quick ? 50_000 : 200_000
nonisolated(unsafe) var sink = 0

func candidates(_ count: Int) -> [Balancer.Candidate] {
    var generator = SplitMix(seed: UInt64(count))
    return (0..<count).map { Balancer.Candidate(id: "acct-\($0)-" + String(generator.next() % 1_000_000, radix: 36), usedPercent: Double(generator.next() % 10_000) / 100) }
}

struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func summary(_ histogram: Histogram<UInt64>) -> [String: Double] {
    [
        "mean_ns": histogram.mean, "p50_ns": Double(histogram.valueAtPercentile(50)), "p99_ns": Double(histogram.valueAtPercentile(99)),
        "p99_9_ns": Double(histogram.valueAtPercentile(99.9)), "max_ns": Double(histogram.max), "count": Double(histogram.totalCount),
    ]
}

func measure(batches: Int = batches, singles: Int = singles, warmup: Int = 20_000, _ pick: (Int) -> String?) -> [String: Any] {
    for i in 0..<warmup { sink &+= pick(i)?.utf8.count ?? 0 }
    var perPick = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 10_000_000_000, numberOfSignificantValueDigits: .three)
    var counter = 0
    for _ in 0..<batches {
        let start = nanos()
        for _ in 0..<batchSize {
            sink &+= pick(counter)?.utf8.count ?? 0
            counter &+= 1
        }
        _ = perPick.record(max(1, (nanos() - start) / UInt64(batchSize)))
    }
    var single = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 10_000_000_000, numberOfSignificantValueDigits: .three)
    for _ in 0..<singles {
        let start = nanos()
        sink &+= pick(counter)?.utf8.count ?? 0
        _ = single.record(max(1, nanos() - start))
        counter &+= 1
    }
    return ["batched": summary(perPick), "single": summary(single)]
}

var clockCost = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 10_000_000_000, numberOfSignificantValueDigits: .three)
for _ in 0..<100_000 {
    let start = nanos()
    _ = clockCost.record(max(1, nanos() - start))
}

var results: [String: Any] = [:]
for size in sizes {
    let pool = candidates(size)
    let balancer = Balancer()
    let publishStart = nanos()
    for _ in 0..<10 { balancer.publish(pool) }
    let publishNanos = Double(nanos() - publishStart) / 10
    let stickyKeys = (0..<10_000).map { "session-\($0)" }
    for key in stickyKeys { sink &+= balancer.pick(key: key)?.utf8.count ?? 0 }
    let excluded: Set<String> = Set(pool.sorted { $0.usedPercent < $1.usedPercent }.prefix(2).map(\.id))
    var newKeyCounter = 0
    let cases: [String: [String: Any]] = [
        "no_key": measure { _ in balancer.pick(key: nil) },
        "sticky": measure { balancer.pick(key: stickyKeys[$0 % stickyKeys.count]) },
        "excluding_2": measure { _ in balancer.pick(key: nil, excluding: excluded) },
        // Stays below the balancer's 100,000-key sticky limit (10,000 keys are already in).
        "new_key": measure(batches: 40, singles: 20_000, warmup: 10_000) { _ in
            newKeyCounter += 1
            return balancer.pick(key: "fresh-\(newKeyCounter)")
        },
    ]
    // Fill the sticky table to its 100,000-key limit with live keys (10,000 session keys + 70,000
    // new_key picks so far + 20,000 here), then time a few first picks of new keys beyond it.
    while newKeyCounter < 90_000 {
        newKeyCounter += 1
        sink &+= balancer.pick(key: "fill-\(newKeyCounter)")?.utf8.count ?? 0
    }
    var full = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 100_000_000_000, numberOfSignificantValueDigits: .three)
    for i in 0..<(quick ? 5 : 20) {
        let key = "over-\(i)"
        let start = nanos()
        sink &+= balancer.pick(key: key)?.utf8.count ?? 0
        _ = full.record(max(1, nanos() - start))
    }
    results[String(size)] = ["publish_ns": publishNanos, "cases": cases, "new_key_table_full": summary(full)]
}

let report: [String: Any] = [
    "sizes": sizes, "batch_size": batchSize, "batches": batches, "singles": singles,
    "clock_cost_ns": summary(clockCost), "results": results, "sink": sink & 1,
]
let data = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys, .prettyPrinted])
FileHandle.standardOutput.write(data)
FileHandle.standardOutput.write(Data("\n".utf8))
