import Foundation
import HTTPTypes
import SwitchboardCore

/// A message a client sends on a responses socket.
enum SocketClientMessage {
    /// `{"type":"response.create", …the Responses body…}`: one turn (the body without `type`).
    case create([String: JSONValue])
    /// `{"type":"response.processed","response_id"}`: the client has handled a response; nothing to do.
    case processed
    /// Anything else: answered with an error, the socket stays open.
    case unsupported(String)

    init(parsing text: String) throws(GatewayError) {
        guard let json = JSONValue(parsing: text), var object = json.objectValue else {
            throw GatewayError.badRequest("A WebSocket message must be a JSON object with a `type`.")
        }
        switch object.removeValue(forKey: "type")?.stringValue ?? "" {
        case "response.create": self = .create(object)
        case "response.processed": self = .processed
        case let other: self = .unsupported(other.isEmpty ? "(none)" : other)
        }
    }
}

/// The messages the gateway itself writes on a responses socket.
enum SocketServerMessage {
    /// `response.created` and `response.completed` of a prewarm (`generate:false`): a response with
    /// no output whose id a later `previous_response_id` may name. The HTTP upstream needs no warm-up.
    static func prewarm(responseID: String, model: JSONValue?) -> [String] {
        func response(_ status: String, usage: JSONValue) -> JSONValue {
            ["id": .string(responseID), "object": "response", "status": .string(status), "model": model ?? .null, "output": [], "usage": usage]
        }
        let usage: JSONValue = [
            "input_tokens": 0, "input_tokens_details": ["cached_tokens": 0],
            "output_tokens": 0, "output_tokens_details": ["reasoning_tokens": 0], "total_tokens": 0,
        ]
        return [
            text(["type": "response.created", "response": response("in_progress", usage: .null)]),
            text(["type": "response.completed", "response": response("completed", usage: usage)]),
        ]
    }

    static func text(_ value: JSONValue) -> String { String(decoding: value.encodedBytes(), as: UTF8.self) }
}
