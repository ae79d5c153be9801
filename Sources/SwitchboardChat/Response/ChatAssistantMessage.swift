import SwitchboardCore

/// The assistant's answer in one piece: text, refusal and tool calls.
struct ChatAssistantMessage {
    private var text = ""
    private var refusal = ""
    private var toolCalls: [ChatToolCall] = []

    init() {}

    /// The message that final Responses `output` items describe; nil when they hold no
    /// message or function call (so the streamed deltas are all there is).
    init?(output: [JSONValue]) {
        let items = output.filter { ["message", "function_call"].contains($0["type"]?.stringValue) }
        guard !items.isEmpty else { return nil }
        for item in items {
            if item["type"]?.stringValue == "function_call" {
                toolCalls.append(ChatToolCall(
                    index: toolCalls.count,
                    id: item["call_id"]?.stringValue ?? item["id"]?.stringValue ?? "call_\(toolCalls.count)",
                    name: item["name"]?.stringValue ?? "",
                    arguments: item["arguments"]?.stringValue ?? ""
                ))
            }
            for part in item["content"]?.arrayValue ?? [] {
                switch part["type"]?.stringValue {
                case "output_text": text += part["text"]?.stringValue ?? ""
                case "refusal": refusal += part["refusal"]?.stringValue ?? ""
                default: break
                }
            }
        }
    }

    /// Adds one streamed piece of the answer.
    mutating func apply(_ meaning: ResponsesEventMeaning) {
        switch meaning {
        case .text(let more): text += more
        case .refusal(let more): refusal += more
        case .toolCallStarted(let call): toolCalls.append(call)
        case .toolCallArguments(let index, let delta) where toolCalls.indices.contains(index):
            toolCalls[index].arguments += delta
        case .toolCallArguments, .ended, .failed: break
        }
    }

    /// The Chat `message` object; `content` is null when there is no text but tool calls or a refusal.
    var json: JSONValue {
        var message: [String: JSONValue] = ["role": "assistant"]
        message["content"] = !text.isEmpty || (toolCalls.isEmpty && refusal.isEmpty) ? .string(text) : .null
        if !refusal.isEmpty { message["refusal"] = .string(refusal) }
        if !toolCalls.isEmpty {
            message["tool_calls"] = .array(toolCalls.map { call in
                ["id": .string(call.id), "type": "function", "function": ["name": .string(call.name), "arguments": .string(call.arguments)]]
            })
        }
        return .object(message)
    }
}
