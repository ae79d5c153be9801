import SwitchboardCore
import Testing

/// One row of a request-mapping table: a Chat body and what its Responses body must contain.
struct RequestCase: Sendable, CustomTestStringConvertible {
    let name: String
    let chat: JSONValue
    /// Keys the Responses body must have with exactly these values (nil: must be absent).
    let expected: [String: JSONValue?]

    var testDescription: String { name }
}

/// One row of an error table: a Chat body and the `param` its error must name.
struct RequestErrorCase: Sendable, CustomTestStringConvertible {
    let name: String
    let chat: JSONValue
    let param: String?

    var testDescription: String { name }
}

/// A minimal valid Chat body with `extra` fields merged in.
func chatBody(_ extra: [String: JSONValue] = [:], messages: JSONValue = [["role": "user", "content": "Hi"]]) -> JSONValue {
    var body: [String: JSONValue] = ["model": "gpt-5", "messages": messages]
    body.merge(extra) { _, new in new }
    return .object(body)
}

/// The Responses input item for a plain user text.
func userItem(_ text: String) -> JSONValue {
    ["type": "message", "role": "user", "content": [["type": "input_text", "text": .string(text)]]]
}
