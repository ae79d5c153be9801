import Foundation
import SwitchboardCore

/// The account pool, API keys, audit and request log, wherever they live: `<data-dir>/switchboard.sqlite`
/// by default, or one PostgreSQL shared by several instances (`SWITCHBOARD_DATABASE_URL`). What the
/// gateway and the CLI use; the backend (`StoreBackend`) does the work.
public final class AccountStore: Sendable {
    public static let fileName = SQLiteStore.fileName

    public let backend: any StoreBackend

    public init(backend: any StoreBackend) {
        self.backend = backend
    }

    /// The SQLite store in `dataDirectory` (created if needed).
    public static func open(dataDirectory: URL, keySource: TokenCipher.KeySource? = nil) throws -> AccountStore {
        AccountStore(backend: try SQLiteStore.open(dataDirectory: dataDirectory, keySource: keySource))
    }

    /// The PostgreSQL store at `databaseURL` when one is given, else the SQLite store in `dataDirectory`.
    /// The key comes from `keySource`, else `dataDirectory`'s key file, on either backend.
    public static func open(databaseURL: String?, dataDirectory: URL, keySource: TokenCipher.KeySource? = nil) throws -> AccountStore {
        guard let databaseURL else { return try open(dataDirectory: dataDirectory, keySource: keySource) }
        return AccountStore(backend: try PostgresStore.open(url: databaseURL, dataDirectory: dataDirectory, keySource: keySource))
    }

    /// SHA-256 hex of a presented API key: what is stored and compared.
    public static func hashAPIKey(_ key: String) -> String {
        Secrets.sha256Hex(key)
    }

    /// The result of importing a Codex login.
    public enum ImportResult: Sendable, Equatable {
        case created(Account)
        case updated(Account, credentialsChanged: Bool)
        /// The file's credentials are older than the stored ones; nothing was written.
        case keptNewer(Account, reason: String)

        public var account: Account {
            switch self { case .created(let a), .updated(let a, _), .keptNewer(let a, _): a }
        }
    }

    /// What a write did, and the account as it now stands (for the pool to install without re-reading).
    public struct Applied: Sendable, Equatable {
        public let decision: LifecycleDecision
        public let account: Account

        public init(decision: LifecycleDecision, account: Account) {
            self.decision = decision
            self.account = account
        }
    }

    /// The result of persisting refreshed tokens.
    public enum RotationResult: Sendable, Equatable {
        /// Saved; `decision` is what a successful refresh did to the status.
        case rotated(Account, decision: LifecycleDecision)
        /// The stored refresh token is no longer the one that was refreshed (someone else rotated it).
        case stale(Account)

        public var account: Account {
            switch self { case .rotated(let a, _), .stale(let a): a }
        }
    }

    // MARK: Reading

    /// Fails when the database cannot answer a query.
    public func ping() throws { try backend.ping() }

    public func accounts() throws -> [Account] { try backend.accounts() }

    public func account(id: String) throws -> Account? { try backend.account(id: id) }

    /// The rows written since `mark` (every row when nil): what a reload compares to read and decrypt
    /// only the changed rows.
    public func changes(since mark: Int? = nil) throws -> AccountChanges { try backend.changes(since: mark) }

    /// The accounts with these ids (missing ones are left out).
    public func accounts(ids: some Collection<String>) throws -> [Account] { try backend.accounts(ids: Array(ids)) }

    /// Finds an account by id, ChatGPT account id, or email (when unique).
    public func find(_ reference: String) throws -> Account { try backend.find(reference) }

    /// The audit log, newest last; filtered by account and/or time.
    public func events(accountID: String? = nil, since: Date? = nil, limit: Int = 1000) throws -> [AuditEntry] {
        try backend.events(accountID: accountID, since: since, limit: limit)
    }

    // MARK: Writing

    /// Inserts a new account or replaces the tokens of the one with the same identity; the status is kept.
    /// Credentials older than the stored ones are not written unless `force`.
    public func importAccount(_ file: CodexAuthFile, force: Bool = false, now: Date = Date()) throws -> ImportResult {
        try backend.importAccount(file, force: force, now: now)
    }

    /// Runs `Lifecycle` on the account's current row and persists a change with its audit entry, in one transaction.
    @discardableResult
    public func apply(_ event: LifecycleEvent, to id: String, now: Date = Date(), policy: LifecyclePolicy = LifecyclePolicy()) throws -> Applied {
        try backend.apply(event, to: id, now: now, policy: policy)
    }

    /// Saves rotated tokens only if the stored refresh token is still `previous` (compare-and-swap),
    /// releasing `claim` in the same transaction.
    public func rotateTokens(
        of id: String, previous: CredentialFingerprint, to tokens: TokenSet, source: EventSource, releasing claim: String? = nil,
        now: Date = Date(), policy: LifecyclePolicy = LifecyclePolicy()
    ) throws -> RotationResult {
        try backend.rotateTokens(of: id, previous: previous, to: tokens, source: source, releasing: claim, now: now, policy: policy)
    }

    /// Stores the latest usage report; returns the account as it now stands. `known`, the caller's copy,
    /// spares re-reading and decrypting the row when it was still the stored one: a usage round writes
    /// every account, and at 10,000 accounts the re-read was most of its cost.
    public func recordUsage(_ usage: UsageSnapshot, of id: String, known: Account? = nil) async throws -> Account? {
        guard let versions = try await backend.recordUsage(usage, of: id) else { return nil }
        guard var account = known, account.id == id, account.version == versions.before else { return try backend.account(id: id) }
        account.record(usage)
        account.version = versions.after
        return account
    }

