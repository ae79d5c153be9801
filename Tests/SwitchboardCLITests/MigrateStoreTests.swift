import Foundation
import MockUpstream
import Testing
import SwitchboardCore
import SwitchboardStore
import SwitchboardTestSupport

/// Moving an existing SQLite pool into PostgreSQL with `switchboard migrate-store --to postgres://…`.
@Suite(.enabled(if: PostgresServer.shouldRun, "PostgreSQL is not installed (`make deps`); these run under CI"))
struct MigrateStoreTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-migrate-\(UUID().uuidString)")
    let mock = MockUpstream()

    @Test func anSQLitePoolMovesIntoPostgreSQLWithItsStatusesKeysAndHistory() async throws {
        let url = try await withPostgres { $0 }
        let sqlite = try AccountStore.open(dataDirectory: directory)
        for email in ["one@example.com", "two@example.com"] {
            _ = try sqlite.importAccount(try CodexAuthFile(data: JSONEncoder().encode(try mock.createAccount(email: email))))
        }
        let paused = try sqlite.find("two@example.com").id
        try sqlite.apply(.paused, to: paused)
        let (key, _) = try sqlite.createAPIKey(name: "ci")
        try await sqlite.writeRequestBatch([RequestLogEntry(at: Date(), requestID: "r1", route: "/v1/responses", accountID: paused, status: 200, durationMilliseconds: 5)])

        let migrated = try await CLI.run(["migrate-store", "--to", url], dataDirectory: directory)
        #expect(migrated.status == 0, "\(migrated.stderr)")
        #expect(migrated.stdout.contains("migrated 2 account(s)"), "\(migrated.stdout)")

        let postgres = try AccountStore.open(databaseURL: url, dataDirectory: directory)
        #expect(try postgres.accounts() == sqlite.accounts())
        #expect(try postgres.account(id: paused)?.status == .paused)
        #expect(try postgres.apiKeys().map(\.hash) == [AccountStore.hashAPIKey(key)])
        #expect(try postgres.events(accountID: paused).map(\.code) == sqlite.events(accountID: paused).map(\.code))
        #expect(try postgres.requests(RequestFilter()).map(\.requestID) == ["r1"])
        // New rows continue after the copied ones.
        try postgres.apply(.resumed, to: paused)
        #expect(try postgres.events(accountID: paused).last?.toStatus == "active")

        // The CLI then works on the shared database.
        let listed = try await CLI.run(["accounts", "list", "--json"], dataDirectory: directory, environment: ["SWITCHBOARD_DATABASE_URL": url])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(JSONValue(parsing: Data(listed.stdout.utf8))?.arrayValue?.count == 2)

        let doctor = try await CLI.run(["doctor", "--offline"], dataDirectory: directory, environment: ["SWITCHBOARD_DATABASE_URL": url])
        #expect(doctor.stdout.contains("opens and is migrated; 0 instance(s) alive"), "\(doctor.stdout)")
        #expect(doctor.stdout.contains("is the shared database's key"), "\(doctor.stdout)")

        let again = try await CLI.run(["migrate-store", "--to", url], dataDirectory: directory)
        #expect(again.status != 0)
        #expect(again.stderr.contains("already holds 2 account(s)"), "\(again.stderr)")
    }
}
