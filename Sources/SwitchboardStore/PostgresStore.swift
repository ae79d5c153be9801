import Foundation
import GRDB
import SwitchboardCore

/// The pool in one PostgreSQL database shared by several switchboard instances
/// (`SWITCHBOARD_DATABASE_URL=postgres://…`). The same rules as `SQLiteStore`: a status change runs
/// `Lifecycle` on the row as it stands (locked `FOR UPDATE`) and writes its audit entry in the same
/// transaction; refresh claims are a compare-and-swap on `refresh_claims`, so one token call per
/// account is made across every instance. Rows are decoded by the SQLite store's own code.
public final class PostgresStore: StoreBackend {
    let connections: PostgresConnections
    let cipher: TokenCipher

    /// Connects, applies `migrations/postgres/` once (under an advisory lock, however many instances
    /// start together) and checks that the key at hand is the database's key.
    public static func open(url: String, dataDirectory: URL, keySource: TokenCipher.KeySource? = nil) throws -> PostgresStore {
        let connections = try PostgresConnections(url: url)
        try PostgresMigrations.apply(connections)
        let source = TokenCipher.KeySource.resolve(keySource, dataDirectory: dataDirectory)
        if case .file = source {
            // The key file lives in the data directory, private as with SQLite.
            try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        return PostgresStore(connections: connections, cipher: try verifiedCipher(connections, source: source))
    }

    init(connections: PostgresConnections, cipher: TokenCipher) {
        self.connections = connections
        self.cipher = cipher
    }

    /// The key's fingerprint row tells an instance with another key why it cannot start; the sealed
    /// check value proves the key (as in SQLite). The first instance to start writes both.
    private static func verifiedCipher(_ connections: PostgresConnections, source: TokenCipher.KeySource) throws -> TokenCipher {
        try connections.transaction { session in
            // One instance at a time decides, so two first starts cannot write two different keys.
            try session.execute("SELECT pg_advisory_xact_lock(\(PostgresMigrations.lockKey) + 1)")
            let check = try session.row("SELECT value FROM meta WHERE key = 'key_check'").map { $0["value"] as Data }
            let stored = try session.row("SELECT value FROM meta WHERE key = 'key_fingerprint'").map { String(decoding: $0["value"] as Data, as: UTF8.self) }
            var mayCreate = check == nil
            if case .file(let url) = source, FileManager.default.fileExists(atPath: url.path) { mayCreate = false }
            let cipher = try TokenCipher.load(from: source, mayCreate: mayCreate)
            if let stored, stored != cipher.fingerprint { throw StoreError.sharedKeyMismatch(instance: cipher.fingerprint, database: stored) }
            if let check {
                guard (try? cipher.open(check)) == "switchboard" else { throw StoreError.wrongKey }
            } else {
                try session.execute(
                    "INSERT INTO meta (key, value) VALUES ('key_check', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [try cipher.seal("switchboard")])
            }
            if stored == nil {
                try session.execute("INSERT INTO meta (key, value) VALUES ('key_fingerprint', ?) ON CONFLICT (key) DO NOTHING", [Data(cipher.fingerprint.utf8)])
            }
            return cipher
        }
    }

    // MARK: Reading

    public func ping() throws {
        try connections.session { _ = try $0.row("SELECT 1 AS one") }
    }

    public func accounts() throws -> [Account] {
        try connections.session { try $0.rows("SELECT * FROM accounts ORDER BY created_at, id").map { try AccountRow.decode($0, cipher: cipher) } }
    }

    public func account(id: String) throws -> Account? {
        try connections.session { try fetch($0, id: id) }
    }

    /// The rows written since `mark` (every row when nil), in one snapshot: rows whose writing
    /// transaction is not older than the oldest one running when the last look was taken (`written_by`,
    /// migration 0002). Some rows come again (committed before that look, but by a younger transaction);
    /// the pool drops them by their version.
    public func changes(since mark: Int?) throws -> AccountChanges {
        try connections.transaction { session in
            try session.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            let next = try session.row("SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS mark").flatMap { Int($0["mark"] as String) }
            var versions: [String: Int] = [:]
            let rows = try mark.map { try session.rows("SELECT id, version FROM accounts WHERE written_by >= ?::xid8", [String($0)]) }
                ?? session.rows("SELECT id, version FROM accounts")
            for row in rows { versions[row["id"]] = row["version"] }
            let count: Int = mark == nil ? versions.count : try session.row("SELECT count(*) AS total FROM accounts")?["total"] ?? 0
            return AccountChanges(versions: versions, mark: next, count: count, complete: mark == nil)
        }
    }

    public func accounts(ids: [String]) throws -> [Account] {
        guard !ids.isEmpty else { return [] }
        return try connections.session { session in
            try session.rows("SELECT * FROM accounts WHERE id = ANY(string_to_array(?, ','))", [ids.joined(separator: ",")])
                .map { try AccountRow.decode($0, cipher: cipher) }
        }
    }

    public func find(_ reference: String) throws -> Account {
        try connections.session { session in
            if let account = try fetch(session, id: reference) { return account }
            let rows = try session.rows("SELECT * FROM accounts WHERE lower(email) = lower(?1) OR chatgpt_account_id = ?1", [reference])
            guard !rows.isEmpty else { throw StoreError.notFound(reference) }
            guard rows.count == 1 else { throw StoreError.ambiguous(reference, matches: rows.map { $0["id"] }) }
            return try AccountRow.decode(rows[0], cipher: cipher)
        }
    }

    /// The row, locked until the transaction ends when `locking` (writes decide on the row as it stands).
    private func fetch(_ session: PostgresSession, id: String, locking: Bool = false) throws -> Account? {
        try session.row("SELECT * FROM accounts WHERE id = ?\(locking ? " FOR UPDATE" : "")", [id]).map { try AccountRow.decode($0, cipher: cipher) }
    }

    public func events(accountID: String?, since: Date?, limit: Int) throws -> [AuditEntry] {
        try connections.session { session in
            try session.rows(
                """
                SELECT * FROM (SELECT * FROM account_events
                WHERE (?1::text IS NULL OR account_id = ?1) AND (?2::double precision IS NULL OR at >= ?2)
                ORDER BY id DESC LIMIT ?3) recent ORDER BY id
                """,
                [accountID, since?.timeIntervalSince1970, limit]
            ).map { try AuditEntry(row: $0) }
        }
    }

    // MARK: Writing

    private static func audit(
        _ session: PostgresSession, accountID: String, at: Date, from: String?, to: String, cause: String, code: String?, detail: String?
    ) throws {
        try session.execute(
            "INSERT INTO account_events (account_id, at, from_status, to_status, cause, code, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [accountID, at.timeIntervalSince1970, from, to, cause, code, detail])
    }

    public func importAccount(_ file: CodexAuthFile, force: Bool, now: Date) throws -> AccountStore.ImportResult {
        try connections.transaction { session in
            let id = Account.id(accountID: file.chatgptAccountID, userID: file.chatgptUserID)
            guard let existing = try fetch(session, id: id, locking: true) else {
                try session.execute(
                    """
                    INSERT INTO accounts (id, chatgpt_account_id, chatgpt_user_id, email, plan_type, status,
                      access_token_enc, refresh_token_enc, id_token_enc, refresh_fingerprint, last_refresh_at, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [id, file.chatgptAccountID, file.chatgptUserID, file.email, file.planType]
                        + (try AccountRow.tokenValues(file.tokens, cipher: cipher)) + [now.timeIntervalSince1970, now.timeIntervalSince1970])
                try Self.audit(session, accountID: id, at: now, from: nil, to: AccountStatus.Name.active.rawValue, cause: EventSource.cli.rawValue, code: "imported", detail: "credentials \(file.tokens.fingerprint.short) imported")
                return .created(try fetch(session, id: id)!)
            }
            let stored = existing.tokens
            let changed = stored.fingerprint != file.tokens.fingerprint
            let newer = switch (file.tokens.lastRefreshAt, stored.lastRefreshAt) {
            case (let file?, let stored?): file > stored
            case (_?, nil): true
            case (nil, _): false
            }
            if !force, changed {
                let retired = try session.row(
                    "SELECT 1 AS one FROM retired_credentials WHERE account_id = ? AND fingerprint = ?", [id, file.tokens.fingerprint.hex]) != nil
                if let why = ImportRule.olderThanStored(retired: retired, file: file.tokens, stored: stored) { return .keptNewer(existing, reason: why) }
            }
            try session.execute(
                "UPDATE accounts SET email = coalesce(?, email), plan_type = coalesce(?, plan_type), updated_at = ? WHERE id = ?",
                [file.email, file.planType, now.timeIntervalSince1970, id])
            if changed || newer || force { try writeTokens(session, id: id, replacing: stored, with: file.tokens, now: now) }
            if changed {
                try Self.audit(session, accountID: id, at: now, from: existing.status.name.rawValue, to: existing.status.name.rawValue, cause: EventSource.cli.rawValue, code: "credentials_replaced", detail: "new credentials \(file.tokens.fingerprint.short) imported")
            }
            return .updated(try fetch(session, id: id)!, credentialsChanged: changed)
        }
    }

    private func writeTokens(_ session: PostgresSession, id: String, replacing old: TokenSet, with tokens: TokenSet, now: Date) throws {
        try session.execute(
            "UPDATE accounts SET \(AccountRow.tokenAssignments), updated_at = ? WHERE id = ?",
            try AccountRow.tokenValues(tokens, cipher: cipher) + [now.timeIntervalSince1970, id])
        if old.fingerprint != tokens.fingerprint {
            try session.execute(
                "INSERT INTO retired_credentials (account_id, fingerprint, retired_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                [id, old.fingerprint.hex, now.timeIntervalSince1970])
        }
    }

    public func apply(_ event: LifecycleEvent, to id: String, now: Date, policy: LifecyclePolicy) throws -> AccountStore.Applied {
        try connections.transaction { session in
            guard let account = try fetch(session, id: id, locking: true) else { throw StoreError.notFound(id) }
            let decision = Lifecycle.apply(event, to: account, now: now, policy: policy, draw: Double.random(in: -1...1))
            try persist(decision, of: account, event: event, session: session, now: now)
            if case .unchanged = decision { return AccountStore.Applied(decision: decision, account: account) }
            return AccountStore.Applied(decision: decision, account: try fetch(session, id: id)!)
        }
    }

    private func persist(_ decision: LifecycleDecision, of account: Account, event: LifecycleEvent, session: PostgresSession, now: Date) throws {
        let status = account.status.name.rawValue
        switch decision {
        case .unchanged, .refused:
            return
        case .ignoredStale(let observed, let current):
            let (cause, detail) = AuditEntry.staleVerdict(event, observed: observed, current: current)
            try Self.audit(session, accountID: account.id, at: now, from: status, to: status, cause: cause, code: "stale_verdict_ignored", detail: detail)
        case .change(let transition):
            try session.execute(
                "UPDATE accounts SET \(AccountRow.statusAssignments), last_cooldown_seconds = coalesce(?, last_cooldown_seconds), updated_at = ? WHERE id = ?",
                AccountRow.statusValues(transition.to) + [transition.cooldown, now.timeIntervalSince1970, account.id])
            try Self.audit(
                session, accountID: account.id, at: now, from: transition.from.name.rawValue, to: transition.to.name.rawValue,
                cause: transition.cause.rawValue, code: transition.code, detail: transition.detail)
        }
    }

    public func rotateTokens(
        of id: String, previous: CredentialFingerprint, to tokens: TokenSet, source: EventSource, releasing claim: String?,
        now: Date, policy: LifecyclePolicy
    ) throws -> AccountStore.RotationResult {
        try connections.transaction { session in
            if let claim { try session.execute("DELETE FROM refresh_claims WHERE account_id = ? AND holder = ?", [id, claim]) }
            guard let account = try fetch(session, id: id, locking: true) else { throw StoreError.notFound(id) }
            guard account.tokens.fingerprint == previous else { return .stale(account) }
            try writeTokens(session, id: id, replacing: account.tokens, with: tokens, now: now)
            var refreshed = account
            refreshed.tokens = tokens
            let event = LifecycleEvent.refreshed(source: source)
            let decision = Lifecycle.apply(event, to: refreshed, now: now, policy: policy)
            try persist(decision, of: refreshed, event: event, session: session, now: now)
            if case .unchanged = decision {
                try Self.audit(session, accountID: id, at: now, from: account.status.name.rawValue, to: account.status.name.rawValue, cause: source.rawValue, code: "tokens_rotated", detail: "refresh token rotated to \(tokens.fingerprint.short)")
            }
            return .rotated(try fetch(session, id: id)!, decision: decision)
        }
    }

    /// Async by the protocol, but waited for on the calling thread like every call of this store
    /// (postgres-nio futures; see `PostgresConnections`).
    public func recordUsage(_ usage: UsageSnapshot, of id: String) async throws -> (before: Int, after: Int)? {
        try connections.transaction { session in
            guard let before: Int = try session.row("SELECT version FROM accounts WHERE id = ? FOR UPDATE", [id])?["version"] else { return nil }
            let after: Int? = try session.row(
                "UPDATE accounts SET \(AccountRow.usageAssignments), plan_type = coalesce(?, plan_type) WHERE id = ? RETURNING version",
                AccountRow.usageValues(usage) + [usage.planType, id])?["version"]
            return after.map { (before, $0) }
        }
    }

    public func resetCooldownBackoff(of id: String) throws -> Account? {
        try connections.transaction { session in
            try session.execute("UPDATE accounts SET last_cooldown_seconds = NULL WHERE id = ? AND last_cooldown_seconds IS NOT NULL", [id])
            return try fetch(session, id: id)
        }
    }

    // MARK: Refresh claims

    public func claimRefresh(of id: String, holder: String, lease: TimeInterval, now: Date) throws -> Bool {
        try connections.session { session in
            try session.execute(
                """
                INSERT INTO refresh_claims (account_id, holder, expires_at) VALUES (?1, ?2, ?3)
                ON CONFLICT (account_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                WHERE refresh_claims.expires_at <= ?4 OR refresh_claims.holder = excluded.holder
                """,
                [id, holder, now.addingTimeInterval(lease).timeIntervalSince1970, now.timeIntervalSince1970]) > 0
        }
    }

    public func releaseRefresh(of id: String, holder: String) throws {
        try connections.session { try $0.execute("DELETE FROM refresh_claims WHERE account_id = ? AND holder = ?", [id, holder]) }
    }

    public func refreshClaimed(_ id: String, now: Date) throws -> Bool {
        try connections.session { try $0.row("SELECT 1 AS one FROM refresh_claims WHERE account_id = ? AND expires_at > ?", [id, now.timeIntervalSince1970]) != nil }
    }

    public func remove(id: String, now: Date) throws {
        try connections.transaction { session in
            guard let account = try fetch(session, id: id, locking: true) else { throw StoreError.notFound(id) }
            try session.execute("DELETE FROM accounts WHERE id = ?", [id])
            try Self.audit(session, accountID: id, at: now, from: account.status.name.rawValue, to: "removed", cause: EventSource.cli.rawValue, code: "removed", detail: "removed by the operator")
        }
    }

    /// Moves with every committed change of accounts or API keys, any instance's: see `PostgresChangeWatch`.
    public func makeChangeCounter() throws -> ChangeCounter {
        let watch = PostgresChangeWatch(connections: connections)
        _ = try watch.current()
        return ChangeCounter { try watch.current() }
    }

    /// The database's clock decides who is alive, so instances' clocks may differ. Members silent for
    /// an hour are forgotten.
    public func heartbeat(member: String, timeout: TimeInterval) throws -> [String]? {
        try connections.transaction { session in
            try session.execute("INSERT INTO members (id, seen_at) VALUES (?, now()) ON CONFLICT (id) DO UPDATE SET seen_at = now()", [member])
            try session.execute("DELETE FROM members WHERE seen_at < now() - interval '1 hour'")
            return try Self.live(session, within: timeout)
        }
    }

    public func liveMembers(within timeout: TimeInterval) throws -> [String] {
        try connections.session { try Self.live($0, within: timeout) }
    }

    private static func live(_ session: PostgresSession, within timeout: TimeInterval) throws -> [String] {
        try session.rows("SELECT id FROM members WHERE seen_at > now() - make_interval(secs => ?) ORDER BY id", [timeout]).map { $0["id"] as String }
    }

    // MARK: API keys

    public func createAPIKey(name: String, limits: KeyLimits, now: Date) throws -> (key: String, record: APIKeyRecord) {
        let new = NewAPIKey()
        let record = try connections.transaction { session in
            try session.execute(
                "INSERT INTO api_keys (id, name, prefix, hash, created_at, tokens_per_day, requests_per_minute, models) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [new.id, name, new.prefix, new.hash, now.timeIntervalSince1970, limits.tokensPerDay, limits.requestsPerMinute, limits.modelList])
            return try APIKeyRecord(row: try session.row("SELECT * FROM api_keys WHERE id = ?", [new.id])!)
        }
        return (new.key, record)
    }

    public func apiKeys() throws -> [APIKeyRecord] {
        try connections.session { try $0.rows("SELECT * FROM api_keys ORDER BY created_at, id").map(APIKeyRecord.init(row:)) }
    }

    public func revokeAPIKey(_ reference: String, now: Date) throws -> APIKeyRecord {
        try connections.transaction { session in
            let key = try Self.activeKey(session, reference)
            try session.execute("UPDATE api_keys SET revoked_at = ? WHERE id = ?", [now.timeIntervalSince1970, key.id])
            return try APIKeyRecord(row: try session.row("SELECT * FROM api_keys WHERE id = ?", [key.id])!)
        }
    }

    public func updateAPIKeyLimits(_ reference: String, _ change: (inout KeyLimits) -> Void) throws -> APIKeyRecord {
        try connections.transaction { session in
            let key = try Self.activeKey(session, reference)
            var limits = key.limits
            change(&limits)
            try session.execute(
                "UPDATE api_keys SET tokens_per_day = ?, requests_per_minute = ?, models = ? WHERE id = ?",
                [limits.tokensPerDay, limits.requestsPerMinute, limits.modelList, key.id])
            return try APIKeyRecord(row: try session.row("SELECT * FROM api_keys WHERE id = ?", [key.id])!)
        }
    }

    private static func activeKey(_ session: PostgresSession, _ reference: String) throws -> APIKeyRecord {
        let rows = try session.rows("SELECT * FROM api_keys WHERE (id = ?1 OR prefix = ?1) AND revoked_at IS NULL FOR UPDATE", [reference]).map(APIKeyRecord.init(row:))
        guard let key = rows.first else { throw StoreError.notFound(reference) }
        guard rows.count == 1 else { throw StoreError.ambiguous(reference, matches: rows.map(\.id)) }
        return key
    }

    public func markAPIKeysUsed(_ ids: Set<String>, at now: Date) throws {
        guard !ids.isEmpty else { return }
        try connections.session { session in
            try session.execute("UPDATE api_keys SET last_used_at = ? WHERE id = ANY(string_to_array(?, ','))", [now.timeIntervalSince1970, ids.sorted().joined(separator: ",")])
        }
    }

    // MARK: Request log

    public func writeRequestBatch(_ entries: [RequestLogEntry], keyUsage: [KeyUsageDelta]) async throws {
        guard !entries.isEmpty || !keyUsage.isEmpty else { return }
        try connections.transaction { session in
            // A few statements per batch, not one per row: each statement is a round trip during which
            // the writing thread waits.
            for chunk in stride(from: 0, to: entries.count, by: 500).map({ entries[$0..<min($0 + 500, entries.count)] }) {
                let rows = Array(repeating: RequestLogEntry.insertRow, count: chunk.count).joined(separator: ", ")
                try session.execute(RequestLogEntry.insertHead + " VALUES " + rows, chunk.flatMap(\.values))
            }
            for delta in keyUsage {
                try session.execute(
                    """
                    INSERT INTO api_key_usage (key_id, day, requests, tokens) VALUES (?, ?, ?, ?)
                    ON CONFLICT (key_id, day) DO UPDATE SET requests = api_key_usage.requests + excluded.requests, tokens = api_key_usage.tokens + excluded.tokens
                    """,
                    [delta.keyID, delta.day, delta.requests, delta.tokens])
            }
        }
    }

    public func requests(_ filter: RequestFilter) throws -> [RequestLogEntry] {
        try connections.session { session in
            try session.rows(
                """
                SELECT * FROM request_log
                WHERE (?1::double precision IS NULL OR at >= ?1) AND (?2::text IS NULL OR account_id = ?2) AND (?3::text IS NULL OR key_id = ?3)
                  AND (?4 = 0 OR status >= 400 OR error_code IS NOT NULL)
                ORDER BY at DESC, id DESC LIMIT ?5
                """,
                [filter.since?.timeIntervalSince1970, filter.accountID, filter.keyID, filter.errorsOnly ? 1 : 0, filter.limit]
            ).map(RequestLogEntry.init(row:))
        }
    }

    public func usage(since: Date?, by grouping: UsageGrouping) throws -> [UsageTotal] {
        let column = grouping == .day ? "to_char(to_timestamp(at) AT TIME ZONE 'UTC', 'YYYY-MM-DD')" : grouping.column
        return try connections.session { session in
            try session.rows(
                """
                SELECT \(column) AS grp, count(*) AS requests,
                  count(*) FILTER (WHERE status >= 400 OR error_code IS NOT NULL) AS errors,
                  coalesce(sum(input_tokens), 0)::bigint AS input_tokens, coalesce(sum(cached_tokens), 0)::bigint AS cached_tokens,
                  coalesce(sum(output_tokens), 0)::bigint AS output_tokens, coalesce(sum(reasoning_tokens), 0)::bigint AS reasoning_tokens
                FROM request_log WHERE (?1::double precision IS NULL OR at >= ?1)
                GROUP BY grp ORDER BY \(grouping == .day ? "grp DESC" : "requests DESC, grp")
                """,
                [since?.timeIntervalSince1970]
            ).map(UsageTotal.init(row:))
        }
    }

    public func pruneRequests(olderThan cutoff: Date, keepingAtMost maxRows: Int) async throws -> Int {
        try connections.transaction { session in
            var removed = try session.execute("DELETE FROM request_log WHERE at < ?", [cutoff.timeIntervalSince1970])
            removed += try session.execute(
                "DELETE FROM request_log WHERE id IN (SELECT id FROM request_log ORDER BY at DESC OFFSET ?)", [max(0, maxRows)])
            return removed
        }
    }

    public func keyUsage(day: Int) throws -> [String: KeyUsageDelta] {
        try connections.session { session in
            let rows = try session.rows("SELECT key_id, requests, tokens FROM api_key_usage WHERE day = ?", [day])
            return Dictionary(uniqueKeysWithValues: rows.map { row in
                (row["key_id"] as String, KeyUsageDelta(keyID: row["key_id"], day: day, requests: row["requests"], tokens: row["tokens"]))
            })
        }
    }

    public func requestCounts(since: Date) throws -> [String: Int] {
        try connections.session { session in
            let rows = try session.rows(
                "SELECT key_id, count(*) AS n FROM request_log WHERE at >= ? AND key_id IS NOT NULL GROUP BY key_id", [since.timeIntervalSince1970])
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["key_id"] as String, $0["n"] as Int) })
        }
    }

    public func requestSamples(since: Date, limit: Int) throws -> [RequestSample] {
        try connections.session { session in
            try session.rows(
                """
                SELECT at, duration_ms, (status >= 400 OR error_code IS NOT NULL) AS failed FROM request_log
                WHERE at >= ? ORDER BY at DESC LIMIT ?
                """,
                [since.timeIntervalSince1970, limit]
            ).map { RequestSample(at: Date(timeIntervalSince1970: $0["at"]), durationMilliseconds: $0["duration_ms"], failed: $0["failed"]) }
        }
    }
}

/// When imported credentials are older than the stored ones (both backends' rule).
enum ImportRule {
    static func olderThanStored(retired: Bool, file: TokenSet, stored: TokenSet) -> String? {
        if retired {
            return "its refresh token \(file.fingerprint.short) was already rotated away by switchboard (the stored one, \(stored.fingerprint.short), is newer)"
        }
        if let fileAt = file.lastRefreshAt, let storedAt = stored.lastRefreshAt, fileAt < storedAt {
            let iso = ISO8601DateFormatter()
            return "its last_refresh (\(iso.string(from: fileAt))) is older than the stored credentials' (\(iso.string(from: storedAt)))"
        }
        return nil
    }
}