    /// A success after cooldowns: the next cooldown starts from the beginning again.
    public func resetCooldownBackoff(of id: String) throws -> Account? { try backend.resetCooldownBackoff(of: id) }

    /// Takes the account's refresh claim for `holder` unless another holder has a live one (compare-and-swap).
    public func claimRefresh(of id: String, holder: String, lease: TimeInterval, now: Date = Date()) throws -> Bool {
        try backend.claimRefresh(of: id, holder: holder, lease: lease, now: now)
    }

    /// Gives the claim back (when the refresh failed; a saved rotation releases it itself).
    public func releaseRefresh(of id: String, holder: String) throws { try backend.releaseRefresh(of: id, holder: holder) }

    /// Whether someone holds a live refresh claim on the account.
    public func refreshClaimed(_ id: String, now: Date = Date()) throws -> Bool { try backend.refreshClaimed(id, now: now) }

    public func remove(id: String, now: Date = Date()) throws { try backend.remove(id: id, now: now) }

    /// Tells when another process (or instance) has committed.
    public func makeChangeCounter() throws -> ChangeCounter { try backend.makeChangeCounter() }

    /// Records that `member` is alive; the live members (nil: a single-instance store). See `StoreBackend`.
    public func heartbeat(member: String, timeout: TimeInterval) throws -> [String]? { try backend.heartbeat(member: member, timeout: timeout) }

    /// The instances alive within `timeout` on a shared database (empty on SQLite).
    public func liveMembers(within timeout: TimeInterval) throws -> [String] { try backend.liveMembers(within: timeout) }

    // MARK: API keys

    /// Creates a key and returns it with its record; the key is never readable again.
    public func createAPIKey(name: String, limits: KeyLimits = KeyLimits(), now: Date = Date()) throws -> (key: String, record: APIKeyRecord) {
        try backend.createAPIKey(name: name, limits: limits, now: now)
    }

    public func apiKeys() throws -> [APIKeyRecord] { try backend.apiKeys() }

    /// Revokes by id or prefix; revoked keys stop working within a second on a running server.
    public func revokeAPIKey(_ reference: String, now: Date = Date()) throws -> APIKeyRecord { try backend.revokeAPIKey(reference, now: now) }

    /// Changes an active key's limits (by id or prefix).
    public func updateAPIKeyLimits(_ reference: String, _ change: (inout KeyLimits) -> Void) throws -> APIKeyRecord {
        try backend.updateAPIKeyLimits(reference, change)
    }

    /// Records that keys were used (the gateway batches this; it is not on the request path).
    public func markAPIKeysUsed(_ ids: Set<String>, at now: Date = Date()) throws { try backend.markAPIKeysUsed(ids, at: now) }

    // MARK: Request log

    /// Writes a batch of rows and key-usage increments in one transaction.
    public func writeRequestBatch(_ entries: [RequestLogEntry], keyUsage: [KeyUsageDelta] = []) async throws {
        try await backend.writeRequestBatch(entries, keyUsage: keyUsage)
    }

    public func requests(_ filter: RequestFilter) throws -> [RequestLogEntry] { try backend.requests(filter) }

    /// Requests, errors and tokens since `since`, per group, the busiest group first.
    public func usage(since: Date?, by grouping: UsageGrouping) throws -> [UsageTotal] { try backend.usage(since: since, by: grouping) }

    /// Deletes rows older than `cutoff`, then the oldest beyond `maxRows`; returns how many went.
    @discardableResult
    public func pruneRequests(olderThan cutoff: Date, keepingAtMost maxRows: Int) async throws -> Int {
        try await backend.pruneRequests(olderThan: cutoff, keepingAtMost: maxRows)
    }

    /// Each key's requests and tokens on one UTC day (days since 1970-01-01).
    public func keyUsage(day: Int) throws -> [String: KeyUsageDelta] { try backend.keyUsage(day: day) }

    /// Requests per key since `since`, from the request log.
    public func requestCounts(since: Date) throws -> [String: Int] { try backend.requestCounts(since: since) }

    /// The samples of the requests since `since` (at most `limit`, the newest).
    public func requestSamples(since: Date, limit: Int = 200_000) throws -> [RequestSample] { try backend.requestSamples(since: since, limit: limit) }

    // MARK: SQLite only

    /// Backups are SQLite files; a PostgreSQL store is backed up with `pg_dump`.
    public func backup(to destination: URL) throws {
        guard let sqlite = backend as? SQLiteStore else {
            throw StoreError.backup("`switchboard backup` copies the SQLite store; back up a PostgreSQL store with pg_dump")
        }
        try sqlite.backup(to: destination)
    }

    public typealias Restored = SQLiteStore.Restored

    /// Replaces the SQLite store in `dataDirectory` with `backup` (see `SQLiteStore.restore`).
    public static func restore(from backup: URL, dataDirectory: URL, keySource: TokenCipher.KeySource? = nil, now: Date = Date()) throws -> Restored {
        try SQLiteStore.restore(from: backup, dataDirectory: dataDirectory, keySource: keySource, now: now)
    }

    /// Reads the SQLite store in `dataDirectory` read-only (see `SQLiteStore.inspect`).
    public static func inspect(dataDirectory: URL, keySource: TokenCipher.KeySource? = nil) throws -> StoreInspection {
        try SQLiteStore.inspect(dataDirectory: dataDirectory, keySource: keySource)
    }
}
