import Foundation
import SwitchboardTestSupport
import Logging
import MockUpstream
import Testing
import SwitchboardCore
@testable import SwitchboardGateway
import SwitchboardStore
import SwitchboardUpstream

@Suite struct RequestLogTests {
    static func temporaryStore() throws -> AccountStore {
        GatewayMetrics.bootstrap()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-log-\(UUID().uuidString)")
        return try AccountStore.open(dataDirectory: directory)
    }

    static func entry(_ id: Int, at: Date = Date(), key: String? = nil) -> RequestLogEntry {
        RequestLogEntry(at: at, requestID: "req-\(id)", route: "/v1/responses", keyID: key, status: 200, inputTokens: 3, outputTokens: 4, durationMilliseconds: 1)
    }

    static func writer(_ log: RequestLog, _ store: AccountStore, days: Int = 14, maxRows: Int = 1000) -> RequestLogWriter {
        RequestLogWriter(log: log, store: store, retentionDays: days, maxRows: maxRows, interval: 0.05, pruneInterval: 60, logger: Logger(label: "test"))
    }

    @Test func eachClientRequestBecomesOneRowWithItsAccountModelTokensAndTimings() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            let agent = [HTTPHeader("User-Agent", "codex-test/1.0")]
            #expect(try await h.send("POST", "/backend-api/codex/responses", body: GatewayHarness.codexBody, headers: agent).status == 200)
            #expect(try await h.send("POST", "/v1/responses", body: #"{"model":"gpt-5","input":"hi"}"#).status == 200)
            #expect(try await h.send("POST", "/v1/responses", body: #"{"input":"no model"}"#).status == 400)
            #expect(try await h.send("GET", "/health").status == 200)
            #expect(try await h.send("GET", "/metrics").status == 200)
            #expect(await eventually { (try? h.store.requests(RequestFilter()).count) == 3 })
            let rows = try h.store.requests(RequestFilter())
            let codex = try #require(rows.first { $0.route == "/backend-api/codex/responses" })
            #expect(codex.status == 200)
            #expect(codex.transport == "http")
            #expect(codex.accountID == (try h.id("one@example.com")))
            #expect(codex.keyID == nil)
            #expect(codex.model == "gpt-5")
            #expect(codex.attempts == 1)
            #expect((codex.inputTokens ?? 0) > 0)
            #expect(codex.cachedTokens == (codex.inputTokens ?? 0) / 4)
            #expect((codex.outputTokens ?? 0) > 0)
            #expect(codex.reasoningTokens == 0)
            #expect(codex.errorCode == nil)
            #expect(codex.userAgent == "codex-test/1.0")
            let ttfb = try #require(codex.ttfbMilliseconds)
            #expect(ttfb > 0 && ttfb <= codex.durationMilliseconds)
            #expect(abs(codex.at.timeIntervalSinceNow) < 30)
            let rejected = try #require(rows.first { $0.status == 400 })
            #expect(rejected.errorCode == "invalid_request_error")
            #expect(rejected.accountID == nil)
            #expect(rows.filter { $0.route == "/v1/responses" && $0.status == 200 }.count == 1)
        }
    }

    /// A stream is logged once, when the body the gateway wrote ends, with how it ended: 499 when the
    /// client left, 502 when the upstream broke off, 200 for a chat stream that completed.
    @Test func aStreamIsLoggedOnceWhenItsBodyEndsWithHowItEnded() async throws {
        var mockConfiguration = MockUpstream.Configuration()
        mockConfiguration.stream = StreamShape(deltaCount: 50, eventDelayMilliseconds: 10)
        try await GatewayHarness.with(emails: ["one@example.com"], mockConfiguration: mockConfiguration) { h in
            let leaving = try await h.open("POST", "/backend-api/codex/responses", body: GatewayHarness.codexBody)
            var iterator = leaving.body.makeAsyncIterator()
            _ = try await iterator.next()
            #expect(h.logs.count("request") == 0, "still streaming")
            leaving.body.cancel()
            #expect(await eventually { h.logs.all.contains { $0.message == "request" && $0.metadata["status"] == "499" } })
            try h.mock.scriptResponses("one@example.com", [.truncateAfter(events: 3)])
            #expect(try await h.send("POST", "/backend-api/codex/responses", body: GatewayHarness.codexBody).status == 200)
            let chat = #"{"model":"gpt-5","stream":true,"messages":[{"role":"user","content":"hi"}]}"#
            #expect(try await h.send("POST", "/v1/chat/completions", body: chat).text.contains("[DONE]"))
            #expect(await eventually { (try? h.store.requests(RequestFilter()).count) == 3 })
            let rows = try h.store.requests(RequestFilter())
            #expect(rows.filter { $0.route == "/backend-api/codex/responses" }.map(\.status).sorted() == [499, 502])
            #expect(rows.first { $0.status == 499 }?.errorCode == "client_disconnected")
            #expect(rows.first { $0.status == 502 }?.errorCode == "upstream_stream_truncated")
            #expect(rows.first { $0.route == "/v1/chat/completions" }?.status == 200)
            #expect(h.logs.count("request") == 3)
        }
    }

    @Test func aBurstBeyondTheQueueIsDroppedAndCountedNeverWaitedFor() async throws {
        let store = try Self.temporaryStore()
        let log = RequestLog(accounting: try KeyAccounting(store: store), capacity: 100, keepsRows: true)
        for id in 0..<250 { log.record(Self.entry(id, key: "key_burst")) }
        #expect(log.dropped == 150)
        await Self.writer(log, store).flush()
        #expect(try store.requests(RequestFilter(limit: 1000)).map(\.requestID) == (0..<100).reversed().map { "req-\($0)" })
        // Dropped rows still count against the key.
        #expect(try store.keyUsage(day: KeyMeter.day(of: Date()))["key_burst"]?.requests == 250)
        let metrics = String(decoding: GatewayMetrics.exposition(), as: UTF8.self)
        #expect(metrics.contains("switchboard_request_log_dropped_total"))
        // The queue is free again for the next burst.
        log.record(Self.entry(1000))
        #expect(log.dropped == 150)
    }

    @Test func retentionPrunesRowsOlderThanTheDaysThenBeyondTheRowCap() async throws {
        let store = try Self.temporaryStore()
        let log = RequestLog(accounting: try KeyAccounting(store: store), capacity: 100, keepsRows: true)
        let now = Date()
        for id in 0..<6 { log.record(Self.entry(id, at: now.addingTimeInterval(-Double(id) * 86_400 - 60))) }
        let writer = Self.writer(log, store, days: 4, maxRows: 3)
        await writer.flush()
        await writer.prune(now: now)
        #expect(try store.requests(RequestFilter()).map(\.requestID) == ["req-0", "req-1", "req-2"])
    }

    @Test func withZeroDaysNoRowIsKeptButKeysAreStillCharged() async throws {
        let store = try Self.temporaryStore()
        let log = RequestLog(accounting: try KeyAccounting(store: store), capacity: 100, keepsRows: false)
        log.record(Self.entry(1, key: "key_off"))
        await Self.writer(log, store, days: 0).flush()
        #expect(try store.requests(RequestFilter()).isEmpty)
        #expect(try store.keyUsage(day: KeyMeter.day(of: Date()))["key_off"]?.tokens == 7)
    }
}
