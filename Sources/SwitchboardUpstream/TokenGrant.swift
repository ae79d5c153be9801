/// Tokens issued by the OAuth server. Printing one never shows the tokens.
public struct TokenGrant: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
    public var accessToken: String
    /// The replacement refresh token (the old one is dead once this arrives).
    public var refreshToken: String?
    public var idToken: String?
    /// Seconds until the access token expires, when the server said.
    public var expiresIn: Int?

    public init(accessToken: String, refreshToken: String? = nil, idToken: String? = nil, expiresIn: Int? = nil) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.idToken = idToken
        self.expiresIn = expiresIn
    }

    public var description: String {
        "TokenGrant(accessToken: <redacted>, refreshToken: \(refreshToken == nil ? "nil" : "<redacted>"), "
            + "idToken: \(idToken == nil ? "nil" : "<redacted>"), expiresIn: \(expiresIn.map(String.init) ?? "nil"))"
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["expiresIn": expiresIn as Any], displayStyle: .struct)
    }
}

/// A started device-code login: show `userCode`, then poll every `interval` seconds.
public struct DeviceCode: Sendable, Equatable {
    public var deviceAuthID: String
    public var userCode: String
    /// Seconds between polls.
    public var interval: Int
    /// Seconds until the code expires, when the server said.
    public var expiresIn: Int?

    public init(deviceAuthID: String, userCode: String, interval: Int, expiresIn: Int?) {
        self.deviceAuthID = deviceAuthID
        self.userCode = userCode
        self.interval = interval
        self.expiresIn = expiresIn
    }
}

/// One poll of a device-code login.
public enum DeviceCodePoll: Sendable, Equatable {
    /// The person has not entered the code yet (403/404).
    case pending
    /// Done: exchange this code (with its verifier) at the token endpoint.
    case authorized(authorizationCode: String, codeVerifier: String)
}
