import Foundation

/// The credentials of one account in the shape of a Codex `~/.codex/auth.json`.
public struct MockAuthFile: Sendable, Equatable, Codable {
    /// The `tokens` object of `auth.json`.
    public struct Tokens: Sendable, Equatable, Codable {
        public var idToken: String
        public var accessToken: String
        public var refreshToken: String
        public var accountID: String

        public init(idToken: String, accessToken: String, refreshToken: String, accountID: String) {
            self.idToken = idToken
            self.accessToken = accessToken
            self.refreshToken = refreshToken
            self.accountID = accountID
        }

        enum CodingKeys: String, CodingKey {
            case idToken = "id_token", accessToken = "access_token", refreshToken = "refresh_token", accountID = "account_id"
        }
    }

    public var tokens: Tokens
    /// When these tokens were issued, ISO 8601 in the file.
    public var lastRefresh: Date

    public init(tokens: Tokens, lastRefresh: Date) {
        self.tokens = tokens
        self.lastRefresh = lastRefresh
    }

    enum CodingKeys: String, CodingKey {
        case tokens, lastRefresh = "last_refresh", apiKey = "OPENAI_API_KEY"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        tokens = try container.decode(Tokens.self, forKey: .tokens)
        let text = try container.decode(String.self, forKey: .lastRefresh)
        guard let date = Self.parseDate(text) else {
            throw DecodingError.dataCorruptedError(forKey: .lastRefresh, in: container, debugDescription: "not ISO 8601: \(text)")
        }
        lastRefresh = date
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeNil(forKey: .apiKey)
        try container.encode(tokens, forKey: .tokens)
        try container.encode(Self.formatDate(lastRefresh), forKey: .lastRefresh)
    }

    /// The file's JSON text (keys sorted).
    public func jsonText() -> String { JSONText.encode(self) }

    /// ISO 8601 with fractional seconds, as Codex writes it.
    static func formatDate(_ date: Date) -> String {
        Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date)
    }

    static func parseDate(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }
}
