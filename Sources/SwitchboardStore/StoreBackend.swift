import Foundation
import SwitchboardCore

/// What a store backend does: the seam between `AccountStore` (what the gateway and the CLI use) and
/// where the pool lives, SQLite (`SQLiteStore`, the embedded default) or PostgreSQL (`PostgresStore`,
/// shared by several instances). Both keep the same promises: every status change through `Lifecycle`
/// with its audit entry in one transaction, tokens sealed with `TokenCipher`, refresh claims by
/// compare-and-swap.
public protocol StoreBackend: AnyObject, Sendable {
    func ping() throws
    func accounts() throws -> [Account]
    func account(id: String) throws -> Account?
    func changes(since mark: Int?) throws -> AccountChanges
    func accounts(ids: [String]) throws -> [Account]
    func find(_ reference: String) throws -> Account
    func events(accountID: String?, since: Date?, limit: Int) throws -> [AuditEntry]

    func importAccount(_ file: CodexAuthFile, force: Bool, now: Date) throws -> AccountStore.ImportResult
    func apply(_ event: LifecycleEvent, to id: String, now: Date, policy: LifecyclePolicy) throws -> AccountStore.Applied
    func rotateTokens(
        of id: String, previous: CredentialFingerprint, to tokens: TokenSet, source: EventSource, releasing claim: String?,
        now: Date, policy: LifecyclePolicy
    ) throws -> AccountStore.RotationResult
    /// Stores a usage report; the row's version before and after the write, nil when there is no such row.
    /// Async: a usage round writes thousands of rows, and the wait for the writer (a WAL checkpoint can
    /// take milliseconds) must not hold a thread that requests need.
    func recordUsage(_ usage: UsageSnapshot, of id: String) async throws -> (before: Int, after: Int)?
    func resetCooldownBackoff(of id: String) throws -> Account?
    func claimRefresh(of id: String, holder: String, lease: TimeInterval, now: Date) throws -> Bool
    func releaseRefresh(of id: String, holder: String) throws
    func refreshClaimed(_ id: String, now: Date) throws -> Bool
    func remove(id: String, now: Date) throws
    func makeChangeCounter() throws -> ChangeCounter
    /// Records that `member` is alive (the database's clock) and returns the members alive within
    /// `timeout`, itself included; nil when the backend serves one instance only (SQLite).
    func heartbeat(member: String, timeout: TimeInterval) throws -> [String]?
    /// The members alive within `timeout`, without heartbeating (empty on SQLite).
    func liveMembers(within timeout: TimeInterval) throws -> [String]

    func createAPIKey(name: String, limits: KeyLimits, now: Date) throws -> (key: String, record: APIKeyRecord)
    func apiKeys() throws -> [APIKeyRecord]
    func revokeAPIKey(_ reference: String, now: Date) throws -> APIKeyRecord
    func updateAPIKeyLimits(_ reference: String, _ change: (inout KeyLimits) -> Void) throws -> APIKeyRecord
    func markAPIKeysUsed(_ ids: Set<String>, at now: Date) throws

    /// Async, like `recordUsage`: a batch of thousands of rows must not hold a thread that requests need.
    func writeRequestBatch(_ entries: [RequestLogEntry], keyUsage: [KeyUsageDelta]) async throws
    func requests(_ filter: RequestFilter) throws -> [RequestLogEntry]
    func usage(since: Date?, by grouping: UsageGrouping) throws -> [UsageTotal]
    func pruneRequests(olderThan cutoff: Date, keepingAtMost maxRows: Int) async throws -> Int
    func keyUsage(day: Int) throws -> [String: KeyUsageDelta]
    func requestCounts(since: Date) throws -> [String: Int]
    func requestSamples(since: Date, limit: Int) throws -> [RequestSample]
}

/// Tells when the stored pool changed in a way this process has not seen yet: a number that moves.
public final class ChangeCounter: Sendable {
    private let read: @Sendable () throws -> Int

    public init(_ read: @escaping @Sendable () throws -> Int) {
        self.read = read
    }

    public func current() throws -> Int { try read() }
}
