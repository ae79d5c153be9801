import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import SwitchboardStore

/// Keeps the pool current: reloads when another process (the admin CLI) commits, seen through
/// `PRAGMA data_version` within one tick, and releases rate limits whose reset has passed.
public struct PoolWatcher: Service {
    let pool: AccountPool
    let counter: ChangeCounter
    let interval: TimeInterval
    let logger: Logger

    public init(pool: AccountPool, interval: TimeInterval, logger: Logger) throws {
        self.pool = pool
        self.counter = try pool.store.makeChangeCounter()
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        let seen = Atomic<Int>((try? counter.current()) ?? 0)
        await runPeriodically(every: interval) {
            do {
                let version = try counter.current()
                if version != seen.exchange(version, ordering: .relaxed) { try pool.reload() }
            } catch {
                logger.error("cannot watch the database", metadata: ["error": "\(error)"])
            }
            pool.releaseExpiredRateLimits()
        }
    }
}
