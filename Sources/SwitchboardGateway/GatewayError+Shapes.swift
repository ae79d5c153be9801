import Foundation
import SwitchboardCore
import SwitchboardUpstream

/// The other shapes a gateway error takes, next to the HTTP envelope (`GatewayError.envelope`): once a
/// stream or a socket has started, the same code and message travel inside it.
extension GatewayError {
    /// The data of a `response.failed` event, as the upstream itself would send it.
    func failedResponse(detail: String) -> JSONValue {
        [
            "type": "response.failed",
            "response": ["status": "failed", "error": ["code": code.map(JSONValue.string) ?? .null, "message": .string("\(message) (\(detail))")]],
        ]
    }

    /// That event, framed for an SSE stream.
    func failedEvent(detail: String) -> [UInt8] {
        SSEEncoder.encode(SSEEvent(event: "response.failed", data: String(decoding: failedResponse(detail: detail).encoded(), as: UTF8.self)))
    }

    /// A socket's error message, with the status and body an HTTP client would get:
    /// `{"type":"error","status":N,"error":{…},"headers":{"retry-after":…}}`.
    var socketMessage: String {
        var message: [String: JSONValue] = [
            "type": "error", "status": .number(Double(status.code)),
            "error": envelope["error"] ?? ["message": .string(self.message)],
        ]
        var fields: [String: JSONValue] = [:]
        for field in headers where field.name != .contentType { fields[field.name.canonicalName] = .string(field.value) }
        if !fields.isEmpty { message["headers"] = .object(fields) }
        return SocketServerMessage.text(.object(message))
    }
}
