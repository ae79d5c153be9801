import SwitchboardCore

/// Chat `tools` and `tool_choice` in their flatter Responses shapes.
enum ChatTools {
    /// `{type:function, function:{name, description, parameters, strict}}` → `{type:function, name, …}`.
    static func tools(_ field: ChatRequestField) throws(ChatRequestError) -> JSONValue {
        var tools: [JSONValue] = []
        for tool in try field.elements() {
            _ = try tool.object()
            let type = try tool.required("type")
            guard try type.string() == "function" else { throw type.unsupported("Only 'function' tools are supported; this type") }
            tools.append(try function(tool.required("function")))
        }
        return .array(tools)
    }

    /// `"auto"|"none"|"required"` as is; `{type:function, function:{name}}` → `{type:function, name}`.
    static func choice(_ field: ChatRequestField) throws(ChatRequestError) -> JSONValue {
        if let mode = field.value.stringValue {
            guard ["auto", "none", "required"].contains(mode) else {
                throw ChatRequestError(message: "'tool_choice' must be 'auto', 'none', 'required' or a function choice, not '\(mode)'.", param: field.path)
            }
            return .string(mode)
        }
        _ = try field.object()
        let type = try field.required("type")
        guard try type.string() == "function" else { throw type.unsupported("Only 'function' tool choices are supported; this type") }
        let name = try field.required("function").required("name").string()
        return ["type": "function", "name": .string(name)]
    }

    private static func function(_ function: ChatRequestField) throws(ChatRequestError) -> JSONValue {
        _ = try function.object()
        var tool: [String: JSONValue] = ["type": "function", "name": .string(try function.required("name").string())]
        if let description = function.member("description") { tool["description"] = .string(try description.string()) }
        // Chat lets a function omit parameters (it takes none); Responses wants a schema.
        if let parameters = function.member("parameters") {
            tool["parameters"] = .object(try parameters.object())
        } else {
            tool["parameters"] = ["type": "object", "properties": [:]]
        }
        // Responses defaults `strict` to true, Chat to false: say it, or loose schemas get rejected.
        tool["strict"] = .bool(try function.member("strict")?.bool() ?? false)
        return .object(tool)
    }
}
