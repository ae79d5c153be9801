import Foundation
import GRDB

/// Moves an SQLite pool into an empty PostgreSQL store (`switchboard migrate-store`): every table row
/// for row, tokens still sealed (both stores hold the same key, which `PostgresStore.open` checked),
/// in one PostgreSQL transaction, so a failure leaves the destination empty.
public enum StoreTransfer {
    /// The tables copied, parents first.
    static let tables = ["accounts", "account_events", "retired_credentials", "refresh_claims", "api_keys", "api_key_usage", "request_log"]

    /// How many rows each table received.
    public static func copy(from source: AccountStore, to destination: AccountStore) throws -> [(table: String, rows: Int)] {
        guard let sqlite = source.backend as? SQLiteStore else { throw StoreError.backup("migrate-store copies an SQLite store; the source is not one") }
        guard let postgres = destination.backend as? PostgresStore else { throw StoreError.backup("migrate-store copies into PostgreSQL (--to postgres://…)") }
        return try postgres.connections.transaction { session in
            let present = try session.row("SELECT count(*) AS n FROM accounts")?["n"] as Int? ?? 0
            guard present == 0 else {
                throw StoreError.backup("the PostgreSQL store already holds \(present) account(s); migrate-store fills an empty one only; nothing was changed")
            }
            var copied: [(table: String, rows: Int)] = []
            for table in tables {
                let rows = try sqlite.pool.read { try Row.fetchAll($0, sql: "SELECT * FROM \(table)") }
                for row in rows {
                    let columns = Array(row.columnNames)
                    let values: [(any DatabaseValueConvertible)?] = Array(row.databaseValues)
                    try session.execute(
                        "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))", values)
                }
                copied.append((table, rows.count))
            }
            // Rows came with their ids: the sequences continue after them.
            for table in ["account_events", "request_log"] {
                try session.execute("SELECT setval(pg_get_serial_sequence('\(table)', 'id'), coalesce(max(id), 0) + 1, false) FROM \(table)")
            }
            return copied
        }
    }
}
