import Foundation
import MockUpstream
import Testing
import SwitchboardCore
import SwitchboardUpstream
import SwitchboardTestSupport

@Suite(.serialized) struct GatewayRoutingTests {
    @Test func streamingPassthroughArrivesIncrementally() async throws {
        var mockConfiguration = MockUpstream.Configuration()
        mockConfiguration.stream = StreamShape(deltaCount: 10, eventDelayMilliseconds: 60)
        try await GatewayHarness.with(emails: ["one@example.com"], mockConfiguration: mockConfiguration) { h in
            let response = try await h.open("POST", "/backend-api/codex/responses", body: GatewayHarness.codexBody)
            #expect(response.status == 200)
            #expect(response.headers.first { $0.name.lowercased() == "content-type" }?.value.hasPrefix("text/event-stream") == true)
            let started = ContinuousClock.now
            var firstChunkAt: Duration?
            var text = ""
            for try await chunk in response.body {
                if firstChunkAt == nil { firstChunkAt = ContinuousClock.now - started }
                text += String(decoding: chunk, as: UTF8.self)
            }
            let total = ContinuousClock.now - started
            // 16 events 60 ms apart: the first must reach the client long before the last is sent.
            #expect(try #require(firstChunkAt) < total - .milliseconds(400))
            #expect(text.contains("event: response.completed"))
            #expect(text.contains("Hello from mock account one@example.com"))
        }
    }

