import Foundation

// Chat Completions -> Responses translation of a request, and Responses events -> chat chunks and a
// completion: no input may crash either direction.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzChat(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let json = JSONValue(parsing: UnsafeBufferPointer(start: data, count: size)) else { return 0 }
    if let chat = try? ChatRequestTranslator.translate(json) {
        guard chat.body["model"] != nil else { fatalError("translated body without a model") }
    }
    // The same document read as one upstream event of each kind.
    var stream = ChatStreamTranslator(model: "m", includeUsage: true, id: "id", created: 0)
    var collector = ChatCompletionCollector(model: "m", id: "id", created: 0)
    for type in ["response.output_text.delta", "response.output_item.added", "response.output_item.done", "response.function_call_arguments.delta", "response.completed", "response.failed", "response.incomplete", json["type"]?.stringValue ?? "message"] {
        _ = stream.translate(event: type, data: json)
        collector.collect(event: type, data: json)
    }
    _ = stream.finish()
    _ = try? collector.finish()
    return 0
}
