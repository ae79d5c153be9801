import Foundation
import MockUpstream
import Testing
import SwitchboardCore
import SwitchboardUpstream
import SwitchboardTestSupport

/// `/v1/chat/completions` end to end over HTTP against the mock upstream.
@Suite(.serialized) struct ChatCompletionsTests {
    static let tools = #"[{"type":"function","function":{"name":"get_weather","description":"Weather by city","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]"#

    static func body(stream: Bool, extra: String = "") -> String {
        #"{"model":"gpt-5","stream":\#(stream),"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi"}]\#(extra)}"#
    }

    /// The `data:` payloads of an SSE answer, in order.
    static func frames(_ text: String) -> [String] {
        text.components(separatedBy: "\n").filter { $0.hasPrefix("data: ") }.map { String($0.dropFirst(6)) }
    }

    @Test func nonStreamingTextWithUsage() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            let response = try await h.send("POST", "/v1/chat/completions", body: Self.body(stream: false))
            #expect(response.status == 200)
            let json = try #require(response.json)
            #expect(json["object"] == "chat.completion")
            #expect(json["model"] == "gpt-5")
            let choice = try #require(json["choices"]?.arrayValue?.first)
            #expect(choice["finish_reason"] == "stop")
            #expect(choice["message"]?["role"] == "assistant")
            #expect(choice["message"]?["content"]?.stringValue?.contains("Hello from mock account one@example.com") == true)
            #expect((json["usage"]?["prompt_tokens"]?.intValue ?? 0) > 0)
            #expect(json["usage"]?["total_tokens"] != nil)
        }
    }

    @Test func streamingTextEndsWithFinishReasonUsageAndDone() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            let response = try await h.send("POST", "/v1/chat/completions", body: Self.body(stream: true, extra: #","stream_options":{"include_usage":true}"#))
            #expect(response.status == 200)
            let frames = Self.frames(response.text)
            #expect(frames.last == "[DONE]")
            let chunks = frames.dropLast().compactMap { JSONValue(parsing: Data($0.utf8)) }
            #expect(chunks.first?["choices"]?[0]?["delta"]?["role"] == "assistant")
            #expect(chunks.allSatisfy { $0["object"] == "chat.completion.chunk" })
            let text = chunks.compactMap { $0["choices"]?[0]?["delta"]?["content"]?.stringValue }.joined()
            #expect(text.hasPrefix("Hello from mock account one@example.com."))
            #expect(chunks.contains { $0["choices"]?[0]?["finish_reason"] == "stop" })
            #expect(chunks.last?["usage"]?["completion_tokens"] != nil)
            #expect(chunks.last?["choices"]?.arrayValue?.isEmpty == true)
        }
    }

    @Test func toolCallsParallelStreamingAndNot() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            try h.mock.scriptResponses("one@example.com", then: .toolCalls([.weather("Paris"), .weather("Oslo")]))
            let plain = try await h.send("POST", "/v1/chat/completions", body: Self.body(stream: false, extra: #","tools":\#(Self.tools)"#))
            let choice = try #require(plain.json?["choices"]?[0])
            #expect(choice["finish_reason"] == "tool_calls")
            let calls = try #require(choice["message"]?["tool_calls"]?.arrayValue)
            #expect(calls.count == 2)
            #expect(calls.map { $0["function"]?["arguments"]?.stringValue } == [#"{"city":"Paris"}"#, #"{"city":"Oslo"}"#])
            #expect(calls.allSatisfy { $0["type"] == "function" && $0["function"]?["name"] == "get_weather" && $0["id"]?.stringValue?.isEmpty == false })
            #expect(choice["message"]?["content"] == .null)

            let streamed = try await h.send("POST", "/v1/chat/completions", body: Self.body(stream: true, extra: #","tools":\#(Self.tools)"#))
            let chunks = Self.frames(streamed.text).dropLast().compactMap { JSONValue(parsing: Data($0.utf8)) }
            var arguments: [Int: String] = [:]
            for chunk in chunks {
                for call in chunk["choices"]?[0]?["delta"]?["tool_calls"]?.arrayValue ?? [] {
                    arguments[call["index"]?.intValue ?? -1, default: ""] += call["function"]?["arguments"]?.stringValue ?? ""
                }
            }
            #expect(arguments == [0: #"{"city":"Paris"}"#, 1: #"{"city":"Oslo"}"#])
            #expect(chunks.contains { $0["choices"]?[0]?["finish_reason"] == "tool_calls" })
        }
    }

    @Test func aToolResultRoundTripGetsTheNextAnswer() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            let turn = #"""
            {"model":"gpt-5","tools":\#(Self.tools),"messages":[
              {"role":"user","content":"weather in Paris?"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"18C and sunny"}]}
            """#
            let response = try await h.send("POST", "/v1/chat/completions", body: turn)
            #expect(response.status == 200, "\(response.text)")
            #expect(response.json?["choices"]?[0]?["message"]?["content"]?.stringValue?.contains("Hello from mock") == true)
        }
    }

    @Test func aFailureMidStreamBecomesAnErrorChunkThenDone() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            try h.mock.scriptResponses("one@example.com", [.failAfter(events: 4, code: "server_error"), .truncateAfter(events: 4)])
            for expected in ["server_error", "upstream_stream_truncated"] {
                let response = try await h.send("POST", "/v1/chat/completions", body: Self.body(stream: true))
                let frames = Self.frames(response.text)
                #expect(frames.last == "[DONE]")
                let error = frames.dropLast().compactMap { JSONValue(parsing: Data($0.utf8))?["error"] }.first
                #expect(error?["code"]?.stringValue == expected, "\(response.text)")
            }
        }
    }

    @Test func refusalsArePassedAsRefusal() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            try h.mock.scriptResponses("one@example.com", then: .refusal())
            let response = try await h.send("POST", "/v1/chat/completions", body: Self.body(stream: false))
            #expect(response.json?["choices"]?[0]?["message"]?["refusal"]?.stringValue == MockReply.refusalText)
        }
    }

    @Test func badChatRequestsAre400NamingTheField() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            let n = try await h.send("POST", "/v1/chat/completions", body: Self.body(stream: false, extra: #","n":2"#))
            #expect(n.status == 400)
            #expect(n.json?["error"]?["param"] == "n")
            let audio = try await h.send("POST", "/v1/chat/completions", body: #"{"model":"gpt-5","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"x","format":"wav"}}]}]}"#)
            #expect(audio.status == 400)
            #expect(audio.json?["error"]?["param"]?.stringValue?.contains("messages[0].content") == true)
            #expect(try await h.send("POST", "/v1/chat/completions", body: #"{"model":"gpt-5"}"#).status == 400)
        }
    }

    @Test func failoverAndEmptyPoolAnswersMatchTheResponsesRoute() async throws {
        try await GatewayHarness.with() { h in
            try h.mock.scriptResponses("one@example.com", then: .usageLimitReached(resetsInSeconds: 120))
            let first = try await h.send("POST", "/v1/chat/completions", body: Self.body(stream: false))
            #expect(first.status == 200)
            try h.mock.scriptResponses("two@example.com", then: .usageLimitReached(resetsInSeconds: 60))
            let limited = try await h.send("POST", "/v1/chat/completions", body: Self.body(stream: false))
            #expect(limited.status == 429)
            #expect(limited.json?["error"]?["code"] == "usage_limit_reached")
            #expect(limited.header("retry-after") != nil)
        }
    }
}
