import Foundation

/// Applies `migrations/postgres/NNNN_name.sql` (embedded at build time) in order, each exactly once,
/// holding a session advisory lock: when several instances start together on an empty database, one
/// applies them and the others wait, then find nothing left to do.
enum PostgresMigrations {
    /// The advisory lock's key ("switchboard" in a bigint); the key-check uses the next one.
    static let lockKey: Int64 = 0x5377_6974_6368

    static var names: [String] { EmbeddedMigrations.postgres.map(\.name) }

    static func apply(_ connections: PostgresConnections) throws {
        try connections.session { session in
            try session.execute("SELECT pg_advisory_lock(\(lockKey))")
            defer { _ = try? session.execute("SELECT pg_advisory_unlock(\(lockKey))") }
            try session.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
            let applied = Set(try session.rows("SELECT name FROM schema_migrations").map { $0["name"] as String })
            for migration in EmbeddedMigrations.postgres where !applied.contains(migration.name) {
                try session.execute("BEGIN")
                do {
                    try session.script(migration.sql)
                    try session.execute("INSERT INTO schema_migrations (name) VALUES (?)", [migration.name])
                    try session.execute("COMMIT")
                } catch {
                    _ = try? session.execute("ROLLBACK")
                    throw StoreError.database("migration \(migration.name) failed: \(PostgresSession.describe(error))")
                }
            }
        }
    }
}
