import Foundation
import SwitchboardTestSupport
import HTTPTypes
import MockUpstream
import Testing
import SwitchboardCore
import SwitchboardStore
@testable import SwitchboardGateway
import SwitchboardUpstream

/// The responses WebSocket (`GET /backend-api/codex/responses` upgraded), driven by a real WebSocket client.
@Suite(.serialized) struct ResponsesSocketTests {
    @Test func eachResponseCreateStreamsEveryUpstreamEventAsOneMessageInOrder() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            let turn = Box<[JSONValue]>([])
            try await SocketSession.run(h) { socket in turn.set(try await socket.turn(SocketSession.create([SocketSession.user("hi")]))) }
            let messages = turn.get.upstreamEvents
            #expect(messages.types.first == "response.created")
            #expect(messages.types.last == "response.completed")
            #expect(messages.types.contains("response.output_item.done"))
            #expect(messages.compactMap { $0["sequence_number"]?.intValue } == Array(0..<messages.count))
            #expect(messages.text == MockReply.text(email: "one@example.com"))
        }
    }

    /// Each socket turn is one request-log row, like an HTTP request, marked as a WebSocket turn.
    @Test func eachTurnIsOneRequestLogRowWithItsTransport() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            try await SocketSession.run(h) { socket in _ = try await socket.turn(SocketSession.create([SocketSession.user("hi")])) }
            #expect(await eventually { ((try? h.store.requests(RequestFilter())) ?? []).contains { $0.transport == "websocket" } })
            let row = try #require(try h.store.requests(RequestFilter()).first { $0.transport == "websocket" })
            #expect(row.status == 200)
            #expect(row.accountID == (try h.id("one@example.com")))
            #expect((row.outputTokens ?? 0) > 0)
        }
    }

    @Test func anIncrementalTurnIsExpandedFromTheSocketsLastResponse() async throws {
        try await GatewayHarness.with() { h in
            let turns = Box<[[JSONValue]]>([])
            try await SocketSession.run(h, headers: [HTTPField.Name("session-id")!: "session-42"]) { socket in
                let first = try await socket.turn(SocketSession.create([SocketSession.user("first")]))
                let id = first.last?["response"]?["id"] ?? .null
                let second = try await socket.turn(SocketSession.create([SocketSession.user("second")], ["previous_response_id": id]))
                turns.set([first, second])
            }
            let (first, second) = (turns.get[0], turns.get[1])
            #expect(second.types.last == "response.completed")
            // One socket, one account.
            #expect(first.text.prefix(40) == second.text.prefix(40))
            let sent = try h.lastUpstreamBody()
            let input = try #require(sent["input"]?.arrayValue)
            let answer = try #require(first.doneItems.first)
            #expect(input == [SocketSession.user("first"), answer, SocketSession.user("second")])
            #expect(sent["previous_response_id"] == nil)
            #expect(sent["type"] == nil)
        }
    }

    @Test func anUnknownPreviousResponseIDIsAClearErrorAndTheSocketStaysUsable() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            let turns = Box<[[JSONValue]]>([])
            try await SocketSession.run(h) { socket in
                let refused = try await socket.turn(SocketSession.create([SocketSession.user("more")], ["previous_response_id": "resp_unknown"]))
                let full = try await socket.turn(SocketSession.create([SocketSession.user("again")]))
                turns.set([refused, full])
            }
            let error = try #require(turns.get[0].last)
            #expect(error["type"] == "error")
            #expect(error["status"]?.intValue == 400)
            #expect(error["error"]?["code"] == "previous_response_not_found")
            #expect(error["error"]?["message"]?.stringValue?.contains("resp_unknown") == true)
            #expect(turns.get[1].types.last == "response.completed")
            #expect(try h.mock.counters(for: "one@example.com").responsesCalls == 1)
        }
    }

    @Test func aPrewarmIsAnsweredWithoutAnUpstreamCallAndTheNextTurnContinuesIt() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            let turns = Box<[[JSONValue]]>([])
            try await SocketSession.run(h) { socket in
                let prewarm = try await socket.turn(SocketSession.create([SocketSession.user("warm")], ["generate": false]))
                try await socket.send(["type": "response.processed", "response_id": prewarm.last?["response"]?["id"] ?? .null])
                let real = try await socket.turn(SocketSession.create([], ["previous_response_id": prewarm.last?["response"]?["id"] ?? .null]))
                turns.set([prewarm, real])
            }
            #expect(turns.get[0].types == ["response.created", "response.completed"])
            #expect(turns.get[1].types.last == "response.completed")
            #expect(try h.mock.counters(for: "one@example.com").responsesCalls == 1)
            let sent = try h.lastUpstreamBody()
            #expect(sent["input"] == [SocketSession.user("warm")])
            #expect(sent["generate"] == nil)
        }
    }

    @Test func everyAccountAtItsLimitIsAn429ErrorMessageWithTheReset() async throws {
        try await GatewayHarness.with() { h in
            try h.mock.scriptResponses("one@example.com", then: .usageLimitReached(resetsInSeconds: 900))
            try h.mock.scriptResponses("two@example.com", then: .usageLimitReached(resetsInSeconds: 300))
            let turn = Box<[JSONValue]>([])
            try await SocketSession.run(h) { socket in turn.set(try await socket.turn(SocketSession.create([SocketSession.user("hi")]))) }
            let error = try #require(turn.get.last)
            #expect(turn.get.count == 1)
            #expect(error["type"] == "error")
            #expect(error["status"]?.intValue == 429)
            #expect(error["error"]?["code"] == "usage_limit_reached")
            #expect((290...301).contains(try #require(error["error"]?["resets_in_seconds"]?.intValue)))
            #expect(error["headers"]?["retry-after"]?.stringValue.flatMap { Int($0) }.map { (290...301).contains($0) } == true)
        }
    }

    @Test func noUsableAccountIsA503NoAccountsErrorMessage() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            try h.store.apply(.failed(.permanent(code: "token_expired", message: "m"), at: .token, source: .refresh, accessTokenValid: false, observedWith: h.store.heldRefreshToken(try h.id("one@example.com"))), to: try h.id("one@example.com"))
            try h.gateway.pool.reload()
            let turn = Box<[JSONValue]>([])
            try await SocketSession.run(h) { socket in turn.set(try await socket.turn(SocketSession.create([SocketSession.user("hi")]))) }
            let error = try #require(turn.get.last)
            #expect(error["status"]?.intValue == 503)
            #expect(error["error"]?["code"] == "no_accounts")
            #expect(error["headers"]?["retry-after"] == "60")
        }
    }

    @Test func aTurnFailsOverBeforeItsFirstEventAndTheSocketStaysOnTheNewAccount() async throws {
        try await GatewayHarness.with() { h in
            try h.mock.scriptResponses("one@example.com", then: .usageLimitReached(resetsInSeconds: 600))
            try h.mock.scriptResponses("two@example.com", then: .ok)
            let turns = Box<[[JSONValue]]>([])
            try await SocketSession.run(h) { socket in
                var all: [[JSONValue]] = []
                for index in 0..<3 { all.append(try await socket.turn(SocketSession.create([SocketSession.user("turn \(index)")]))) }
                turns.set(all)
            }
            for turn in turns.get {
                #expect(turn.types.last == "response.completed")
                #expect(turn.text.contains("two@example.com"))
            }
            #expect(try h.mock.counters(for: "one@example.com").responsesCalls <= 1)
        }
    }

    @Test func aClientThatLeavesMidTurnCancelsTheUpstreamTransfer() async throws {
        var mockConfiguration = MockUpstream.Configuration()
        mockConfiguration.stream = StreamShape(deltaCount: 200, eventDelayMilliseconds: 50)
        try await GatewayHarness.with(emails: ["one@example.com"], mockConfiguration: mockConfiguration) { h in
            try await SocketSession.run(h) { socket in
                try await socket.send(SocketSession.create([SocketSession.user("long")]))
                while let message = try await socket.next(), message["type"] != "response.output_text.delta" {}
                // Returning closes the socket mid-stream.
            }
            #expect(await eventually { h.mock.counters().accounts["one@example.com"]?.cancelledStreams == 1 })
            #expect(try h.mock.counters(for: "one@example.com").completedStreams == 0)
            #expect(await eventually { GatewayMetrics.openSockets == 0 })
        }
    }

    @Test func theOpenAIRouteNormalisesItsTurnsLikeHTTP() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            let turn = Box<[JSONValue]>([])
            try await SocketSession.run(h, path: "/v1/responses") { socket in
                turn.set(try await socket.turn(["type": "response.create", "model": "gpt-5", "input": "hi", "temperature": 0.2]))
            }
            #expect(turn.get.types.last == "response.completed")
            let sent = try h.lastUpstreamBody()
            #expect(sent["temperature"] == nil)
            #expect(sent["input"] == [SocketSession.user("hi")])
        }
    }

    @Test func aClientWithoutAValidKeyGetsA401ErrorMessage() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            let (key, _) = try h.store.createAPIKey(name: "ci")
            try h.gateway.access.reload()
            // The refusal is the server's first frame, sent right behind the 101. A raw connection reads it:
            // HummingbirdWSClient can lose a frame that arrives in the same read as the 101, and then waits
            // forever (seen under load: the suite hung here about once in eight runs).
            let refused = try RawConnection(port: h.running.port)
            defer { refused.close() }
            refused.send("GET /backend-api/codex/responses HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nAuthorization: Bearer sb-wrong\r\n\r\n")
            #expect(await refused.read { _ in Self.firstTextFrame(after101: refused.received) != nil })
            #expect(refused.text.hasPrefix("HTTP/1.1 101"))
            let message = Self.firstTextFrame(after101: refused.received).flatMap { JSONValue(parsing: Data($0)) }
            #expect(message?["status"]?.intValue == 401)
            #expect(message?["error"]?["code"] == "invalid_api_key")
            let turn = Box<[JSONValue]>([])
            try await SocketSession.run(h, headers: [.authorization: "Bearer \(key)"]) { socket in
                turn.set(try await socket.turn(SocketSession.create([SocketSession.user("hi")])))
            }
            #expect(turn.get.types.last == "response.completed")
            #expect(try h.mock.counters(for: "one@example.com").responsesCalls == 1)
        }
    }

    @Test func metricsCountSocketsAndTurnsByOutcome() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            try await SocketSession.run(h) { socket in
                _ = try await socket.turn(SocketSession.create([SocketSession.user("hi")]))
                _ = try await socket.turn(SocketSession.create([SocketSession.user("warm")], ["generate": false]))
            }
            let metrics = try await h.send("GET", "/metrics").text
            #expect(metrics.contains(#"switchboard_websocket_turns_total{route="/backend-api/codex/responses",outcome="completed"}"#))
            #expect(metrics.contains(#"switchboard_websocket_turns_total{route="/backend-api/codex/responses",outcome="prewarm"}"#))
            #expect(metrics.contains("switchboard_websocket_connections_total"))
            #expect(metrics.contains(#"route="ws:/backend-api/codex/responses""#))
        }
    }

    /// Before a turn's events, what the HTTP upstream said in headers comes as the messages the
    /// WebSocket backend would send: the model and turn state, then the account's rate limits.
    @Test func eachTurnStartsWithItsMetadataAndRateLimitsMessages() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            let usage = MockUsageReport(primaryUsedPercent: 37, secondaryUsedPercent: 12)
            try h.mock.setUsage(usage, for: "one@example.com")
            let turn = Box<[JSONValue]>([])
            try await SocketSession.run(h) { socket in turn.set(try await socket.turn(SocketSession.create([SocketSession.user("hi")]))) }
            let messages = turn.get
            #expect(Array(messages.types.prefix(3)) == ["codex.response.metadata", "codex.rate_limits", "response.created"])
            let metadata = messages[0]["headers"]
            #expect(metadata?["openai-model"] == "gpt-5.1-codex")
            #expect(metadata?["x-codex-turn-state"]?.stringValue?.isEmpty == false)
            let limits = messages[1]
            #expect(limits["rate_limits"]?["primary"]?["used_percent"]?.doubleValue == Double(usage.primaryUsedPercent))
            #expect(limits["rate_limits"]?["primary"]?["window_minutes"]?.doubleValue == Double(usage.primaryWindowSeconds / 60))
            #expect(limits["rate_limits"]?["secondary"]?["reset_at"]?.doubleValue != nil)
            #expect(limits["rate_limits"]?["allowed"] == true)
        }
    }

    /// Over a socket Codex echoes the turn state in `client_metadata`; it goes upstream as the header,
    /// and only to the account that issued it.
    @Test func aTurnStateInClientMetadataGoesUpstreamOnlyToItsIssuer() async throws {
        try await GatewayHarness.with(emails: ["one@example.com", "two@example.com"]) { h in
            let turns = Box<[[JSONValue]]>([])
            try await SocketSession.run(h, headers: [HTTPField.Name("session-id")!: "ws-turn-state"]) { socket in
                let first = try await socket.turn(SocketSession.create([SocketSession.user("first")]))
                let state = first.first?["headers"]?["x-codex-turn-state"] ?? .null
                let again = try await socket.turn(SocketSession.create([SocketSession.user("again")], ["client_metadata": ["x-codex-turn-state": state]]))
                let issuer = first.text.contains("one@example.com") ? "one@example.com" : "two@example.com"
                try h.mock.scriptResponses(issuer, then: .usageLimitReached(resetsInSeconds: 600))
                let moved = try await socket.turn(SocketSession.create([SocketSession.user("moved")], ["client_metadata": ["x-codex-turn-state": state]]))
                turns.set([first, again, moved])
            }
            let (first, again, moved) = (turns.get[0], turns.get[1], turns.get[2])
            // The mock refuses a state issued for another account, so completing proves where it went.
            #expect(again.types.last == "response.completed")
            #expect(again.text == first.text)
            #expect(moved.types.last == "response.completed", "\(moved.last ?? .null)")
            #expect(moved.text != first.text)
        }
    }

    /// The payload of the first (unmasked, unfragmented) text frame after a 101 answer's head.
    static func firstTextFrame(after101 bytes: [UInt8]) -> [UInt8]? {
        let end = Array("\r\n\r\n".utf8)
        guard bytes.count >= end.count,
              let head = (0...(bytes.count - end.count)).first(where: { Array(bytes[$0..<$0 + end.count]) == end }) else { return nil }
        var at = head + end.count
        guard bytes.count >= at + 2, bytes[at] == 0x81 else { return nil }
        var length = Int(bytes[at + 1] & 0x7F)
        at += 2
        guard length != 127 else { return nil }
        if length == 126 {
            guard bytes.count >= at + 2 else { return nil }
            length = Int(bytes[at]) << 8 | Int(bytes[at + 1])
            at += 2
        }
        return bytes.count >= at + length ? Array(bytes[at..<at + length]) : nil
    }
}
