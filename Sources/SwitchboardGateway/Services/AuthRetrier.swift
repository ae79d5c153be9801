import Foundation
import Logging
import ServiceLifecycle
import SwitchboardCore

/// Retries the refresh of auth_retrying accounts when their next retry is due. Success makes them
/// active; a permanent answer or the 24 h ceiling deactivates them (both decided by `Lifecycle`).
public struct AuthRetrier: Service {
    let pool: AccountPool
    let credentials: Credentials
    let interval: TimeInterval
    let logger: Logger

    public init(pool: AccountPool, credentials: Credentials, interval: TimeInterval, logger: Logger) {
        self.pool = pool
        self.credentials = credentials
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        // Wake often enough to honour each account's own next_at (itself interval-spaced).
        await runPeriodically(every: min(interval / 4, 15), jitter: 0.1, on: pool.clock) {
            await retryDue(now: pool.clock.now)
        }
    }

    func retryDue(now: Date) async {
        let due = pool.all.compactMap { account -> String? in
            if case .authRetrying(_, let next, _) = account.status, next <= now, pool.owns(account.id) { return account.id }
            return nil
        }
        await forEach(due, concurrently: 4) { id in
            do {
                _ = try await credentials.retry(id)
                logger.info("auth retry succeeded", metadata: ["account": "\(id)"])
            } catch {
                logger.info("auth retry failed", metadata: ["account": "\(id)", "error": "\(error)"])
            }
        }
    }
}