    @Test func aUsageLimitOnOneAccountIsInvisibleToTheClient() async throws {
        try await GatewayHarness.with() { h in
            try h.mock.scriptResponses("one@example.com", then: .usageLimitReached(resetsInSeconds: 600))
            try h.mock.scriptResponses("two@example.com", then: .ok)
            for _ in 0..<4 {
                let response = try await h.send("POST", "/v1/responses", body: #"{"model":"gpt-5","input":"hi"}"#)
                #expect(response.status == 200)
                #expect(response.text.contains("two@example.com"))
            }
            guard case .rateLimited(let resetsAt) = try h.status("one@example.com") else { Issue.record("one@ should be rate limited"); return }
            #expect(abs(resetsAt.timeIntervalSinceNow - 600) < 10)
        }
    }

    /// The reset is judged on the gateway's clock: not a moment before it, and within a watcher tick after.
    @Test func aRateLimitedAccountReturnsToRotationWhenItsResetPasses() async throws {
        let clock = TestClock()
        try await GatewayHarness.with(emails: ["one@example.com"], clock: clock) { h in
            try h.mock.scriptResponses("one@example.com", [.usageLimitReached(resetsInSeconds: 600)], then: .ok)
            #expect(try await h.send("POST", "/v1/responses", body: #"{"model":"gpt-5","input":"hi"}"#).status == 429)
            clock.advance(by: 590)
            #expect(try await h.send("POST", "/v1/responses", body: #"{"model":"gpt-5","input":"hi"}"#).status == 429)
            clock.advance(by: 20)
            #expect(await eventually { (try? h.status("one@example.com")) == .active })
            #expect(try await h.send("POST", "/v1/responses", body: #"{"model":"gpt-5","input":"hi"}"#).status == 200)
        }
    }

    @Test func everyAccountRateLimitedAnswers429WithTheEarliestResetAndRetryAfter() async throws {
        try await GatewayHarness.with() { h in
            try h.mock.scriptResponses("one@example.com", then: .usageLimitReached(resetsInSeconds: 900))
            try h.mock.scriptResponses("two@example.com", then: .usageLimitReached(resetsInSeconds: 300))
            let first = try await h.send("POST", "/backend-api/codex/responses", body: GatewayHarness.codexBody)
            #expect(first.status == 429)
            let response = try await h.send("POST", "/backend-api/codex/responses", body: GatewayHarness.codexBody)
            #expect(response.status == 429)
            let error = try #require(response.json?["error"])
            #expect(error["type"] == "usage_limit_reached")
            #expect(error["code"] == "usage_limit_reached")
            let seconds = try #require(error["resets_in_seconds"]?.intValue)
            #expect((290...301).contains(seconds))
            #expect(error["resets_at"]?.doubleValue != nil)
            #expect(Int(try #require(response.header("retry-after"))).map { (290...301).contains($0) } == true)
            #expect(error["message"]?.stringValue?.isEmpty == false)
        }
    }

    @Test func everyAccountDeactivatedAnswers503NoAccountsSayingWhatToDo() async throws {
        try await GatewayHarness.with() { h in
            for email in ["one@example.com", "two@example.com"] {
                try h.store.apply(.failed(.permanent(code: "token_expired", message: "m"), at: .token, source: .refresh, accessTokenValid: false, observedWith: h.store.heldRefreshToken(try h.id(email))), to: try h.id(email))
            }
            try h.gateway.pool.reload()
            let response = try await h.send("POST", "/v1/responses", body: #"{"model":"gpt-5","input":"hi"}"#)
            #expect(response.status == 503)
            #expect(response.json?["error"]?["code"] == "no_accounts")
            #expect(response.json?["error"]?["message"]?.stringValue?.contains("switchboard accounts reactivate") == true)
            #expect(response.header("retry-after") == "60")
            let ready = try await h.send("GET", "/health/ready")
            #expect(ready.status == 503)
        }
    }

    @Test func authRetryingPoolAnswers503WithRetryAfter() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            try h.store.apply(.failed(.transient(reason: "HTTP 500"), at: .token, source: .refresh, accessTokenValid: false, observedWith: h.store.heldRefreshToken(try h.id("one@example.com"))), to: try h.id("one@example.com"))
            try h.gateway.pool.reload()
            let response = try await h.send("POST", "/v1/responses", body: #"{"model":"gpt-5","input":"hi"}"#)
            #expect(response.status == 503)
            #expect(response.json?["error"]?["code"] == "accounts_auth_retrying")
            #expect(Int(response.header("retry-after") ?? "") ?? 0 > 0)
        }
    }

    @Test func pauseFromTheCLIProcessTakesEffectWithinOneSecond() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            #expect(try await h.send("POST", "/v1/responses", body: #"{"model":"gpt-5","input":"hi"}"#).status == 200)
            let cli = try await CLI.run(["accounts", "pause", "one@example.com"], dataDirectory: h.dataDirectory)
            #expect(cli.status == 0, "\(cli.stderr)")
            let started = ContinuousClock.now
            let refused = await eventually(timeout: .seconds(1)) {
                (try? await h.send("POST", "/v1/responses", body: #"{"model":"gpt-5","input":"hi"}"#).status) == 503
            }
            #expect(refused, "a pause from another process must be seen within 1 s (took \(ContinuousClock.now - started))")
            #expect(try await CLI.run(["accounts", "resume", "one@example.com"], dataDirectory: h.dataDirectory).status == 0)
            #expect(await eventually(timeout: .seconds(1)) { (try? await h.send("POST", "/v1/responses", body: #"{"model":"gpt-5","input":"hi"}"#).status) == 200 })
        }
    }

    /// The envelopes themselves are checked in-process (`InProcessRoutingTests`); over a socket, what
    /// matters is that a rejected body leaves the server serving.
    @Test func aRejectedBodyLeavesTheServerServing() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"], configure: { $0.maxBodyBytes = 1024 }) { h in
            #expect(try await h.send("POST", "/v1/responses", body: "{not json").status == 400)
            let large = try await h.send("POST", "/v1/responses", body: #"{"model":"gpt-5","input":""# + String(repeating: "x", count: 4096) + #""}"#)
            #expect(large.status == 413)
            #expect(large.json?["error"]?["code"] == "request_too_large")
            #expect(try await h.send("GET", "/v2/nothing").status == 404)
            #expect(try await h.send("POST", "/v1/responses", body: #"{"model":"gpt-5","input":"hi"}"#).status == 200)
        }
    }

