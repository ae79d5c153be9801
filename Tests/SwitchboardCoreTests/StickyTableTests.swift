import Foundation
import Testing
@testable import SwitchboardCore

@Suite struct StickyTableTests {
    let start = Date(timeIntervalSince1970: 1_000_000)

    @Test func anEntryLivesItsTTLAfterItsLastUse() {
        var table = StickyTable(ttl: 60, limit: 10)
        table.bind("k", to: "a", now: start)
        #expect(table.account(for: "k", now: start.addingTimeInterval(59)) == "a")
        #expect(table.account(for: "k", now: start.addingTimeInterval(118)) == "a")
        #expect(table.account(for: "k", now: start.addingTimeInterval(179)) == nil)
    }

    @Test func expiredEntriesAreEvictedAsNewKeysArrive() {
        var table = StickyTable(ttl: 60, limit: 1_000)
        for i in 0..<100 { table.bind("old-\(i)", to: "a", now: start) }
        table.bind("new", to: "b", now: start.addingTimeInterval(61))
        #expect(table.count == 1)
    }

    @Test func overTheLimitTheLeastRecentlyUsedKeyGoesNotARecentlyUsedOne() {
        var table = StickyTable(ttl: 600, limit: 3)
        table.bind("a", to: "x", now: start)
        table.bind("b", to: "x", now: start.addingTimeInterval(1))
        table.bind("c", to: "x", now: start.addingTimeInterval(2))
        _ = table.account(for: "a", now: start.addingTimeInterval(3))
        table.bind("d", to: "x", now: start.addingTimeInterval(4))
        #expect(table.count == 3)
        #expect(table.account(for: "a", now: start.addingTimeInterval(5)) == "x")
        #expect(table.account(for: "b", now: start.addingTimeInterval(5)) == nil)
        #expect(table.account(for: "d", now: start.addingTimeInterval(5)) == "x")
    }

    /// The old table sorted every key under the balancer's lock once it was full (45–65 ms per pick);
    /// a full table must cost a new key no more than a handful of queue steps.
    @Test func aFullTableStaysAtItsLimitWithEveryNewKey() {
        var table = StickyTable(ttl: 3600, limit: 1_000)
        for i in 0..<5_000 {
            table.bind("key-\(i)", to: "a", now: start.addingTimeInterval(Double(i) / 1000))
            if i % 7 == 0 { _ = table.account(for: "key-\(i / 2)", now: start.addingTimeInterval(Double(i) / 1000)) }
            #expect(table.count <= 1_000)
        }
        #expect(table.account(for: "key-4999", now: start.addingTimeInterval(5)) == "a")
    }
}
