import Foundation
import Testing
import SwitchboardCore
@testable import SwitchboardStore

@Suite struct RequestLogStoreTests {
    let fixture = StoreFixture()
    let now = Date(timeIntervalSince1970: 1_735_700_000)

    func entry(_ secondsAgo: TimeInterval, account: String? = "acct_a", key: String? = nil, model: String = "gpt-5", status: Int = 200, error: String? = nil, input: Int = 10, output: Int = 5) -> RequestLogEntry {
        RequestLogEntry(
            at: now.addingTimeInterval(-secondsAgo), requestID: "req-\(secondsAgo)", route: "/v1/responses", keyID: key, accountID: account,
            model: model, status: status, errorCode: error, attempts: 1, inputTokens: input, cachedTokens: input / 2, outputTokens: output,
            reasoningTokens: 1, ttfbMilliseconds: 12.5, durationMilliseconds: 40)
    }

    @Test(arguments: StoreKind.all) func aBatchIsWrittenAndReadBackNewestFirstThroughEveryFilter(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture.make(kind)
        let store = try fixture.open()
        try await store.writeRequestBatch([
            entry(30), entry(20, account: "acct_b", key: "key_1"), entry(10, key: "key_1", status: 429, error: "usage_limit_reached"),
            entry(7200, key: "key_1"),
        ])
        let all = try store.requests(RequestFilter(limit: 10))
        #expect(all.map(\.requestID) == ["req-10.0", "req-20.0", "req-30.0", "req-7200.0"])
        #expect(all[0] == entry(10, key: "key_1", status: 429, error: "usage_limit_reached"))
        #expect(try store.requests(RequestFilter(since: now.addingTimeInterval(-3600))).count == 3)
        #expect(try store.requests(RequestFilter(accountID: "acct_b")).map(\.requestID) == ["req-20.0"])
        #expect(try store.requests(RequestFilter(keyID: "key_1")).count == 3)
        #expect(try store.requests(RequestFilter(errorsOnly: true)).map(\.errorCode) == ["usage_limit_reached"])
        #expect(try store.requests(RequestFilter(limit: 2)).count == 2)
    }

    @Test(arguments: StoreKind.all) func usageSumsRequestsErrorsAndTokensPerGroup(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture.make(kind)
        let store = try fixture.open()
        try await store.writeRequestBatch([
            entry(30, key: "key_1", input: 100, output: 10), entry(20, key: "key_1", model: "o3", input: 50, output: 5),
            entry(10, account: "acct_b", key: "key_2", status: 502, error: "upstream_unavailable", input: 0, output: 0),
            entry(90_000, key: "key_1"),
        ])
        let byKey = try store.usage(since: now.addingTimeInterval(-3600), by: .key)
        #expect(byKey.map(\.group) == ["key_1", "key_2"])
        #expect(byKey[0].requests == 2)
        #expect(byKey[0].inputTokens == 150)
        #expect(byKey[0].cachedTokens == 75)
        #expect(byKey[0].outputTokens == 15)
        #expect(byKey[0].reasoningTokens == 2)
        #expect(byKey[1].errors == 1)
        #expect(try store.usage(since: nil, by: .model).first { $0.group == "o3" }?.requests == 1)
        #expect(try store.usage(since: nil, by: .account).first { $0.group == "acct_a" }?.requests == 3)
        let byDay = try store.usage(since: nil, by: .day)
        #expect(byDay.map(\.group) == ["2025-01-01", "2024-12-31"])
        #expect(byDay.map(\.requests) == [3, 1])
    }

    @Test(arguments: StoreKind.all) func pruningRemovesRowsPastTheRetentionThenBeyondTheRowCap(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture.make(kind)
        let store = try fixture.open()
        try await store.writeRequestBatch((0..<10).map { entry(Double($0) * 86_400 + 1) })
        #expect(try await store.pruneRequests(olderThan: now.addingTimeInterval(-7 * 86_400), keepingAtMost: 100) == 3)
        #expect(try store.requests(RequestFilter()).count == 7)
        #expect(try await store.pruneRequests(olderThan: now.addingTimeInterval(-7 * 86_400), keepingAtMost: 4) == 3)
        // The newest rows stay.
        #expect(try store.requests(RequestFilter()).map(\.requestID) == ["req-1.0", "req-86401.0", "req-172801.0", "req-259201.0"])
    }

    @Test(arguments: StoreKind.all) func keyUsageBatchesAddUpPerKeyAndDay(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture.make(kind)
        let store = try fixture.open()
        try await store.writeRequestBatch([], keyUsage: [KeyUsageDelta(keyID: "key_1", day: 20_000, requests: 2, tokens: 300)])
        try await store.writeRequestBatch([entry(1)], keyUsage: [
            KeyUsageDelta(keyID: "key_1", day: 20_000, requests: 1, tokens: 50), KeyUsageDelta(keyID: "key_2", day: 20_000, requests: 1, tokens: 7),
            KeyUsageDelta(keyID: "key_1", day: 19_999, requests: 9, tokens: 9),
        ])
        let day = try store.keyUsage(day: 20_000)
        #expect(day["key_1"] == KeyUsageDelta(keyID: "key_1", day: 20_000, requests: 3, tokens: 350))
        #expect(day["key_2"]?.tokens == 7)
    }

    @Test(arguments: StoreKind.all) func keyLimitsAreStoredWithTheKeyAndChangedInPlace(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture.make(kind)
        let store = try fixture.open()
        let (_, record) = try store.createAPIKey(name: "ci", limits: KeyLimits(tokensPerDay: 1000, models: ["gpt-5"]))
        #expect(try store.apiKeys().first?.limits == KeyLimits(tokensPerDay: 1000, models: ["gpt-5"]))
        let changed = try store.updateAPIKeyLimits(record.prefix) { $0.requestsPerMinute = 5; $0.tokensPerDay = nil }
        #expect(changed.limits == KeyLimits(requestsPerMinute: 5, models: ["gpt-5"]))
        #expect(try store.apiKeys().first?.limits == changed.limits)
    }
}
