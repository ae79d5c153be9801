import Foundation
import Hummingbird
import HummingbirdTesting
import MockUpstream
import Testing

private typealias Support = MockUpstreamTestSupport

@Suite("MockUpstream backend")
struct MockUpstreamBackendTests {
    @Test("usage answers 401 token_expired for an expired access token, and counts the call")
    func usageRejectsExpiredToken() async throws {
        let mock = MockUpstream()
        let expired = try mock.createAccount(email: "old@example.com", accessTokenLifetime: -1)
        let fresh = try mock.createAccount(email: "new@example.com")
        try mock.setUsage(MockUsageReport(primaryUsedPercent: 42, secondaryUsedPercent: 7), for: "new@example.com")
        try await mock.application().test(.router) { client in
            let denied = try await client.execute(uri: "/backend-api/wham/usage", method: .get, headers: Support.headers(expired))
            #expect(denied.status == .unauthorized)
            #expect((Support.object(String(buffer: denied.body))["error"] as? [String: Any])?["code"] as? String == "token_expired")

            let ok = try await client.execute(uri: "/backend-api/wham/usage", method: .get, headers: Support.headers(fresh))
            #expect(ok.status == .ok)
            let limits = Support.object(String(buffer: ok.body))["rate_limit"] as? [String: Any]
            #expect((limits?["primary_window"] as? [String: Any])?["used_percent"] as? Double == 42)
            #expect((limits?["secondary_window"] as? [String: Any])?["used_percent"] as? Double == 7)
        }
        #expect(try mock.counters(for: "old@example.com").usageCalls == 1)
        #expect(try mock.counters(for: "new@example.com").usageCalls == 1)
    }

