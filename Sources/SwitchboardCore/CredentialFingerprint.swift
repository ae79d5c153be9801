import Foundation

/// SHA-256 of a token, hex. The only form in which a credential may be shown or logged.
public struct CredentialFingerprint: Sendable, Hashable, CustomStringConvertible {
    public let hex: String

    public init(of token: String) {
        hex = Secrets.sha256Hex(token)
    }

    public init(hex: String) { self.hex = hex }

    /// The first 16 hex characters: enough to tell credentials apart in output.
    public var short: String { String(hex.prefix(16)) }

    public var description: String { short }
}

/// The credential an upstream answer was observed with. A verdict belongs to that credential and
/// to nothing else: it is applied only while the account still holds it, so a failure seen with
/// old tokens is never pinned on the new ones a person has just logged in with.
public enum ObservedCredential: Sendable, Equatable, CustomStringConvertible {
    /// A token call: the refresh token that was presented.
    case refreshToken(CredentialFingerprint)
    /// A usage, responses or stream call: the access token that was sent.
    case accessToken(CredentialFingerprint)

    public var description: String {
        switch self {
        case .refreshToken(let f): "refresh token \(f.short)"
        case .accessToken(let f): "access token \(f.short)"
        }
    }
}
