import SwitchboardCore

/// Turns a Responses event stream into `chat.completion.chunk` objects, one event at a time.
public struct ChatStreamTranslator: Sendable {
    public let id: String
    public let created: Int
    public let model: String
    /// Whether a usage chunk (`choices: []`) follows the final chunk.
    public let includeUsage: Bool
    private var reader = ResponsesEventReader()
    private var sentRole = false

    public init(model: String, includeUsage: Bool, id: String = ChatCompletionID.make(), created: Int = ChatCompletionID.now()) {
        self.model = model
        self.includeUsage = includeUsage
        self.id = id
        self.created = created
    }

    /// True once the answer ended or failed; later events yield nothing.
    public var isFinished: Bool { reader.isTerminated }

    /// The outputs for one upstream event (`event` is the SSE event name, `data` its parsed JSON).
    public mutating func translate(event: String, data: JSONValue) -> [ChatStreamOutput] {
        reader.read(event: event, data: data).flatMap { outputs(for: $0) }
    }

    /// Call when the upstream stream ends: a truncation failure unless the answer was over.
    public mutating func finish() -> [ChatStreamOutput] {
        reader.finish().map { outputs(for: $0) } ?? []
    }

    private mutating func outputs(for meaning: ResponsesEventMeaning) -> [ChatStreamOutput] {
        switch meaning {
        case .text(let text):
            return [chunk(delta: ["content": .string(text)])]
        case .refusal(let refusal):
            return [chunk(delta: ["refusal": .string(refusal)])]
        case .toolCallStarted(let call):
            let function: JSONValue = ["name": .string(call.name), "arguments": .string(call.arguments)]
            return [chunk(delta: ["tool_calls": [["index": .number(Double(call.index)), "id": .string(call.id), "type": "function", "function": function]]])]
        case .toolCallArguments(let index, let delta):
            return [chunk(delta: ["tool_calls": [["index": .number(Double(index)), "function": ["arguments": .string(delta)]]]])]
        case .ended(let ending):
            let last = chunk(delta: [:], finishReason: ending.finishReason)
            return includeUsage ? [last, usageChunk(ending.usage)] : [last]
        case .failed(let error):
            return [.failure(error)]
        }
    }

    /// A chunk with one choice; the first one also says the role.
    private mutating func chunk(delta: [String: JSONValue], finishReason: ChatFinishReason? = nil) -> ChatStreamOutput {
        var delta = delta
        if !sentRole {
            delta["role"] = "assistant"
            sentRole = true
        }
        let choice: JSONValue = ["index": 0, "delta": .object(delta), "finish_reason": finishReason.map { .string($0.rawValue) } ?? .null]
        return .chunk(envelope(choices: [choice], usage: .null))
    }

    private func usageChunk(_ usage: ChatUsage) -> ChatStreamOutput {
        .chunk(envelope(choices: [], usage: usage.json))
    }

    /// The fields every chunk shares; with include_usage, OpenAI puts `usage: null` on all but the last.
    private func envelope(choices: [JSONValue], usage: JSONValue) -> JSONValue {
        var chunk: [String: JSONValue] = [
            "id": .string(id), "object": "chat.completion.chunk", "created": .number(Double(created)),
            "model": .string(model), "choices": .array(choices),
        ]
        if includeUsage { chunk["usage"] = usage }
        return .object(chunk)
    }
}
