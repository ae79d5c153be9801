import Foundation
import GRDB

/// Backups and restores of the store. A backup is one SQLite file (rollback journal, mode 0600) copied through
/// SQLite's online backup API from a read snapshot, so it is consistent while a server keeps writing. Its
/// tokens stay sealed with the store's key, which the backup does not contain.
extension SQLiteStore {
    /// Writes a consistent copy of the database to `destination`, which must not exist yet.
    public func backup(to destination: URL) throws {
        try Self.createPrivateFile(destination)
        do {
            let copy = try DatabaseQueue(path: destination.path)
            try pool.backup(to: copy)
            try Self.useRollbackJournal(copy)
            try copy.close()
        } catch {
            try? FileManager.default.removeItem(at: destination)
            throw StoreError.backup("the backup to \(destination.path) failed: \(error)")
        }
    }

    /// What `restore` did.
    public struct Restored: Sendable {
        public let accounts: Int
        /// Where the database that was replaced now is (nil when there was none).
        public let previous: URL?
    }

    /// Replaces the store in `dataDirectory` with `backup`. Refuses when another process has the store open,
    /// when the backup is not a sound switchboard database, was made by a newer switchboard, or when the
    /// key at hand does not open its tokens. A replaced database is kept beside it, never deleted.
    public static func restore(from backup: URL, dataDirectory: URL, keySource: TokenCipher.KeySource? = nil, now: Date = Date()) throws -> Restored {
        let database = dataDirectory.appendingPathComponent(fileName)
        guard !StoreUsage.isOpenElsewhere(database: database) else { throw StoreError.inUse(database.path) }
        let accounts = try verifyBackup(backup, dataDirectory: dataDirectory, keySource: keySource)

        let fileManager = FileManager.default
        try fileManager.createDirectory(at: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let staging = dataDirectory.appendingPathComponent(fileName + ".restoring")
        try? fileManager.removeItem(at: staging)
        try createPrivateFile(staging)
        do {
            let source = try DatabaseQueue(path: backup.path, configuration: readOnly)
            let copy = try DatabaseQueue(path: staging.path)
            try source.backup(to: copy)
            try useRollbackJournal(copy)
            try copy.close()
            try source.close()
        } catch {
            try? fileManager.removeItem(at: staging)
            throw StoreError.backup("copying \(backup.path) into \(dataDirectory.path) failed: \(error)")
        }

        var previous: URL?
        if fileManager.fileExists(atPath: database.path) {
            // Checked again: a server started since the first check would otherwise lose its store under it.
            guard !StoreUsage.isOpenElsewhere(database: database) else {
                try? fileManager.removeItem(at: staging)
                throw StoreError.inUse(database.path)
            }
            // Fold the old WAL into its database so the kept copy is whole, then move it aside.
            let old = try DatabaseQueue(path: database.path)
            try old.writeWithoutTransaction { _ = try Row.fetchOne($0, sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
            try old.close()
            let stamp = ISO8601DateFormatter().string(from: now).replacingOccurrences(of: ":", with: "")
            let aside = dataDirectory.appendingPathComponent("\(fileName).pre-restore-\(stamp)")
            try fileManager.moveItem(at: database, to: aside)
            previous = aside
        }
        for suffix in ["-wal", "-shm"] { try? fileManager.removeItem(atPath: database.path + suffix) }
        try fileManager.moveItem(at: staging, to: database)
        return Restored(accounts: accounts, previous: previous)
    }

    /// Checks that `backup` is an intact switchboard database this build can run and that the key opens it;
    /// returns its number of accounts.
    static func verifyBackup(_ backup: URL, dataDirectory: URL, keySource: TokenCipher.KeySource?) throws -> Int {
        guard FileManager.default.isReadableFile(atPath: backup.path) else { throw StoreError.backup("cannot read \(backup.path)") }
        let queue: DatabaseQueue
        do { queue = try DatabaseQueue(path: backup.path, configuration: readOnly) } catch {
            throw StoreError.backup("\(backup.path) is not an SQLite database: \(error)")
        }
        defer { try? queue.close() }
        return try queue.read { db in
            let integrity = try? String.fetchOne(db, sql: "PRAGMA integrity_check")
            guard integrity == "ok" else { throw StoreError.backup("\(backup.path) is damaged (integrity check: \(integrity ?? "unreadable"))") }
            guard try db.tableExists("meta"), try db.tableExists("accounts"),
                let check = try Data.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'key_check'")
            else { throw StoreError.backup("\(backup.path) is not a switchboard database") }
            guard try !Migrations.migrator.hasBeenSuperseded(db) else {
                throw StoreError.backup("\(backup.path) was made by a newer switchboard (its schema has migrations this build does not know)")
            }
            let cipher = try TokenCipher.load(from: .resolve(keySource, dataDirectory: dataDirectory), mayCreate: false)
            guard (try? cipher.open(check)) == "switchboard" else { throw StoreError.backupKeyMismatch }
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM accounts") ?? 0
        }
    }

    static var readOnly: GRDB.Configuration {
        var configuration = GRDB.Configuration()
        configuration.readonly = true
        return configuration
    }

    private static func createPrivateFile(_ url: URL) throws {
        guard !FileManager.default.fileExists(atPath: url.path) else { throw StoreError.backup("\(url.path) already exists; choose another name or remove it") }
        guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw StoreError.backup("cannot create \(url.path)")
        }
    }

    /// A copy of a WAL database is WAL too; a backup is one self-contained file instead.
    private static func useRollbackJournal(_ queue: DatabaseQueue) throws {
        try queue.writeWithoutTransaction { _ = try String.fetchOne($0, sql: "PRAGMA journal_mode = DELETE") }
    }
}
