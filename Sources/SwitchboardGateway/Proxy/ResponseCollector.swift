import Foundation
import SwitchboardCore
import SwitchboardUpstream

/// Turns a Responses event stream into the one `response` object a non-streaming client expects.
struct ResponseCollector {
    private var completed: JSONValue?
    private var items: [JSONValue] = []

    mutating func consume(_ events: [SSEEvent]) {
        for event in events {
            switch event.type {
            case "response.output_item.done":
                if let item = JSONValue(parsing: Data(event.data.utf8))?["item"] { items.append(item) }
            case "response.completed", "response.incomplete":
                completed = JSONValue(parsing: Data(event.data.utf8))?["response"]
            default:
                break
            }
        }
    }

    /// The final response; the backend may leave `output` empty when `store` is false, so the
    /// finished items seen on the way fill it in.
    func result(for end: StreamEnd) throws(GatewayError) -> JSONValue {
        switch end {
        case .terminal(let failure?):
            throw GatewayError.upstreamFailure(failure)
        case .terminal(nil):
            guard var response = completed?.objectValue else { throw .streamTruncated() }
            if (response["output"]?.arrayValue ?? []).isEmpty, !items.isEmpty { response["output"] = .array(items) }
            return .object(response)
        case .truncated, .clientGone:
            throw .streamTruncated()
        }
    }

}
