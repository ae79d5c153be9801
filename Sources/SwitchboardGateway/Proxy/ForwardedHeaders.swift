import HTTPTypes
import Hummingbird
import SwitchboardUpstream

/// Which headers cross the gateway, in each direction (docs/upstream.md; requests: `HeaderPolicy`).
enum ForwardedHeaders {
    /// Never passed back to the client: framing is the server's own.
    static let droppedFromUpstream: Set<String> = [
        "content-length", "transfer-encoding", "connection", "keep-alive", "set-cookie", "content-encoding",
        "alt-svc", "strict-transport-security", "date", "server",
    ]

    /// The client's headers that cross (`HeaderPolicy`).
    static func upstream(from headers: HTTPFields) -> [HTTPHeader] {
        headers.compactMap { field in
            HeaderPolicy.forwards(field.name.canonicalName) ? HTTPHeader(field.name.canonicalName, field.value) : nil
        }
    }

    static func client(from headers: [HTTPHeader]) -> HTTPFields {
        var fields = HTTPFields()
        for header in headers {
            let name = header.name.lowercased()
            guard !droppedFromUpstream.contains(name), let fieldName = HTTPField.Name(name) else { continue }
            fields.append(HTTPField(name: fieldName, value: header.value))
        }
        return fields
    }

    /// Session headers in the order they decide stickiness (Codex 0.16x sends `session-id` and `thread-id`,
    /// older builds `session_id` and `conversation_id`). `x-codex-turn-state` is not one: it lives one turn.
    static let sessionHeaders = ["session-id", "session_id", "thread-id", "conversation_id"]

    /// The session key for stickiness: a session header, else the body's `prompt_cache_key`.
    static func stickyKey(headers: HTTPFields, promptCacheKey: String?) -> String? {
        for name in sessionHeaders {
            if let fieldName = HTTPField.Name(name), let value = headers[fieldName], !value.isEmpty { return "\(name):\(value)" }
        }
        return promptCacheKey.map { "prompt_cache_key:\($0)" }
    }
}
