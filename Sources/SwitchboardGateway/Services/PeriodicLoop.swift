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

/// Runs `body` for each element with at most `width` running at once, each started at least `gap` (on `clock`) after the one before.
func forEach<T: Sendable>(
    _ items: [T], concurrently width: Int, spacedBy gap: TimeInterval = 0, on clock: any GatewayClock = SystemClock(),
    _ body: @escaping @Sendable (T) async -> Void
) async {
    await withTaskGroup(of: Void.self) { group in
        var running = 0
        for (index, item) in items.enumerated() {
            if Task.isCancelled { break }
            if running >= max(1, width) {
                await group.next()
                running -= 1
            }
            if index > 0, gap > 0 {
                do { try await clock.sleep(for: .seconds(gap)) } catch { break }
            }
            group.addTask { await body(item) }
            running += 1
        }
    }
}
