import Foundation

/// Pending logins: queued plans, device codes being polled and authorization codes not yet exchanged.
struct LoginBook {
    /// A device code handed out by `/api/accounts/deviceauth/usercode`.
    struct DeviceCode {
        var userCode: String
        var accountIndex: Int
        var pendingPolls: Int
        var expire: Bool
        var expiresAt: Date
        /// Set once approved; later polls answer the same code.
        var authorizationCode: String?
    }

    /// An authorization code waiting for its exchange at `/oauth/token`.
    struct IssuedCode {
        var accountIndex: Int
        /// The exact redirect URI the exchange must repeat; nil for device codes (any `…/deviceauth/callback`).
        var redirectURI: String?
        /// The verifier the exchange must present; nil when any non-empty one will do (browser PKCE).
        var codeVerifier: String?
    }

    var plans: [MockLoginPlan] = []
    var devices: [String: DeviceCode] = [:]
    var codes: [String: IssuedCode] = [:]
    var autoCreatedAccounts = 0
}

extension MockState {
    /// The account and plan for the login that starts now: `hint` first, then the queued plan,
    /// else a new `loginN@mock.example` account.
    mutating func accountForLogin(hint: String?, now: Date) throws(MockUpstreamError) -> (index: Int, plan: MockLoginPlan) {
        let plan = login.plans.isEmpty ? MockLoginPlan() : login.plans.removeFirst()
        if let key = hint ?? plan.account { return (try index(of: key), plan) }
        while true {
            login.autoCreatedAccounts += 1
            let email = "login\(login.autoCreatedAccounts)@mock.example"
            if (try? index(of: email)) == nil {
                return (try createAccount(MockAccountSpec(email: email), now: now), plan)
            }
        }
    }

    /// Issues a single-use authorization code for account `index`.
    mutating func issueAuthorizationCode(_ index: Int, redirectURI: String?, codeVerifier: String?) -> String {
        let code = "ac_" + RandomToken.make(length: 40)
        login.codes[code] = .init(accountIndex: index, redirectURI: redirectURI, codeVerifier: codeVerifier)
        return code
    }

    /// Starts a device login; returns its `device_auth_id`.
    mutating func startDeviceLogin(now: Date) throws(MockUpstreamError) -> (deviceAuthID: String, userCode: String) {
        let (index, plan) = try accountForLogin(hint: nil, now: now)
        let id = "deviceauth_" + RandomToken.make(length: 24)
        let letters = RandomToken.make(length: 8).uppercased()
        let userCode = String(letters.prefix(4)) + "-" + String(letters.suffix(4))
        login.devices[id] = .init(
            userCode: userCode, accountIndex: index, pendingPolls: plan.pendingPolls, expire: plan.expire,
            expiresAt: now.addingTimeInterval(TimeInterval(configuration.deviceCodeLifetime))
        )
        return (id, userCode)
    }

    /// What one poll of a device code answers.
    enum DevicePoll { case pending, expired, unknown, approved(code: String, verifier: String) }

    mutating func pollDevice(_ id: String, userCode: String?, now: Date) -> DevicePoll {
        loginCounters.deviceTokenPolls += 1
        guard var device = login.devices[id], userCode == nil || userCode == device.userCode else { return .unknown }
        defer { login.devices[id] = device }
        if device.expire || device.expiresAt <= now { return .expired }
        if device.pendingPolls > 0 {
            device.pendingPolls -= 1
            return .pending
        }
        let verifier = "cv_" + String(id.suffix(24))
        if device.authorizationCode == nil {
            device.authorizationCode = issueAuthorizationCode(device.accountIndex, redirectURI: nil, codeVerifier: verifier)
        }
        return .approved(code: device.authorizationCode!, verifier: verifier)
    }

    /// Why a code exchange was refused.
    enum ExchangeFailure: Error { case unknownCode, redirectMismatch, verifierMismatch }

    /// Exchanges `code` (single use) for the tokens of a new session of its account; like a real
    /// second login, the account's other sessions (say, the Codex CLI's) keep working.
    mutating func exchangeCode(_ code: String, redirectURI: String?, codeVerifier: String?, now: Date) -> Result<MockAccount, ExchangeFailure> {
        loginCounters.codeExchanges += 1
        guard let issued = login.codes.removeValue(forKey: code), accounts.indices.contains(issued.accountIndex) else {
            return .failure(.unknownCode)
        }
        accounts[issued.accountIndex].counters.tokenCalls += 1
        if let expected = issued.redirectURI {
            guard redirectURI == expected else { return .failure(.redirectMismatch) }
        } else {
            guard redirectURI?.hasSuffix("/deviceauth/callback") == true else { return .failure(.redirectMismatch) }
        }
        guard let codeVerifier, !codeVerifier.isEmpty, issued.codeVerifier == nil || issued.codeVerifier == codeVerifier else {
            return .failure(.verifierMismatch)
        }
        startSession(issued.accountIndex, now: now)
        return .success(accounts[issued.accountIndex])
    }
}
