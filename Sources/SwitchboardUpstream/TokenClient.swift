import Foundation
import SwitchboardCore

/// The OAuth server: token refresh, the authorization-code exchange and device-code login.
/// Failures come back unclassified (`UpstreamCallError.outcome`) for the failure catalog.
public struct TokenClient: Sendable {
    public let authBaseURL: String
    public let clientID: String
    private let transport: any HTTPTransport
    private let timeout: Duration
    private let maxBodyBytes = 1024 * 1024

    public init(
        transport: any HTTPTransport,
        authBaseURL: String = UpstreamDefaults.authBaseURL,
        clientID: String = UpstreamDefaults.oauthClientID,
        timeout: Duration = .seconds(30)
    ) {
        self.transport = transport
        self.authBaseURL = authBaseURL
        self.clientID = clientID
        self.timeout = timeout
    }

    /// Where the person types the device code.
    public var deviceVerificationURL: String { UpstreamCall.url(authBaseURL, "/codex/device") }

    /// The redirect URI that a device-code authorization is exchanged with.
    public var deviceRedirectURI: String { UpstreamCall.url(authBaseURL, "/deviceauth/callback") }

    /// Trades a (single-use) refresh token for new tokens. A 2xx without an `access_token`
    /// object is thrown as `.http(status, body)`.
    public func refresh(refreshToken: String) async throws(UpstreamCallError) -> TokenGrant {
        let body = UpstreamCall.jsonBody([
            "grant_type": "refresh_token",
            "client_id": .string(clientID),
            "refresh_token": .string(refreshToken),
            "scope": .string(UpstreamDefaults.refreshScope),
        ])
        return try await grant(for: post("/oauth/token", body: body, contentType: "application/json"))
    }

    /// Exchanges an authorization code (browser PKCE or device code) for tokens.
    public func exchangeAuthorizationCode(code: String, codeVerifier: String, redirectURI: String) async throws(UpstreamCallError) -> TokenGrant {
        let form = FormEncoding.encode([
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirectURI),
            ("client_id", clientID),
            ("code_verifier", codeVerifier),
        ])
        return try await grant(for: post("/oauth/token", body: Array(form.utf8), contentType: "application/x-www-form-urlencoded"))
    }

    /// Starts a device-code login.
    public func startDeviceCode() async throws(UpstreamCallError) -> DeviceCode {
        let request = post("/api/accounts/deviceauth/usercode", body: UpstreamCall.jsonBody(["client_id": .string(clientID)]), contentType: "application/json")
        let (status, body) = try await UpstreamCall.success(request, on: transport, maxBodyBytes: maxBodyBytes)
        let json = try UpstreamCall.jsonObject(status: status, body: body)
        guard let deviceAuthID = json["device_auth_id"]?.nonEmptyString, let userCode = (json["user_code"] ?? json["usercode"])?.nonEmptyString else {
            throw UpstreamCallError(.http(status: status, body: body))
        }
        return DeviceCode(deviceAuthID: deviceAuthID, userCode: userCode, interval: json["interval"]?.lenientInt ?? 5, expiresIn: json["expires_in"]?.lenientInt)
    }

    /// Asks whether the person has entered the code yet.
    public func pollDeviceCode(deviceAuthID: String, userCode: String) async throws(UpstreamCallError) -> DeviceCodePoll {
        let body = UpstreamCall.jsonBody(["device_auth_id": .string(deviceAuthID), "user_code": .string(userCode)])
        let outcome = await transport.outcome(of: post("/api/accounts/deviceauth/token", body: body, contentType: "application/json"), maxBodyBytes: maxBodyBytes)
        guard case .http(let status, let responseBody) = outcome else { throw UpstreamCallError(outcome) }
        if status == 403 || status == 404 { return .pending }
        guard (200..<300).contains(status) else { throw UpstreamCallError(outcome) }
        let json = try UpstreamCall.jsonObject(status: status, body: responseBody)
        guard let code = json["authorization_code"]?.nonEmptyString, let verifier = json["code_verifier"]?.nonEmptyString else {
            throw UpstreamCallError(outcome)
        }
        return .authorized(authorizationCode: code, codeVerifier: verifier)
    }

    private func post(_ path: String, body: [UInt8], contentType: String) -> UpstreamRequest {
        UpstreamRequest(
            method: "POST", url: UpstreamCall.url(authBaseURL, path),
            headers: [HTTPHeader("Content-Type", contentType), HTTPHeader("Accept", "application/json")],
            body: body, timeouts: .total(timeout))
    }

    private func grant(for request: UpstreamRequest) async throws(UpstreamCallError) -> TokenGrant {
        let (status, body) = try await UpstreamCall.success(request, on: transport, maxBodyBytes: maxBodyBytes)
        let json = try UpstreamCall.jsonObject(status: status, body: body)
        guard let accessToken = json["access_token"]?.nonEmptyString else { throw UpstreamCallError(.http(status: status, body: body)) }
        return TokenGrant(
            accessToken: accessToken,
            refreshToken: json["refresh_token"]?.nonEmptyString,
            idToken: json["id_token"]?.nonEmptyString,
            expiresIn: json["expires_in"]?.lenientInt)
    }
}
