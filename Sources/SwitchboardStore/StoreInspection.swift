import Foundation
import GRDB
import SwitchboardCore

/// What `switchboard doctor` needs to know about a store, found without creating or changing anything.
public struct StoreInspection: Sendable {
    public enum MigrationState: Sendable, Equatable {
        case current
        /// Migrations this build would apply on the next open.
        case pending([String])
        /// Migrations this build does not know: a newer switchboard wrote the database.
        case newer([String])
    }

    public enum KeyState: Sendable, Equatable {
        case opens
        /// The key was found but does not open the tokens, or cannot be read; the text says which and what to do.
        case fails(String)
        /// A new database: no key has sealed anything yet.
        case unused
    }

    public let migrations: MigrationState
    public let key: KeyState
    /// The accounts, read only when the key opens them.
    public let accounts: [Account]
    public let activeAPIKeys: Int
}

extension SQLiteStore {
    /// Reads the store in `dataDirectory` read-only. Throws when there is no database or SQLite cannot open it.
    public static func inspect(dataDirectory: URL, keySource: TokenCipher.KeySource? = nil) throws -> StoreInspection {
        let database = dataDirectory.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: database.path) else { throw StoreError.notFound(database.path) }
        let queue = try DatabaseQueue(path: database.path, configuration: readOnly)
        defer { try? queue.close() }
        return try queue.read { db in
            _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master")
            let migrator = Migrations.migrator
            let applied = try migrator.appliedIdentifiers(db)
            let migrations: StoreInspection.MigrationState =
                if try migrator.hasBeenSuperseded(db) { .newer(applied.subtracting(Migrations.names).sorted()) }
                else if try migrator.hasCompletedMigrations(db) { .current }
                else { .pending(Migrations.names.filter { !applied.contains($0) }) }
            guard migrations == .current else { return StoreInspection(migrations: migrations, key: .unused, accounts: [], activeAPIKeys: 0) }

            let keys = try Int.fetchOne(db, sql: "SELECT count(*) FROM api_keys WHERE revoked_at IS NULL") ?? 0
            guard let check = try Data.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'key_check'") else {
                return StoreInspection(migrations: migrations, key: .unused, accounts: [], activeAPIKeys: keys)
            }
            let cipher: TokenCipher
            do {
                cipher = try TokenCipher.load(from: .resolve(keySource, dataDirectory: dataDirectory), mayCreate: false)
            } catch {
                return StoreInspection(migrations: migrations, key: .fails("\(error)"), accounts: [], activeAPIKeys: keys)
            }
            guard (try? cipher.open(check)) == "switchboard" else {
                return StoreInspection(migrations: migrations, key: .fails(StoreError.wrongKey.description), accounts: [], activeAPIKeys: keys)
            }
            let accounts = try Row.fetchAll(db, sql: "SELECT * FROM accounts ORDER BY created_at, id").map { try AccountRow.decode($0, cipher: cipher) }
            return StoreInspection(migrations: migrations, key: .opens, accounts: accounts, activeAPIKeys: keys)
        }
    }
}
