import Crypto
import Foundation

/// SHA-256 of a refresh token, hex. The only form in which a credential may be shown or logged.
public struct CredentialFingerprint: Sendable, Hashable, CustomStringConvertible {
    public let hex: String

    public init(refreshToken: String) {
        hex = SHA256.hash(data: Data(refreshToken.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    public init(hex: String) { self.hex = hex }

    /// The first 16 hex characters: enough to tell credentials apart in output.
    public var short: String { String(hex.prefix(16)) }

    public var description: String { short }
}
