import Foundation

/// The error bodies the real backend and auth server send, in their several shapes.
enum MockErrorBody {
    /// `{"error":{"code":C,"message":M}}`: the auth server's structured refresh error.
    static func codeError(_ code: String) -> String {
        JSONText.serialize(["error": ["code": code, "message": refreshMessage(code)]])
    }

    /// `{"error":E,"error_description":D}`: the plain OAuth shape.
    static func oauthError(_ error: String, description: String) -> String {
        JSONText.serialize(["error": error, "error_description": description])
    }

    /// `{"error":{"type","code","message","param":null, extra...}}`: the backend's API error.
    static func apiError(type: String, code: String?, message: String, extra: [String: Any] = [:]) -> String {
        var error: [String: Any] = ["type": type, "code": code ?? NSNull(), "message": message, "param": NSNull()]
        error.merge(extra) { _, new in new }
        return JSONText.serialize(["error": error])
    }

    /// `{"detail": M}`: what the backend answers to a request it will not take.
    static func detail(_ message: String) -> String {
        JSONText.serialize(["detail": message])
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
