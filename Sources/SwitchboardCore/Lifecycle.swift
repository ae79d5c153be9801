import Foundation

/// Which path observed a failure or success. Recorded as the audit cause.
public enum EventSource: String, Sendable, Codable, CaseIterable {
    case refresh, usage, responses, authRetry = "auth_retry", cli, clock
}

/// Something that happened to an account and may change its status.
public enum LifecycleEvent: Sendable, Equatable {
    /// A call to `endpoint` failed, seen by the `source` path with `credential`; `accessTokenValid`
    /// says whether the access token can still be used. It counts only while the account holds `credential`.
    case failed(Failure, at: UpstreamEndpoint, source: EventSource, accessTokenValid: Bool, observedWith: ObservedCredential)
    /// A token refresh succeeded.
    case refreshed(source: EventSource)
    /// Time passed the moment a rate limit or a cooldown ends.
    case resetPassed
    case paused
    case resumed
    /// The operator asks to put the account back; `force` accepts credentials that were deactivated.
    case reactivated(force: Bool)
}

/// Timings the lifecycle rules need; the defaults are the documented ones.
public struct LifecyclePolicy: Sendable, Equatable {
    public var authRetryInterval: TimeInterval
    public var authRetryCeiling: TimeInterval
    /// How long a rate limit lasts when neither the answer nor the usage window says.
    public var fallbackRateLimit: TimeInterval
    /// The first cooldown after a 401 that survived a fresh token; each next one doubles, up to `maxCooldown`.
    public var cooldown: TimeInterval
    public var maxCooldown: TimeInterval
    /// Retry times and cooldowns are spread by ± this fraction, so accounts that failed together do not retry together.
    public var jitter: Double

    public init(
        authRetryInterval: TimeInterval = Defaults.authRetryInterval, authRetryCeiling: TimeInterval = Defaults.authRetryCeiling,
        fallbackRateLimit: TimeInterval = Defaults.fallbackRateLimit, cooldown: TimeInterval = Defaults.cooldown,
        maxCooldown: TimeInterval = Defaults.maxCooldown, jitter: Double = Defaults.retryJitter
    ) {
        self.authRetryInterval = authRetryInterval
        self.authRetryCeiling = authRetryCeiling
        self.fallbackRateLimit = fallbackRateLimit
        self.cooldown = cooldown
        self.maxCooldown = maxCooldown
        self.jitter = jitter
    }

    /// `interval` spread by `draw` (in -1...1) times the jitter fraction.
    func spread(_ interval: TimeInterval, _ draw: Double) -> TimeInterval {
        interval * (1 + jitter * max(-1, min(1, draw)))
    }
}

/// A decided status change, written with its cause to the audit log in the same transaction.
public struct Transition: Sendable, Equatable {
    public var from: AccountStatus
    public var to: AccountStatus
    public var cause: EventSource
    public var code: String?
    public var detail: String
    /// For a move into `cooling`: the cooldown's unspread length, which the next cooldown doubles.
    public var cooldown: TimeInterval?

    /// A transition into `deactivated` is the one thing that alerts the operator (once per episode).
    public var isDeactivation: Bool {
        if case .deactivated = to, from.name != .deactivated { return true }
        return false
    }
}

/// What `Lifecycle.apply` decided.
public enum LifecycleDecision: Sendable, Equatable {
    case unchanged
    case change(Transition)
    /// The verdict was observed with credentials the account no longer holds: nothing changes
    /// (the store notes it in the audit log).
    case ignoredStale(observed: ObservedCredential, current: ObservedCredential)
    /// An operator request that the rules do not allow, with the reason to show.
    case refused(String)
}

