import SwitchboardChat
import SwitchboardCore
import Testing

@Suite("Responses events → one chat.completion")
struct ChatCompletionCollectorTests {
    static let usage: JSONValue = [
        "prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150,
        "prompt_tokens_details": ["cached_tokens": 100], "completion_tokens_details": ["reasoning_tokens": 8],
    ]

    func collect(_ events: [UpstreamEvent]) throws(ChatUpstreamError) -> JSONValue {
        var collector = ChatCompletionCollector(model: "gpt-5", id: "chatcmpl-test", created: 1_700_000_000)
        for event in events { collector.collect(event: event.name, data: event.data) }
        return try collector.finish()
    }

    func choice(_ completion: JSONValue) -> JSONValue? { completion["choices"]?.arrayValue?.first }

    @Test func textBecomesOneMessageWithUsage() throws {
        let completion = try collect(RecordedStream.text)
        #expect(completion == [
            "id": "chatcmpl-test", "object": "chat.completion", "created": 1_700_000_000, "model": "gpt-5",
            "choices": [["index": 0, "message": ["role": "assistant", "content": "Hello!"], "finish_reason": "stop", "logprobs": nil]],
            "usage": Self.usage,
        ])
    }

    @Test func oneToolCallHasNullContentAndFullArguments() throws {
        let choice = choice(try collect(RecordedStream.oneToolCall))
        #expect(choice?["message"] == [
            "role": "assistant", "content": nil,
            "tool_calls": [["id": "call_A", "type": "function", "function": ["name": "weather", "arguments": "{\"city\":\"Paris\"}"]]],
        ])
        #expect(choice?["finish_reason"] == "tool_calls")
    }

    @Test func parallelToolCallsKeepTheirOrder() throws {
        let calls = choice(try collect(RecordedStream.twoParallelToolCalls))?["message"]?["tool_calls"]
        #expect(calls == [
            ["id": "call_A", "type": "function", "function": ["name": "weather", "arguments": "{\"city\":\"Paris\"}"]],
            ["id": "call_B", "type": "function", "function": ["name": "time", "arguments": "{\"tz\":\"CET\"}"]],
        ])
    }

    @Test func refusalIsReportedWithNullContent() throws {
        let message = choice(try collect(RecordedStream.refusal))?["message"]
        #expect(message == ["role": "assistant", "content": nil, "refusal": "I can't help with that."])
    }

    @Test func failureMidStreamThrowsTheUpstreamError() {
        #expect(throws: ChatUpstreamError.self) { try collect(RecordedStream.failedMidStream) }
        do { _ = try collect(RecordedStream.failedMidStream) } catch { #expect(error.code == "server_error") }
        do { _ = try collect(RecordedStream.errorEvent) } catch { #expect(error.code == "rate_limit_exceeded") }
    }

    @Test func truncatedStreamThrowsTruncation() {
        do {
            _ = try collect(RecordedStream.truncated)
            Issue.record("expected truncation")
        } catch {
            #expect(error.code == "upstream_stream_truncated")
            #expect(error.type == "server_error")
        }
    }

    @Test func maxOutputTokensFinishesWithLength() throws {
        let choice = choice(try collect(RecordedStream.length))
        #expect(choice?["finish_reason"] == "length")
        #expect(choice?["message"]?["content"] == "Once upon")
    }

    @Test func contentFilterFinishesWithContentFilter() throws {
        #expect(choice(try collect(RecordedStream.contentFilter))?["finish_reason"] == "content_filter")
    }

    @Test func finalOutputIsPreferredOverDeltas() throws {
        let events = Upstream.created() + Upstream.message(["draft"]) + [Upstream.completed([Upstream.messageItem("final")])]
        #expect(choice(try collect(events))?["message"]?["content"] == "final")
    }

    @Test func deltasAreUsedWhenTheFinalOutputIsEmpty() throws {
        let events = Upstream.created() + Upstream.message(["Hi", " there"]) + [Upstream.completed([])]
        #expect(choice(try collect(events))?["message"]?["content"] == "Hi there")
    }

    @Test func missingUsageCountsAsZero() throws {
        let events = Upstream.created() + Upstream.message(["Hi"]) + [UpstreamEvent("response.completed", ["response": ["status": "completed"]])]
        #expect(try collect(events)["usage"]?["total_tokens"] == 0)
    }
}
