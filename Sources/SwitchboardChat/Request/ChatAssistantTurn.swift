import SwitchboardCore

/// A Chat `assistant` message as Responses items: its text as an output message,
/// then one `function_call` item per tool call.
enum ChatAssistantTurn {
    static func items(of message: ChatRequestField) throws(ChatRequestError) -> [JSONValue] {
        var parts = try contentParts(message.member("content"))
        if let refusal = message.member("refusal") {
            parts.append(["type": "refusal", "refusal": .string(try refusal.string())])
        }
        var items: [JSONValue] = []
        if !parts.isEmpty {
            items.append(["type": "message", "role": "assistant", "content": .array(parts)])
        }
        if let toolCalls = message.member("tool_calls") {
            for call in try toolCalls.elements() { items.append(try functionCall(call)) }
        }
        return items
    }

    /// Text and refusal parts; empty text is dropped so an empty turn adds no item.
    private static func contentParts(_ content: ChatRequestField?) throws(ChatRequestError) -> [JSONValue] {
        guard let content else { return [] }
        if let string = content.value.stringValue { return string.isEmpty ? [] : [outputText(string)] }
        guard content.value.arrayValue != nil else { throw content.mistyped("a string or an array of content parts") }
        var parts: [JSONValue] = []
        for part in try content.elements() {
            switch try ChatContent.partType(part) {
            case "text": parts.append(outputText(try part.required("text").string()))
            case "refusal": parts.append(["type": "refusal", "refusal": .string(try part.required("refusal").string())])
            case let other:
                throw ChatRequestError(message: "Assistant content parts must be 'text' or 'refusal', not '\(other)'.", param: "\(part.path).type")
            }
        }
        return parts
    }

    private static func outputText(_ text: String) -> JSONValue { ["type": "output_text", "text": .string(text)] }

    private static func functionCall(_ call: ChatRequestField) throws(ChatRequestError) -> JSONValue {
        _ = try call.object()
        if let type = call.member("type"), try type.string() != "function" {
            throw type.unsupported("Only 'function' tool calls are supported; this type")
        }
        let function = try call.required("function")
        _ = try function.object()
        return [
            "type": "function_call",
            "call_id": .string(try call.required("id").string()),
            "name": .string(try function.required("name").string()),
            "arguments": .string(try function.member("arguments")?.string() ?? ""),
        ]
    }
}
