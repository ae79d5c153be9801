import Foundation

/// What the mock can tell about one account. JSON: `{"email","plan","account_id","user_id",
/// "access_token_expires_at" (unix s),"auth":auth.json,"counters":{...},"usage":{...}}`.
public struct MockAccountSummary: Sendable, Equatable, Encodable {
    public var email: String
    public var plan: String
    public var accountID: String
    public var userID: String
    public var accessTokenExpiresAt: Int
    /// The current credentials, as a fresh login would write them.
    public var auth: MockAuthFile
    public var counters: MockAccountCounters
    public var usage: MockUsageReport

    init(_ account: MockAccount) {
        email = account.email
        plan = account.plan
        accountID = account.accountID
        userID = account.userID
        accessTokenExpiresAt = Int(account.accessTokenExpiresAt.timeIntervalSince1970)
        auth = account.authFile
        counters = account.counters
        usage = account.usage
    }
}