    @Test func aClientDisconnectCancelsTheUpstreamTransfer() async throws {
        var mockConfiguration = MockUpstream.Configuration()
        mockConfiguration.stream = StreamShape(deltaCount: 200, eventDelayMilliseconds: 50)
        try await GatewayHarness.with(emails: ["one@example.com"], mockConfiguration: mockConfiguration) { h in
            let response = try await h.open("POST", "/backend-api/codex/responses", body: GatewayHarness.codexBody)
            var iterator = response.body.makeAsyncIterator()
            _ = try await iterator.next()
            #expect(await eventually { (try? h.mock.counters(for: "one@example.com").openStreams) == 1 })
            response.body.cancel()
            #expect(await eventually(timeout: .seconds(3)) { (try? h.mock.counters(for: "one@example.com").cancelledStreams) == 1 })
            #expect(try h.mock.counters(for: "one@example.com").openStreams == 0)
        }
    }

    @Test func aSessionStaysOnOneAccount() async throws {
        try await GatewayHarness.with(emails: ["one@example.com", "two@example.com", "three@example.com"]) { h in
            var seen: Set<String> = []
            for _ in 0..<6 {
                let response = try await h.send("POST", "/backend-api/codex/responses", body: GatewayHarness.codexBody, headers: [HTTPHeader("session_id", "abc")])
                #expect(response.status == 200)
                seen.insert(String(response.text.firstMatch(of: /mock account (\S+?)\./)?.1 ?? ""))
            }
            #expect(seen.count == 1)
            var unkeyed: Set<String> = []
            for _ in 0..<6 {
                let response = try await h.send("POST", "/backend-api/codex/responses", body: GatewayHarness.codexBody)
                unkeyed.insert(String(response.text.firstMatch(of: /mock account (\S+?)\./)?.1 ?? ""))
            }
            #expect(unkeyed.count == 3)
        }
    }

    /// Codex CLI 0.163 sends its prompt as input and no `instructions`, which the backend requires.
    @Test func aCodexRequestWithoutInstructionsIsAccepted() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            let body = #"{"model":"gpt-5","input":[{"type":"message","role":"developer","content":[{"type":"input_text","text":"base prompt"}]}],"stream":true,"store":false}"#
            let response = try await h.send("POST", "/backend-api/codex/responses", body: body)
            #expect(response.status == 200, "\(response.text)")
            #expect(response.text.contains("response.completed"))
        }
    }

    @Test func anUpstreamRejectionOfTheRequestReachesTheClientWithItsReasonAndNoFailover() async throws {
        try await GatewayHarness.with() { h in
            let body = #"{"model":"gpt-5","instructions":"x","input":[],"stream":true,"store":true}"#
            let response = try await h.send("POST", "/backend-api/codex/responses", body: body)
            #expect(response.status == 400)
            let message = try #require(response.json?["error"]?["message"]?.stringValue)
            #expect(message != "The upstream rejected the request.", "the upstream's reason must reach the client")
            let calls = try ["one@example.com", "two@example.com"].map { try h.mock.counters(for: $0).responsesCalls }.reduce(0, +)
            #expect(calls == 1)
            #expect(try h.status("one@example.com") == .active)
            #expect(try h.status("two@example.com") == .active)
        }
    }

    @Test func aTruncatedStreamEndsWithAnErrorEvent() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            try h.mock.scriptResponses("one@example.com", [.truncateAfter(events: 3)])
            let response = try await h.send("POST", "/backend-api/codex/responses", body: GatewayHarness.codexBody)
            #expect(response.status == 200)
            var parser = SSEParser()
            let events = try parser.parse(Array(response.text.utf8))
            #expect(events.count == 4)
            #expect(events.last?.event == "response.failed")
            #expect(JSONValue(parsing: events.last?.data ?? "")?["response"]?["error"]?["code"] == "upstream_stream_truncated")
            let collected = try await h.send("POST", "/v1/responses", body: #"{"model":"gpt-5","input":"hi"}"#)
            #expect(collected.status == 200)
        }
    }
}
