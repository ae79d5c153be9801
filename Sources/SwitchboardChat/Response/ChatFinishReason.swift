import SwitchboardCore

/// Why the assistant stopped, as Chat Completions names it.
public enum ChatFinishReason: String, Sendable, Hashable {
    case stop
    case length
    case toolCalls = "tool_calls"
    case contentFilter = "content_filter"

    /// The reason for a `response.incomplete`: `incomplete_details.reason` says which limit was hit.
    static func incomplete(_ response: JSONValue?) -> ChatFinishReason {
        switch response?["incomplete_details"]?["reason"]?.stringValue {
        case "content_filter": .contentFilter
        // max_output_tokens, or a reason this code does not know: either way the answer was cut short.
        default: .length
        }
    }
}
