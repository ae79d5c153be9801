import Foundation
import Logging
import ServiceLifecycle
import SwitchboardCore
import SwitchboardUpstream

/// Polls `GET /wham/usage` for every active or rate-limited account. It asks `Credentials` for the
/// token each round (never a copy kept from start), and sends failures through the same catalog
/// and lifecycle as the request path.
public struct UsagePoller: Service {
    let pool: AccountPool
    let credentials: Credentials
    let client: UsageClient
    let interval: TimeInterval
    let concurrency: Int
    let logger: Logger

    public init(pool: AccountPool, credentials: Credentials, client: UsageClient, interval: TimeInterval, concurrency: Int = 8, logger: Logger) {
        self.pool = pool
        self.credentials = credentials
        self.client = client
        self.interval = interval
        self.concurrency = concurrency
        self.logger = logger
    }

    public func run() async throws {
        await runPeriodically(every: interval, jitter: 0.1, on: pool.clock) { await pollAll() }
    }

    func pollAll() async {
        let ids = pool.all.filter { [.active, .rateLimited].contains($0.status.name) && pool.owns($0.id) }.map(\.id)
        // A large pool is polled evenly over part of the interval: a burst of thousands of polls would
        // take the CPU that requests need (p99 during a round at 10,000 accounts: BENCHMARKS.md, k).
        let gap = ids.count > concurrency ? interval * Defaults.usageRoundSpread / Double(ids.count) : 0
        await forEach(ids, concurrently: concurrency, spacedBy: gap, on: pool.clock) { id in await poll(id) }
    }

    func poll(_ id: String) async {
        guard let account = pool.account(id) else { return }
        do {
            let answer = try await credentials.withAuthRetry(id, endpoint: .usage, source: .usage) { token throws(UpstreamCallError) in
                try await client.fetch(accessToken: token, accountID: account.chatgptAccountID)
            }
            switch answer.result {
            case .success(let usage):
                try await pool.recordUsage(usage, of: id)
            case .failure(let rejection):
                // 403 and transient answers are not evidence against the account: Lifecycle ignores them.
                pool.record(.failed(rejection.failure, at: .usage, source: .usage, accessTokenValid: true, observedWith: answer.token.credential), for: id)
                logger.debug("usage poll failed", metadata: ["account": "\(id)", "failure": "\(rejection.failure)"])
            }
        } catch {
            logger.debug("usage poll skipped", metadata: ["account": "\(id)", "error": "\(error)"])
        }
    }
}