    @Test("a happy responses stream has every event in order and ends with response.completed")
    func responsesStreamShape() async throws {
        let mock = MockUpstream()
        let auth = try mock.createAccount(email: "erin@example.com")
        try await mock.application().test(.router) { client in
            let response = try await client.execute(uri: "/backend-api/codex/responses", method: .post, headers: Support.headers(auth), body: Support.responsesRequest())
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/event-stream") == true)
            let events = Support.events(String(buffer: response.body))
            let names = events.map(\.event)
            #expect(Array(names.prefix(4)) == ["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added"])
            #expect(names.filter { $0 == "response.output_text.delta" }.count == 10)
            #expect(Array(names.suffix(4)) == ["response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed"])
            for (index, event) in events.enumerated() {
                #expect(event.data["type"] as? String == event.event)
                #expect(event.data["sequence_number"] as? Int == index)
            }
            let text = events.filter { $0.event == "response.output_text.delta" }.compactMap { $0.data["delta"] as? String }.joined()
            #expect(text == MockReply.text(email: "erin@example.com"))
            let completed = try #require(events.last?.data["response"] as? [String: Any])
            #expect(completed["status"] as? String == "completed")
            #expect(completed["object"] as? String == "response")
            let output = (completed["output"] as? [[String: Any]])?.first
            #expect(((output?["content"] as? [[String: Any]])?.first)?["text"] as? String == text)
            let usage = try #require(completed["usage"] as? [String: Any])
            #expect(usage["total_tokens"] as? Int == (usage["input_tokens"] as? Int ?? 0) + (usage["output_tokens"] as? Int ?? 0))
            #expect((usage["input_tokens_details"] as? [String: Any])?["cached_tokens"] is Int)
            #expect((usage["output_tokens_details"] as? [String: Any])?["reasoning_tokens"] as? Int == 0)
        }
        #expect(try mock.counters(for: "erin@example.com") == {
            var expected = MockAccountCounters()
            expected.responsesCalls = 1
            expected.completedStreams = 1
            return expected
        }())
    }

    @Test("responses rejects bodies the real backend rejects, without using the script")
    func responsesValidation() async throws {
        let mock = MockUpstream()
        let auth = try mock.createAccount(email: "frank@example.com")
        try mock.scriptResponses("frank@example.com", [.usageLimitReached(resetsInSeconds: 120)])
        try await mock.application().test(.router) { client in
            let cases: [([String: Any], String)] = [
                (["store": true], "Store must be set to false"),
                (["stream": false], "Stream must be set to true"),
                (["temperature": 0.2], "Unsupported parameter: temperature"),
                (["instructions": 5], "Instructions are required"),
            ]
            for (extra, message) in cases {
                let response = try await client.execute(uri: "/backend-api/codex/responses", method: .post, headers: Support.headers(auth), body: Support.responsesRequest(extra))
                #expect(response.status == .badRequest)
                #expect(Support.object(String(buffer: response.body))["detail"] as? String == message)
            }
            let limited = try await client.execute(uri: "/backend-api/codex/responses", method: .post, headers: Support.headers(auth), body: Support.responsesRequest())
            #expect(limited.status == .tooManyRequests)
            let error = try #require(Support.object(String(buffer: limited.body))["error"] as? [String: Any])
            #expect(error["code"] as? String == "usage_limit_reached")
            #expect(error["resets_in_seconds"] as? Int == 120)
            #expect(error["resets_at"] is Int)
            #expect(error["plan_type"] as? String == "plus")
        }
    }

    @Test("scripted stream endings: failure mid-stream and parallel tool calls")
    func scriptedStreams() async throws {
        let mock = MockUpstream()
        let auth = try mock.createAccount(email: "gina@example.com")
        try mock.scriptResponses("gina@example.com", [.failAfter(events: 5, code: "server_error"), .toolCalls([.weather("Paris"), .weather("Oslo")])])
        try await mock.application().test(.router) { client in
            let failed = Support.events(String(buffer: try await client.execute(uri: "/backend-api/codex/responses", method: .post, headers: Support.headers(auth), body: Support.responsesRequest()).body))
            #expect(failed.count == 6)
            #expect(failed.last?.event == "response.failed")
            #expect(((failed.last?.data["response"] as? [String: Any])?["error"] as? [String: Any])?["code"] as? String == "server_error")

            let tools = Support.events(String(buffer: try await client.execute(uri: "/backend-api/codex/responses", method: .post, headers: Support.headers(auth), body: Support.responsesRequest()).body))
            let arguments = tools.filter { $0.event == "response.function_call_arguments.done" }.compactMap { $0.data["arguments"] as? String }
            #expect(arguments == [#"{"city":"Paris"}"#, #"{"city":"Oslo"}"#])
            #expect(tools.last?.event == "response.completed")
            let output = (tools.last?.data["response"] as? [String: Any])?["output"] as? [[String: Any]]
            #expect(output?.map { $0["type"] as? String } == ["function_call", "function_call"])
        }
    }

    @Test("usage plays its scripted answers once each over the control API, and /expire makes the token answer 401")
    func usageScriptAndExpire() async throws {
        let mock = MockUpstream()
        let auth = try mock.createAccount(email: "kim@example.com")
        try await mock.application().test(.router) { client in
            let script = #"{"usage":{"next":[{"kind":"status","status":402},{"kind":"deactivated"},{"kind":"html_forbidden"}]}}"#
            #expect(try await client.execute(uri: "/_mock/accounts/kim@example.com/script", method: .post, body: ByteBuffer(string: script)).status == .noContent)
            var statuses: [Int] = []
            var bodies: [String] = []
            for _ in 0..<4 {
                let response = try await client.execute(uri: "/backend-api/wham/usage", method: .get, headers: Support.headers(auth))
                statuses.append(response.status.code)
                bodies.append(String(buffer: response.body))
            }
            #expect(statuses == [402, 403, 403, 200])
            #expect(bodies[1].contains("account_deactivated"))
            #expect(bodies[2].contains("<html"))

            #expect(try await client.execute(uri: "/_mock/accounts/\(auth.tokens.accountID)/expire", method: .post).status == .noContent)
            let expired = try await client.execute(uri: "/backend-api/wham/usage", method: .get, headers: Support.headers(auth))
            #expect(expired.status == .unauthorized)
            let missing = try await client.execute(uri: "/_mock/accounts/nobody@example.com/expire", method: .post)
            #expect(missing.status == .notFound)
        }
        #expect(try mock.counters(for: "kim@example.com").usageCalls == 5)
    }
}
