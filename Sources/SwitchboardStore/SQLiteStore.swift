import Foundation
import GRDB
import SwitchboardCore

/// The account pool in `<data-dir>/switchboard.sqlite` (WAL): the embedded default backend of
/// `AccountStore`. Every status change goes through `apply`, which runs `Lifecycle` and writes the
/// audit entry in the same transaction.
public final class SQLiteStore: StoreBackend {
    public typealias ImportResult = AccountStore.ImportResult
    public typealias Applied = AccountStore.Applied
    public typealias RotationResult = AccountStore.RotationResult

    public static let fileName = "switchboard.sqlite"

    let pool: DatabasePool
    let cipher: TokenCipher

    /// Opens (creating if needed) the database in `dataDirectory`: directory 0700, files 0600. The key
    /// comes from `keySource`, by default the data directory's key file.
    public static func open(dataDirectory: URL, keySource: TokenCipher.KeySource? = nil) throws -> SQLiteStore {
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
        let source = TokenCipher.KeySource.resolve(keySource, dataDirectory: dataDirectory)
        let cipher = try Self.verifiedCipher(pool: pool, source: source)
        return SQLiteStore(pool: pool, cipher: cipher)
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
        try pool.read { db in try Array(Row.fetchCursor(db, sql: "SELECT * FROM accounts ORDER BY created_at, id").map { [cipher] in try AccountRow.decode($0, cipher: cipher) }) }
    }

    public func account(id: String) throws -> Account? {
        try pool.read { try Self.fetch($0, id: id, cipher: cipher) }
    }

    /// The rows written since `mark` (all rows when nil), read in one snapshot: an indexed range
    /// over the store-wide version sequence, so a reload costs what changed, not the pool's size.
    public func changes(since mark: Int?) throws -> AccountChanges {
        try pool.read { db in
            let latest = try Int.fetchOne(db.cachedStatement(sql: "SELECT latest FROM account_versions WHERE id = 1")) ?? 0
            var versions: [String: Int] = [:]
            let rows = try Row.fetchCursor(db.cachedStatement(sql: "SELECT id, version FROM accounts WHERE version > ?"), arguments: [mark ?? -1])
            while let row = try rows.next() { versions[row[0]] = row[1] }
            let count = mark == nil ? versions.count : try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM accounts")) ?? 0
            return AccountChanges(versions: versions, mark: latest, count: count, complete: mark == nil)
        }
    }

