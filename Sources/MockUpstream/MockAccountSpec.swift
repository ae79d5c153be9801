import Foundation

/// What to create a mock account from. JSON: `{"email", "plan"?, "account_id"?, "user_id"?,
/// "access_token_lifetime_seconds"?}`.
public struct MockAccountSpec: Sendable, Equatable, Codable {
    /// Unique among the mock's accounts; also the key of its counters.
    public var email: String
    /// `chatgpt_plan_type`: plus, pro, team, free…
    public var plan: String
    /// `chatgpt_account_id`; a fresh UUID when nil. Several seats may share one.
    public var accountID: String?
    /// `chatgpt_user_id`; a fresh `user-…` id when nil.
    public var userID: String?
    /// Lifetime of this account's access tokens; the mock's default when nil.
    /// Zero or negative issues tokens that are already expired.
    public var accessTokenLifetime: TimeInterval?

    public init(
        email: String, plan: String = "plus", accountID: String? = nil, userID: String? = nil,
        accessTokenLifetime: TimeInterval? = nil
    ) {
        self.email = email
        self.plan = plan
        self.accountID = accountID
        self.userID = userID
        self.accessTokenLifetime = accessTokenLifetime
    }

    enum CodingKeys: String, CodingKey {
        case email, plan, accountID = "account_id", userID = "user_id"
        case accessTokenLifetime = "access_token_lifetime_seconds"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            email: try c.decode(String.self, forKey: .email),
            plan: try c.decodeIfPresent(String.self, forKey: .plan) ?? "plus",
            accountID: try c.decodeIfPresent(String.self, forKey: .accountID),
            userID: try c.decodeIfPresent(String.self, forKey: .userID),
            accessTokenLifetime: try c.decodeIfPresent(Double.self, forKey: .accessTokenLifetime)
        )
    }
}
