import SwitchboardCore

/// One Responses SSE event as the upstream sends it.
struct UpstreamEvent: Sendable {
    let name: String
    let data: JSONValue

    init(_ name: String, _ data: JSONValue) {
        var fields = data.objectValue ?? [:]
        fields["type"] = .string(name)
        self.name = name
        self.data = .object(fields)
    }
}

/// Builders for realistic Responses events.
enum Upstream {
    static let usage: JSONValue = [
        "input_tokens": 120, "output_tokens": 30, "total_tokens": 150,
        "input_tokens_details": ["cached_tokens": 100], "output_tokens_details": ["reasoning_tokens": 8],
    ]

    static func created() -> [UpstreamEvent] {
        let response: JSONValue = ["id": "resp_1", "object": "response", "status": "in_progress", "model": "gpt-5", "output": []]
        return [UpstreamEvent("response.created", ["response": response]), UpstreamEvent("response.in_progress", ["response": response])]
    }

    static func messageItem(_ text: String, id: String = "msg_1", partType: String = "output_text") -> JSONValue {
        let part: JSONValue = partType == "refusal" ? ["type": "refusal", "refusal": .string(text)] : ["type": "output_text", "text": .string(text), "annotations": []]
        return ["type": "message", "id": .string(id), "status": "completed", "role": "assistant", "content": [part]]
    }

    static func functionCallItem(id: String, callID: String, name: String, arguments: String) -> JSONValue {
        ["type": "function_call", "id": .string(id), "call_id": .string(callID), "name": .string(name), "arguments": .string(arguments), "status": "completed"]
    }

    /// A message item streamed as text deltas, with its `.done` events.
    static func message(_ deltas: [String], id: String = "msg_1", at index: Int = 0) -> [UpstreamEvent] {
        let text = deltas.joined()
        var events = [
            UpstreamEvent("response.output_item.added", ["output_index": .number(Double(index)), "item": ["type": "message", "id": .string(id), "status": "in_progress", "role": "assistant", "content": []]]),
            UpstreamEvent("response.content_part.added", ["item_id": .string(id), "output_index": .number(Double(index)), "content_index": 0, "part": ["type": "output_text", "text": ""]]),
        ]
        events += deltas.map { UpstreamEvent("response.output_text.delta", ["item_id": .string(id), "output_index": .number(Double(index)), "content_index": 0, "delta": .string($0)]) }
        events += [
            UpstreamEvent("response.output_text.done", ["item_id": .string(id), "output_index": .number(Double(index)), "content_index": 0, "text": .string(text)]),
            UpstreamEvent("response.output_item.done", ["output_index": .number(Double(index)), "item": messageItem(text, id: id)]),
        ]
        return events
    }

    static func functionCallAdded(id: String, callID: String, name: String, at index: Int) -> UpstreamEvent {
        UpstreamEvent("response.output_item.added", ["output_index": .number(Double(index)), "item": ["type": "function_call", "id": .string(id), "call_id": .string(callID), "name": .string(name), "arguments": "", "status": "in_progress"]])
    }

    static func argumentsDelta(_ delta: String, id: String, at index: Int) -> UpstreamEvent {
        UpstreamEvent("response.function_call_arguments.delta", ["item_id": .string(id), "output_index": .number(Double(index)), "delta": .string(delta)])
    }

    static func functionCallDone(id: String, callID: String, name: String, arguments: String, at index: Int) -> [UpstreamEvent] {
        [
            UpstreamEvent("response.function_call_arguments.done", ["item_id": .string(id), "output_index": .number(Double(index)), "arguments": .string(arguments)]),
            UpstreamEvent("response.output_item.done", ["output_index": .number(Double(index)), "item": functionCallItem(id: id, callID: callID, name: name, arguments: arguments)]),
        ]
    }

    static func completed(_ output: [JSONValue], usage: JSONValue = usage) -> UpstreamEvent {
        UpstreamEvent("response.completed", ["response": ["id": "resp_1", "status": "completed", "output": .array(output), "usage": usage]])
    }

    static func incomplete(reason: String, output: [JSONValue]) -> UpstreamEvent {
        UpstreamEvent("response.incomplete", ["response": ["id": "resp_1", "status": "incomplete", "incomplete_details": ["reason": .string(reason)], "output": .array(output), "usage": usage]])
    }

