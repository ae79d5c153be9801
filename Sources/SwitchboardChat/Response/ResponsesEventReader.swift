import SwitchboardCore

/// The one place that interprets Responses stream events: it numbers tool calls, fills in
/// text that arrived only in `.done` events, and decides how the answer ended.
struct ResponsesEventReader {
    /// True once a terminal event (or failure) was read; later events are ignored.
    private(set) var isTerminated = false
    /// Tool call index by `id:<item id>` and `at:<output_index>`.
    private var toolIndex: [String: Int] = [:]
    private var toolCallCount = 0
    private var ledger = DeltaLedger()

    /// The meanings of one event; `event` is the SSE event name (empty: use `data.type`).
    mutating func read(event: String, data: JSONValue) -> [ResponsesEventMeaning] {
        guard !isTerminated else { return [] }
        switch event.isEmpty ? data["type"]?.stringValue ?? "" : event {
        case "response.output_text.delta":
            return textDelta(data, kind: "text").map { .text($0) }
        case "response.output_text.done":
            return remainder(data["text"], of: data, kind: "text").map { .text($0) }
        case "response.refusal.delta":
            return textDelta(data, kind: "refusal").map { .refusal($0) }
        case "response.refusal.done":
            return remainder(data["refusal"], of: data, kind: "refusal").map { .refusal($0) }
        case "response.output_item.added":
            return functionCallItem(data).map { startToolCall($0, outputIndex: data["output_index"]) } ?? []
        case "response.function_call_arguments.delta":
            return argumentsDelta(data)
        case "response.function_call_arguments.done":
            return argumentsDone(data, arguments: data["arguments"])
        case "response.output_item.done":
            return functionCallItem(data).map { finishToolCall($0, outputIndex: data["output_index"]) } ?? []
        case "response.completed":
            return end(data["response"], reason: hasToolCalls(data["response"]) ? .toolCalls : .stop)
        case "response.incomplete":
            return end(data["response"], reason: .incomplete(data["response"]))
        case "response.failed":
            return fail(data["response"]?["error"], fallback: "The upstream response failed.")
        case "error":
            return fail(data["error"] ?? eventError(data), fallback: "The upstream reported an error.")
        default:
            return []
        }
    }

    /// What it means that the stream ended here: nothing if it was over, else truncation.
    mutating func finish() -> ResponsesEventMeaning? {
        guard !isTerminated else { return nil }
        isTerminated = true
        return .failed(.truncated)
    }

    // MARK: text and refusal

    private mutating func textDelta(_ data: JSONValue, kind: String) -> [String] {
        guard let delta = data["delta"]?.stringValue, !delta.isEmpty else { return [] }
        ledger.record(delta, for: partKey(data, kind: kind))
        return [delta]
    }

    private mutating func remainder(_ full: JSONValue?, of data: JSONValue, kind: String) -> [String] {
        guard let full = full?.stringValue else { return [] }
        let rest = ledger.remainder(of: full, for: partKey(data, kind: kind))
        return rest.isEmpty ? [] : [rest]
    }

    /// One content part of one output item.
    private func partKey(_ data: JSONValue, kind: String) -> String {
        let item = data["item_id"]?.stringValue ?? "at:\(data["output_index"]?.intValue ?? 0)"
        return "\(kind):\(item)#\(data["content_index"]?.intValue ?? 0)"
    }

    // MARK: tool calls

    private func functionCallItem(_ data: JSONValue) -> JSONValue? {
        guard let item = data["item"], item["type"]?.stringValue == "function_call" else { return nil }
        return item
    }

    private mutating func startToolCall(_ item: JSONValue, outputIndex: JSONValue?) -> [ResponsesEventMeaning] {
        let index = toolCallCount
        toolCallCount += 1
        if let id = item["id"]?.stringValue { toolIndex["id:\(id)"] = index }
        if let at = outputIndex?.intValue { toolIndex["at:\(at)"] = index }
        let arguments = item["arguments"]?.stringValue ?? ""
        ledger.record(arguments, for: "tool:\(index)")
        let callID = item["call_id"]?.stringValue ?? item["id"]?.stringValue ?? "call_\(index)"
        return [.toolCallStarted(ChatToolCall(index: index, id: callID, name: item["name"]?.stringValue ?? "", arguments: arguments))]
    }

    /// An item that finished: start it if its `added` event never came, else send missing arguments.
    private mutating func finishToolCall(_ item: JSONValue, outputIndex: JSONValue?) -> [ResponsesEventMeaning] {
        let known = lookUpToolCall(itemID: item["id"], outputIndex: outputIndex)
        guard known != nil else { return startToolCall(item, outputIndex: outputIndex) }
        return argumentsDone(["item_id": item["id"] ?? .null, "output_index": outputIndex ?? .null], arguments: item["arguments"])
    }

    private mutating func argumentsDelta(_ data: JSONValue) -> [ResponsesEventMeaning] {
        guard let index = lookUpToolCall(itemID: data["item_id"], outputIndex: data["output_index"]),
            let delta = data["delta"]?.stringValue, !delta.isEmpty
        else { return [] }
        ledger.record(delta, for: "tool:\(index)")
        return [.toolCallArguments(index: index, delta: delta)]
    }

    private mutating func argumentsDone(_ data: JSONValue, arguments: JSONValue?) -> [ResponsesEventMeaning] {
        guard let index = lookUpToolCall(itemID: data["item_id"], outputIndex: data["output_index"]),
            let full = arguments?.stringValue
        else { return [] }
        let rest = ledger.remainder(of: full, for: "tool:\(index)")
        return rest.isEmpty ? [] : [.toolCallArguments(index: index, delta: rest)]
    }

    private func lookUpToolCall(itemID: JSONValue?, outputIndex: JSONValue?) -> Int? {
        if let id = itemID?.stringValue, let index = toolIndex["id:\(id)"] { return index }
        if let at = outputIndex?.intValue { return toolIndex["at:\(at)"] }
        return nil
    }

    private func hasToolCalls(_ response: JSONValue?) -> Bool {
        toolCallCount > 0 || (response?["output"]?.arrayValue ?? []).contains { $0["type"]?.stringValue == "function_call" }
    }

    // MARK: the end

    private mutating func end(_ response: JSONValue?, reason: ChatFinishReason) -> [ResponsesEventMeaning] {
        isTerminated = true
        let usage = response?["usage"].map(ChatUsage.init(responsesUsage:)) ?? ChatUsage()
        return [.ended(ResponsesEnding(finishReason: reason, usage: usage, output: response?["output"]?.arrayValue))]
    }

    private mutating func fail(_ error: JSONValue?, fallback: String) -> [ResponsesEventMeaning] {
        isTerminated = true
        return [.failed(ChatUpstreamError(upstream: error, fallbackMessage: fallback))]
    }

    /// A top-level `error` event carries the error fields beside its own `type` and `sequence_number`.
    private func eventError(_ data: JSONValue) -> JSONValue {
        var fields = data.objectValue ?? [:]
        fields["type"] = nil
        fields["sequence_number"] = nil
        return .object(fields)
    }
}
