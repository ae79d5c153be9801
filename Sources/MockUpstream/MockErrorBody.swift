import Foundation

/// The error bodies the real backend and auth server send, in their several shapes.
enum MockErrorBody {
    /// `{"error":{"code":C,"message":M}}`: the auth server's structured refresh error.
    static func codeError(_ code: String) -> String {
        JSONText.encode(Wrapped(error: CodeError(code: code, message: refreshMessage(code))))
    }

    /// `{"error":E,"error_description":D}`: the plain OAuth shape.
    static func oauthError(_ error: String, description: String) -> String {
        JSONText.encode(OAuthError(error: error, errorDescription: description))
    }

    /// `{"error":{"type","code","message","param":null}}`: the backend's API error; a usage limit also
    /// carries the plan and when it resets.
    static func apiError(
        type: String, code: String?, message: String, planType: String? = nil, resetsAt: Int? = nil, resetsInSeconds: Int? = nil
    ) -> String {
        JSONText.encode(Wrapped(error: APIError(
            type: type, code: code, message: message, planType: planType, resetsAt: resetsAt, resetsInSeconds: resetsInSeconds)))
    }

    /// `{"detail": M}`: what the backend answers to a request it will not take.
    static func detail(_ message: String) -> String {
        JSONText.encode(Detail(detail: message))
    }

    /// `{"detail":{"code": C}}`: the usage endpoint's answer for a deactivated workspace.
    static func detailCode(_ code: String) -> String {
        JSONText.encode(Detail(detail: ["code": code]))
    }

    private struct Wrapped<Error: Encodable>: Encodable {
        let error: Error
    }

    private struct CodeError: Encodable {
        let code: String
        let message: String
    }

    private struct OAuthError: Encodable {
        let error: String
        let errorDescription: String
    }

    private struct APIError: Encodable {
        let type: String
        @Nullable var code: String?
        let message: String
        @Nullable var param: String? = nil
        var planType: String?
        var resetsAt: Int?
        var resetsInSeconds: Int?
    }

    private struct Detail<Value: Encodable>: Encodable {
        let detail: Value
    }

    /// 401 for an access token past its expiry.
    static let expiredAccessToken = apiError(
        type: "invalid_request_error", code: "token_expired",
        message: "Provided authentication token is expired. Please try signing in again."
    )

    /// 401 for an access token that was rotated away or never issued.
    static let invalidatedAccessToken = apiError(
        type: "invalid_request_error", code: "token_invalidated",
        message: "Your authentication token has been invalidated. Please try signing in again."
    )

    /// The body that says the account has been deactivated.
    static let deactivatedAccount = apiError(
        type: "invalid_request_error", code: "account_deactivated",
        message: "Your OpenAI account has been deactivated, please check your email for more information."
    )

    /// What the auth server says for each refresh error code it sends.
    static func refreshMessage(_ code: String) -> String {
        switch code {
        case "refresh_token_expired": "Your refresh token has expired. Please try signing in again."
        case "refresh_token_reused": "Your refresh token has already been used to generate a new access token. Please try signing in again."
        case "refresh_token_invalidated": "Your refresh token was revoked. Please try signing in again."
        default: "Could not refresh your token (\(code)). Please try signing in again."
        }
    }

    /// A Cloudflare challenge page, as a WAF in front of the real hosts answers.
    static let cloudflareForbidden = """
        <!DOCTYPE html>
        <html lang="en-US"><head><title>Just a moment...</title>
        <meta http-equiv="Content-Type" content="text/html; charset=UTF-8"></head>
        <body><div class="main-wrapper" role="main"><div class="main-content">
        <h1>Sorry, you have been blocked</h1>
        <p>This website is using a security service to protect itself from online attacks.</p>
        <p>Cloudflare Ray ID: <strong>8f2c1a0b9d3e4f56</strong></p>
        </div></div></body></html>
        """
}
