import Foundation
import SwitchboardCore

/// Builds unsigned JWTs with the ChatGPT claim layout for tests.
enum TestJWT {
    static func make(exp: Date? = nil, email: String? = "a@example.com", accountID: String? = "acct-1", userID: String? = "user-1", plan: String? = "plus") -> String {
        var auth: [String: JSONValue] = [:]
        if let accountID { auth["chatgpt_account_id"] = .string(accountID) }
        if let userID { auth["chatgpt_user_id"] = .string(userID) }
        if let plan { auth["chatgpt_plan_type"] = .string(plan) }
        var payload: [String: JSONValue] = ["sub": "auth0|x", "https://api.openai.com/auth": .object(auth)]
        if let exp { payload["exp"] = .number(exp.timeIntervalSince1970.rounded()) }
        if let email { payload["email"] = .string(email) }
        let header = (["alg": "none", "typ": "JWT"] as JSONValue).encoded().base64URLEncodedString()
        return "\(header).\(JSONValue.object(payload).encoded().base64URLEncodedString()).sig"
    }
}

extension Account {
    static func fixture(status: AccountStatus = .active, refreshToken: String = "rt-1", usage: UsageSnapshot? = nil) -> Account {
        Account(
            chatgptAccountID: "acct-1", chatgptUserID: "user-1", email: "a@example.com", planType: "plus", status: status,
            tokens: TokenSet(accessToken: TestJWT.make(exp: Date().addingTimeInterval(3600)), refreshToken: refreshToken, idToken: TestJWT.make(), lastRefreshAt: Date()),
            usage: usage, createdAt: Date(), updatedAt: Date())
    }
}
