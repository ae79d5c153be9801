import Foundation
import GRDB

/// The request log and per-key day totals.
extension SQLiteStore {
    /// Writes a batch of rows and key-usage increments in one transaction.
    public func writeRequestBatch(_ entries: [RequestLogEntry], keyUsage: [KeyUsageDelta] = []) async throws {
        guard !entries.isEmpty || !keyUsage.isEmpty else { return }
        try await pool.write { db in
            let insert = try db.cachedStatement(sql: RequestLogEntry.insertSQL)
            for entry in entries { try insert.execute(arguments: entry.arguments) }
            let add = try db.cachedStatement(sql: """
                INSERT INTO api_key_usage (key_id, day, requests, tokens) VALUES (?, ?, ?, ?)
                ON CONFLICT (key_id, day) DO UPDATE SET requests = requests + excluded.requests, tokens = tokens + excluded.tokens
                """)
            for delta in keyUsage { try add.execute(arguments: [delta.keyID, delta.day, delta.requests, delta.tokens]) }
        }
    }

    public func requests(_ filter: RequestFilter) throws -> [RequestLogEntry] {
        try pool.read { db in
            try RequestLogEntry.fetchAll(
                db,
                sql: """
                    SELECT * FROM request_log
                    WHERE (?1 IS NULL OR at >= ?1) AND (?2 IS NULL OR account_id = ?2) AND (?3 IS NULL OR key_id = ?3)
                      AND (?4 = 0 OR status >= 400 OR error_code IS NOT NULL)
                    ORDER BY at DESC, id DESC LIMIT ?5
                    """,
                arguments: [filter.since?.timeIntervalSince1970, filter.accountID, filter.keyID, filter.errorsOnly, filter.limit])
        }
    }

    /// Requests, errors and tokens since `since`, per group, the busiest group first.
    public func usage(since: Date?, by grouping: UsageGrouping) throws -> [UsageTotal] {
        try pool.read { db in
            try UsageTotal.fetchAll(
                db,
                sql: """
                    SELECT \(grouping.column) AS grp, count(*) AS requests,
                      sum(status >= 400 OR error_code IS NOT NULL) AS errors,
                      coalesce(sum(input_tokens), 0) AS input_tokens, coalesce(sum(cached_tokens), 0) AS cached_tokens,
                      coalesce(sum(output_tokens), 0) AS output_tokens, coalesce(sum(reasoning_tokens), 0) AS reasoning_tokens
                    FROM request_log WHERE (?1 IS NULL OR at >= ?1)
                    GROUP BY grp ORDER BY \(grouping == .day ? "grp DESC" : "requests DESC, grp")
                    """,
                arguments: [since?.timeIntervalSince1970])
        }
    }

    /// Deletes rows older than `cutoff`, then the oldest beyond `maxRows`; returns how many went.
    @discardableResult
    public func pruneRequests(olderThan cutoff: Date, keepingAtMost maxRows: Int) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM request_log WHERE at < ?", arguments: [cutoff.timeIntervalSince1970])
            var removed = db.changesCount
            try db.execute(
                sql: "DELETE FROM request_log WHERE id IN (SELECT id FROM request_log ORDER BY at DESC LIMIT -1 OFFSET ?)",
                arguments: [max(0, maxRows)])
            removed += db.changesCount
            return removed
        }
    }

    /// Each key's requests and tokens on one UTC day (days since 1970-01-01).
    public func keyUsage(day: Int) throws -> [String: KeyUsageDelta] {
        try pool.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT key_id, requests, tokens FROM api_key_usage WHERE day = ?", arguments: [day])
            return Dictionary(uniqueKeysWithValues: rows.map { row in
                (row["key_id"] as String, KeyUsageDelta(keyID: row["key_id"], day: day, requests: row["requests"], tokens: row["tokens"]))
            })
        }
    }

    /// Requests per key since `since`, from the request log.
    public func requestCounts(since: Date) throws -> [String: Int] {
        try pool.read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT key_id, count(*) AS n FROM request_log WHERE at >= ? AND key_id IS NOT NULL GROUP BY key_id",
                arguments: [since.timeIntervalSince1970])
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["key_id"] as String, $0["n"] as Int) })
        }
    }

    /// The samples of the requests since `since` (at most `limit`, the newest).
    public func requestSamples(since: Date, limit: Int = 200_000) throws -> [RequestSample] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT at, duration_ms, (status >= 400 OR error_code IS NOT NULL) AS failed FROM request_log
                    WHERE at >= ? ORDER BY at DESC LIMIT ?
                    """,
                arguments: [since.timeIntervalSince1970, limit]
            ).map { RequestSample(at: Date(timeIntervalSince1970: $0["at"]), durationMilliseconds: $0["duration_ms"], failed: $0["failed"]) }
        }
    }
}
