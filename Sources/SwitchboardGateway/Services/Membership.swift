import Foundation
import Logging
import ServiceLifecycle

/// Heartbeats in the shared database's `members` table a few times per timeout, so the instances
/// agree on who is alive and share the background work out (see `AccountPool.owns`).
public struct Membership: Service {
    let pool: AccountPool
    let member: String
    let timeout: TimeInterval
    let logger: Logger

    public func run() async throws {
        // Wall time, not the gateway clock: the other instances judge liveness by the database clock.
        await runPeriodically(every: timeout / 4, on: SystemClock()) {
            do { try pool.heartbeat(as: member, timeout: timeout) } catch {
                logger.error("cannot heartbeat in the shared database", metadata: ["error": "\(error)"])
            }
        }
    }
}
