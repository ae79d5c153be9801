import Foundation

/// An unsigned JWT (`alg: none`) with the claim layout of ChatGPT's access and id tokens.
/// Clients read these payloads and never verify them, so a dummy signature is enough.
public enum UnsignedJWT {
    private static let header = base64URL(Data(#"{"alg":"none","typ":"JWT"}"#.utf8))
    private static let signature = base64URL(Data("mock".utf8))

    /// Encodes `claims` (a JSON object) as `header.payload.signature`.
    static func encode(_ claims: some Encodable) -> String {
        header + "." + base64URL(Data(JSONText.encode(claims).utf8)) + "." + signature
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
