import Foundation

/// Which path observed a failure or success. Recorded as the audit cause.
public enum EventSource: String, Sendable, Codable, CaseIterable {
    case refresh, usage, responses, authRetry = "auth_retry", cli, clock
}

/// Something that happened to an account and may change its status.
public enum LifecycleEvent: Sendable, Equatable {
    /// A call to `endpoint` failed, seen by the `source` path; `accessTokenValid` says whether the
    /// current access token can still be used.
    case failed(Failure, at: UpstreamEndpoint, source: EventSource, accessTokenValid: Bool)
    /// A token refresh succeeded.
    case refreshed(source: EventSource)
    /// Time passed a rate-limit reset.
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

    public init(authRetryInterval: TimeInterval = Defaults.authRetryInterval, authRetryCeiling: TimeInterval = Defaults.authRetryCeiling, fallbackRateLimit: TimeInterval = 60) {
        self.authRetryInterval = authRetryInterval
        self.authRetryCeiling = authRetryCeiling
        self.fallbackRateLimit = fallbackRateLimit
    }
}

/// A decided status change, written with its cause to the audit log in the same transaction.
public struct Transition: Sendable, Equatable {
    public var from: AccountStatus
    public var to: AccountStatus
    public var cause: EventSource
    public var code: String?
    public var detail: String

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
    /// An operator request that the rules do not allow, with the reason to show.
    case refused(String)
}

/// The only code that decides an account's status. Pure: the caller persists the decision.
public enum Lifecycle {
    public static func apply(_ event: LifecycleEvent, to account: Account, now: Date, policy: LifecyclePolicy = LifecyclePolicy()) -> LifecycleDecision {
        let status = account.status
        func change(_ to: AccountStatus, _ cause: EventSource, code: String? = nil, _ detail: String) -> LifecycleDecision {
            to == status ? .unchanged : .change(Transition(from: status, to: to, cause: cause, code: code, detail: detail))
        }
        switch event {
        case .failed(let failure, let endpoint, let source, let accessTokenValid):
            return failed(failure, at: endpoint, source: source, accessTokenValid: accessTokenValid, account: account, now: now, policy: policy, change: change)

        case .refreshed(let source):
            guard case .authRetrying = status else { return .unchanged }
            return change(.active, source, "token refresh succeeded")

        case .resetPassed:
            guard case .rateLimited(let resetsAt) = status, now >= resetsAt else { return .unchanged }
            return change(.active, .clock, "rate limit reset passed")

        case .paused:
            switch status {
            case .paused: return .refused("account \(account.id) is already paused")
            case .deactivated(let code, _, _):
                return .refused("account \(account.id) is deactivated (\(code)); it is out of rotation already. Log in again, then `switchboard accounts reactivate \(account.id)`")
            case .active, .rateLimited, .authRetrying: return change(.paused, .cli, "paused by the operator")
            }

        case .resumed:
            guard status == .paused else { return .refused("account \(account.id) is \(status.name.rawValue), not paused") }
            return change(.active, .cli, "resumed by the operator")

        case .reactivated(let force):
            switch status {
            case .active, .paused:
                return .refused("account \(account.id) is \(status.name.rawValue); only deactivated, auth_retrying or rate_limited accounts can be reactivated")
            case .rateLimited, .authRetrying:
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
        change: (AccountStatus, EventSource, String?, String) -> LifecycleDecision
    ) -> LifecycleDecision {
        let status = account.status
        if case .deactivated = status { return .unchanged }  // one episode: nothing more to decide
        switch failure {
        case .permanent(let code, let message):
            return change(.deactivated(code: code, reason: message, credentialFingerprint: account.tokens.fingerprint.hex), source, code, message)

        case .rateLimited(let resetsAt), .quotaExceeded(let resetsAt):
            let until = resetsAt ?? account.usage?.exhaustedUntil.flatMap { $0 > now ? $0 : nil } ?? now.addingTimeInterval(policy.fallbackRateLimit)
            switch status {
            case .active: break
            case .rateLimited(let current) where until > current: break
            case .rateLimited, .paused, .authRetrying, .deactivated: return .unchanged
            }
            let code = if case .quotaExceeded = failure { "quota_exceeded" } else { "rate_limited" }
            return change(.rateLimited(resetsAt: until), source, code, "limited until \(ISO8601DateFormatter().string(from: until))")

        case .transient(let reason):
            // Only a failed refresh can take an account out (whichever path asked for it):
            // transient answers from the usage or responses endpoints never do.
            guard endpoint == .token else { return .unchanged }
            if accessTokenValid, status == .active { return .unchanged }
            switch status {
            case .authRetrying(let since, _, _):
                if now.timeIntervalSince(since) >= policy.authRetryCeiling {
                    let message = "refresh kept failing transiently for \(Int(policy.authRetryCeiling)) s (last: \(reason))"
                    return change(.deactivated(code: FailureCatalog.retryExhaustedCode, reason: message, credentialFingerprint: account.tokens.fingerprint.hex), source, FailureCatalog.retryExhaustedCode, message)
                }
                return change(.authRetrying(since: since, nextAt: now.addingTimeInterval(policy.authRetryInterval), lastError: reason), source, "transient", reason)
            case .active, .rateLimited:
                return change(.authRetrying(since: now, nextAt: now.addingTimeInterval(policy.authRetryInterval), lastError: reason), source, "transient", reason)
            case .paused, .deactivated:
                return .unchanged
            }

        case .unauthorized, .clientError:
            return .unchanged
        }
    }
}
