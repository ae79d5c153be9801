import Foundation
import SwitchboardCore
import NIOCore
import Synchronization
import SwitchboardStore

/// Who may use the gateway. With API keys defined, every API route needs `Authorization: Bearer sb-…`;
/// with none, only loopback clients are served (unless the operator allowed everyone).
public final class ClientAccess: Sendable {
    public enum Verdict: Equatable {
        case allowed
        case missingOrInvalidKey
        case loopbackOnly
    }

    private struct Key {
        let id: String
        let hash: [UInt8]
    }

    let store: AccountStore
    let allowUnauthenticated: Bool
    private let keys = Mutex<[Key]>([])
    private let used = Mutex<Set<String>>([])

    public init(store: AccountStore, allowUnauthenticated: Bool) throws {
        self.store = store
        self.allowUnauthenticated = allowUnauthenticated
        try reload()
    }

    /// Re-reads the active keys (after `keys create`/`revoke` in another process).
    public func reload() throws {
        let active = try store.apiKeys().filter { $0.revokedAt == nil }.map { Key(id: $0.id, hash: Self.bytes(hex: $0.hash)) }
        keys.withLock { $0 = active }
    }

    public var hasKeys: Bool { keys.withLock { !$0.isEmpty } }

    public func check(authorization: String?, remote: SocketAddress?) -> Verdict {
        authenticate(authorization: authorization, remote: remote).verdict
    }

    /// The verdict and the id of the key that matched (for the request log and per-key limits).
    public func authenticate(authorization: String?, remote: SocketAddress?) -> (verdict: Verdict, keyID: String?) {
        let keys = self.keys.withLock { $0 }
        guard !keys.isEmpty else {
            return (allowUnauthenticated || Self.isLoopback(remote) ? .allowed : .loopbackOnly, nil)
        }
        guard let authorization, authorization.lowercased().hasPrefix("bearer ") else { return (.missingOrInvalidKey, nil) }
        let presented = Self.bytes(hex: AccountStore.hashAPIKey(String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces)))
        // Compare against every key, in time independent of where (or whether) it matches.
        var match: String?
        for key in keys where Secrets.constantTimeEqual(key.hash, presented) { match = key.id }
        guard let match else { return (.missingOrInvalidKey, nil) }
        used.withLock { _ = $0.insert(match) }
        return (.allowed, match)
    }

    /// Writes `last_used_at` for keys used since the last flush (called from a background tick).
    func flushUsage() {
        let ids = used.withLock { ids -> Set<String> in defer { ids = [] }; return ids }
        try? store.markAPIKeysUsed(ids)
    }

    static func isLoopback(_ address: SocketAddress?) -> Bool {
        guard let ip = address?.ipAddress else { return false }
        return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }

    /// Whether a listen address is loopback (for the refusal to bind elsewhere without keys).
    public static func isLoopbackHost(_ host: String) -> Bool {
        host == "localhost" || host.hasPrefix("127.") || host == "::1"
    }

    static func bytes(hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.utf8.count / 2)
        var iterator = hex.utf8.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            bytes.append(UInt8(hexDigit(high) << 4 | hexDigit(low)))
        }
        return bytes
    }

    private static func hexDigit(_ c: UInt8) -> UInt8 { c >= 97 ? c - 87 : c >= 65 ? c - 55 : c - 48 }
}
