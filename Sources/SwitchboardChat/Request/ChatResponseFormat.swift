import SwitchboardCore

/// Chat `response_format` as the Responses `text.format` object.
enum ChatResponseFormat {
    static func format(_ field: ChatRequestField) throws(ChatRequestError) -> JSONValue {
        _ = try field.object()
        let type = try field.required("type")
        switch try type.string() {
        case "text": return ["type": "text"]
        case "json_object": return ["type": "json_object"]
        case "json_schema": return try jsonSchema(field.required("json_schema"))
        case let other:
            throw ChatRequestError(message: "Unknown response_format type '\(other)'.", param: type.path)
        }
    }

    /// `{json_schema:{name, schema, strict, description}}` → `{type:json_schema, name, schema, strict, description}`.
    private static func jsonSchema(_ spec: ChatRequestField) throws(ChatRequestError) -> JSONValue {
        _ = try spec.object()
        var format: [String: JSONValue] = ["type": "json_schema", "name": .string(try spec.required("name").string())]
        if let schema = spec.member("schema") { format["schema"] = .object(try schema.object()) }
        if let strict = spec.member("strict") { format["strict"] = .bool(try strict.bool()) }
        if let description = spec.member("description") { format["description"] = .string(try description.string()) }
        return .object(format)
    }
}
