/// Which client request headers may cross to the upstream: one list for every route and client.
public enum HeaderPolicy {
    /// Never forwarded: credentials (ours are set per account), hop-by-hop headers (RFC 9110 §7.6.1),
    /// headers describing the client's own connection, address or origin (they would make every
    /// account look like the client, or reveal it), framing and encodings (the gateway rewrites the
    /// body and reads the answer as plain SSE), and what each client sets itself.
    static let dropped: Set<String> = [
        // credentials
        "authorization", "proxy-authorization", "chatgpt-account-id", "cookie", "x-api-key",
        // hop-by-hop and connection
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host",
        "max-forwards", "via", "expect",
        // the client's identity and address
        "forwarded", "x-real-ip", "true-client-ip", "x-client-ip", "x-cluster-client-ip", "origin", "referer",
        // framing and encodings: the body sent upstream is the gateway's, uncompressed
        "content-length", "content-encoding", "accept-encoding",
        // set by the client for each call
        "accept", "content-type",
    ]
    /// Whole families dropped by prefix (X-Forwarded-For/-Host/-Proto..., Cloudflare's CF-*).
    static let droppedPrefixes = ["x-forwarded-", "cf-", "proxy-"]

    /// Whether a client header with this name may be sent upstream.
    public static func forwards(_ name: String) -> Bool {
        let name = name.lowercased()
        return !dropped.contains(name) && !droppedPrefixes.contains { name.hasPrefix($0) }
    }
}
