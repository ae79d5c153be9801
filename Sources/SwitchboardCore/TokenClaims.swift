import Foundation

/// What switchboard reads from a ChatGPT JWT payload. The signature is never verified: the
/// token is only carried, and the upstream is the one that checks it.
public struct TokenClaims: Sendable, Equatable {
    public var expiresAt: Date?
    public var email: String?
    public var subject: String?
    public var accountID: String?
    public var userID: String?
    public var planType: String?

    static let authClaim = "https://api.openai.com/auth"

    public enum DecodingError: Error, Equatable, CustomStringConvertible {
        case notAJWT, payloadNotBase64, payloadNotJSON

        public var description: String {
            switch self {
            case .notAJWT: "is not a JWT (expected three dot-separated parts)"
            case .payloadNotBase64: "has a payload that is not base64url"
            case .payloadNotJSON: "has a payload that is not a JSON object"
            }
        }
    }

    public init(jwt: String) throws(DecodingError) {
        // Split on the bytes: a split on Characters (grapheme breaking) took a quarter of `accounts list`.
        let parts = jwt.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .notAJWT }
        guard let data = Data(base64URLEncoded: String(Substring(parts[1]))) else { throw .payloadNotBase64 }
        guard let payload = JSONValue(parsing: data), payload.objectValue != nil else { throw .payloadNotJSON }
        expiresAt = payload["exp"]?.doubleValue.map(Date.init(timeIntervalSince1970:))
        email = payload["email"]?.stringValue
        subject = payload["sub"]?.stringValue
        let auth = payload[Self.authClaim]
        accountID = auth?["chatgpt_account_id"]?.stringValue
        userID = auth?["chatgpt_user_id"]?.stringValue ?? auth?["user_id"]?.stringValue
        planType = auth?["chatgpt_plan_type"]?.stringValue
    }

    public init(expiresAt: Date? = nil, email: String? = nil, subject: String? = nil, accountID: String? = nil, userID: String? = nil, planType: String? = nil) {
        self.expiresAt = expiresAt
        self.email = email
        self.subject = subject
        self.accountID = accountID
        self.userID = userID
        self.planType = planType
    }
}

extension Data {
    /// Decodes base64url (RFC 4648 §5) with or without padding.
    /// Byte by byte: every stored account's tokens are decoded on each load of the pool and each
    /// `accounts list`, where `replacingOccurrences` took over a third of the time at 10,000 accounts.
    public init?(base64URLEncoded text: String) {
        var base64 = Array(text.utf8)
        for index in base64.indices {
            switch base64[index] {
            case UInt8(ascii: "-"): base64[index] = UInt8(ascii: "+")
            case UInt8(ascii: "_"): base64[index] = UInt8(ascii: "/")
            default: break
            }
        }
        base64 += repeatElement(UInt8(ascii: "="), count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: Data(base64))
    }

    /// base64url without padding.
    public func base64URLEncodedString() -> String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
