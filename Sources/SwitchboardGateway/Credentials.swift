import Foundation
import Logging
import Synchronization
import SwitchboardCore
import SwitchboardUpstream

/// Hands out access tokens. A refresh is single-flight per account in this process and claimed per
/// account in the database across processes, so a dead refresh token costs one token call, not a storm.
/// Nobody waits on an optional refresh: while the access token is usable it is handed out at once and
/// the refresh runs in the background.
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

    /// An access token handed out, and the credential a verdict on an answer to it names.
    public struct Token: Sendable, Equatable {
        public let value: String
        public let credential: ObservedCredential

        init(_ tokens: TokenSet) {
            value = tokens.accessToken
            credential = .accessToken(tokens.accessFingerprint)
        }
    }

    /// A transient refresh failure remembered per account: optional refreshes wait until `until`.
    private struct Backoff {
        var until: Date
        var step: TimeInterval
        var reason: String
    }

    let pool: AccountPool
    let tokenClient: TokenClient
    let margin: TimeInterval
    let maxAge: TimeInterval
    let logger: Logger
    /// Names this process in refresh claims.
    let holder = "gateway-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
    private let flights = Mutex<[String: Task<TokenSet, any Error>]>([:])
    private let backoffs = Mutex<[String: Backoff]>([:])

    public init(pool: AccountPool, tokenClient: TokenClient, margin: TimeInterval = Defaults.refreshMargin, maxAge: TimeInterval = Defaults.maxTokenAge, logger: Logger) {
        self.pool = pool
        self.tokenClient = tokenClient
        self.margin = margin
        self.maxAge = maxAge
        self.logger = logger
    }

    /// An access token for the account. A usable one comes back at once (a due refresh starts in the
    /// background); only an expired one makes the caller wait for the refresh.
    public func accessToken(for id: String, source: EventSource = .refresh) async throws(Unusable) -> Token {
        let now = pool.clock.now
        guard let account = pool.account(id) else { throw .unknownAccount }
        try Self.checkNotPoisoned(account)
        let tokens = account.tokens
        if tokens.accessUsable(at: now) {
            if wantsRefresh(tokens, now: now), backoff(id, now: now) == nil { refreshInBackground(id, source: source) }
            return Token(tokens)
        }
        try checkBackoff(id, tokens: tokens, source: source, now: now)
        return Token(try await refresh(id, source: source, rejected: nil))
    }

    /// After the upstream answered 401 to `rejected`: a token to retry with, or nil when `rejected`
    /// was fresh, so the 401 counts against the account and no token call is made (forced refreshes of
    /// one account are thereby at most one per `Defaults.freshTokenWindow`).
    public func forceRefresh(for id: String, after rejected: Token, source: EventSource = .refresh) async throws(Unusable) -> Token? {
        let now = pool.clock.now
        guard let account = pool.account(id) else { throw .unknownAccount }
        try Self.checkNotPoisoned(account)
        let tokens = account.tokens
        if !tokens.holds(rejected.credential), tokens.accessUsable(at: now) { return Token(tokens) }  // already replaced
        if tokens.isFresh(at: now, within: Defaults.freshTokenWindow) { return nil }
        try checkBackoff(id, tokens: tokens, source: source, now: now)
        let renewed = try await refresh(id, source: source, rejected: rejected)
        return renewed.holds(rejected.credential) ? nil : Token(renewed)
    }

    /// A refresh for the auth retrier: the account is auth_retrying, so its access token is not usable.
    func retry(_ id: String) async throws(Unusable) -> Token {
        clearBackoff(id)
        return Token(try await refresh(id, source: .authRetry, rejected: pool.account(id).map { Token($0.tokens) }))
    }

    /// Near expiry, or older than the maximum age; never a token obtained a moment ago (tokens that
    /// live shorter than the margin would otherwise be rotated on every request).
    func wantsRefresh(_ tokens: TokenSet, now: Date) -> Bool {
        if tokens.isFresh(at: now, within: Defaults.freshTokenWindow) { return false }
        if let expiry = tokens.accessExpiresAt, expiry.timeIntervalSince(now) <= margin { return true }
        if let last = tokens.lastRefreshAt, now.timeIntervalSince(last) >= maxAge { return true }
        return false
    }

    private static func checkNotPoisoned(_ account: Account) throws(Unusable) {
        if case .deactivated(let code, _, _) = account.status { throw .deactivated(code: code) }
    }

    // MARK: Backoff after transient failures

    private func backoff(_ id: String, now: Date) -> Backoff? {
        backoffs.withLock { $0[id] }.flatMap { $0.until > now ? $0 : nil }
    }

    /// The token cannot be used and its refresh failed transiently a moment ago: no token call until
    /// the backoff ends, and the account leaves rotation (auth_retrying) instead of costing each caller a wait.
    private func checkBackoff(_ id: String, tokens: TokenSet, source: EventSource, now: Date) throws(Unusable) {
        guard source != .authRetry, let backoff = backoff(id, now: now) else { return }
        let failure = Failure.transient(reason: backoff.reason)
        pool.record(.failed(failure, at: .token, source: source, accessTokenValid: false, observedWith: .refreshToken(tokens.fingerprint)), for: id)
        throw .unavailable(reason: "\(backoff.reason) (next refresh after \(Timestamp.string(backoff.until)))")
    }

    private func noteTransientFailure(_ id: String, reason: String, now: Date) {
        let ceiling = max(Defaults.refreshBackoff, pool.policy.authRetryInterval)
        backoffs.withLock { all in
            let step = all[id].map { min($0.step * 2, ceiling) } ?? Defaults.refreshBackoff
            all[id] = Backoff(until: now.addingTimeInterval(step), step: step, reason: reason)
        }
    }

    private func clearBackoff(_ id: String) { backoffs.withLock { $0[id] = nil } }

    // MARK: The refresh

    private func refreshInBackground(_ id: String, source: EventSource) {
        _ = flight(id, source: source, rejected: nil)
    }

    private func refresh(_ id: String, source: EventSource, rejected: Token?) async throws(Unusable) -> TokenSet {
        switch await flight(id, source: source, rejected: rejected).result {
        case .success(let tokens): return tokens
        case .failure(let error as Unusable): throw error
        case .failure(let error): throw .unavailable(reason: "\(error)")
        }
    }

    /// The account's refresh in this process: joins the running one, or starts it.
    private func flight(_ id: String, source: EventSource, rejected: Token?) -> Task<TokenSet, any Error> {
        flights.withLock { flights in
            if let running = flights[id] { return running }
            let task = Task {
                defer { self.flights.withLock { $0[id] = nil } }
                return try await self.performRefresh(id, source: source, rejected: rejected)
            }
            flights[id] = task
            return task
        }
    }

    private func performRefresh(_ id: String, source: EventSource, rejected: Token?) async throws -> TokenSet {
        // Read the row, not the cache: another process may have rotated or replaced the tokens.
        guard var account = try pool.latest(id) else { throw Unusable.unknownAccount }
        for _ in 0..<2 {
            try Self.checkNotPoisoned(account)
            if let usable = alreadyReplaced(account.tokens, rejected: rejected, now: pool.clock.now) { return usable }
            if try pool.claimRefresh(id, holder: holder) {
                return try await refreshUnderClaim(id, read: account, source: source, rejected: rejected)
            }
            // Another process is refreshing: wait for its saved result and use it.
            account = try await waitForOtherRefresh(of: account)
        }
        throw Unusable.unavailable(reason: "another process keeps the refresh claim")
    }

    /// Another process (or instance) may have finished its refresh between our read and our claim: the
    /// row is read again under the claim, so a token it rotated is used and a token it found dead is
    /// never sent again.
    private func refreshUnderClaim(_ id: String, read: Account, source: EventSource, rejected: Token?) async throws -> TokenSet {
        let account: Account
        do {
            account = try pool.latest(id) ?? read
            try Self.checkNotPoisoned(account)
            if let usable = alreadyReplaced(account.tokens, rejected: rejected, now: pool.clock.now) {
                pool.releaseRefresh(id, holder: holder)
                return usable
            }
        } catch {
            pool.releaseRefresh(id, holder: holder)
            throw error
        }
        return try await callTokenEndpoint(account, source: source, rejected: rejected)
    }

    /// Tokens that need no rotation after all: someone replaced the rejected ones, or they are not due.
    private func alreadyReplaced(_ tokens: TokenSet, rejected: Token?, now: Date) -> TokenSet? {
        guard tokens.accessUsable(at: now) else { return nil }
        if let rejected { return tokens.holds(rejected.credential) ? nil : tokens }
        return wantsRefresh(tokens, now: now) ? nil : tokens
    }

    private func waitForOtherRefresh(of account: Account) async throws -> Account {
        // The claim's lease is on wall time (see `AccountPool.claimRefresh`), so is this wait.
        let deadline = Date().addingTimeInterval(Defaults.refreshClaimLease)
        while Date() < deadline, try pool.refreshClaimed(account.id) {
            try await Task.sleep(for: .milliseconds(50))
        }
        guard let latest = try pool.latest(account.id) else { throw Unusable.unknownAccount }
        return latest
    }

    private func callTokenEndpoint(_ account: Account, source: EventSource, rejected: Token?) async throws -> TokenSet {
        let current = account.tokens
        let grant: TokenGrant
        do {
            grant = try await tokenClient.refresh(refreshToken: current.refreshToken)
        } catch {
            // The verdict is saved before the claim goes: whoever claims next reads it and sends nothing.
            let unusable = fail(account.id, tokens: current, outcome: error.outcome, source: source, accessRejected: rejected != nil)
            pool.releaseRefresh(account.id, holder: holder)
            throw unusable
        }
        GatewayMetrics.refresh(outcome: "ok")
        clearBackoff(account.id)
        let rotated = TokenSet(
            accessToken: grant.accessToken, refreshToken: grant.refreshToken ?? current.refreshToken,
            idToken: grant.idToken ?? current.idToken, lastRefreshAt: pool.clock.now)
        do {
            return try pool.rotated(account.id, previous: current.fingerprint, to: rotated, source: source, releasing: holder).account.tokens
        } catch {
            // The new tokens work but could not be saved: use them now; the next refresh will tell.
            logger.error("cannot save refreshed tokens", metadata: ["account": "\(account.id)", "error": "\(error)"])
            return rotated
        }
    }

    /// Sends a failed refresh through the catalog and `Lifecycle`, scoped to the refresh token that
    /// was presented; returns what the caller gets. A transient failure leaves the account in rotation
    /// while its access token still serves (not expired, not just rejected with a 401).
    private func fail(_ id: String, tokens: TokenSet, outcome: UpstreamOutcome, source: EventSource, accessRejected: Bool) -> Unusable {
        let now = pool.clock.now
        let failure = FailureCatalog.classify(outcome, from: .token, now: now)
        let accessValid = !accessRejected && tokens.accessUsable(at: now)
        pool.record(.failed(failure, at: .token, source: source, accessTokenValid: accessValid, observedWith: .refreshToken(tokens.fingerprint)), for: id)
        if case .permanent(let code, _) = failure {
            GatewayMetrics.refresh(outcome: "permanent")
            return .deactivated(code: code)
        }
        GatewayMetrics.refresh(outcome: "transient")
        noteTransientFailure(id, reason: "\(failure)", now: now)
        logger.warning("token refresh failed transiently", metadata: ["account": "\(id)", "failure": "\(failure)", "access_valid": "\(accessValid)"])
        return .unavailable(reason: "\(failure)")
    }
}