    /// The accounts with these ids (missing ones are left out), in one statement.
    public func accounts(ids: [String]) throws -> [Account] {
        guard !ids.isEmpty else { return [] }
        let list = String(decoding: try JSONEncoder().encode(ids), as: UTF8.self)
        return try pool.read { db in
            let rows = try Row.fetchCursor(db.cachedStatement(sql: "SELECT * FROM accounts WHERE id IN (SELECT value FROM json_each(?))"), arguments: [list])
            return try Array(rows.map { [cipher] in try AccountRow.decode($0, cipher: cipher) })
        }
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
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM accounts WHERE id = ?"), arguments: [id]).map { try AccountRow.decode($0, cipher: cipher) }
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

    /// Inserts a new account or replaces the tokens of the one with the same identity; the status is kept.
    /// Credentials older than the stored ones (a refresh token this store already rotated away, or an
    /// older `last_refresh`) are not written unless `force`: they would replace live tokens with spent ones.
    public func importAccount(_ file: CodexAuthFile, force: Bool = false, now: Date = Date()) throws -> ImportResult {
        try pool.write { db in
            let id = Account.id(accountID: file.chatgptAccountID, userID: file.chatgptUserID)
            guard let existing = try Self.fetch(db, id: id, cipher: cipher) else {
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
            let stored = existing.tokens
            let changed = stored.fingerprint != file.tokens.fingerprint
            let newer = switch (file.tokens.lastRefreshAt, stored.lastRefreshAt) {
            case (let file?, let stored?): file > stored
            case (_?, nil): true
            case (nil, _): false
            }
            if !force, changed, let why = try Self.olderThanStored(db, id: id, file: file.tokens, stored: stored) {
                return .keptNewer(existing, reason: why)
            }
            // The same refresh token: only a newer access token is worth writing.
            let writeTokens = changed || newer || force
            try db.execute(
                sql: "UPDATE accounts SET email = coalesce(?, email), plan_type = coalesce(?, plan_type), updated_at = ? WHERE id = ?",
                arguments: [file.email, file.planType, now.timeIntervalSince1970, id])
            if writeTokens { try Self.writeTokens(db, id: id, replacing: stored, with: file.tokens, cipher: cipher, now: now) }
            if changed {
                try AuditEntry.insert(db, accountID: id, at: now, from: existing.status.name.rawValue, to: existing.status.name.rawValue, cause: EventSource.cli.rawValue, code: "credentials_replaced", detail: "new credentials \(file.tokens.fingerprint.short) imported")
            }
            return .updated(try Self.fetch(db, id: id, cipher: cipher)!, credentialsChanged: changed)
        }
    }

    /// Why `file` is older than `stored`, or nil when it is not.
    private static func olderThanStored(_ db: Database, id: String, file: TokenSet, stored: TokenSet) throws -> String? {
        let retired = try Bool.fetchOne(
            db, sql: "SELECT 1 FROM retired_credentials WHERE account_id = ? AND fingerprint = ?", arguments: [id, file.fingerprint.hex]) ?? false
        return ImportRule.olderThanStored(retired: retired, file: file, stored: stored)
    }

    /// Replaces the tokens; the refresh token they replace is remembered as retired.
    private static func writeTokens(_ db: Database, id: String, replacing old: TokenSet, with tokens: TokenSet, cipher: TokenCipher, now: Date) throws {
        try db.execute(
            sql: "UPDATE accounts SET \(AccountRow.tokenAssignments), updated_at = ? WHERE id = ?",
            arguments: try AccountRow.tokenArguments(tokens, cipher: cipher) + [now.timeIntervalSince1970, id])
        if old.fingerprint != tokens.fingerprint {
            try db.execute(
                sql: "INSERT OR IGNORE INTO retired_credentials (account_id, fingerprint, retired_at) VALUES (?, ?, ?)",
                arguments: [id, old.fingerprint.hex, now.timeIntervalSince1970])
        }
    }

    /// Runs `Lifecycle` on the account's current row and persists a change with its audit entry,
    /// all in one write transaction, so concurrent observers of one failure record one transition
    /// and a verdict on credentials replaced in the meantime changes nothing but the audit log.
    @discardableResult
    public func apply(_ event: LifecycleEvent, to id: String, now: Date = Date(), policy: LifecyclePolicy = LifecyclePolicy()) throws -> Applied {
        try pool.write { db in
            guard let account = try Self.fetch(db, id: id, cipher: cipher) else { throw StoreError.notFound(id) }
            let decision = Lifecycle.apply(event, to: account, now: now, policy: policy, draw: Double.random(in: -1...1))
            try Self.persist(decision, of: account, event: event, db: db, now: now)
            if case .unchanged = decision { return Applied(decision: decision, account: account) }
            return Applied(decision: decision, account: try Self.fetch(db, id: id, cipher: cipher)!)
        }
    }

    static func persist(_ decision: LifecycleDecision, of account: Account, event: LifecycleEvent, db: Database, now: Date) throws {
        let status = account.status.name.rawValue
        switch decision {
        case .unchanged, .refused:
            return
        case .ignoredStale(let observed, let current):
            let (cause, detail) = AuditEntry.staleVerdict(event, observed: observed, current: current)
            try AuditEntry.insert(db, accountID: account.id, at: now, from: status, to: status, cause: cause, code: "stale_verdict_ignored", detail: detail)
        case .change(let transition):
            try db.execute(
                sql: "UPDATE accounts SET \(AccountRow.statusAssignments), last_cooldown_seconds = coalesce(?, last_cooldown_seconds), updated_at = ? WHERE id = ?",
                arguments: AccountRow.statusArguments(transition.to) + [transition.cooldown, now.timeIntervalSince1970, account.id])
            try AuditEntry.insert(
                db, accountID: account.id, at: now, from: transition.from.name.rawValue, to: transition.to.name.rawValue,
                cause: transition.cause.rawValue, code: transition.code, detail: transition.detail)
        }
    }

    /// Saves rotated tokens only if the stored refresh token is still `previous` (compare-and-swap),
    /// together with the audit entry and the status change a successful refresh causes, and releases
    /// `claim` (the refresh claim its holder took) in the same transaction.
    public func rotateTokens(
        of id: String, previous: CredentialFingerprint, to tokens: TokenSet, source: EventSource, releasing claim: String? = nil,
        now: Date = Date(), policy: LifecyclePolicy = LifecyclePolicy()
    ) throws -> RotationResult {
        try pool.write { db in
            if let claim { try Self.release(db, id: id, holder: claim) }
            guard let account = try Self.fetch(db, id: id, cipher: cipher) else { throw StoreError.notFound(id) }
            guard account.tokens.fingerprint == previous else { return .stale(account) }
            try Self.writeTokens(db, id: id, replacing: account.tokens, with: tokens, cipher: cipher, now: now)
            var refreshed = account
            refreshed.tokens = tokens
            let event = LifecycleEvent.refreshed(source: source)
            let decision = Lifecycle.apply(event, to: refreshed, now: now, policy: policy)
            try Self.persist(decision, of: refreshed, event: event, db: db, now: now)
            if case .unchanged = decision {
                try AuditEntry.insert(db, accountID: id, at: now, from: account.status.name.rawValue, to: account.status.name.rawValue, cause: source.rawValue, code: "tokens_rotated", detail: "refresh token rotated to \(tokens.fingerprint.short)")
            }
            return .rotated(try Self.fetch(db, id: id, cipher: cipher)!, decision: decision)
        }
    }

    public func recordUsage(_ usage: UsageSnapshot, of id: String) async throws -> (before: Int, after: Int)? {
        try await pool.write { db in
            let version = try db.cachedStatement(sql: "SELECT version FROM accounts WHERE id = ?")
            guard let before = try Int.fetchOne(version, arguments: [id]) else { return nil }
            try db.cachedStatement(sql: "UPDATE accounts SET \(AccountRow.usageAssignments), plan_type = coalesce(?, plan_type) WHERE id = ?")
                .execute(arguments: AccountRow.usageArguments(usage) + [usage.planType, id])
            return try Int.fetchOne(version, arguments: [id]).map { (before, $0) }
        }
    }

    /// A success after cooldowns: the next cooldown starts from the beginning again.
    public func resetCooldownBackoff(of id: String) throws -> Account? {
        try pool.write { db in
            try db.execute(sql: "UPDATE accounts SET last_cooldown_seconds = NULL WHERE id = ? AND last_cooldown_seconds IS NOT NULL", arguments: [id])
            return try Self.fetch(db, id: id, cipher: cipher)
        }
    }

    // MARK: Refresh claims

    /// Takes the account's refresh claim for `holder` unless another holder has a live one
    /// (compare-and-swap in one statement). Whoever holds it is the only one calling the token endpoint.
    public func claimRefresh(of id: String, holder: String, lease: TimeInterval, now: Date = Date()) throws -> Bool {
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO refresh_claims (account_id, holder, expires_at) VALUES (?1, ?2, ?3)
                    ON CONFLICT (account_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                    WHERE refresh_claims.expires_at <= ?4 OR refresh_claims.holder = excluded.holder
                    """,
                arguments: [id, holder, now.addingTimeInterval(lease).timeIntervalSince1970, now.timeIntervalSince1970])
            return db.changesCount > 0
        }
    }

    /// Gives the claim back (when the refresh failed; a saved rotation releases it itself).
    public func releaseRefresh(of id: String, holder: String) throws {
        try pool.write { try Self.release($0, id: id, holder: holder) }
    }

    /// Whether someone holds a live refresh claim on the account.
    public func refreshClaimed(_ id: String, now: Date = Date()) throws -> Bool {
        try pool.read { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM refresh_claims WHERE account_id = ? AND expires_at > ?", arguments: [id, now.timeIntervalSince1970]) ?? false
        }
    }

    private static func release(_ db: Database, id: String, holder: String) throws {
        try db.execute(sql: "DELETE FROM refresh_claims WHERE account_id = ? AND holder = ?", arguments: [id, holder])
    }

    public func remove(id: String, now: Date = Date()) throws {
        try pool.write { db in
            guard let account = try Self.fetch(db, id: id, cipher: cipher) else { throw StoreError.notFound(id) }
            try db.execute(sql: "DELETE FROM accounts WHERE id = ?", arguments: [id])
            try AuditEntry.insert(db, accountID: id, at: now, from: account.status.name.rawValue, to: "removed", cause: EventSource.cli.rawValue, code: "removed", detail: "removed by the operator")
        }
    }

    /// One machine, one serving process: nothing to share out.
    public func heartbeat(member: String, timeout: TimeInterval) throws -> [String]? { nil }

    public func liveMembers(within timeout: TimeInterval) throws -> [String] { [] }

    // MARK: Watching

    /// Tells when another process has committed (see `ChangeCounter`).
    public func makeChangeCounter() throws -> ChangeCounter {
        // `PRAGMA data_version` on the writer connection: a cheap "did another process (the admin CLI)
        // commit?". It does not move for this store's own commits, which the gateway already applies
        // as it makes them; a full reload after each of them would re-read and decrypt every account
        // several times a second during a usage-poll round.
        ChangeCounter { [pool] in try pool.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA data_version") ?? 0 } }
    }
}
