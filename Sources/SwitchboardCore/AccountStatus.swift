import Foundation

/// Where an account stands. Only `Lifecycle` decides a change; only `.active` is selectable.
public enum AccountStatus: Sendable, Equatable {
    case active
    /// Out of rotation until `resetsAt`, then active again without anyone acting.
    case rateLimited(resetsAt: Date)
    /// The refresh failed transiently and the access token is no longer usable; retried on a cadence.
    case authRetrying(since: Date, nextAt: Date, lastError: String)
    /// The upstream rejected a freshly refreshed token without saying the account is dead: out of
    /// rotation until `until` (no refresh per request), then active again.
    case cooling(until: Date, reason: String)
    /// Taken out by the operator.
    case paused
    /// Dead credential: `credentialFingerprint` names the refresh token that must never be sent again.
    case deactivated(code: String, reason: String, credentialFingerprint: String)

    /// The lower-case name used in the database, the CLI and JSON output.
    public var name: Name {
        switch self {
        case .active: .active
        case .rateLimited: .rateLimited
        case .authRetrying: .authRetrying
        case .cooling: .cooling
        case .paused: .paused
        case .deactivated: .deactivated
        }
    }

    public enum Name: String, Sendable, CaseIterable, Codable {
        case active
        case rateLimited = "rate_limited"
        case authRetrying = "auth_retrying"
        case cooling
        case paused
        case deactivated
    }

    public var isSelectable: Bool { self == .active }

    /// What the status says about why (the deactivation code, the last refresh error, the cooldown reason).
    public var detail: String? {
        switch self {
        case .deactivated(let code, _, _): code
        case .authRetrying(_, _, let lastError): lastError
        case .cooling(_, let reason): reason
        case .active, .rateLimited, .paused: nil
        }
    }

    /// The moment the status expects to change by itself or be retried (reset, cooldown end, next retry).
    public var until: Date? {
        switch self {
        case .rateLimited(let resetsAt): resetsAt
        case .authRetrying(_, let nextAt, _): nextAt
        case .cooling(let until, _): until
        case .active, .paused, .deactivated: nil
        }
    }
}
