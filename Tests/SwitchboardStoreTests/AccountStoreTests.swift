import Foundation
import Testing
import SwitchboardCore
import SwitchboardTestSupport
@testable import SwitchboardStore

@Suite struct AccountStoreTests {
    let fixture = StoreFixture()

    @Test func migrationsAreAppliedOnceAndReopeningChangesNothing() throws {
        let store = try fixture.open()
        _ = try store.importAccount(StoreFixture.authFile())
        let reopened = try fixture.open()
        #expect(try reopened.accounts().count == 1)
        let applied = try reopened.pool.read { try Migrations.migrator.appliedMigrations($0) }
        #expect(applied == Migrations.names)
        #expect(Migrations.names.first == "0001_accounts")
    }

    /// Versions from the per-row counter carry on above the highest one: no row's version goes back.
    @Test func theVersionSequenceStartsAboveTheVersionsAnOlderStoreGaveOut() throws {
        let store = try fixture.open()
        let id = try store.importAccount(StoreFixture.authFile()).account.id
        try store.pool.write { db in
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = '0005_version_sequence'")
            try db.execute(sql: "DROP TRIGGER accounts_version_on_insert; DROP TRIGGER accounts_version; DROP INDEX accounts_by_version; DROP TABLE account_versions")
            try db.execute(sql: "CREATE TRIGGER accounts_version AFTER UPDATE ON accounts WHEN new.version = old.version BEGIN UPDATE accounts SET version = old.version + 1 WHERE id = new.id; END")
            try db.execute(sql: "UPDATE accounts SET version = 41 WHERE id = ?", arguments: [id])
            try db.execute(sql: "INSERT INTO accounts (id, chatgpt_account_id, chatgpt_user_id, status, access_token_enc, refresh_token_enc, id_token_enc, refresh_fingerprint, created_at, updated_at) SELECT 'other', 'acct-2', 'user-2', status, access_token_enc, refresh_token_enc, id_token_enc, 'f', created_at, updated_at FROM accounts")
        }
        let migrated = try fixture.open()
        #expect(try migrated.account(id: id)?.version == 41)
        let paused = try migrated.apply(.paused, to: "other").account
        #expect(paused.version == 42)
        #expect(try migrated.changes(since: 41).versions == ["other": 42])
    }

