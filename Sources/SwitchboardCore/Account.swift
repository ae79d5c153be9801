import Foundation

/// One pooled ChatGPT seat. Identity is (chatgpt account id, chatgpt user id): a workspace can hold several seats.
public struct Account: Sendable, Equatable, Identifiable {
    /// switchboard's own short id, derived from the identity so re-imports land on the same row.
    public var id: String
    public var chatgptAccountID: String
    public var chatgptUserID: String
    public var email: String?
    public var planType: String?
    public var status: AccountStatus
    public var tokens: TokenSet
    public var usage: UsageSnapshot?
    /// The length of the last cooldown, while cooldowns keep following each other (nil after a
    /// success): the next one doubles it.
    public var lastCooldown: TimeInterval?
    /// Bumped by the store on every write to the row: a reload never installs an older copy.
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String? = nil, chatgptAccountID: String, chatgptUserID: String, email: String?, planType: String?,
        status: AccountStatus = .active, tokens: TokenSet, usage: UsageSnapshot? = nil, lastCooldown: TimeInterval? = nil,
        version: Int = 0, createdAt: Date, updatedAt: Date
    ) {
        self.id = id ?? Account.id(accountID: chatgptAccountID, userID: chatgptUserID)
        self.chatgptAccountID = chatgptAccountID
        self.chatgptUserID = chatgptUserID
        self.email = email
        self.planType = planType
        self.status = status
        self.tokens = tokens
        self.usage = usage
        self.lastCooldown = lastCooldown
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// A usage report as the store records it: the snapshot, and the plan it names (if any).
    public mutating func record(_ usage: UsageSnapshot) {
        self.usage = usage
        planType = usage.planType ?? planType
    }

    /// Used percentage of the tighter usage window (0 when unknown): what the balancer ranks by.
    public var usedPercent: Double { usage?.tightestUsedPercent ?? 0 }

    /// The stable local id of an identity: 12 hex characters of SHA-256("account:user").
    public static func id(accountID: String, userID: String) -> String {
        String(Secrets.sha256Hex("\(accountID):\(userID)").prefix(12))
    }
}

/// The secrets of one account. Its description never shows a token, only the fingerprint.
public struct TokenSet: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public let accessToken: String
    public let refreshToken: String
    public let idToken: String
    public let lastRefreshAt: Date?
    /// The access token's `exp`, read once from its JWT payload (nil when it has none or is not a JWT):
    /// every request asks for it, so it is not parsed per call.
    public let accessExpiresAt: Date?
    /// Fingerprints of the refresh and access tokens, computed once: verdicts are matched against them.
    public let fingerprint: CredentialFingerprint
    public let accessFingerprint: CredentialFingerprint

    public init(accessToken: String, refreshToken: String, idToken: String, lastRefreshAt: Date?) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.idToken = idToken
        self.lastRefreshAt = lastRefreshAt
        accessExpiresAt = (try? TokenClaims(jwt: accessToken))?.expiresAt
        fingerprint = CredentialFingerprint(of: refreshToken)
        accessFingerprint = CredentialFingerprint(of: accessToken)
    }

    /// Whether these are still the tokens a verdict was observed with.
    public func holds(_ credential: ObservedCredential) -> Bool {
        switch credential {
        case .refreshToken(let f): f == fingerprint
        case .accessToken(let f): f == accessFingerprint
        }
    }

    /// The access token can still be sent (a token without a readable `exp` is assumed usable).
    public func accessUsable(at now: Date) -> Bool { accessExpiresAt.map { $0 > now } ?? true }

    /// The access token was obtained less than `interval` ago (by any process: `last_refresh`).
    public func isFresh(at now: Date, within interval: TimeInterval) -> Bool {
        lastRefreshAt.map { now.timeIntervalSince($0) < interval } ?? false
    }

    public var description: String { "TokenSet(refresh fingerprint \(fingerprint.short))" }
    public var debugDescription: String { description }
}
