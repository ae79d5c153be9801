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
        await runPeriodically(every: interval, jitter: 0.1) { await pollAll() }
    }

    func pollAll() async {
        let ids = pool.all.filter { [.active, .rateLimited].contains($0.status.name) }.map(\.id)
        await forEach(ids, concurrently: concurrency) { id in await poll(id) }
    }

    func poll(_ id: String) async {
        guard let account = pool.account(id) else { return }
        do {
            var token = try await credentials.accessToken(for: id, source: .usage)
            var answer = await fetch(token, account)
            if case .failure(.unauthorized) = answer {
                token = try await credentials.forceRefresh(for: id, after: token, source: .usage)
                answer = await fetch(token, account)
            }
            switch answer {
            case .success(let usage):
                try pool.store.recordUsage(usage, of: id)
                try pool.reload(id: id)
            case .failure(let failure):
                // 403 and transient answers are not evidence against the account: Lifecycle ignores them.
                pool.record(.failed(failure, at: .usage, source: .usage, accessTokenValid: true), for: id)
                logger.debug("usage poll failed", metadata: ["account": "\(id)", "failure": "\(failure)"])
            }
        } catch {
            logger.debug("usage poll skipped", metadata: ["account": "\(id)", "error": "\(error)"])
        }
    }

    private func fetch(_ token: String, _ account: Account) async -> Result<UsageSnapshot, Failure> {
        do {
            return .success(try await client.fetch(accessToken: token, accountID: account.chatgptAccountID))
        } catch {
            return .failure(FailureCatalog.classify(error.outcome, from: .usage, now: Date()) ?? .transient(reason: "unreadable usage report"))
        }
    }
}
