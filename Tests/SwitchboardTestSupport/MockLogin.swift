import Foundation
import MockUpstream
import SwitchboardCore
import SwitchboardUpstream

/// A person logging in again against the mock (device flow), producing a fresh Codex auth.json file.
public enum MockLogin {
    public static func device(mock: MockUpstream, email: String) async throws -> URL {
        mock.queueLogin(MockLoginPlan(account: email))
        let client = TokenClient(transport: GatewayHarness.transport, authBaseURL: mock.baseURL)
        let code = try await client.startDeviceCode()
        var poll = try await client.pollDeviceCode(deviceAuthID: code.deviceAuthID, userCode: code.userCode)
        while case .pending = poll { poll = try await client.pollDeviceCode(deviceAuthID: code.deviceAuthID, userCode: code.userCode) }
        guard case .authorized(let authorization, let verifier) = poll else { throw CocoaError(.userCancelled) }
        let grant = try await client.exchangeAuthorizationCode(code: authorization, codeVerifier: verifier, redirectURI: client.deviceRedirectURI)
        let claims = try TokenClaims(jwt: try require(grant.idToken))
        let file: JSONValue = [
            "tokens": [
                "id_token": .string(grant.idToken ?? ""), "access_token": .string(grant.accessToken),
                "refresh_token": .string(grant.refreshToken ?? ""), "account_id": .string(claims.accountID ?? ""),
            ],
        ]
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("relogin-\(UUID().uuidString).json")
        try file.encoded().write(to: url)
        return url
    }
}

/// `#require` outside a test body.
public func require<T>(_ value: T?) throws -> T {
    guard let value else { throw CocoaError(.coderValueNotFound) }
    return value
}
