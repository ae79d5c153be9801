import Crypto
import Foundation
import GRDB
import SwitchboardCore

/// A client API key as stored: its hash and facts about it, never the key itself.
public struct APIKeyRecord: Sendable, Equatable, FetchableRecord {
    public var id: String
    public var name: String
    /// The first characters of the key (`sb-xxxxxx`), to tell keys apart in listings.
    public var prefix: String
    public var hash: String
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var revokedAt: Date?
    public var limits: KeyLimits

    public init(row: Row) throws {
        id = row["id"]
        name = row["name"]
        prefix = row["prefix"]
        hash = row["hash"]
        createdAt = Date(timeIntervalSince1970: row["created_at"])
        lastUsedAt = (row["last_used_at"] as Double?).map(Date.init(timeIntervalSince1970:))
        revokedAt = (row["revoked_at"] as Double?).map(Date.init(timeIntervalSince1970:))
        limits = KeyLimits(tokensPerDay: row["tokens_per_day"], requestsPerMinute: row["requests_per_minute"], models: KeyLimits.models(from: row["models"]))
    }
}

/// A new client API key: `sb-` + 32 random bytes (base64url); only its SHA-256 is kept.
struct NewAPIKey {
    let key: String
    let id: String
    let prefix: String
    let hash: String

    init() {
        key = "sb-" + SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64URLEncodedString()
        id = "key_" + String(AccountStore.hashAPIKey(key + "id").prefix(10))
        prefix = String(key.prefix(9))
        hash = AccountStore.hashAPIKey(key)
    }
}

/// Client API keys.
extension SQLiteStore {
    /// Creates a key and returns it with its record; the key is never readable again.
    public func createAPIKey(name: String, limits: KeyLimits = KeyLimits(), now: Date = Date()) throws -> (key: String, record: APIKeyRecord) {
        let new = NewAPIKey()
        let id = new.id
        let record = try pool.write { db in
            try db.execute(
                sql: "INSERT INTO api_keys (id, name, prefix, hash, created_at, tokens_per_day, requests_per_minute, models) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: [id, name, new.prefix, new.hash, now.timeIntervalSince1970, limits.tokensPerDay, limits.requestsPerMinute, limits.modelList])
            return try APIKeyRecord.fetchOne(db, sql: "SELECT * FROM api_keys WHERE id = ?", arguments: [id])!
        }
        return (new.key, record)
    }

    public func apiKeys() throws -> [APIKeyRecord] {
        try pool.read { try APIKeyRecord.fetchAll($0, sql: "SELECT * FROM api_keys ORDER BY created_at, id") }
    }

    /// Revokes by id or prefix; revoked keys stop working within a second on a running server.
    public func revokeAPIKey(_ reference: String, now: Date = Date()) throws -> APIKeyRecord {
        try pool.write { db in
            let key = try Self.activeKey(db, reference)
            try db.execute(sql: "UPDATE api_keys SET revoked_at = ? WHERE id = ?", arguments: [now.timeIntervalSince1970, key.id])
            return try APIKeyRecord.fetchOne(db, sql: "SELECT * FROM api_keys WHERE id = ?", arguments: [key.id])!
        }
    }

    /// Changes an active key's limits (by id or prefix); a running server applies them within a second.
    public func updateAPIKeyLimits(_ reference: String, _ change: (inout KeyLimits) -> Void) throws -> APIKeyRecord {
        try pool.write { db in
            let key = try Self.activeKey(db, reference)
            var limits = key.limits
            change(&limits)
            try db.execute(
                sql: "UPDATE api_keys SET tokens_per_day = ?, requests_per_minute = ?, models = ? WHERE id = ?",
                arguments: [limits.tokensPerDay, limits.requestsPerMinute, limits.modelList, key.id])
            return try APIKeyRecord.fetchOne(db, sql: "SELECT * FROM api_keys WHERE id = ?", arguments: [key.id])!
        }
    }

    private static func activeKey(_ db: Database, _ reference: String) throws -> APIKeyRecord {
        let rows = try APIKeyRecord.fetchAll(db, sql: "SELECT * FROM api_keys WHERE (id = ?1 OR prefix = ?1) AND revoked_at IS NULL", arguments: [reference])
        guard let key = rows.first else { throw StoreError.notFound(reference) }
        guard rows.count == 1 else { throw StoreError.ambiguous(reference, matches: rows.map(\.id)) }
        return key
    }

    /// Records that keys were used (the gateway batches this; it is not on the request path).
    public func markAPIKeysUsed(_ ids: Set<String>, at now: Date = Date()) throws {
        guard !ids.isEmpty else { return }
        try pool.write { db in
            for id in ids { try db.execute(sql: "UPDATE api_keys SET last_used_at = ? WHERE id = ?", arguments: [now.timeIntervalSince1970, id]) }
        }
    }
}
