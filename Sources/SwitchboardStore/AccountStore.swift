import Foundation
import GRDB
import SwitchboardCore

/// The account pool in `<data-dir>/switchboard.sqlite` (WAL). Every status change goes through
/// `apply`, which runs `Lifecycle` and writes the audit entry in the same transaction.
public final class AccountStore: Sendable {
    public static let fileName = "switchboard.sqlite"

    let pool: DatabasePool
    let cipher: TokenCipher

    /// Opens (creating if needed) the database in `dataDirectory`: directory 0700, files 0600.
    public static func open(dataDirectory: URL, keySource: TokenCipher.KeySource? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> AccountStore {
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try? fileManager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: dataDirectory.path)
        let url = dataDirectory.appendingPathComponent(fileName)
        // SQLite gives the -wal and -shm files the main file's mode, so creating it 0600 covers all three.
        if !fileManager.fileExists(atPath: url.path) {
            _ = fileManager.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        var configuration = GRDB.Configuration()
        configuration.busyMode = .timeout(10)
        configuration.label = "switchboard"
        let pool = try DatabasePool(path: url.path, configuration: configuration)
        try Migrations.migrator.migrate(pool)
        let source = keySource ?? Self.keySource(dataDirectory: dataDirectory, environment: environment)
        let cipher = try Self.verifiedCipher(pool: pool, source: source)
        return AccountStore(pool: pool, cipher: cipher)
    }

    init(pool: DatabasePool, cipher: TokenCipher) {
        self.pool = pool
        self.cipher = cipher
    }

    /// A known value sealed with the key: opening it proves the key is the database's key.
    private static func verifiedCipher(pool: DatabasePool, source: TokenCipher.KeySource) throws -> TokenCipher {
        let check = try pool.read { try Data.fetchOne($0, sql: "SELECT value FROM meta WHERE key = 'key_check'") }
        let cipher = try TokenCipher.load(from: source, mayCreate: check == nil)
        if let check {
            guard (try? cipher.open(check)) == "switchboard" else { throw StoreError.wrongKey }
        } else {
            let sealed = try cipher.seal("switchboard")
            try pool.write { try $0.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('key_check', ?)", arguments: [sealed]) }
        }
        return cipher
    }

    // MARK: Reading

    /// Fails when the database cannot answer a query.
    public func ping() throws {
        _ = try pool.read { try Int.fetchOne($0, sql: "SELECT 1") }
    }

    public func accounts() throws -> [Account] {
        try pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM accounts ORDER BY created_at, id").map { try AccountRow.decode($0, cipher: cipher) } }
    }

    public func account(id: String) throws -> Account? {
        try pool.read { try Self.fetch($0, id: id, cipher: cipher) }
    }

    /// Finds an account by id, ChatGPT account id, or email (when unique).
    public func find(_ reference: String) throws -> Account {
        try pool.read { db in
            if let account = try Self.fetch(db, id: reference, cipher: cipher) { return account }
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM accounts WHERE lower(email) = lower(?) OR chatgpt_account_id = ?", arguments: [reference, reference])
            guard !rows.isEmpty else { throw StoreError.notFound(reference) }
            guard rows.count == 1 else { throw StoreError.ambiguous(reference, matches: rows.map { $0["id"] }) }
            return try AccountRow.decode(rows[0], cipher: cipher)
        }
    }

    static func fetch(_ db: Database, id: String, cipher: TokenCipher) throws -> Account? {
        try Row.fetchOne(db, sql: "SELECT * FROM accounts WHERE id = ?", arguments: [id]).map { try AccountRow.decode($0, cipher: cipher) }
    }

    /// The audit log, newest last; filtered by account and/or time.
    public func events(accountID: String? = nil, since: Date? = nil, limit: Int = 1000) throws -> [AuditEntry] {
        try pool.read { db in
            try AuditEntry.fetchAll(
                db,
                sql: """
                    SELECT * FROM (SELECT * FROM account_events
                    WHERE (?1 IS NULL OR account_id = ?1) AND (?2 IS NULL OR at >= ?2)
                    ORDER BY id DESC LIMIT ?3) ORDER BY id
                    """,
                arguments: [accountID, since?.timeIntervalSince1970, limit])
        }
    }

    // MARK: Writing

    /// The result of importing a Codex login.
    public enum ImportResult: Sendable, Equatable {
        case created(Account)
        case updated(Account, credentialsChanged: Bool)

        public var account: Account {
            switch self { case .created(let a), .updated(let a, _): a }
        }
    }

    /// Inserts a new account or replaces the tokens of the one with the same identity. The status is kept.
    public func importAccount(_ file: CodexAuthFile, now: Date = Date()) throws -> ImportResult {
        try pool.write { db in
            let id = Account.id(accountID: file.chatgptAccountID, userID: file.chatgptUserID)
            if let existing = try Self.fetch(db, id: id, cipher: cipher) {
                let changed = existing.tokens.refreshToken != file.tokens.refreshToken
                try db.execute(
                    sql: "UPDATE accounts SET \(AccountRow.tokenAssignments), email = coalesce(?, email), plan_type = coalesce(?, plan_type), updated_at = ? WHERE id = ?",
                    arguments: try AccountRow.tokenArguments(file.tokens, cipher: cipher) + [file.email, file.planType, now.timeIntervalSince1970, id])
                if changed {
                    try AuditEntry.insert(db, accountID: id, at: now, from: existing.status.name.rawValue, to: existing.status.name.rawValue, cause: EventSource.cli.rawValue, code: "credentials_replaced", detail: "new credentials \(file.tokens.fingerprint.short) imported")
                }
                return .updated(try Self.fetch(db, id: id, cipher: cipher)!, credentialsChanged: changed)
            }
            try db.execute(
                sql: """
                    INSERT INTO accounts (id, chatgpt_account_id, chatgpt_user_id, email, plan_type, status,
                      access_token_enc, refresh_token_enc, id_token_enc, refresh_fingerprint, last_refresh_at, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [id, file.chatgptAccountID, file.chatgptUserID, file.email, file.planType]
                    + (try AccountRow.tokenArguments(file.tokens, cipher: cipher)) + [now.timeIntervalSince1970, now.timeIntervalSince1970])
            try AuditEntry.insert(db, accountID: id, at: now, from: nil, to: AccountStatus.Name.active.rawValue, cause: EventSource.cli.rawValue, code: "imported", detail: "credentials \(file.tokens.fingerprint.short) imported")
            return .created(try Self.fetch(db, id: id, cipher: cipher)!)
        }
    }

    /// Runs `Lifecycle` on the account's current row and persists a change with its audit entry,
    /// all in one write transaction, so concurrent observers of one failure record one transition.
    @discardableResult
    public func apply(_ event: LifecycleEvent, to id: String, now: Date = Date(), policy: LifecyclePolicy = LifecyclePolicy()) throws -> LifecycleDecision {
        try pool.write { db in
            guard let account = try Self.fetch(db, id: id, cipher: cipher) else { throw StoreError.notFound(id) }
            return try Self.persist(Lifecycle.apply(event, to: account, now: now, policy: policy), of: id, db: db, now: now)
        }
    }

    @discardableResult
    static func persist(_ decision: LifecycleDecision, of id: String, db: Database, now: Date) throws -> LifecycleDecision {
        guard case .change(let transition) = decision else { return decision }
        try db.execute(
            sql: "UPDATE accounts SET \(AccountRow.statusAssignments), updated_at = ? WHERE id = ?",
            arguments: AccountRow.statusArguments(transition.to) + [now.timeIntervalSince1970, id])
        try AuditEntry.insert(
            db, accountID: id, at: now, from: transition.from.name.rawValue, to: transition.to.name.rawValue,
            cause: transition.cause.rawValue, code: transition.code, detail: transition.detail)
        return decision
    }

    /// The result of persisting refreshed tokens.
    public enum RotationResult: Sendable, Equatable {
        /// Saved; `decision` is what a successful refresh did to the status.
        case rotated(Account, decision: LifecycleDecision)
        /// The stored refresh token is no longer the one that was refreshed (someone else rotated it).
        case stale(Account)
    }

    /// Saves rotated tokens only if the stored refresh token is still `previous` (compare-and-swap),
    /// together with the audit entry and the status change a successful refresh causes.
    public func rotateTokens(of id: String, previous: CredentialFingerprint, to tokens: TokenSet, source: EventSource, now: Date = Date(), policy: LifecyclePolicy = LifecyclePolicy()) throws -> RotationResult {
        try pool.write { db in
            guard let account = try Self.fetch(db, id: id, cipher: cipher) else { throw StoreError.notFound(id) }
            guard account.tokens.fingerprint == previous else { return .stale(account) }
            try db.execute(
                sql: "UPDATE accounts SET \(AccountRow.tokenAssignments), updated_at = ? WHERE id = ?",
                arguments: try AccountRow.tokenArguments(tokens, cipher: cipher) + [now.timeIntervalSince1970, id])
            var refreshed = account
            refreshed.tokens = tokens
            let decision = try Self.persist(Lifecycle.apply(.refreshed(source: source), to: refreshed, now: now, policy: policy), of: id, db: db, now: now)
            if case .unchanged = decision {
                try AuditEntry.insert(db, accountID: id, at: now, from: account.status.name.rawValue, to: account.status.name.rawValue, cause: source.rawValue, code: "tokens_rotated", detail: "refresh token rotated to \(tokens.fingerprint.short)")
            }
            return .rotated(try Self.fetch(db, id: id, cipher: cipher)!, decision: decision)
        }
    }

    /// Stores the latest usage report.
    public func recordUsage(_ usage: UsageSnapshot, of id: String) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE accounts SET \(AccountRow.usageAssignments), plan_type = coalesce(?, plan_type) WHERE id = ?", arguments: AccountRow.usageArguments(usage) + [usage.planType, id])
        }
    }

    public func remove(id: String, now: Date = Date()) throws {
        try pool.write { db in
            guard let account = try Self.fetch(db, id: id, cipher: cipher) else { throw StoreError.notFound(id) }
            try db.execute(sql: "DELETE FROM accounts WHERE id = ?", arguments: [id])
            try AuditEntry.insert(db, accountID: id, at: now, from: account.status.name.rawValue, to: "removed", cause: EventSource.cli.rawValue, code: "removed", detail: "removed by the operator")
        }
    }

    // MARK: Watching

    /// Tells when another process has committed (see `ChangeCounter`).
    public func makeChangeCounter() throws -> ChangeCounter {
        ChangeCounter(pool: pool)
    }
}

/// Reads `PRAGMA data_version` on the store's writer connection: a cheap "did another process
/// (the admin CLI) commit?". The value does not move for this store's own commits, which the
/// gateway already applies as it makes them; a full reload after each of them would re-read and
/// decrypt every account several times a second during a usage-poll round.
public final class ChangeCounter: Sendable {
    private let pool: DatabasePool

    init(pool: DatabasePool) {
        self.pool = pool
    }

    public func current() throws -> Int {
        try pool.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA data_version") ?? 0 }
    }
}
