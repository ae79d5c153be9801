/// One Server-Sent Event: its type (`event:`), payload (`data:` lines joined with "\n") and `id:`.
public struct SSEEvent: Sendable, Hashable {
    /// The `event:` field; nil when absent (the type is then "message").
    public var event: String?
    public var data: String
    /// The `id:` field of this event, if it had one.
    public var id: String?

    public init(event: String? = nil, data: String, id: String? = nil) {
        self.event = event
        self.data = data
        self.id = id
    }
}

/// Why an event stream could not be parsed.
public enum SSEParserError: Error, Sendable, Equatable {
    /// One event (its fields so far, or one unterminated line) grew past the limit in bytes.
    case eventTooLarge(limit: Int)
}
