import SwitchboardCore

/// What one socket remembers of its conversation: the last response's full input and output items.
/// Codex sends only the new items plus `previous_response_id`; the upstream (`store:false`) cannot
/// resolve that id, so the full input is rebuilt here before the request goes upstream.
struct SocketConversation {
    private struct Last {
        let responseID: String
        let items: [JSONValue]
    }

    private var last: Last?

    /// Replaces `previous_response_id` by the items it stands for (the previous input, then its output).
    func expand(_ request: inout [String: JSONValue]) throws(GatewayError) {
        guard let previous = request.removeValue(forKey: "previous_response_id"), !previous.isNull else { return }
        guard let id = previous.stringValue, let last, last.responseID == id else {
            throw GatewayError.badRequest(
                "Previous response with id '\(previous.stringValue ?? "\(previous)")' not found. Over a WebSocket the gateway continues only the last response of the same socket; send the full input instead.",
                param: "previous_response_id", code: "previous_response_not_found")
        }
        request["input"] = .array(last.items + ResponsesRequest.inputItems(request["input"]))
    }

    /// Remembers a finished response: `input` as it went upstream, `output` as it came back.
    mutating func record(responseID: String, input: [JSONValue], output: [JSONValue]) {
        last = Last(responseID: responseID, items: input + output)
    }

    /// Forgets the last response (after a failed turn nothing can continue it).
    mutating func forget() { last = nil }
}
