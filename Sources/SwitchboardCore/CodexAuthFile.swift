import Foundation

/// A Codex CLI login file (`~/.codex/auth.json`), snake_case or the older camelCase keys.
public struct CodexAuthFile: Sendable, Equatable {
    public var tokens: TokenSet
    public var chatgptAccountID: String
    public var chatgptUserID: String
    public var email: String?
    public var planType: String?

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case notJSON
        case missingField(String)
        case unreadableJWT(field: String, problem: TokenClaims.DecodingError)

        public var description: String {
            switch self {
            case .notJSON: "is not a JSON object"
            case .missingField(let field): "has no `\(field)`"
            case .unreadableJWT(let field, let problem): "field `\(field)` \(problem)"
            }
        }
    }

    public init(data: Data) throws(ParseError) {
        guard let root = JSONValue(parsing: data), root.objectValue != nil else { throw .notJSON }
        let tokens = root["tokens"] ?? root
        func field(_ snake: String, _ camel: String) -> String? {
            (tokens[snake] ?? tokens[camel])?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        }
        guard let idToken = field("id_token", "idToken") else { throw .missingField("tokens.id_token") }
        guard let accessToken = field("access_token", "accessToken") else { throw .missingField("tokens.access_token") }
        guard let refreshToken = field("refresh_token", "refreshToken") else { throw .missingField("tokens.refresh_token") }
        let idClaims: TokenClaims
        do { idClaims = try TokenClaims(jwt: idToken) } catch { throw .unreadableJWT(field: "tokens.id_token", problem: error) }
        let accessClaims: TokenClaims
        do { accessClaims = try TokenClaims(jwt: accessToken) } catch { throw .unreadableJWT(field: "tokens.access_token", problem: error) }

        guard let accountID = field("account_id", "accountId") ?? idClaims.accountID ?? accessClaims.accountID else {
            throw .missingField("tokens.account_id")
        }
        guard let userID = idClaims.userID ?? accessClaims.userID ?? idClaims.subject else {
            throw .missingField("tokens.id_token: https://api.openai.com/auth.chatgpt_user_id")
        }
        let lastRefresh = (root["last_refresh"] ?? root["lastRefreshAt"] ?? root["last_refresh_at"])?.stringValue.flatMap(Self.parseDate)
        self.tokens = TokenSet(accessToken: accessToken, refreshToken: refreshToken, idToken: idToken, lastRefreshAt: lastRefresh)
        self.chatgptAccountID = accountID
        self.chatgptUserID = userID
        self.email = idClaims.email ?? accessClaims.email
        self.planType = idClaims.planType ?? accessClaims.planType
    }

    /// Writes the Codex-compatible file for an account (what `accounts export` prints).
    public static func encode(_ account: Account) -> Data {
        var root: [String: JSONValue] = [
            "OPENAI_API_KEY": .null,
            "tokens": [
                "id_token": .string(account.tokens.idToken),
                "access_token": .string(account.tokens.accessToken),
                "refresh_token": .string(account.tokens.refreshToken),
                "account_id": .string(account.chatgptAccountID),
            ],
        ]
        if let at = account.tokens.lastRefreshAt { root["last_refresh"] = .string(formatDate(at)) }
        return JSONValue.object(root).encoded()
    }

    static func parseDate(_ text: String) -> Date? {
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return withFraction.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }

    static func formatDate(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
