import Foundation
import Testing
import SwitchboardCore
import MockUpstream
@testable import SwitchboardGateway
import SwitchboardTestSupport

/// A full reload (after another process wrote) and this process's own single-account updates interleave
/// without the older copy of a row ever replacing the newer one.
@Suite(.serialized) struct PoolSnapshotTests {
    @Test func anOlderCopyOfARowNeverReplacesANewerOne() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            let pool = h.gateway.pool
            let id = try h.id("one@example.com")
            let before = try #require(pool.account(id))
            pool.record(.paused, for: id)
            let paused = try #require(pool.account(id))
            #expect(paused.version > before.version)
            pool.install(before)  // a reload that read the row before the pause finishes late
            #expect(pool.account(id)?.status == .paused)
            #expect(pool.selectableCount == 0)
        }
    }

    @Test func fullReloadsInterleavedWithStatusChangesEndOnTheStoredRow() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            let pool = h.gateway.pool
            let id = try h.id("one@example.com")
            for round in 0..<100 {
                async let reloaded: Void = pool.reload()
                pool.record(round.isMultiple(of: 2) ? .paused : .resumed, for: id)
                try await reloaded
                let stored = try #require(try h.store.account(id: id))
                #expect(pool.account(id)?.status == stored.status, "round \(round)")
                #expect(pool.selectableCount == (stored.status == .active ? 1 : 0), "round \(round)")
            }
        }
    }

    /// A reload reads only what changed, yet still notices removals: here one account is removed and
    /// another added between two reloads, so the number of rows is the same as before.
    @Test(arguments: [false, true]) func aReloadSeesAnAccountRemovedAndAnotherAddedInTheSameTick(onPostgreSQL: Bool) async throws {
        let url = onPostgreSQL ? try await withPostgres { $0 } : nil
        let key = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        try await GatewayHarness.with(emails: ["one@example.com", "two@example.com"], configure: { configuration in
            guard let url else { return }
            configuration.databaseURL = DatabaseURL(url)
            configuration.encryptionKey = EncryptionKey(key)
        }) { h in
            try h.gateway.pool.reload()
            let pool = h.gateway.pool
            let removed = try h.id("one@example.com")
            try h.store.remove(id: removed)
            let file = try h.mock.createAccount(email: "three@example.com")
            let added = try h.store.importAccount(try CodexAuthFile(data: JSONEncoder().encode(file))).account.id
            try pool.reload()
            #expect(pool.account(removed) == nil)
            #expect(pool.account(added) != nil)
            #expect(Set(pool.all.map(\.id)) == [added, try h.id("two@example.com")])
            #expect(pool.selectableCount == 2)
        }
    }
}
