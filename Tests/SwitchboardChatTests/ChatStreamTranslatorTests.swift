import SwitchboardChat
import SwitchboardCore
import Testing

@Suite("Responses events → chat.completion.chunk stream")
struct ChatStreamTranslatorTests {
    /// Feeds `events` then ends the stream, like the gateway does.
    func translate(_ events: [UpstreamEvent], includeUsage: Bool = false) -> [ChatStreamOutput] {
        var translator = ChatStreamTranslator(model: "gpt-5", includeUsage: includeUsage, id: "chatcmpl-test", created: 1_700_000_000)
        var outputs = events.flatMap { translator.translate(event: $0.name, data: $0.data) }
        outputs += translator.finish()
        return outputs
    }

    /// The `delta` and `finish_reason` of each chunk's single choice.
    func choices(_ outputs: [ChatStreamOutput]) -> [(delta: JSONValue, finish: JSONValue)] {
        outputs.compactMap { output -> (JSONValue, JSONValue)? in
            guard case .chunk(let chunk) = output, let choice = chunk["choices"]?.arrayValue?.first else { return nil }
            return (choice["delta"] ?? .null, choice["finish_reason"] ?? .null)
        }
    }

    @Test func textStreamsAsContentDeltasWithRoleFirstAndStopLast() {
        let outputs = translate(RecordedStream.text)
        let seen = choices(outputs)
        #expect(seen.map(\.delta) == [
            ["role": "assistant", "content": "Hel"], ["content": "lo"], ["content": "!"], [:],
        ])
        #expect(seen.map(\.finish) == [nil, nil, nil, "stop"])
        guard case .chunk(let first) = outputs[0] else { Issue.record("not a chunk"); return }
        #expect(first["id"] == "chatcmpl-test")
        #expect(first["object"] == "chat.completion.chunk")
        #expect(first["created"] == 1_700_000_000)
        #expect(first["model"] == "gpt-5")
        #expect(first["usage"] == nil)
        #expect(first["choices"]?.arrayValue?.first?["index"] == 0)
    }

    @Test func oneToolCallStreamsItsHeaderThenArgumentDeltas() {
        let seen = choices(translate(RecordedStream.oneToolCall))
        #expect(seen.map(\.delta) == [
            ["role": "assistant", "tool_calls": [["index": 0, "id": "call_A", "type": "function", "function": ["name": "weather", "arguments": ""]]]],
            ["tool_calls": [["index": 0, "function": ["arguments": "{\"city\":"]]]],
            ["tool_calls": [["index": 0, "function": ["arguments": "\"Paris\"}"]]]],
            [:],
        ])
        #expect(seen.last?.finish == "tool_calls")
    }

    @Test func parallelToolCallsAreNumberedInOrderAndRoutedByItem() {
        let seen = choices(translate(RecordedStream.twoParallelToolCalls))
        #expect(seen.map(\.delta) == [
            ["role": "assistant", "tool_calls": [["index": 0, "id": "call_A", "type": "function", "function": ["name": "weather", "arguments": ""]]]],
            ["tool_calls": [["index": 1, "id": "call_B", "type": "function", "function": ["name": "time", "arguments": ""]]]],
            ["tool_calls": [["index": 0, "function": ["arguments": "{\"city\":"]]]],
            ["tool_calls": [["index": 1, "function": ["arguments": "{\"tz\":\"CET\"}"]]]],
            ["tool_calls": [["index": 0, "function": ["arguments": "\"Paris\"}"]]]],
            [:],
        ])
        #expect(seen.last?.finish == "tool_calls")
    }

    @Test func refusalStreamsAsRefusalDeltas() {
        let seen = choices(translate(RecordedStream.refusal))
        #expect(seen.map(\.delta) == [["role": "assistant", "refusal": "I can't "], ["refusal": "help with that."], [:]])
        #expect(seen.last?.finish == "stop")
    }

    @Test func failureMidStreamEndsWithTheUpstreamError() {
        let outputs = translate(RecordedStream.failedMidStream)
        #expect(outputs.count == 2)
        guard case .failure(let error) = outputs.last else { Issue.record("expected a failure"); return }
        #expect(error.code == "server_error")
        #expect(error.message == "The model crashed.")
        #expect(outputs.last?.json == ["error": ["code": "server_error", "message": "The model crashed.", "type": "server_error", "param": nil]])
    }

    @Test func errorEventBecomesAFailureWithItsCode() {
        let outputs = translate(RecordedStream.errorEvent)
        #expect(outputs.count == 1)
        guard case .failure(let error) = outputs.last else { Issue.record("expected a failure"); return }
        #expect(error.code == "rate_limit_exceeded")
        #expect(error.message == "Slow down.")
        #expect(error.object["sequence_number"] == nil)
    }

    @Test func streamEndingWithoutTerminalEventIsTruncated() {
        let outputs = translate(RecordedStream.truncated)
        #expect(choices(outputs).map(\.delta) == [["role": "assistant", "content": "Hel"], ["content": "lo"]])
        guard case .failure(let error) = outputs.last else { Issue.record("expected a failure"); return }
        #expect(error.code == "upstream_stream_truncated")
    }

    @Test func includeUsageAddsAUsageChunkAndNullUsageElsewhere() {
        let outputs = translate(RecordedStream.text, includeUsage: true)
        guard case .chunk(let last) = outputs.last, case .chunk(let first) = outputs.first else { Issue.record("not chunks"); return }
        #expect(last["choices"] == [])
        #expect(last["usage"] == [
            "prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150,
            "prompt_tokens_details": ["cached_tokens": 100], "completion_tokens_details": ["reasoning_tokens": 8],
        ])
        #expect(first["usage"] == .null)
        #expect(choices(outputs).last?.finish == "stop")
    }

    @Test func withoutIncludeUsageNoUsageChunkIsSent() {
        let outputs = translate(RecordedStream.text, includeUsage: false)
        #expect(outputs.allSatisfy { $0.json["usage"] == nil && $0.json["choices"]?.arrayValue?.count == 1 })
    }

    @Test func maxOutputTokensFinishesWithLength() {
        #expect(choices(translate(RecordedStream.length)).last?.finish == "length")
    }

    @Test func contentFilterFinishesWithContentFilter() {
        #expect(choices(translate(RecordedStream.contentFilter)).last?.finish == "content_filter")
    }

    @Test func eventsAfterTheEndAreIgnored() {
        var translator = ChatStreamTranslator(model: "gpt-5", includeUsage: false)
        for event in RecordedStream.text { _ = translator.translate(event: event.name, data: event.data) }
        #expect(translator.isFinished)
        #expect(translator.translate(event: "response.output_text.delta", data: ["delta": "late"]).isEmpty)
        #expect(translator.finish().isEmpty)
    }

    @Test func textSentOnlyInDoneEventsIsNotLost() {
        let events = Upstream.created() + [
            UpstreamEvent("response.output_text.delta", ["item_id": "msg_1", "content_index": 0, "delta": "Hel"]),
            UpstreamEvent("response.output_text.done", ["item_id": "msg_1", "content_index": 0, "text": "Hello"]),
            UpstreamEvent("response.output_item.done", ["output_index": 0, "item": Upstream.functionCallItem(id: "fc_9", callID: "call_Z", name: "f", arguments: "{}")]),
            Upstream.completed([]),
        ]
        #expect(choices(translate(events)).map(\.delta) == [
            ["role": "assistant", "content": "Hel"], ["content": "lo"],
            ["tool_calls": [["index": 0, "id": "call_Z", "type": "function", "function": ["name": "f", "arguments": "{}"]]]],
            [:],
        ])
    }

    @Test func eventNameFallsBackToTheDataType() {
        var translator = ChatStreamTranslator(model: "gpt-5", includeUsage: false)
        let outputs = translator.translate(event: "", data: ["type": "response.output_text.delta", "delta": "x"])
        #expect(outputs.first?.json["choices"]?.arrayValue?.first?["delta"] == ["role": "assistant", "content": "x"])
    }
}