    @Test func theDataDirectoryIs0700AndTheFiles0600() throws {
        let store = try fixture.open()
        _ = try store.importAccount(StoreFixture.authFile())
        func mode(_ path: String) throws -> Int { (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1 }
        #expect(try mode(fixture.directory.path) == 0o700)
        for name in [AccountStore.fileName, AccountStore.fileName + "-wal", TokenCipher.keyFileName] {
            let path = fixture.directory.appendingPathComponent(name).path
            if FileManager.default.fileExists(atPath: path) { #expect(try mode(path) == 0o600, "\(name)") }
        }
    }

    @Test func theDatabaseHoldsNoPlaintextToken() throws {
        let store = try fixture.open()
        let file = try StoreFixture.authFile(refresh: "rt-PLAINTEXT-CANARY")
        _ = try store.importAccount(file)
        try store.pool.writeWithoutTransaction { try $0.checkpoint(.truncate) }
        for name in try FileManager.default.contentsOfDirectory(atPath: fixture.directory.path) where name.hasPrefix(AccountStore.fileName) {
            let bytes = try Data(contentsOf: fixture.directory.appendingPathComponent(name))
            #expect(bytes.range(of: Data("rt-PLAINTEXT-CANARY".utf8)) == nil, "\(name)")
            #expect(bytes.range(of: Data(file.tokens.accessToken.utf8)) == nil, "\(name)")
        }
        #expect(try store.account(id: store.accounts()[0].id)?.tokens.refreshToken == "rt-PLAINTEXT-CANARY")
    }

    @Test func aWrongKeyIsRefusedAndLeavesTheDataAlone() throws {
        _ = try fixture.open().importAccount(StoreFixture.authFile())
        let other = Data(repeating: 7, count: 32).base64EncodedString()
        #expect(throws: StoreError.wrongKey) { try fixture.open(key: .environment(other)) }
        try FileManager.default.removeItem(at: fixture.directory.appendingPathComponent(TokenCipher.keyFileName))
        #expect(throws: StoreError.self) { try fixture.open() }
    }

    @Test(arguments: StoreKind.all) func reimportReplacesTokensAndKeepsTheStatus(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture.make(kind)
        let store = try fixture.open()
        let first = try store.importAccount(StoreFixture.authFile(refresh: "rt-a")).account
        try store.apply(.failed(.permanent(code: "token_expired", message: "m"), at: .token, source: .refresh, accessTokenValid: false, observedWith: store.heldRefreshToken(first.id)), to: first.id)
        let again = try store.importAccount(StoreFixture.authFile(refresh: "rt-b"))
        #expect(again == .updated(again.account, credentialsChanged: true))
        #expect(again.account.tokens.refreshToken == "rt-b")
        #expect(again.account.status.name == .deactivated)
        #expect(try store.events(accountID: first.id).map(\.code) == ["imported", "token_expired", "credentials_replaced"])
    }

    @Test(arguments: StoreKind.all) func concurrentReportsOfOneDeathRecordOneTransition(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture.make(kind)
        let store = try fixture.open()
        let id = try store.importAccount(StoreFixture.authFile()).account.id
        let decisions = await withTaskGroup(of: LifecycleDecision.self) { group in
            for _ in 0..<20 {
                group.addTask { (try? store.apply(.failed(.permanent(code: "token_expired", message: "m"), at: .token, source: .refresh, accessTokenValid: false, observedWith: store.heldRefreshToken(id)), to: id))?.decision ?? .unchanged }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(decisions.filter { if case .change = $0 { true } else { false } }.count == 1)
        #expect(try store.events(accountID: id).filter { $0.toStatus == "deactivated" }.count == 1)
    }

    @Test(arguments: StoreKind.all) func rotatedTokensAreSavedOnlyOverThePreviousRefreshToken(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture.make(kind)
        let store = try fixture.open()
        let account = try store.importAccount(StoreFixture.authFile(refresh: "rt-old")).account
        let fresh = TokenSet(accessToken: "a2", refreshToken: "rt-new", idToken: "i2", lastRefreshAt: Date())
        guard case .rotated(let saved, _) = try store.rotateTokens(of: account.id, previous: account.tokens.fingerprint, to: fresh, source: .refresh) else {
            Issue.record("expected a rotation"); return
        }
        #expect(saved.tokens.refreshToken == "rt-new")
        let late = TokenSet(accessToken: "a3", refreshToken: "rt-late", idToken: "i3", lastRefreshAt: Date())
        guard case .stale(let current) = try store.rotateTokens(of: account.id, previous: account.tokens.fingerprint, to: late, source: .refresh) else {
            Issue.record("a rotation over a replaced token must be refused"); return
        }
        #expect(current.tokens.refreshToken == "rt-new")
        #expect(try store.events(accountID: account.id).last?.code == "tokens_rotated")
    }

    @Test(arguments: StoreKind.all) func anotherConnectionsCommitChangesTheDataVersion(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture.make(kind)
        let store = try fixture.open()
        let counter = try store.makeChangeCounter()
        let before = try counter.current()
        let other = try fixture.open()
        _ = try other.importAccount(StoreFixture.authFile())
        // PostgreSQL tells by a notification, a moment after the commit.
        #expect(await eventually { (try? counter.current()) != before })
    }

    /// The gateway applies its own writes as it makes them: they must not look like the CLI's.
    @Test func theStoresOwnCommitsLeaveTheDataVersionAlone() throws {
        let store = try fixture.open()
        let counter = try store.makeChangeCounter()
        let before = try counter.current()
        let account = try store.importAccount(StoreFixture.authFile()).account
        try store.apply(.paused, to: account.id)
        #expect(try counter.current() == before)
    }

    @Test(arguments: StoreKind.all) func accountsAreFoundByIdEmailOrChatGPTAccountIdAndAmbiguityIsReported(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture.make(kind)
        let store = try fixture.open()
        let a = try store.importAccount(StoreFixture.authFile(account: "ws", user: "u1", email: "one@x.io")).account
        _ = try store.importAccount(StoreFixture.authFile(account: "ws", user: "u2", email: "two@x.io"))
        #expect(try store.find(a.id).id == a.id)
        #expect(try store.find("ONE@x.io").id == a.id)
        #expect(throws: StoreError.self) { try store.find("ws") }
        #expect(throws: StoreError.notFound("nobody")) { try store.find("nobody") }
    }
}
