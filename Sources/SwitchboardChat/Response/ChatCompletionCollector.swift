import SwitchboardCore

/// Gathers a whole Responses event stream into one `chat.completion` object.
public struct ChatCompletionCollector: Sendable {
    public let id: String
    public let created: Int
    public let model: String
    private var reader = ResponsesEventReader()
    private var streamed = ChatAssistantMessage()
    private var ending: ResponsesEnding?
    private var failure: ChatUpstreamError?

    public init(model: String, id: String = ChatCompletionID.make(), created: Int = ChatCompletionID.now()) {
        self.model = model
        self.id = id
        self.created = created
    }

    /// True once the answer ended or failed; the caller may stop reading.
    public var isFinished: Bool { reader.isTerminated }

    /// Takes one upstream event (`event` is the SSE event name, `data` its parsed JSON).
    public mutating func collect(event: String, data: JSONValue) {
        for meaning in reader.read(event: event, data: data) { take(meaning) }
    }

    /// The completion, once the stream is over; throws when the upstream failed or the stream was cut short.
    public mutating func finish() throws(ChatUpstreamError) -> JSONValue {
        if let meaning = reader.finish() { take(meaning) }
        if let failure { throw failure }
        guard let ending else { throw ChatUpstreamError.truncated }
        // The final output is authoritative; deltas are the fallback when it is absent.
        let message = ending.output.flatMap(ChatAssistantMessage.init(output:)) ?? streamed
        let choice: JSONValue = ["index": 0, "message": message.json, "finish_reason": .string(ending.finishReason.rawValue), "logprobs": .null]
        return [
            "id": .string(id), "object": "chat.completion", "created": .number(Double(created)),
            "model": .string(model), "choices": [choice], "usage": ending.usage.json,
        ]
    }

    private mutating func take(_ meaning: ResponsesEventMeaning) {
        switch meaning {
        case .ended(let end): ending = end
        case .failed(let error): failure = error
        default: streamed.apply(meaning)
        }
    }
}
