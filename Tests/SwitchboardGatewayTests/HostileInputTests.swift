import Foundation
import SwitchboardTestSupport
import HTTPTypes
import MockUpstream
import Testing
import SwitchboardCore
@testable import SwitchboardGateway
import SwitchboardUpstream

/// One test per defect of the adversarial run (issue 21), each driving the real server over a raw socket.
@Suite(.serialized) struct HostileInputTests {
    static let responsesBody = #"{"model":"gpt-5","input":"hi"}"#

    static func post(_ path: String, _ body: String, version: String = "1.1", extra: String = "") -> String {
        "POST \(path) HTTP/\(version)\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\(extra)\r\n\(body)"
    }

    // 1. Unfinished request heads, and too many connections.

    @Test func aConnectionThatNeverFinishesItsHeadIsClosedAfterTheClientTimeout() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"], configure: { $0.clientTimeout = 0.5 }) { h in
            let slow = try RawConnection(port: h.running.port)
            slow.send("GET /health HTTP/1.1\r\nHost: x\r\n")
            #expect(await slow.readToEnd(timeout: .seconds(4)))
            // A complete request on a fresh connection is still answered.
            let fine = try RawConnection(port: h.running.port)
            fine.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(await fine.read { $0.contains("\r\n\r\n") && $0.hasPrefix("HTTP/1.1 200") })
        }
    }

    @Test func connectionsPastTheCapAreAnswered503WithTheEnvelope() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"], configure: { $0.maxConnections = 2 }) { h in
            let held = try (0..<2).map { _ in try RawConnection(port: h.running.port) }
            for connection in held { connection.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n") }
            for connection in held { #expect(await connection.read { $0.contains("200 OK") }) }
            let extra = try RawConnection(port: h.running.port)
            extra.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(await extra.readToEnd())
            #expect(extra.text.hasPrefix("HTTP/1.1 503"))
            #expect(JSONValue(parsing: extra.body)?["error"]?["code"] == "server_busy")
            #expect(extra.text.lowercased().contains("retry-after: 1"))
        }
    }

    // 2. Bodies whose value tree would cost far more than their size.

    @Test func aBodyWithMillionsOfValuesIsRefusedWithoutBuildingItsTree() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            let values = Array(repeating: "1", count: Defaults.maxBodyJSONValues + 10).joined(separator: ",")
            for path in ["/v1/responses", "/v1/chat/completions", "/backend-api/codex/responses"] {
                let answer = try await h.send("POST", path, body: #"{"model":"gpt-5","input":[\#(values)],"messages":[]}"#)
                #expect(answer.status == 413, "\(path)")
                #expect(answer.json?["error"]?["code"] == "request_too_large")
            }
            #expect(try h.mock.counters(for: "one@example.com").responsesCalls == 0)
        }
    }

    // 3. A non-streaming client that leaves.

    @Test func aNonStreamingClientThatLeavesCancelsTheUpstreamTransfer() async throws {
        var mockConfiguration = MockUpstream.Configuration()
        mockConfiguration.stream = StreamShape(deltaCount: 200, eventDelayMilliseconds: 50)
        try await GatewayHarness.with(emails: ["one@example.com"], mockConfiguration: mockConfiguration) { h in
            for path in ["/v1/responses", "/v1/chat/completions"] {
                h.mock.resetCounters()
                let client = try RawConnection(port: h.running.port)
                let body = path == "/v1/responses" ? Self.responsesBody : #"{"model":"gpt-5","messages":[{"role":"user","content":"hi"}]}"#
                client.send(Self.post(path, body))
                #expect(await eventually { (try? h.mock.counters(for: "one@example.com").openStreams) == 1 })
                client.close()
                #expect(await eventually(timeout: .seconds(3)) { (try? h.mock.counters(for: "one@example.com").cancelledStreams) == 1 }, "\(path)")
                #expect(try h.mock.counters(for: "one@example.com").completedStreams == 0)
            }
            #expect(await eventually { h.logs.all.contains { $0.metadata["status"] == "499" } })
        }
    }

    // 4. Broken framing and parser rejections.

    @Test func malformedFramingIsAnswered400WithTheEnvelopeAndNoErrorLog() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            let chunked = "POST /v1/responses HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            let cases: [(String, String)] = [
                ("bad chunk size", chunked + "zz\r\n{}\r\n0\r\n\r\n"),
                ("bare-LF chunk", chunked + "2\n{}\n0\n\n"),
                ("duplicate Content-Length", "POST /v1/responses HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}"),
                ("bad Content-Length", "POST /v1/responses HTTP/1.1\r\nHost: x\r\nContent-Length: 2x\r\n\r\n{}"),
                ("unknown method", "FROB /health HTTP/1.1\r\nHost: x\r\n\r\n"),
                ("too many headers", "GET /health HTTP/1.1\r\nHost: x\r\n" + (0..<10_000).map { "X-H\($0): v\r\n" }.joined() + "\r\n"),
                ("a 1 MB header", "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "a", count: 1 << 20) + "\r\n\r\n"),
            ]
            for (name, request) in cases {
                let connection = try RawConnection(port: h.running.port)
                connection.send(request)
                #expect(await connection.readToEnd(), "\(name): connection closed")
                #expect(connection.text.hasPrefix("HTTP/1.1 400"), "\(name): \(connection.text.prefix(80))")
                #expect(JSONValue(parsing: connection.body)?["error"]?["code"] == "malformed_request", "\(name)")
            }
            // A body shorter than its Content-Length, then a half-close.
            let short = try RawConnection(port: h.running.port)
            short.send(Self.post("/v1/responses", Self.responsesBody).dropLast(5).description)
            short.halfClose()
            _ = await short.readToEnd()
            #expect(await eventually { h.logs.all.contains { $0.metadata["status"] == "400" } })
            #expect(h.logs.all.filter { $0.level >= .error }.isEmpty, "\(h.logs.all.filter { $0.level >= .error }.map(\.line))")
        }
    }

    // 5. Hop-by-hop, identity and encoding headers.

    @Test func hopAndIdentityHeadersDoNotCrossAndEncodedBodiesAreRefused() {
        var fields = HTTPFields()
        for (name, value) in [
            ("X-Real-IP", "192.0.2.1"), ("Via", "1.1 proxy"), ("Max-Forwards", "3"), ("Origin", "https://evil.example"),
            ("X-Forwarded-For", "192.0.2.1"), ("Content-Encoding", "gzip"), ("Connection", "close"), ("Keep-Alive", "timeout=5"),
            ("Proxy-Authorization", "Basic x"), ("True-Client-IP", "192.0.2.1"), ("session_id", "s1"), ("originator", "codex_cli_rs"),
        ] {
            fields.append(HTTPField(name: HTTPField.Name(name)!, value: value))
        }
        let crossing = ForwardedHeaders.upstream(from: fields).map { $0.name.lowercased() }
        #expect(Set(crossing) == ["session_id", "originator"])
    }

    @Test func aRequestBodyInAnUnknownEncodingIsRefused415() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            let answer = try await h.send("POST", "/v1/responses", body: Self.responsesBody, headers: [HTTPHeader("Content-Encoding", "br")])
            #expect(answer.status == 415)
            #expect(answer.json?["error"]?["code"] == "unsupported_content_encoding")
            #expect(try h.mock.counters(for: "one@example.com").responsesCalls == 0)
        }
    }

    // 6. HTTP/1.0.

    @Test func http10ClientsGetAnHTTP10AnswerWithoutChunksAndAClosedConnection() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            let health = try RawConnection(port: h.running.port)
            health.send("GET /health HTTP/1.0\r\n\r\n")
            #expect(await health.readToEnd())
            #expect(health.text.hasPrefix("HTTP/1.0 200"))
            let stream = try RawConnection(port: h.running.port)
            stream.send(Self.post("/backend-api/codex/responses", GatewayHarness.codexBody, version: "1.0", extra: "Connection: keep-alive\r\n"))
            #expect(await stream.readToEnd())
            #expect(stream.text.hasPrefix("HTTP/1.0 200"))
            #expect(!stream.text.lowercased().contains("transfer-encoding"))
            #expect(stream.body.hasPrefix("event: ") && stream.body.contains("response.completed"))
        }
    }

    // 7. Streams still open when the shutdown grace ends.

    @Test func streamsOpenAtTheEndOfTheShutdownGraceGetResponseFailed() async throws {
        let h = try await GatewayHarness.start(emails: ["one@example.com"]) { $0.shutdownGrace = 4 }
        try h.mock.scriptResponses("one@example.com", then: .stallAfter(events: 6))
        let responses = try RawConnection(port: h.running.port)
        responses.send(Self.post("/backend-api/codex/responses", GatewayHarness.codexBody))
        let chat = try RawConnection(port: h.running.port)
        chat.send(Self.post("/v1/chat/completions", #"{"model":"gpt-5","stream":true,"messages":[{"role":"user","content":"hi"}]}"#))
        #expect(await responses.read(timeout: .seconds(15)) { $0.contains("response.created") })
        #expect(await chat.read(timeout: .seconds(15)) { $0.contains("chat.completion.chunk") })
        let stopping = Task { await h.stop() }
        #expect(await responses.read(timeout: .seconds(8)) { $0.contains("response.failed") })
        #expect(responses.text.contains("shutting_down"))
        #expect(await chat.read(timeout: .seconds(8)) { $0.contains("[DONE]") })
        await stopping.value
    }

    // 9. A slow first byte, and a stream that stalls.

    @Test func aSlowFirstByteFailsOverToAnotherAccount() async throws {
        try await GatewayHarness.with(configure: { $0.firstByteTimeout = 0.5 }) { h in
            // The first request shows which account served; the other is least recently used, so it is picked next.
            #expect(try await h.send("POST", "/v1/responses", body: Self.responsesBody).status == 200)
            let served = try h.mock.counters(for: "one@example.com").responsesCalls == 1 ? "one@example.com" : "two@example.com"
            let slow = served == "one@example.com" ? "two@example.com" : "one@example.com"
            try h.mock.scriptResponses(slow, then: .slowFirstByte(milliseconds: 5000))
            let started = ContinuousClock.now
            let answer = try await h.send("POST", "/v1/responses", body: Self.responsesBody)
            #expect(answer.status == 200)
            #expect(ContinuousClock.now - started < .seconds(3))
            #expect(try h.mock.counters(for: slow).responsesCalls == 1)
            #expect(try h.mock.counters(for: served).responsesCalls == 2)
        }
    }

    @Test func aStreamThatStallsMidWayEndsWithResponseFailedAfterTheIdleTimeout() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"], configure: { $0.streamIdleTimeout = 0.5 }) { h in
            try h.mock.scriptResponses("one@example.com", then: .stallAfter(events: 2))
            let client = try RawConnection(port: h.running.port)
            client.send(Self.post("/backend-api/codex/responses", GatewayHarness.codexBody))
            #expect(await client.read(timeout: .seconds(4)) { $0.contains("response.failed") })
            #expect(client.text.contains("idle timeout"))
        }
    }
}
