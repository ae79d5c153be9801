import SwitchboardCore

/// Token counts of one answer, read from Responses `usage` and written in Chat's names.
public struct ChatUsage: Sendable, Hashable {
    public var promptTokens = 0
    public var completionTokens = 0
    public var totalTokens = 0
    public var cachedTokens = 0
    public var reasoningTokens = 0

    public init() {}

    /// Reads `{input_tokens, output_tokens, total_tokens, input_tokens_details.cached_tokens,
    /// output_tokens_details.reasoning_tokens}`; missing counts are 0.
    public init(responsesUsage usage: JSONValue) {
        promptTokens = usage["input_tokens"]?.intValue ?? 0
        completionTokens = usage["output_tokens"]?.intValue ?? 0
        totalTokens = usage["total_tokens"]?.intValue ?? promptTokens + completionTokens
        cachedTokens = usage["input_tokens_details"]?["cached_tokens"]?.intValue ?? 0
        reasoningTokens = usage["output_tokens_details"]?["reasoning_tokens"]?.intValue ?? 0
    }

    /// The Chat `usage` object.
    public var json: JSONValue {
        [
            "prompt_tokens": .number(Double(promptTokens)),
            "completion_tokens": .number(Double(completionTokens)),
            "total_tokens": .number(Double(totalTokens)),
            "prompt_tokens_details": ["cached_tokens": .number(Double(cachedTokens))],
            "completion_tokens_details": ["reasoning_tokens": .number(Double(reasoningTokens))],
        ]
    }
}
