import Foundation
import Logging
import Synchronization
import SwitchboardCore
import SwitchboardStore
import SwitchboardUpstream

/// Hands out valid access tokens. A refresh is single-flight per account: any number of
/// concurrent callers share one token call, so a dead refresh token costs one call, not a storm.
public final class Credentials: Sendable {
    public enum Unusable: Error, Equatable, CustomStringConvertible {
        /// The account is deactivated; its credential is never sent to the token endpoint again.
        case deactivated(code: String)
        /// The refresh failed transiently and the access token cannot be used.
        case unavailable(reason: String)
        case unknownAccount

        public var description: String {
            switch self {
            case .deactivated(let code): "account deactivated (\(code))"
            case .unavailable(let reason): "token refresh failed: \(reason)"
            case .unknownAccount: "unknown account"
            }
        }
    }

    let pool: AccountPool
    let tokenClient: TokenClient
    let margin: TimeInterval
    let maxAge: TimeInterval
    let logger: Logger
    private let flights = Mutex<[String: Task<String, any Error>]>([:])
    /// When this process obtained each access token it rotated in (one entry per account in practice).
    private let rotations = Mutex<[String: Date]>([:])

    public init(pool: AccountPool, tokenClient: TokenClient, margin: TimeInterval = Defaults.refreshMargin, maxAge: TimeInterval = Defaults.maxTokenAge, logger: Logger) {
        self.pool = pool
        self.tokenClient = tokenClient
        self.margin = margin
        self.maxAge = maxAge
        self.logger = logger
    }

    /// A usable access token for the account, refreshing first when it is near expiry or old.
    public func accessToken(for id: String, source: EventSource = .refresh, now: Date = Date()) async throws(Unusable) -> String {
        guard let account = pool.account(id) else { throw .unknownAccount }
        try Self.checkNotPoisoned(account)
        guard needsRefresh(account.tokens, now: now) else { return account.tokens.accessToken }
        return try await refresh(id, source: source, rejected: nil)
    }

    /// Refreshes after the upstream rejected `rejectedAccessToken` (a 401). Callers retry once with the result.
    public func forceRefresh(for id: String, after rejectedAccessToken: String, source: EventSource = .refresh) async throws(Unusable) -> String {
        try await refresh(id, source: source, rejected: rejectedAccessToken)
    }

    /// A refresh for the auth retrier: the account is auth_retrying, so its access token is not usable.
    func retry(_ id: String) async throws(Unusable) -> String {
        try await refresh(id, source: .authRetry, rejected: pool.account(id)?.tokens.accessToken)
    }

    func needsRefresh(_ tokens: TokenSet, now: Date) -> Bool {
        if let rotated = rotations.withLock({ $0[tokens.accessToken] }), now.timeIntervalSince(rotated) < Defaults.minRefreshSpacing,
            !Self.isExpired(tokens, now: now)
        {
            return false
        }
        if let expiry = tokens.accessExpiresAt, expiry.timeIntervalSince(now) <= margin { return true }
        if let last = tokens.lastRefreshAt, now.timeIntervalSince(last) >= maxAge { return true }
        return false
    }

    static func isExpired(_ tokens: TokenSet, now: Date) -> Bool {
        tokens.accessExpiresAt.map { $0 <= now } ?? false
    }

    private static func checkNotPoisoned(_ account: Account) throws(Unusable) {
        if case .deactivated(let code, _, _) = account.status { throw .deactivated(code: code) }
    }

    private func refresh(_ id: String, source: EventSource, rejected: String?) async throws(Unusable) -> String {
        let task = flights.withLock { flights in
            if let running = flights[id] { return running }
            let task = Task { try await self.performRefresh(id, source: source, rejected: rejected) }
            flights[id] = task
            return task
        }
        let result = await task.result
        flights.withLock { if $0[id] == task { $0[id] = nil } }
        switch result {
        case .success(let token): return token
        case .failure(let error as Unusable): throw error
        case .failure(let error): throw .unavailable(reason: "\(error)")
        }
    }

    private func performRefresh(_ id: String, source: EventSource, rejected: String?) async throws -> String {
        let now = Date()
        // Read the row, not the cache: another process may have rotated or replaced the tokens.
        guard let account = try pool.store.account(id: id) else { throw Unusable.unknownAccount }
        try Self.checkNotPoisoned(account)
        let current = account.tokens
        // Someone else (another flight, another process) already replaced the rejected token, or the
        // token is fresh enough: use it rather than rotate again.
        let alreadyReplaced = rejected.map { current.accessToken != $0 && !Self.isExpired(current, now: now) } ?? !needsRefresh(current, now: now)
        if alreadyReplaced {
            try pool.reload(id: id)
            return current.accessToken
        }
        let grant: TokenGrant
        do {
            grant = try await tokenClient.refresh(refreshToken: current.refreshToken)
        } catch {
            // Transient with a still-valid access token: the account stays active and the caller uses it.
            let accessValid = rejected == nil && (current.accessExpiresAt.map { $0 > Date() } ?? false)
            let unusable = fail(id, outcome: error.outcome, source: source, accessValid: accessValid)
            if accessValid, case .unavailable = unusable { return current.accessToken }
            throw unusable
        }
        GatewayMetrics.refresh(outcome: "ok")
        let rotated = TokenSet(
            accessToken: grant.accessToken, refreshToken: grant.refreshToken ?? current.refreshToken,
            idToken: grant.idToken ?? current.idToken, lastRefreshAt: Date())
        rotations.withLock { recent in
            recent = recent.filter { now.timeIntervalSince($0.value) < Defaults.minRefreshSpacing }
            recent[rotated.accessToken] = Date()
        }
        _ = pool.rotated(id, previous: current.fingerprint, to: rotated, source: source)
        return rotated.accessToken
    }

    /// Sends a failed refresh through the catalog and `Lifecycle`; returns what the caller gets.
    private func fail(_ id: String, outcome: UpstreamOutcome, source: EventSource, accessValid: Bool) -> Unusable {
        let failure = FailureCatalog.classify(outcome, from: .token, now: Date())
            ?? .transient(reason: "token endpoint answered without an access token")
        pool.record(.failed(failure, at: .token, source: source, accessTokenValid: accessValid), for: id)
        if case .permanent(let code, _) = failure {
            GatewayMetrics.refresh(outcome: "permanent")
            return .deactivated(code: code)
        }
        GatewayMetrics.refresh(outcome: "transient")
        logger.warning("token refresh failed transiently", metadata: ["account": "\(id)", "failure": "\(failure)", "access_valid": "\(accessValid)"])
        return .unavailable(reason: "\(failure)")
    }
}
