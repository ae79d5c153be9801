import Foundation
import Testing
import SwitchboardCore
@testable import SwitchboardStore

/// `AccountStore.inspect`: what `switchboard doctor` reads, without changing the store.
@Suite struct StoreInspectionTests {
    let fixture = StoreFixture()

    func database() -> String { fixture.directory.appendingPathComponent(AccountStore.fileName).path }

    @Test func aMigratedStoreWithItsKeyIsCurrentAndListsItsAccounts() throws {
        _ = try fixture.open().importAccount(try StoreFixture.authFile())
        let inspection = try AccountStore.inspect(dataDirectory: fixture.directory)
        #expect(inspection.migrations == .current)
        #expect(inspection.key == .opens)
        #expect(inspection.accounts.map(\.email) == ["a@example.com"])
        #expect(inspection.activeAPIKeys == 0)
    }

    @Test func pendingAndNewerMigrationsAreToldApart() throws {
        let store = try fixture.open()
        let last = try #require(Migrations.names.last)
        try store.pool.write { try $0.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = ?", arguments: [last]) }
        #expect(try AccountStore.inspect(dataDirectory: fixture.directory).migrations == .pending([last]))
        try store.pool.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES (?), ('9999_from_the_future')", arguments: [last])
        }
        #expect(try AccountStore.inspect(dataDirectory: fixture.directory).migrations == .newer(["9999_from_the_future"]))
    }

    @Test func aWrongKeyIsReportedWithoutTouchingTheStore() throws {
        _ = try fixture.open().importAccount(try StoreFixture.authFile())
        let before = try Data(contentsOf: URL(fileURLWithPath: database()))
        let other = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let inspection = try AccountStore.inspect(dataDirectory: fixture.directory, keySource: .environment(other))
        #expect(inspection.key == .fails(StoreError.wrongKey.description))
        #expect(inspection.accounts.isEmpty)
        #expect(try Data(contentsOf: URL(fileURLWithPath: database())) == before)
        #expect(throws: StoreError.notFound(fixture.directory.appendingPathComponent("missing").appendingPathComponent(AccountStore.fileName).path)) {
            try AccountStore.inspect(dataDirectory: fixture.directory.appendingPathComponent("missing"))
        }
    }
}
