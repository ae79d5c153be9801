import Foundation
import SwitchboardTestSupport
import HTTPTypes
import MockUpstream
import Testing
import SwitchboardCore
@testable import SwitchboardGateway
import SwitchboardUpstream

/// Compaction, the model catalog and `/wham/usage`, as the Codex CLI uses them.
@Suite(.serialized) struct CodexTransportTests {
    static let history: [JSONValue] = [
        ["type": "message", "role": "developer", "content": [["type": "input_text", "text": "rules"]]],
        SocketSession.user("write a poem"),
        ["type": "message", "role": "assistant", "content": [["type": "output_text", "text": "a poem"]]],
    ]

    @Test func compactionV1IsServedByAV2RequestAndAnswersTheKeptMessagesThenOneCompactionItem() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            let body: JSONValue = ["model": "gpt-5.1-codex", "instructions": "be brief", "input": .array(Self.history), "tools": [], "parallel_tool_calls": true]
            for path in ["/backend-api/codex/responses/compact", "/v1/responses/compact"] {
                let response = try await h.send("POST", path, body: String(decoding: body.encodedBytes(), as: UTF8.self))
                #expect(response.status == 200)
                let output = try #require(response.json?["output"]?.arrayValue)
                #expect(Array(output.prefix(2)) == Array(Self.history.prefix(2)))
                #expect(output.count == 3)
                #expect(output.last?["type"] == "compaction")
                #expect(output.last?["encrypted_content"]?.stringValue == MockReply.compactionSummary)
                let sent = try h.lastUpstreamBody()
                #expect(sent["input"]?.arrayValue?.last == Compaction.trigger)
                #expect(sent["input"]?.arrayValue?.count == Self.history.count + 1)
                #expect(sent["store"] == false)
            }
        }
    }

    @Test func compactionV2PassesThroughWithExactlyOneCompactionItemOverHTTPAndWebSocket() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            let input = JSONValue.array(Self.history + [Compaction.trigger])
            let body: JSONValue = ["model": "gpt-5.1-codex", "instructions": "", "input": input, "stream": true, "store": false]
            let streamed = try await h.send("POST", "/backend-api/codex/responses", body: String(decoding: body.encodedBytes(), as: UTF8.self))
            #expect(streamed.status == 200)
            #expect(streamed.text.components(separatedBy: "\"type\":\"compaction\"").count - 1 == 2)  // added + done
            #expect(try h.lastUpstreamBody()["input"] == input)
            // A client that does not stream gets the item in `output`, though `response.completed.output` is empty.
            let collected = try await h.send("POST", "/v1/responses", body: #"{"model":"gpt-5.1-codex","input":[{"type":"compaction_trigger"}]}"#)
            #expect(collected.json?["output"]?.arrayValue?.compactMap { $0["type"]?.stringValue } == ["compaction"])
            let turn = Box<[JSONValue]>([])
            try await SocketSession.run(h) { socket in turn.set(try await socket.turn(SocketSession.create(Self.history + [Compaction.trigger]))) }
            #expect(turn.get.doneItems.filter { $0["type"] == "compaction" }.count == 1)
            #expect(turn.get.types.last == "response.completed")
        }
    }

    @Test func theCatalogIsAskedForTheClientsVersionAndHonoursItsETag() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            let response = try await h.send("GET", "/backend-api/codex/models?client_version=0.170.0")
            #expect(response.status == 200)
            let etag = try #require(response.header("etag"))
            #expect(etag == #""catalog-0.170.0""#)
            let models = try #require(response.json?["models"]?.arrayValue)
            #expect(!models.isEmpty)
            for field in ["slug", "display_name", "supported_reasoning_levels", "shell_type", "visibility", "supported_in_api", "priority", "base_instructions", "supports_reasoning_summaries", "support_verbosity", "truncation_policy", "supports_parallel_tool_calls", "experimental_supported_tools", "service_tiers"] {
                #expect(models.allSatisfy { $0[field] != nil }, "every entry carries \(field)")
            }
            let unchanged = try await h.send("GET", "/backend-api/codex/models?client_version=0.170.0", headers: [HTTPHeader("If-None-Match", etag)])
            #expect(unchanged.status == 304)
            #expect(unchanged.body.isEmpty)
            let other = try await h.send("GET", "/backend-api/codex/models?client_version=0.171.0")
            #expect(other.header("etag") == #""catalog-0.171.0""#)
            // Cached per version: asking again costs no upstream call.
            let calls = try h.mock.counters(for: "one@example.com").modelsCalls
            _ = try await h.send("GET", "/backend-api/codex/models?client_version=0.170.0")
            #expect(try h.mock.counters(for: "one@example.com").modelsCalls == calls)
            let openAI = try await h.send("GET", "/v1/models")
            #expect(openAI.json?["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == MockModel.catalog.map(\.slug))
        }
    }

    @Test func whamUsageAnswersForTheAccountTheSessionIsStickyTo() async throws {
        try await GatewayHarness.with() { h in
            try h.mock.setUsage(MockUsageReport(primaryUsedPercent: 12, secondaryUsedPercent: 3), for: "one@example.com")
            try h.mock.setUsage(MockUsageReport(primaryUsedPercent: 64, secondaryUsedPercent: 30), for: "two@example.com")
            let client = UsageClient(transport: GatewayHarness.transport, upstreamBaseURL: h.mock.upstreamBaseURL)
            await UsagePoller(pool: h.gateway.pool, credentials: h.gateway.credentials, client: client, interval: 3600, logger: h.gateway.logger).pollAll()
            let session = [HTTPHeader("session-id", "s-1")]
            let turn = try await h.send("POST", "/backend-api/codex/responses", body: GatewayHarness.codexBody, headers: session)
            let email = turn.text.contains("two@example.com") ? "two@example.com" : "one@example.com"
            let usage = try await h.send("GET", "/backend-api/wham/usage", headers: session)
            #expect(usage.status == 200)
            let primary = try #require(usage.json?["rate_limit"]?["primary_window"])
            #expect(primary["used_percent"]?.doubleValue == (email == "one@example.com" ? 12 : 64))
            #expect(primary["limit_window_seconds"]?.intValue == 18_000)
            #expect(primary["reset_at"]?.doubleValue != nil)
            #expect(usage.json?["rate_limit"]?["secondary_window"]?["used_percent"]?.doubleValue == (email == "one@example.com" ? 3 : 30))
            #expect(usage.json?["plan_type"] == "plus")
            // Without a session: the account the next request would get (the most headroom).
            let best = try await h.send("GET", "/backend-api/wham/usage")
            #expect(best.json?["rate_limit"]?["primary_window"]?["used_percent"]?.doubleValue == 12)
        }
    }

    @Test func sessionHeadersDecideStickinessInCodexOrderAndTurnStateIsNotOne() {
        let fields: HTTPFields = [
            HTTPField.Name("thread-id")!: "t", HTTPField.Name("session-id")!: "s", HTTPField.Name("x-codex-turn-state")!: "x",
        ]
        #expect(ForwardedHeaders.stickyKey(headers: fields, promptCacheKey: "p") == "session-id:s")
        #expect(ForwardedHeaders.stickyKey(headers: [HTTPField.Name("conversation_id")!: "c"], promptCacheKey: "p") == "conversation_id:c")
        #expect(ForwardedHeaders.stickyKey(headers: [HTTPField.Name("x-codex-turn-state")!: "x"], promptCacheKey: "p") == "prompt_cache_key:p")
    }

    /// Codex falls back to HTTP at once on a 426; a 404/405 would cost it five reconnects first.
    @Test func anUpgradeOnAnyOtherRouteIs426AndTheSocketRoutesStillUpgrade() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            for path in ["/v1/chat/completions", "/v1/models", "/nowhere", "/backend-api/codex/responses/compact"] {
                let connection = try RawConnection(port: h.running.port)
                defer { connection.close() }
                connection.send("GET \(path) HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
                #expect(await connection.readToEnd(), "\(path)")
                let answer = String(decoding: connection.received, as: UTF8.self)
                #expect(answer.hasPrefix("HTTP/1.1 426"), "\(path): \(answer.prefix(80))")
                #expect(answer.contains("\"code\":\"websocket_not_served\""), "\(path)")
            }
            let socket = try RawConnection(port: h.running.port)
            defer { socket.close() }
            socket.send("GET /backend-api/codex/responses?x=1 HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
            #expect(await socket.read { $0.contains("\r\n\r\n") })
            #expect(String(decoding: socket.received, as: UTF8.self).hasPrefix("HTTP/1.1 101"))
        }
    }

    /// A turn state lives within one turn on one account: echoed to the account that issued it, never sent to another.
    @Test func aTurnStateGoesOnlyToItsIssuerAndIsDroppedWhenTheTurnMovesToAnotherAccount() async throws {
        try await GatewayHarness.with(emails: ["one@example.com", "two@example.com"]) { h in
            let session = HTTPHeader("session-id", "turn-state-session")
            let first = try await h.send("POST", "/backend-api/codex/responses", body: GatewayHarness.codexBody, headers: [session])
            let state = try #require(first.header("x-codex-turn-state"))
            let issuer = first.text.contains("one@example.com") ? "one@example.com" : "two@example.com"
            let other = issuer == "one@example.com" ? "two@example.com" : "one@example.com"
            // The mock refuses a state issued for another account (400), as the backend would.
            let echoed = try await h.send("POST", "/backend-api/codex/responses", body: GatewayHarness.codexBody, headers: [session, HTTPHeader("x-codex-turn-state", state)])
            #expect(echoed.status == 200)
            #expect(echoed.text.contains(issuer))
            try h.mock.scriptResponses(issuer, then: .usageLimitReached(resetsInSeconds: 600))
            let moved = try await h.send("POST", "/backend-api/codex/responses", body: GatewayHarness.codexBody, headers: [session, HTTPHeader("x-codex-turn-state", state)])
            #expect(moved.status == 200, "\(moved.text.prefix(200))")
            #expect(moved.text.contains(other))
        }
    }

    @Test func aTurnStateOfUnknownIssuerGoesToTheFirstAccountTriedOnly() {
        let states = TurnStates()
        let headers = [HTTPHeader("session-id", "s"), HTTPHeader("X-Codex-Turn-State", "ts.unknown")]
        #expect(states.headers(headers, for: "a", firstTried: "a").map(\.name) == ["session-id", "X-Codex-Turn-State"])
        #expect(states.headers(headers, for: "b", firstTried: "a").map(\.name) == ["session-id"])
        #expect(states.headers([HTTPHeader("session-id", "s")], for: "b", firstTried: "a").count == 1)
    }
}
