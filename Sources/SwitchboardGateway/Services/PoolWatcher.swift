import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import SwitchboardStore

/// Keeps the pool current: reloads when another process (the admin CLI) commits, seen through
/// `PRAGMA data_version` within one tick, and releases rate limits whose reset has passed.
public struct PoolWatcher: Service {
    let pool: AccountPool
    let access: ClientAccess
    let limits: KeyAccounting
    let counter: ChangeCounter
    let interval: TimeInterval
    let logger: Logger

    public init(pool: AccountPool, access: ClientAccess, limits: KeyAccounting, interval: TimeInterval, logger: Logger) throws {
        self.pool = pool
        self.access = access
        self.limits = limits
        self.counter = try pool.makeChangeCounter()
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        let seen = Atomic<Int>((try? counter.current()) ?? 0)
        let ticks = Atomic<Int>(0)
        // Key usage is written about once a minute: a write per request would wake every watcher.
        let flushEvery = max(1, Int(60 / interval))
        // Watching the database is I/O on wall time; what a tick releases is judged by the pool's clock.
        await runPeriodically(every: interval, on: SystemClock()) {
            if ticks.add(1, ordering: .relaxed).newValue % flushEvery == 0 { access.flushUsage() }
            do {
                let version = try counter.current()
                if version != seen.exchange(version, ordering: .relaxed) {
                    try pool.reload()
                    try access.reload()
                    try limits.reload()
                }
            } catch {
                logger.error("cannot watch the database", metadata: ["error": "\(error)"])
            }
            pool.releaseExpired()
        }
    }
}
