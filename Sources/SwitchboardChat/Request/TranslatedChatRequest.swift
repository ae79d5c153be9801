import SwitchboardCore

/// A Chat Completions request turned into a Responses request, plus what the response side needs.
public struct TranslatedChatRequest: Sendable, Hashable {
    /// The Responses request body; the gateway still adds `stream`, `store`, default
    /// `instructions` and strips what the upstream rejects.
    public var body: JSONValue
    /// The model the client asked for, echoed in every chunk and completion.
    public var model: String
    /// Whether the client asked for a chunk stream (`stream: true`).
    public var stream: Bool
    /// Whether the client asked for a trailing usage chunk (`stream_options.include_usage`).
    public var includeUsage: Bool

    public init(body: JSONValue, model: String, stream: Bool, includeUsage: Bool) {
        self.body = body
        self.model = model
        self.stream = stream
        self.includeUsage = includeUsage
    }
}
