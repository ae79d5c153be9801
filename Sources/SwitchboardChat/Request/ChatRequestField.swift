import SwitchboardCore

/// One value of the request body with its path, so every type error names its field.
struct ChatRequestField {
    let value: JSONValue
    let path: String

    /// The member `key`, nil when absent or JSON null (absent and null mean the same in Chat).
    func member(_ key: String) -> ChatRequestField? {
        guard let child = value[key], !child.isNull else { return nil }
        return ChatRequestField(value: child, path: path.isEmpty ? key : "\(path).\(key)")
    }

    /// The member `key`, which must be present.
    func required(_ key: String) throws(ChatRequestError) -> ChatRequestField {
        guard let child = member(key) else { throw missing(key) }
        return child
    }

    func string() throws(ChatRequestError) -> String {
        guard let string = value.stringValue else { throw mistyped("a string") }
        return string
    }

    func bool() throws(ChatRequestError) -> Bool {
        guard let bool = value.boolValue else { throw mistyped("a boolean") }
        return bool
    }

    func int() throws(ChatRequestError) -> Int {
        guard let int = value.intValue, value.doubleValue == Double(int) else { throw mistyped("an integer") }
        return int
    }

    func object() throws(ChatRequestError) -> [String: JSONValue] {
        guard let object = value.objectValue else { throw mistyped("an object") }
        return object
    }

    /// The elements, each carrying its indexed path.
    func elements() throws(ChatRequestError) -> [ChatRequestField] {
        guard let array = value.arrayValue else { throw mistyped("an array") }
        return array.enumerated().map { ChatRequestField(value: $1, path: "\(path)[\($0)]") }
    }

    func mistyped(_ expected: String) -> ChatRequestError {
        ChatRequestError(message: "'\(path)' must be \(expected).", param: path)
    }

    func unsupported(_ what: String) -> ChatRequestError {
        ChatRequestError(message: "\(what) is not supported ('\(path)').", param: path)
    }

    private func missing(_ key: String) -> ChatRequestError {
        let childPath = path.isEmpty ? key : "\(path).\(key)"
        return ChatRequestError(message: "Missing required parameter: '\(childPath)'.", param: childPath)
    }
}
