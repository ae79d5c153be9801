import Foundation
import SwitchboardCore

/// A Responses API request body made acceptable to the upstream: `stream: true`, `store: false`,
/// an `instructions` string, a list `input`, and none of the fields the upstream rejects.
struct ResponsesRequest {
    /// Fields the ChatGPT backend rejects (docs/upstream.md).
    static let unsupportedFields: Set<String> = [
        "max_output_tokens", "temperature", "top_p", "metadata", "user", "truncation", "safety_identifier",
        "prompt_cache_retention", "stream_options", "background", "service_tier", "max_tool_calls", "top_logprobs",
    ]
    static let defaultInstructions = "You are a helpful assistant."

    /// What the client asked for (`stream` defaults to false, as in the OpenAI API).
    let clientWantsStream: Bool
    let model: String
    let promptCacheKey: String?
    let body: Data

    init(parsing data: Data) throws(GatewayError) {
        try self.init(try RequestBody.json(data))
    }

    init(_ json: JSONValue) throws(GatewayError) {
        guard var object = json.objectValue else { throw .badRequest("The request body must be a JSON object.") }
        guard let model = object["model"]?.stringValue, !model.isEmpty else {
            throw .badRequest("`model` is required and must be a string.", param: "model")
        }
        if let stream = object["stream"], stream.boolValue == nil, !stream.isNull {
            throw .badRequest("`stream` must be a boolean.", param: "stream")
        }
        if let instructions = object["instructions"], instructions.stringValue == nil, !instructions.isNull {
            throw .badRequest("`instructions` must be a string.", param: "instructions")
        }
        switch object["input"] {
        case .string(let text):
            object["input"] = [Self.userMessage(text)]
        case .array, nil: break
        case .some: throw .badRequest("`input` must be a string or an array of items.", param: "input")
        }
        clientWantsStream = object["stream"]?.boolValue ?? false
        promptCacheKey = object["prompt_cache_key"]?.stringValue
        self.model = model
        for field in Self.unsupportedFields { object[field] = nil }
        if object["input"] == nil { object["input"] = [] }
        if object["instructions"]?.stringValue == nil { object["instructions"] = .string(Self.defaultInstructions) }
        object["stream"] = true
        object["store"] = false
        body = JSONValue.object(object).encoded()
    }

    /// `input` as a list of items (a bare string is one user message).
    static func inputItems(_ input: JSONValue?) -> [JSONValue] {
        switch input {
        case .array(let items): items
        case .string(let text): [userMessage(text)]
        default: []
        }
    }

    /// The input item a bare string `input` stands for.
    static func userMessage(_ text: String) -> JSONValue {
        ["type": "message", "role": "user", "content": [["type": "input_text", "text": .string(text)]]]
    }
}
