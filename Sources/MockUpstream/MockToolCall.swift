/// One function call the mock model makes in a `.toolCalls` answer.
public struct MockToolCall: Sendable, Equatable, Codable {
    public var name: String
    /// The call's arguments as JSON text; streamed in several `response.function_call_arguments.delta` events.
    public var arguments: String

    public init(name: String, arguments: String = "{}") {
        self.name = name
        self.arguments = arguments
    }

    /// A weather lookup, the classic example call.
    public static func weather(_ city: String) -> MockToolCall {
        MockToolCall(name: "get_weather", arguments: "{\"city\":\(JSONText.quote(city))}")
    }
}
