import Foundation

/// One fake ChatGPT account: its identity, current tokens, scripts and counters.
struct MockAccount {
    var email: String
    var plan: String
    var accountID: String
    var userID: String
    var accessTokenLifetime: TimeInterval
    var accessToken = ""
    var accessTokenExpiresAt = Date.distantPast
    var idToken = ""
    var refreshToken = ""
    var lastRefresh = Date.distantPast
    var refreshScript = BehaviourScript<RefreshBehaviour>(sticky: .ok)
    var usageScript = BehaviourScript<UsageBehaviour>(sticky: .ok)
    var responsesScript = BehaviourScript<ResponsesBehaviour>(sticky: .ok)
    var usage = MockUsageReport()
    /// Overrides the mock's stream shape when set.
    var stream: StreamShape?
    var counters = MockAccountCounters()

    init(spec: MockAccountSpec, defaultLifetime: TimeInterval) {
        email = spec.email
        plan = spec.plan
        accountID = spec.accountID ?? UUID().uuidString.lowercased()
        userID = spec.userID ?? "user-" + RandomToken.make(length: 24)
        accessTokenLifetime = spec.accessTokenLifetime ?? defaultLifetime
    }

    /// Issues a new access, id and refresh token (a refresh or a login).
    mutating func issueTokens(now: Date, clientID: String) {
        let issuedAt = Int(now.timeIntervalSince1970)
        let expiresAt = now.addingTimeInterval(accessTokenLifetime)
        let common = MockTokenClaims(
            iat: issuedAt, exp: Int(expiresAt.timeIntervalSince1970), email: email, sub: "auth0|" + userID,
            jti: UUID().uuidString.lowercased(),
            auth: .init(chatgptAccountID: accountID, chatgptUserID: userID, chatgptPlanType: plan, userID: userID))
        var access = common
        access.aud = ["https://api.openai.com/v1"]
        access.clientID = clientID
        access.scp = ["openid", "profile", "email", "offline_access"]
        access.profile = .init(email: email)
        var id = common
        id.aud = [clientID]
        id.emailVerified = true
        accessToken = UnsignedJWT.encode(access)
        idToken = UnsignedJWT.encode(id)
        refreshToken = "rt_" + RandomToken.make(length: 48)
        accessTokenExpiresAt = expiresAt
        lastRefresh = now
    }

    /// The current credentials as a Codex `auth.json`.
    var authFile: MockAuthFile {
        MockAuthFile(
            tokens: .init(idToken: idToken, accessToken: accessToken, refreshToken: refreshToken, accountID: accountID),
            lastRefresh: lastRefresh
        )
    }
}

/// Opaque random identifiers: refresh tokens, codes, ids.
enum RandomToken {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    static func make(length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
    }

    /// A lowercase hex id, cheap enough for every response.
    static func hex() -> String {
        String(UInt64.random(in: 0...UInt64.max), radix: 16)
    }
}
