import SwitchboardCore

/// What one Responses stream event means for a chat completion.
enum ResponsesEventMeaning: Hashable {
    /// More assistant text.
    case text(String)
    /// More refusal text.
    case refusal(String)
    /// Tool call number `index` (0, 1, … in this response) begins.
    case toolCallStarted(ChatToolCall)
    /// More JSON arguments for tool call `index`.
    case toolCallArguments(index: Int, delta: String)
    /// The response is over.
    case ended(ResponsesEnding)
    /// The upstream failed; nothing more will come.
    case failed(ChatUpstreamError)
}

/// How a Responses answer ended well: the reason, the usage, and the final output items.
struct ResponsesEnding: Hashable {
    var finishReason: ChatFinishReason
    var usage: ChatUsage
    /// `response.output` of the terminal event, when it carried one.
    var output: [JSONValue]?
}

/// One function call the assistant makes, in Chat's terms.
struct ChatToolCall: Hashable {
    /// Position among this response's tool calls.
    var index: Int
    /// The Responses `call_id`, which Chat calls the tool call `id`.
    var id: String
    var name: String
    var arguments: String
}
