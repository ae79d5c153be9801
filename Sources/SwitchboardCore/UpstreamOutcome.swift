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
    /// 401 on a bearer endpoint: refresh once and retry once; the refresh decides.
    case unauthorized
    /// The client's request is wrong; pass it through, it says nothing about the account.
    case clientError(status: Int, code: String?, message: String)
}