/// The only code that decides an account's status. Pure: the caller persists the decision.
public enum Lifecycle {
    /// `draw` (in -1...1) spreads the retry time or cooldown a decision sets; callers pass a random one.
    public static func apply(_ event: LifecycleEvent, to account: Account, now: Date, policy: LifecyclePolicy = LifecyclePolicy(), draw: Double = 0) -> LifecycleDecision {
        let status = account.status
        func change(_ to: AccountStatus, _ cause: EventSource, code: String? = nil, _ detail: String) -> LifecycleDecision {
            to == status ? .unchanged : .change(Transition(from: status, to: to, cause: cause, code: code, detail: detail))
        }
        switch event {
        case .failed(let failure, let endpoint, let source, let accessTokenValid, let credential):
            if case .deactivated = status { return .unchanged }  // one episode: nothing more to decide
            guard account.tokens.holds(credential) else {
                let current: ObservedCredential = switch credential {
                case .refreshToken: .refreshToken(account.tokens.fingerprint)
                case .accessToken: .accessToken(account.tokens.accessFingerprint)
                }
                return .ignoredStale(observed: credential, current: current)
            }
            return failed(failure, at: endpoint, source: source, accessTokenValid: accessTokenValid, account: account, now: now, policy: policy, draw: draw, change: change)

        case .refreshed(let source):
            guard case .authRetrying = status else { return .unchanged }
            return change(.active, source, "token refresh succeeded")

        case .resetPassed:
            switch status {
            case .rateLimited(let resetsAt) where now >= resetsAt: return change(.active, .clock, "rate limit reset passed")
            case .cooling(let until, _) where now >= until: return change(.active, .clock, "cooldown ended")
            default: return .unchanged
            }

        case .paused:
            switch status {
            case .paused: return .refused("account \(account.id) is already paused")
            case .deactivated(let code, _, _):
                return .refused("account \(account.id) is deactivated (\(code)); it is out of rotation already. Log in again, then `switchboard accounts reactivate \(account.id)`")
            case .active, .rateLimited, .authRetrying, .cooling: return change(.paused, .cli, "paused by the operator")
            }

        case .resumed:
            guard status == .paused else { return .refused("account \(account.id) is \(status.name.rawValue), not paused") }
            return change(.active, .cli, "resumed by the operator")

        case .reactivated(let force):
            switch status {
            case .active, .paused:
                return .refused("account \(account.id) is \(status.name.rawValue); only deactivated, auth_retrying, cooling or rate_limited accounts can be reactivated")
            case .rateLimited, .authRetrying, .cooling:
                return change(.active, .cli, "reactivated by the operator")
            case .deactivated(let code, _, let poisoned):
                if poisoned == account.tokens.fingerprint.hex, !force {
                    return .refused("account \(account.id) was deactivated (\(code)) with these same credentials (fingerprint \(CredentialFingerprint(hex: poisoned).short)). Log in again and import the new auth.json (`switchboard accounts import FILE`), then reactivate; or pass --force to retry the old credentials")
                }
                return change(.active, .cli, force && poisoned == account.tokens.fingerprint.hex ? "reactivated by the operator (forced, same credentials)" : "reactivated by the operator with new credentials")
            }
        }
    }

    private static func failed(
        _ failure: Failure, at endpoint: UpstreamEndpoint, source: EventSource, accessTokenValid: Bool, account: Account, now: Date, policy: LifecyclePolicy,
        draw: Double, change: (AccountStatus, EventSource, String?, String) -> LifecycleDecision
    ) -> LifecycleDecision {
        let status = account.status
        switch failure {
        case .permanent(let code, let message):
            return change(.deactivated(code: code, reason: message, credentialFingerprint: account.tokens.fingerprint.hex), source, code, message)

        case .rateLimited(let resetsAt), .quotaExceeded(let resetsAt):
            let until = resetsAt ?? account.usage?.exhaustedUntil.flatMap { $0 > now ? $0 : nil } ?? now.addingTimeInterval(policy.fallbackRateLimit)
            switch status {
            case .active, .cooling: break
            case .rateLimited(let current) where until > current: break
            case .rateLimited, .paused, .authRetrying, .deactivated: return .unchanged
            }
            let code = if case .quotaExceeded = failure { "quota_exceeded" } else { "rate_limited" }
            return change(.rateLimited(resetsAt: until), source, code, "limited until \(Timestamp.string(until))")

        case .transient(let reason):
            // Only a failed refresh can take an account out (whichever path asked for it):
            // transient answers from the usage or responses endpoints never do.
            guard endpoint == .token else { return .unchanged }
            // The access token still serves (a rate limit or cooldown ends on its own): retried later.
            if accessTokenValid, [.active, .rateLimited, .cooling].contains(status.name) { return .unchanged }
            let retryAt = now.addingTimeInterval(policy.spread(policy.authRetryInterval, draw))
            switch status {
            case .authRetrying(let since, _, _):
                if now.timeIntervalSince(since) >= policy.authRetryCeiling {
                    let message = "refresh kept failing transiently for \(Int(policy.authRetryCeiling)) s (last: \(reason))"
                    return change(.deactivated(code: FailureCatalog.retryExhaustedCode, reason: message, credentialFingerprint: account.tokens.fingerprint.hex), source, FailureCatalog.retryExhaustedCode, message)
                }
                return change(.authRetrying(since: since, nextAt: retryAt, lastError: reason), source, "transient", reason)
            case .active, .rateLimited, .cooling:
                return change(.authRetrying(since: now, nextAt: retryAt, lastError: reason), source, "transient", reason)
            case .paused, .deactivated:
                return .unchanged
            }

        case .rejectedFreshToken(let reason):
            guard status == .active else { return .unchanged }
            let length = account.lastCooldown.map { min($0 * 2, policy.maxCooldown) } ?? policy.cooldown
            let until = now.addingTimeInterval(policy.spread(length, draw))
            guard case .change(var transition) = change(.cooling(until: until, reason: reason), source, "cooling", "\(reason); out of rotation for \(Int(length)) s") else { return .unchanged }
            transition.cooldown = length
            return .change(transition)

        case .unauthorized, .clientError:
            return .unchanged
        }
    }
}
