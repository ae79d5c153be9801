import SwitchboardCore

/// Reading Chat message `content` (a string or an array of typed parts).
enum ChatContent {
    /// Text-only content as one string; parts are joined by `separator`, absent content is "".
    static func text(of content: ChatRequestField?, joinedBy separator: String) throws(ChatRequestError) -> String {
        guard let content else { return "" }
        if let string = content.value.stringValue { return string }
        guard content.value.arrayValue != nil else { throw content.mistyped("a string or an array of text parts") }
        var texts: [String] = []
        for part in try content.elements() {
            guard try partType(part) == "text" else { throw try part.required("type").unsupported("Only text parts are allowed here; this part type") }
            texts.append(try part.required("text").string())
        }
        return texts.joined(separator: separator)
    }

    /// User content as Responses input parts (`input_text`, `input_image`, `input_file`).
    static func userParts(of content: ChatRequestField) throws(ChatRequestError) -> [JSONValue] {
        if let string = content.value.stringValue { return [inputText(string)] }
        guard content.value.arrayValue != nil else { throw content.mistyped("a string or an array of content parts") }
        var parts: [JSONValue] = []
        for part in try content.elements() { parts.append(try userPart(part)) }
        return parts
    }

    /// The `type` of one content part.
    static func partType(_ part: ChatRequestField) throws(ChatRequestError) -> String {
        _ = try part.object()
        return try part.required("type").string()
    }

    static func inputText(_ text: String) -> JSONValue { ["type": "input_text", "text": .string(text)] }

    private static func userPart(_ part: ChatRequestField) throws(ChatRequestError) -> JSONValue {
        switch try partType(part) {
        case "text":
            return inputText(try part.required("text").string())
        case "image_url":
            return try image(part.required("image_url"))
        case "file":
            return try file(part.required("file"))
        case "input_audio", "audio":
            throw part.unsupported("Audio input")
        case let other:
            throw ChatRequestError(message: "Unknown content part type '\(other)'.", param: "\(part.path).type")
        }
    }

    /// `image_url` is `{url, detail?}` (or, leniently, the URL string itself).
    private static func image(_ imageURL: ChatRequestField) throws(ChatRequestError) -> JSONValue {
        if let url = imageURL.value.stringValue { return ["type": "input_image", "image_url": .string(url)] }
        _ = try imageURL.object()
        var item: [String: JSONValue] = ["type": "input_image", "image_url": .string(try imageURL.required("url").string())]
        if let detail = imageURL.member("detail") { item["detail"] = .string(try detail.string()) }
        return .object(item)
    }

    /// `file` is `{file_id?, file_data?, filename?}`, the same fields as Responses `input_file`.
    private static func file(_ file: ChatRequestField) throws(ChatRequestError) -> JSONValue {
        _ = try file.object()
        var item: [String: JSONValue] = ["type": "input_file"]
        for key in ["file_id", "file_data", "filename"] {
            if let value = file.member(key) { item[key] = .string(try value.string()) }
        }
        return .object(item)
    }
}
