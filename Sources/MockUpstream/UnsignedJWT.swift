import Foundation

/// An unsigned JWT (`alg: none`) with the claim layout of ChatGPT's access and id tokens.
/// Clients read these payloads and never verify them, so a dummy signature is enough.
public enum UnsignedJWT {
    /// The claim object that carries the ChatGPT identity and plan.
    public static let authClaim = "https://api.openai.com/auth"
    /// The claim object that carries the profile (email) in real access tokens.
    public static let profileClaim = "https://api.openai.com/profile"

    private static let header = base64URL(Data(#"{"alg":"none","typ":"JWT"}"#.utf8))
    private static let signature = base64URL(Data("mock".utf8))

    /// Encodes `claims` (a JSON object) as `header.payload.signature`.
    public static func encode(_ claims: [String: Any]) -> String {
        let payload = (try? JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return header + "." + base64URL(payload) + "." + signature
    }

    /// The payload of `token` as a JSON object; nil when it is not a JWT.
    public static func decodePayload(_ token: String) -> [String: Any]? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let data = base64URLDecode(String(parts[1])) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    /// Base64url without padding (RFC 7515).
    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes base64url with or without padding.
    static func base64URLDecode(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
