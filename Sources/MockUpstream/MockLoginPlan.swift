/// How the next login (device code or browser) goes. JSON: `{"account"?, "pending_polls"?, "expire"?}`.
public struct MockLoginPlan: Sendable, Equatable, Codable {
    /// The account (email, account id or user id) that logs in; nil creates a new `loginN@mock.example` account.
    public var account: String?
    /// Device flow: how many polls answer "pending" (403) before the code is approved.
    public var pendingPolls: Int
    /// Device flow: the code expires instead of being approved.
    public var expire: Bool

    public init(account: String? = nil, pendingPolls: Int = 0, expire: Bool = false) {
        self.account = account
        self.pendingPolls = pendingPolls
        self.expire = expire
    }

    enum CodingKeys: String, CodingKey {
        case account, pendingPolls = "pending_polls", expire
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            account: try c.decodeIfPresent(String.self, forKey: .account),
            pendingPolls: try c.decodeIfPresent(Int.self, forKey: .pendingPolls) ?? 0,
            expire: try c.decodeIfPresent(Bool.self, forKey: .expire) ?? false
        )
    }
}
