import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import SwitchboardStore

/// Commits the request log's pending rows and the keys' use in one transaction per tick, prunes
/// rows past the retention (days, then the row cap) in the background, and flushes once more at shutdown.
public struct RequestLogWriter: Service {
    let log: RequestLog
    let store: AccountStore
    let retentionDays: Int
    let maxRows: Int
    let interval: TimeInterval
    let pruneInterval: TimeInterval
    let logger: Logger

    public func run() async throws {
        await prune()
        let ticks = Atomic<Int>(0)
        let pruneEvery = max(1, Int(pruneInterval / interval))
        // Batching is about write load, on wall time.
        await runPeriodically(every: interval, on: SystemClock()) {
            await flush()
            if ticks.add(1, ordering: .relaxed).newValue % pruneEvery == 0 { await prune() }
        }
        await flush()
    }

    /// Writes what is pending; on failure the keys' use is kept for the next batch (rows are dropped).
    func flush() async {
        let rows = log.drain()
        let use = log.accounting.drainPending()
        do {
            try await store.writeRequestBatch(rows, keyUsage: use)
        } catch {
            log.accounting.restore(use)
            logger.error("cannot write the request log", metadata: ["rows": "\(rows.count)", "error": "\(error)"])
        }
    }

    func prune(now: Date = Date()) async {
        guard log.keepsRows else { return }
        do {
            let removed = try await store.pruneRequests(olderThan: now.addingTimeInterval(-Double(retentionDays) * 86_400), keepingAtMost: maxRows)
            if removed > 0 { logger.debug("pruned the request log", metadata: ["rows": "\(removed)"]) }
        } catch {
            logger.error("cannot prune the request log", metadata: ["error": "\(error)"])
        }
    }
}
