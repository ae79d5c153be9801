import Foundation
import Hummingbird

/// `POST /oauth/token`: refresh-token rotation and authorization-code exchange.
extension MockRoutes {
    func token(_ request: Request) async throws -> Response {
        let fields = try await RequestFields.read(request)
        guard fields["client_id"] == configuration.clientID else {
            return .json(401, MockErrorBody.oauthError("invalid_client", description: "Unknown or missing client_id."))
        }
        switch fields["grant_type"] {
        case "refresh_token":
            return try await refresh(fields["refresh_token"] ?? "")
        case "authorization_code":
            return exchange(code: fields["code"] ?? "", redirectURI: fields["redirect_uri"], codeVerifier: fields["code_verifier"])
        default:
            return .json(400, MockErrorBody.oauthError("unsupported_grant_type", description: "grant_type must be refresh_token or authorization_code."))
        }
    }

    private func refresh(_ token: String) async throws -> Response {
        switch state.withLock({ $0.beginRefresh(token) }) {
        case .unknown:
            return .json(400, MockErrorBody.oauthError("invalid_grant", description: "Invalid refresh token."))
        case .used:
            return reusedRefreshToken
        case .current(_, let behaviour):
            switch behaviour {
            case .ok:
                return rotate(token)
            case .slow(let milliseconds):
                try await pause(milliseconds: milliseconds)
                return rotate(token)
            case .hang:
                try await hangUntilStopped()
                return .empty(503)
            case .slowOAuthError(let milliseconds, let error):
                try await pause(milliseconds: milliseconds)
                return .json(400, MockErrorBody.oauthError(error, description: "The refresh token is not valid (\(error))."))
            case .error(let code, let status):
                return .json(status, MockErrorBody.codeError(code))
            case .oauthError(let error, let status):
                return .json(status, MockErrorBody.oauthError(error, description: "The refresh token is not valid (\(error))."))
            case .serverError(let status):
                return .json(status, MockErrorBody.apiError(type: "server_error", code: nil, message: "The server had an error while processing your request."))
            case .htmlForbidden:
                return .html(403, MockErrorBody.cloudflareForbidden)
            case .nonJSON:
                return .html(200, "<html><body>OK</body></html>")
            case .emptyBody(let status):
                return .empty(status)
            }
        }
    }

    /// Rotates `token` if it is still current now; a concurrent refresh that won first makes this one a reuse.
    private func rotate(_ token: String) -> Response {
        switch state.withLock({ $0.completeRefresh(token, now: Date()) }) {
        case .success(let account): tokenAnswer(account)
        case .failure(.used): reusedRefreshToken
        case .failure(.unknown): .json(400, MockErrorBody.oauthError("invalid_grant", description: "Invalid refresh token."))
        }
    }

    /// 401 `refresh_token_reused`: the token was rotated away by an earlier refresh.
    private var reusedRefreshToken: Response { .json(401, MockErrorBody.codeError("refresh_token_reused")) }

    private func exchange(code: String, redirectURI: String?, codeVerifier: String?) -> Response {
        switch state.withLock({ $0.exchangeCode(code, redirectURI: redirectURI, codeVerifier: codeVerifier, now: Date()) }) {
        case .success(let account):
            return tokenAnswer(account)
        case .failure(.unknownCode):
            return .json(400, MockErrorBody.oauthError("invalid_grant", description: "Invalid authorization code."))
        case .failure(.redirectMismatch):
            return .json(400, MockErrorBody.oauthError("invalid_grant", description: "redirect_uri does not match the authorization request."))
        case .failure(.verifierMismatch):
            return .json(400, MockErrorBody.oauthError("invalid_grant", description: "Invalid code_verifier."))
        }
    }

    /// 200 with the account's new tokens, as the auth server answers a refresh or an exchange.
    private func tokenAnswer(_ account: MockAccount) -> Response {
        .json(200, JSONText.encode(TokenAnswer(
            accessToken: account.accessToken, refreshToken: account.refreshToken, idToken: account.idToken,
            expiresIn: max(0, Int(account.accessTokenLifetime)))))
    }

    private struct TokenAnswer: Encodable {
        let accessToken: String
        let refreshToken: String
        let idToken: String
        let expiresIn: Int
        var tokenType = "Bearer"
        var scope = "openid profile email offline_access"
    }
}
