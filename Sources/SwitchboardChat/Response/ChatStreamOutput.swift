import SwitchboardCore

/// One thing to send to a streaming Chat client.
public enum ChatStreamOutput: Sendable, Hashable {
    /// A `chat.completion.chunk` object.
    case chunk(JSONValue)
    /// The upstream failed: send `{"error": …}`, then `[DONE]`, and stop.
    case failure(ChatUpstreamError)

    /// The JSON to put after `data: `.
    public var json: JSONValue {
        switch self {
        case .chunk(let chunk): chunk
        case .failure(let error): ["error": error.object]
        }
    }
}
