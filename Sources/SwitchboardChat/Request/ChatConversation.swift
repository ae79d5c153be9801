import SwitchboardCore

/// A Chat `messages` array read as a Responses conversation: system text becomes
/// `instructions`, every other message becomes `input` items in order.
struct ChatConversation {
    /// System and developer texts, one per message, in order.
    private(set) var instructions: [String] = []
    /// Responses input items.
    private(set) var input: [JSONValue] = []

    init(messages field: ChatRequestField) throws(ChatRequestError) {
        let messages = try field.elements()
        guard !messages.isEmpty else {
            throw ChatRequestError(message: "'messages' must contain at least one message.", param: "messages")
        }
        for message in messages { try append(message) }
    }

    private mutating func append(_ message: ChatRequestField) throws(ChatRequestError) {
        _ = try message.object()
        let role = try message.required("role")
        switch try role.string() {
        case "system", "developer":
            instructions.append(try ChatContent.text(of: message.member("content"), joinedBy: "\n"))
        case "user":
            try rejectAudio(in: message)
            input.append(["type": "message", "role": "user", "content": .array(try ChatContent.userParts(of: message.required("content")))])
        case "assistant":
            try rejectAudio(in: message)
            input += try ChatAssistantTurn.items(of: message)
        case "tool":
            let callID = try message.required("tool_call_id").string()
            let output = try ChatContent.text(of: message.member("content"), joinedBy: "")
            input.append(["type": "function_call_output", "call_id": .string(callID), "output": .string(output)])
        case "function":
            throw role.unsupported("The legacy 'function' role (use 'tool')")
        case let other:
            throw ChatRequestError(message: "Unknown message role '\(other)'.", param: role.path)
        }
    }

    /// Audio cannot reach the upstream, so it is refused rather than silently dropped.
    private func rejectAudio(in message: ChatRequestField) throws(ChatRequestError) {
        if let audio = message.member("audio") { throw audio.unsupported("Audio") }
    }
}
