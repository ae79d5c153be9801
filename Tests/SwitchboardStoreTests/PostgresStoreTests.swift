import Foundation
import Testing
import SwitchboardCore
import SwitchboardTestSupport
@testable import SwitchboardStore

/// What only the shared PostgreSQL store promises: one schema however many instances start at once,
/// and one key for every instance.
@Suite(.enabled(if: PostgresServer.shouldRun, "PostgreSQL is not installed (`make deps`); these run under CI"))
struct PostgresStoreTests {
    @Test func instancesStartingTogetherOnAnEmptyDatabaseApplyTheMigrationsOnce() async throws {
        let url = try await withPostgres { $0 }
        let key = TokenCipher.KeySource.environment(Data(repeating: 3, count: 32).base64EncodedString())
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-pg-\(UUID().uuidString)")
        let stores = try await withThrowingTaskGroup(of: AccountStore.self) { group in
            for _ in 0..<4 { group.addTask { try await CLI.onOwnThread { try AccountStore.open(databaseURL: url, dataDirectory: directory, keySource: key) } } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(stores.count == 4)
        let postgres = try #require(stores[0].backend as? PostgresStore)
        let applied = try postgres.connections.session { try $0.rows("SELECT name FROM schema_migrations ORDER BY name").map { $0["name"] as String } }
        #expect(applied == PostgresMigrations.names)
        _ = try stores[1].importAccount(StoreFixture.authFile())
        #expect(try stores[3].accounts().count == 1)
    }

    /// A write that began before a reload's look and commits after it is still seen by the next reload:
    /// "since the last look" counts from the oldest transaction running at that look, not from what had
    /// committed (a sequence of committed versions would skip this row for good).
    @Test func aWriteCommittedAfterALookThatBeganBeforeItIsSeenByTheNextLook() async throws {
        let url = try await withPostgres { $0 }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-pg-\(UUID().uuidString)")
        let store = try AccountStore.open(databaseURL: url, dataDirectory: directory, keySource: .environment(Data(repeating: 4, count: 32).base64EncodedString()))
        let id = try store.importAccount(StoreFixture.authFile()).account.id
        let first = try store.changes()
        let postgres = try #require(store.backend as? PostgresStore)
        let slow = try postgres.connections.dedicated()
        defer { slow.close() }
        try slow.execute("BEGIN")
        try slow.execute("UPDATE accounts SET email = 'slow@example.com' WHERE id = ?", [id])
        // A younger transaction commits meanwhile (not on accounts: every account write waits for the
        // slow one on the `store_changes` row), so the look's snapshot ends above the slow one.
        try await store.writeRequestBatch([RequestLogEntry(at: Date(), requestID: "r1", route: "/v1/responses", status: 200, durationMilliseconds: 1)])
        let during = try store.changes(since: first.mark)
        // Not the slow write (uncommitted); the row may come again as it was (other tests' transactions
        // on the same server can hold the oldest running transaction back).
        #expect(during.versions[id] == nil || during.versions[id] == first.versions[id], "the slow write is not committed yet")
        try slow.execute("COMMIT")
        let after = try store.changes(since: during.mark)
        #expect(after.versions[id].map { $0 > first.versions[id]! } == true)
        #expect(try store.account(id: id)?.email == "slow@example.com")
    }

    @Test func anInstanceWithAnotherKeyRefusesToStartAndSaysWhy() async throws {
        let url = try await withPostgres { $0 }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-pg-\(UUID().uuidString)")
        let first = TokenCipher.KeySource.environment(Data(repeating: 1, count: 32).base64EncodedString())
        let other = TokenCipher.KeySource.environment(Data(repeating: 2, count: 32).base64EncodedString())
        _ = try AccountStore.open(databaseURL: url, dataDirectory: directory, keySource: first).importAccount(StoreFixture.authFile())
        let error = #expect(throws: StoreError.self) { try AccountStore.open(databaseURL: url, dataDirectory: directory, keySource: other) }
        guard case .sharedKeyMismatch = error else { Issue.record("expected the key mismatch, got \(String(describing: error))"); return }
        #expect("\(error!)".contains("every instance must use the same SWITCHBOARD_ENCRYPTION_KEY"))
        #expect(try AccountStore.open(databaseURL: url, dataDirectory: directory, keySource: first).accounts().count == 1)
    }

    @Test func tokensAreStoredSealed() async throws {
        let url = try await withPostgres { $0 }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-pg-\(UUID().uuidString)")
        let store = try AccountStore.open(databaseURL: url, dataDirectory: directory, keySource: .environment(Data(repeating: 4, count: 32).base64EncodedString()))
        _ = try store.importAccount(StoreFixture.authFile(refresh: "rt-PLAINTEXT-CANARY"))
        let postgres = try #require(store.backend as? PostgresStore)
        let sealed = try postgres.connections.session { try $0.row("SELECT refresh_token_enc FROM accounts")?["refresh_token_enc"] as Data? }
        #expect(sealed != nil)
        #expect(sealed?.range(of: Data("rt-PLAINTEXT-CANARY".utf8)) == nil)
        #expect(try store.accounts().first?.tokens.refreshToken == "rt-PLAINTEXT-CANARY")
    }

    /// A commit elsewhere is seen through NOTIFY well before the once-a-second counter read.
    @Test func anotherInstancesCommitIsNotifiedAtOnce() async throws {
        let url = try await withPostgres { $0 }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-pg-\(UUID().uuidString)")
        let key = TokenCipher.KeySource.environment(Data(repeating: 5, count: 32).base64EncodedString())
        let watching = try AccountStore.open(databaseURL: url, dataDirectory: directory, keySource: key)
        let counter = try watching.makeChangeCounter()
        let before = try counter.current()
        _ = try AccountStore.open(databaseURL: url, dataDirectory: directory, keySource: key).importAccount(StoreFixture.authFile())
        #expect(await eventually(timeout: .milliseconds(400), every: .milliseconds(10)) { (try? counter.current()) != before })
    }

    @Test func aMigrationIsSplitIntoStatementsOutsideQuotesBodiesAndComments() {
        let script = "-- the instances' clocks; ignored\nCREATE TABLE a (x TEXT DEFAULT ';');\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;\n"
        #expect(PostgresSession.statements(script) == ["CREATE TABLE a (x TEXT DEFAULT ';')", "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$"])
    }

    @Test func placeholdersBecomeNumberedOutsideQuotedText() {
        #expect(PostgresSession.numbered("a = ? AND c = '?' AND d = ?") == "a = $1 AND c = '?' AND d = $2")
        #expect(PostgresSession.numbered("?1 IS NULL OR x = ?1 LIMIT ?2") == "$1 IS NULL OR x = $1 LIMIT $2")
    }
}
