import Foundation

/// Which upstream endpoint produced an outcome; the catalog's rules differ slightly per endpoint.
public enum UpstreamEndpoint: String, Sendable, CaseIterable {
    case token, usage, responses, models
}

/// Why a transfer failed below HTTP. Every kind is transient for the catalog.
public enum TransportFailureKind: String, Sendable, CaseIterable {
    case dns, connectionRefused = "connection_refused", tls, timeout, truncated, cancelled, other
}

/// What came back from one upstream call, before anyone interpreted it.
public enum UpstreamOutcome: Sendable, Equatable {
    case http(status: Int, body: Data)
    case transport(TransportFailureKind, detail: String)
}

/// The meaning of an upstream outcome. `FailureCatalog.classify` is the only producer.
public enum Failure: Error, Sendable, Equatable {
    /// The credential or account is dead; only a re-login fixes it.
    case permanent(code: String, message: String)
    /// Try again later; never a reason to deactivate.
    case transient(reason: String)
    /// Too many requests for now; selectable again at `resetsAt` (nil: unknown).
    case rateLimited(resetsAt: Date?)
    /// The plan's quota is used up until `resetsAt` (nil: unknown).
    case quotaExceeded(resetsAt: Date?)
    /// 401 on a bearer endpoint with a token that may be stale: refresh once and retry once.
    case unauthorized
    /// 401 that survived a fresh token without a permanent code: cool down, never refresh per request.
    case rejectedFreshToken(reason: String)
    /// The client's request is wrong; pass it through, it says nothing about the account.
    case clientError(status: Int, code: String?, message: String)
}

extension Failure {
    /// A short label for metrics and logs.
    public var label: String {
        switch self {
        case .permanent: "permanent"
        case .transient: "transient"
        case .rateLimited: "rate_limited"
        case .quotaExceeded: "quota_exceeded"
        case .unauthorized: "unauthorized"
        case .rejectedFreshToken: "rejected_fresh_token"
        case .clientError: "client_error"
        }
    }

    /// When the account can serve again, for a usage limit or an exhausted quota.
    public var resetsAt: Date? {
        switch self {
        case .rateLimited(let at), .quotaExceeded(let at): at
        case .permanent, .transient, .unauthorized, .rejectedFreshToken, .clientError: nil
        }
    }

    /// A usage limit or an exhausted quota: another account may still serve the request.
    public var isUsageLimit: Bool {
        switch self {
        case .rateLimited, .quotaExceeded: true
        case .permanent, .transient, .unauthorized, .rejectedFreshToken, .clientError: false
        }
    }
}
