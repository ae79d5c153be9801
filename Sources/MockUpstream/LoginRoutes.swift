import Foundation
import Hummingbird

/// The login endpoints: device code (`/api/accounts/deviceauth/...`) and browser PKCE (`/oauth/authorize`).
/// Every login is approved at once unless a `MockLoginPlan` says to stay pending or expire.
extension MockRoutes {
    /// `POST /api/accounts/deviceauth/usercode` `{"client_id"}`.
    func deviceUserCode(_ request: Request) async throws -> Response {
        let fields = try await RequestFields.read(request)
        guard fields["client_id"] == configuration.clientID else {
            return .json(400, MockErrorBody.codeError("invalid_client"))
        }
        let started = state.withLock { state -> Result<(deviceAuthID: String, userCode: String), MockUpstreamError> in
            state.loginCounters.deviceCodeCalls += 1
            do throws(MockUpstreamError) { return .success(try state.startDeviceLogin(now: Date())) } catch { return .failure(error) }
        }
        switch started {
        case .success(let device):
            // The real server sends the interval as a string.
            return .json(200, JSONText.encode(DeviceCode(
                deviceAuthID: device.deviceAuthID, userCode: device.userCode,
                interval: String(configuration.deviceCodeInterval), expiresIn: configuration.deviceCodeLifetime)))
        case .failure(let error):
            return .json(400, MockErrorBody.apiError(type: "invalid_request_error", code: "unknown_account", message: error.description))
        }
    }

    /// `POST /api/accounts/deviceauth/token` `{"device_auth_id","user_code"}`: 403 while pending.
    func deviceToken(_ request: Request) async throws -> Response {
        let fields = try await RequestFields.read(request)
        let poll = state.withLock { $0.pollDevice(fields["device_auth_id"] ?? "", userCode: fields["user_code"], now: Date()) }
        switch poll {
        case .pending:
            return .json(403, MockErrorBody.apiError(type: "invalid_request_error", code: "deviceauth_authorization_pending", message: "The user has not approved this device yet."))
        case .expired:
            return .json(410, MockErrorBody.apiError(type: "invalid_request_error", code: "deviceauth_expired", message: "This device code has expired."))
        case .unknown:
            return .json(400, MockErrorBody.apiError(type: "invalid_request_error", code: "deviceauth_unknown", message: "Unknown device_auth_id or user_code."))
        case .approved(let code, let verifier):
            return .json(200, JSONText.encode(ApprovedDevice(authorizationCode: code, codeVerifier: verifier, codeChallenge: verifier)))
        }
    }

    /// `GET /oauth/authorize?...`: approves at once and redirects to `redirect_uri` with `code` and `state`.
    /// A `login_hint` (email, account id or user id) picks the account.
    func authorize(_ request: Request) -> Response {
        let query = request.uri.queryParameters
        guard query.get("response_type") == "code", query.get("client_id") == configuration.clientID,
            let redirectURI = query.get("redirect_uri"), let stateValue = query.get("state"),
            query.get("code_challenge") != nil
        else {
            return .html(400, "<html><body>Invalid authorization request.</body></html>")
        }
        let issued = state.withLock { state -> Result<String, MockUpstreamError> in
            state.loginCounters.authorizeCalls += 1
            do throws(MockUpstreamError) {
                let (index, _) = try state.accountForLogin(hint: query.get("login_hint"), now: Date())
                return .success(state.issueAuthorizationCode(index, redirectURI: redirectURI, codeVerifier: nil))
            } catch {
                return .failure(error)
            }
        }
        switch issued {
        case .success(let code):
            var components = URLComponents(string: redirectURI) ?? URLComponents()
            components.queryItems = (components.queryItems ?? []) + [URLQueryItem(name: "code", value: code), URLQueryItem(name: "state", value: stateValue)]
            return .redirect(to: components.string ?? redirectURI, type: .found)
        case .failure(let error):
            return .html(400, "<html><body>\(error.description)</body></html>")
        }
    }

    /// `GET /codex/device`: the page where a person would type the user code.
    func devicePage(_ request: Request) -> Response {
        .html(200, "<html><body><h1>Enter your one-time code</h1><p>The mock upstream approves device codes by itself.</p></body></html>")
    }
}

/// The answer to `POST /api/accounts/deviceauth/usercode`.
private struct DeviceCode: Encodable {
    let deviceAuthID: String
    let userCode: String
    let interval: String
    let expiresIn: Int
}

/// The answer to a device-token poll once the code is approved.
private struct ApprovedDevice: Encodable {
    let authorizationCode: String
    let codeVerifier: String
    let codeChallenge: String
}
