import Foundation
import ServiceLifecycle

/// Runs `body` every `interval` of `clock`'s time (± `jitter` of it, so many gateways or accounts don't
/// beat in step) until graceful shutdown or cancellation.
func runPeriodically(every interval: TimeInterval, jitter: Double = 0, on clock: any GatewayClock, _ body: @escaping @Sendable () async -> Void) async {
    await cancelWhenGracefulShutdown {
        while !Task.isCancelled {
            await body()
            let spread = jitter > 0 ? Double.random(in: -jitter...jitter) : 0
            try? await clock.sleep(for: .seconds(max(0.01, interval * (1 + spread))))
        }
    }
}

/// Runs `body` for each element with at most `width` running at once.
func forEach<T: Sendable>(_ items: [T], concurrently width: Int, _ body: @escaping @Sendable (T) async -> Void) async {
    await withTaskGroup(of: Void.self) { group in
        var iterator = items.makeIterator()
        for _ in 0..<max(1, width) {
            guard let item = iterator.next() else { break }
            group.addTask { await body(item) }
        }
        while await group.next() != nil {
            guard let item = iterator.next() else { continue }
            group.addTask { await body(item) }
        }
    }
}
