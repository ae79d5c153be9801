import Foundation

/// The one table that turns an upstream outcome into a `Failure`. Every path (request-path
/// refresh, the 401 retry, the usage poller, the auth retrier, the proxy) classifies here, so a
/// permanent code deactivates an account whichever path saw it.
public enum FailureCatalog {
    /// Codes that mean the credential or account is dead; only a re-login fixes them.
    public static let permanentCodes: Set<String> = [
        "refresh_token_expired", "refresh_token_reused", "refresh_token_invalidated",
        "invalid_refresh_token", "invalid_grant", "token_expired", "token_invalidated",
        "token_revoked", "app_session_expired", "app_session_terminated",
        "account_session_expired", "account_auth_invalidated", "account_deactivated",
        "account_suspended", "account_deleted",
    ]
    /// Codes that mean "too many requests right now".
    public static let rateLimitCodes: Set<String> = ["usage_limit_reached", "rate_limit_exceeded"]
    /// Codes that mean the plan's quota is gone until its reset.
    public static let quotaCodes: Set<String> = ["insufficient_quota", "usage_not_included", "quota_exceeded"]

    /// Code given when the auth retrier gives up after the ceiling.
    public static let retryExhaustedCode = "auth_retry_exhausted"

    /// Classifies a non-success outcome; returns nil when the outcome is a usable success.
    public static func classify(_ outcome: UpstreamOutcome, from endpoint: UpstreamEndpoint, now: Date) -> Failure? {
        switch outcome {
        case .transport(let kind, let detail):
            return .transient(reason: "\(kind.rawValue): \(detail)")
        case .http(let status, let body):
            return classify(status: status, body: body, from: endpoint, now: now)
        }
    }

    static func classify(status: Int, body: Data, from endpoint: UpstreamEndpoint, now: Date) -> Failure? {
        let error = UpstreamErrorBody(body)
        if (200..<300).contains(status) {
            // The token, usage and models endpoints answer JSON; anything else came from a proxy.
            if endpoint == .responses || error.isJSON { return nil }
            return .transient(reason: "HTTP \(status) with a non-JSON body")
        }
        // A server error says nothing about the credential, whatever its body claims.
        if status >= 500 {
            return .transient(reason: "HTTP \(status)")
        }
        let code = error.code
        if let code, quotaCodes.contains(code) {
            return .quotaExceeded(resetsAt: error.resetsAt(now: now))
        }
        if let code, rateLimitCodes.contains(code) {
            return .rateLimited(resetsAt: error.resetsAt(now: now))
        }
        if status == 401, endpoint != .token {
            return .unauthorized
        }
        if let code, permanentCodes.contains(code) {
            return .permanent(code: code, message: error.message ?? "HTTP \(status)")
        }
        if error.saysAccountDeactivated {
            return .permanent(code: "account_deactivated", message: error.message ?? "the account has been deactivated")
        }
        if endpoint == .usage, status == 402 || status == 404 {
            let code = status == 402 ? "usage_payment_required" : "usage_not_found"
            return .permanent(code: code, message: error.message ?? "usage endpoint answered HTTP \(status)")
        }
        if status == 429 {
            return endpoint == .responses
                ? .rateLimited(resetsAt: error.resetsAt(now: now))
                : .transient(reason: "HTTP 429")
        }
        // A 4xx from the responses or models endpoint with a structured error is about the request.
        if endpoint == .responses || endpoint == .models, error.isJSON, status != 403 {
            return .clientError(status: status, code: code, message: error.message ?? "upstream answered HTTP \(status)")
        }
        // HTML from a WAF, an empty body, a 403 on usage, an unknown code: not evidence of a dead account.
        return .transient(reason: "HTTP \(status)" + (code.map { " (\($0))" } ?? (error.isJSON ? "" : " without a JSON error")))
    }
}
