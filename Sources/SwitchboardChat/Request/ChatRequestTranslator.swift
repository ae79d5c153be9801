import SwitchboardCore

/// Translates a `/v1/chat/completions` body into a Responses API request body.
public enum ChatRequestTranslator {
    /// Chat fields whose Responses counterpart has the same name and shape.
    static let sameNameFields = ["temperature", "top_p", "user", "metadata", "service_tier"]

    /// Translates `body`, or throws naming the first field that cannot be translated.
    public static func translate(_ body: JSONValue) throws(ChatRequestError) -> TranslatedChatRequest {
        let root = ChatRequestField(value: body, path: "")
        guard body.objectValue != nil else {
            throw ChatRequestError(message: "The request body must be a JSON object.", param: nil)
        }
        try rejectUnsupported(root)
        let model = try root.required("model").string()
        let conversation = try ChatConversation(messages: root.required("messages"))

        var out: [String: JSONValue] = ["model": .string(model), "input": .array(conversation.input)]
        if !conversation.instructions.isEmpty {
            out["instructions"] = .string(conversation.instructions.joined(separator: "\n\n"))
        }
        for key in sameNameFields { if let field = root.member(key) { out[key] = field.value } }
        if let parallel = root.member("parallel_tool_calls") { out["parallel_tool_calls"] = .bool(try parallel.bool()) }
        if let cacheKey = root.member("prompt_cache_key") { out["prompt_cache_key"] = .string(try cacheKey.string()) }
        if let limit = root.member("max_completion_tokens") ?? root.member("max_tokens") {
            out["max_output_tokens"] = .number(Double(try limit.int()))
        }
        if let tools = root.member("tools") { out["tools"] = try ChatTools.tools(tools) }
        if let choice = root.member("tool_choice") { out["tool_choice"] = try ChatTools.choice(choice) }
        if let effort = root.member("reasoning_effort") { out["reasoning"] = ["effort": .string(try effort.string())] }
        if let text = try textOptions(root) { out["text"] = text }

        return TranslatedChatRequest(
            body: .object(out),
            model: model,
            stream: try root.member("stream")?.bool() ?? false,
            includeUsage: try includeUsage(root)
        )
    }

    /// Fields that would change the answer's shape in ways the upstream cannot honour.
    private static func rejectUnsupported(_ root: ChatRequestField) throws(ChatRequestError) {
        if let n = root.member("n"), try n.int() != 1 { throw n.unsupported("More than one choice (n != 1)") }
        if let audio = root.member("audio") { throw audio.unsupported("Audio output") }
        if let modalities = root.member("modalities") {
            for modality in try modalities.elements() where try modality.string() == "audio" {
                throw modality.unsupported("Audio output")
            }
        }
    }

    /// `text.format` from `response_format` and `text.verbosity` from `verbosity`.
    private static func textOptions(_ root: ChatRequestField) throws(ChatRequestError) -> JSONValue? {
        var text: [String: JSONValue] = [:]
        if let format = root.member("response_format") { text["format"] = try ChatResponseFormat.format(format) }
        if let verbosity = root.member("verbosity") { text["verbosity"] = .string(try verbosity.string()) }
        return text.isEmpty ? nil : .object(text)
    }

    private static func includeUsage(_ root: ChatRequestField) throws(ChatRequestError) -> Bool {
        guard let options = root.member("stream_options") else { return false }
        _ = try options.object()
        return try options.member("include_usage")?.bool() ?? false
    }
}