    static func failed(code: String, message: String) -> UpstreamEvent {
        UpstreamEvent("response.failed", ["response": ["id": "resp_1", "status": "failed", "output": [], "error": ["code": .string(code), "message": .string(message)]]])
    }
}

/// Recorded upstream streams, one per scenario.
enum RecordedStream {
    static let text = Upstream.created() + Upstream.message(["Hel", "lo", "!"]) + [Upstream.completed([Upstream.messageItem("Hello!")])]

    static let oneToolCall = Upstream.created() + [
        Upstream.functionCallAdded(id: "fc_1", callID: "call_A", name: "weather", at: 0),
        Upstream.argumentsDelta("{\"city\":", id: "fc_1", at: 0),
        Upstream.argumentsDelta("\"Paris\"}", id: "fc_1", at: 0),
    ] + Upstream.functionCallDone(id: "fc_1", callID: "call_A", name: "weather", arguments: "{\"city\":\"Paris\"}", at: 0)
        + [Upstream.completed([Upstream.functionCallItem(id: "fc_1", callID: "call_A", name: "weather", arguments: "{\"city\":\"Paris\"}")])]

    /// A reasoning item first (output_index 0), then two calls whose argument deltas interleave.
    static let twoParallelToolCalls = Upstream.created() + [
        UpstreamEvent("response.output_item.added", ["output_index": 0, "item": ["type": "reasoning", "id": "rs_1", "summary": []]]),
        UpstreamEvent("response.output_item.done", ["output_index": 0, "item": ["type": "reasoning", "id": "rs_1", "summary": []]]),
        Upstream.functionCallAdded(id: "fc_1", callID: "call_A", name: "weather", at: 1),
        Upstream.functionCallAdded(id: "fc_2", callID: "call_B", name: "time", at: 2),
        Upstream.argumentsDelta("{\"city\":", id: "fc_1", at: 1),
        Upstream.argumentsDelta("{\"tz\":\"CET\"}", id: "fc_2", at: 2),
        Upstream.argumentsDelta("\"Paris\"}", id: "fc_1", at: 1),
    ] + Upstream.functionCallDone(id: "fc_1", callID: "call_A", name: "weather", arguments: "{\"city\":\"Paris\"}", at: 1)
        + Upstream.functionCallDone(id: "fc_2", callID: "call_B", name: "time", arguments: "{\"tz\":\"CET\"}", at: 2)
        + [Upstream.completed([
            ["type": "reasoning", "id": "rs_1", "summary": []],
            Upstream.functionCallItem(id: "fc_1", callID: "call_A", name: "weather", arguments: "{\"city\":\"Paris\"}"),
            Upstream.functionCallItem(id: "fc_2", callID: "call_B", name: "time", arguments: "{\"tz\":\"CET\"}"),
        ])]

    static let refusal = Upstream.created() + [
        UpstreamEvent("response.output_item.added", ["output_index": 0, "item": ["type": "message", "id": "msg_1", "role": "assistant", "content": []]]),
        UpstreamEvent("response.refusal.delta", ["item_id": "msg_1", "output_index": 0, "content_index": 0, "delta": "I can't "]),
        UpstreamEvent("response.refusal.delta", ["item_id": "msg_1", "output_index": 0, "content_index": 0, "delta": "help with that."]),
        UpstreamEvent("response.refusal.done", ["item_id": "msg_1", "output_index": 0, "content_index": 0, "refusal": "I can't help with that."]),
        Upstream.completed([Upstream.messageItem("I can't help with that.", partType: "refusal")]),
    ]

    static let failedMidStream = Upstream.created() + Array(Upstream.message(["Hel"]).prefix(3))
        + [Upstream.failed(code: "server_error", message: "The model crashed.")]

    static let errorEvent = Upstream.created() + [
        UpstreamEvent("error", ["code": "rate_limit_exceeded", "message": "Slow down.", "param": nil, "sequence_number": 4]),
    ]

    static let truncated = Upstream.created() + Array(Upstream.message(["Hel", "lo"]).prefix(4))

    static let length = Upstream.created() + Array(Upstream.message(["Once upon"]).prefix(3))
        + [Upstream.incomplete(reason: "max_output_tokens", output: [Upstream.messageItem("Once upon")])]

    static let contentFilter = Upstream.created() + Array(Upstream.message(["Well"]).prefix(3))
        + [Upstream.incomplete(reason: "content_filter", output: [Upstream.messageItem("Well")])]
}
