import Foundation

/// The one table that turns an upstream outcome into a `Failure`. Every path (request-path
/// refresh, the 401 retry, the usage poller, the auth retrier, the proxy, streams) classifies
/// here, so a permanent code deactivates an account whichever path saw it.
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

    /// Classifies an outcome that its caller could not use. Total: a 2xx handed in here is an
    /// answer the caller could not read, which is transient. `tokenIsFresh` says whether the
    /// access token sent was just refreshed: only then can a 401 be held against the account.
    public static func classify(_ outcome: UpstreamOutcome, from endpoint: UpstreamEndpoint, tokenIsFresh: Bool = false, now: Date) -> Failure {
        switch outcome {
        case .transport(let kind, let detail):
            return .transient(reason: "\(kind.rawValue): \(detail)")
        case .http(let status, let body):
            return classify(status: status, error: UpstreamErrorBody(body), from: endpoint, tokenIsFresh: tokenIsFresh, now: now)
        }
    }

    /// Classifies the error object of a `response.failed` event (the same codes as an HTTP answer;
    /// anything else is a failure of that one response, transient for the account).
    public static func classify(streamError error: JSONValue, now: Date) -> Failure {
        let body = UpstreamErrorBody(streamError: error)
        if let failure = accountVerdict(body, now: now) { return failure }
        return .transient(reason: "response.failed" + (body.code.map { " (\($0))" } ?? ""))
    }

    static func classify(status: Int, error: UpstreamErrorBody, from endpoint: UpstreamEndpoint, tokenIsFresh: Bool, now: Date) -> Failure {
        if (200..<300).contains(status) {
            return .transient(reason: "HTTP \(status) with an answer that could not be read")
        }
        // A server error says nothing about the credential, whatever its body claims.
        if status >= 500 {
            return .transient(reason: "HTTP \(status)")
        }
        let code = error.code
        if endpoint == .token {
            // The auth server's 429 or quota answers are about its own load, never the plan's usage.
            if status == 429 || code.map({ quotaCodes.contains($0) || rateLimitCodes.contains($0) }) == true {
                return .transient(reason: "HTTP \(status)" + (code.map { " (\($0))" } ?? ""))
            }
        } else if status == 401 {
            // A 401 with a token that may be stale asks for one refresh; the refresh decides.
            guard tokenIsFresh else { return .unauthorized }
            if let dead = deadAccount(error) { return dead }
            return .rejectedFreshToken(reason: "HTTP 401 after a fresh token" + (code.map { " (\($0))" } ?? (error.message.map { ": \($0)" } ?? "")))
        }
        if let verdict = accountVerdict(error, now: now) { return verdict }
        if endpoint == .usage, status == 402 || status == 404 {
            let code = status == 402 ? "usage_payment_required" : "usage_not_found"
            return .permanent(code: code, message: error.message ?? "usage endpoint answered HTTP \(status)")
        }
        if status == 429 {
            return endpoint == .responses
                ? .rateLimited(resetsAt: error.resetsAt(now: now))
                : .transient(reason: "HTTP 429")
        }
        // A 4xx from the responses endpoint with a structured error is about the request.
        if endpoint == .responses, error.isJSON, status != 403 {
            return .clientError(status: status, code: code, message: error.message ?? "upstream answered HTTP \(status)")
        }
        // HTML from a WAF, an empty body, a 403 on usage, an unknown code: not evidence of a dead account.
        return .transient(reason: "HTTP \(status)" + (code.map { " (\($0))" } ?? (error.isJSON ? "" : " without a JSON error")))
    }

    /// What an error body says about the account itself: a quota, a usage limit, or death.
    private static func accountVerdict(_ error: UpstreamErrorBody, now: Date) -> Failure? {
        if let code = error.code, quotaCodes.contains(code) { return .quotaExceeded(resetsAt: error.resetsAt(now: now)) }
        if let code = error.code, rateLimitCodes.contains(code) { return .rateLimited(resetsAt: error.resetsAt(now: now)) }
        return deadAccount(error)
    }

    /// A permanent code, or a body saying the account has been deactivated.
    private static func deadAccount(_ error: UpstreamErrorBody) -> Failure? {
        if let code = error.code, permanentCodes.contains(code) {
            return .permanent(code: code, message: error.message ?? "upstream answered \(code)")
        }
        if error.saysAccountDeactivated {
            return .permanent(code: "account_deactivated", message: error.message ?? "the account has been deactivated")
        }
        return nil
    }
}
