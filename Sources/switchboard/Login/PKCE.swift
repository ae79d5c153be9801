import Crypto
import Foundation
import SwitchboardCore

/// RFC 7636 proof key: a random verifier kept by the CLI and its S256 challenge sent to the authorize page.
struct PKCE: Sendable, Equatable {
    let verifier: String
    let challenge: String

    /// A fresh verifier (64 random bytes, base64url: 86 characters, within RFC 7636's 43…128).
    static func generate() -> PKCE { PKCE(verifier: randomURLSafeString(byteCount: 64)) }

    init(verifier: String) {
        self.verifier = verifier
        self.challenge = Self.challenge(for: verifier)
    }

    /// `BASE64URL(SHA256(ASCII(verifier)))`, unpadded.
    static func challenge(for verifier: String) -> String {
        Data(SHA256.hash(data: Data(verifier.utf8))).base64URLEncodedString()
    }
}

/// `byteCount` bytes from the system's secure generator, base64url without padding (OAuth `state`, PKCE verifier).
func randomURLSafeString(byteCount: Int) -> String {
    var generator = SystemRandomNumberGenerator()
    return Data((0..<byteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }).base64URLEncodedString()
}
