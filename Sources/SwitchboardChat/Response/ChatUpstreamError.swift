import SwitchboardCore

/// The upstream gave up mid-answer (`response.failed`, an `error` event, or a truncated
/// stream); the client receives it as `{"error": object}`.
public struct ChatUpstreamError: Error, Sendable, Hashable {
    /// The OpenAI-style error object: `message`, `type`, `code`, `param`, plus any other
    /// upstream fields (such as `resets_at`) so the client learns everything the upstream said.
    public let object: JSONValue

    public var message: String { object["message"]?.stringValue ?? "" }
    public var type: String { object["type"]?.stringValue ?? "" }
    public var code: String? { object["code"]?.stringValue }

    /// The error object `upstream` (if any), completed with a message, type, code and param.
    init(upstream: JSONValue?, fallbackMessage: String) {
        var fields = upstream?.objectValue ?? [:]
        if fields["message"]?.stringValue?.isEmpty ?? true { fields["message"] = .string(fallbackMessage) }
        if fields["type"]?.stringValue == nil { fields["type"] = "server_error" }
        if fields["code"] == nil { fields["code"] = .null }
        if fields["param"] == nil { fields["param"] = .null }
        object = .object(fields)
    }

    /// The stream ended before any terminal event: the answer may be cut short.
    static let truncated = ChatUpstreamError(
        upstream: ["type": "server_error", "code": "upstream_stream_truncated"],
        fallbackMessage: "The upstream stream ended before the response was complete."
    )
}
