/// The three kinds of answer a stream can carry: text, function calls, a refusal.
extension ResponseEvents {
    /// A message streamed as `deltaCount` `response.output_text.delta` events (see `MockReply`).
    mutating func text(email: String, deltaCount: Int) {
        let itemID = "msg_" + RandomToken.hex()
        let location = "\"item_id\":\"\(itemID)\",\"output_index\":0,\"content_index\":0"
        var text = ""
        begin()
        add("response.output_item.added", "\"output_index\":0,\"item\":{\"id\":\"\(itemID)\",\"type\":\"message\",\"status\":\"in_progress\",\"role\":\"assistant\",\"content\":[]}")
        add("response.content_part.added", location + ",\"part\":{\"type\":\"output_text\",\"annotations\":[],\"text\":\"\"}")
        let greeting = MockReply.greeting(email: email)
        add("response.output_text.delta", location + ",\"delta\":" + JSONText.quote(greeting))
        text += greeting
        for index in 1..<max(1, deltaCount) {
            let word = (index - 1) % MockReply.words.count
            add("response.output_text.delta", location + ",\"delta\":" + MockReply.quotedWords[word])
            text += MockReply.words[word]
        }
        let quoted = JSONText.quote(text)
        let part = "{\"type\":\"output_text\",\"annotations\":[],\"text\":\(quoted)}"
        let item = "{\"id\":\"\(itemID)\",\"type\":\"message\",\"status\":\"completed\",\"role\":\"assistant\",\"content\":[\(part)]}"
        add("response.output_text.done", location + ",\"text\":" + quoted)
        add("response.content_part.done", location + ",\"part\":" + part)
        add("response.output_item.done", "\"output_index\":0,\"item\":" + item)
        complete(output: [item], outputTokens: max(1, deltaCount))
    }

    /// One `function_call` item per call, one after another, arguments in up to three deltas each.
    mutating func toolCalls(_ calls: [MockToolCall]) {
        begin()
        var items: [String] = []
        for (outputIndex, call) in calls.enumerated() {
            let itemID = "fc_" + RandomToken.hex()
            let callID = "call_" + RandomToken.make(length: 24)
            func item(status: String, arguments: String) -> String {
                "{\"id\":\"\(itemID)\",\"type\":\"function_call\",\"status\":\"\(status)\",\"call_id\":\"\(callID)\","
                    + "\"name\":\(JSONText.quote(call.name)),\"arguments\":\(JSONText.quote(arguments))}"
            }
            let location = "\"item_id\":\"\(itemID)\",\"output_index\":\(outputIndex)"
            add("response.output_item.added", "\"output_index\":\(outputIndex),\"item\":" + item(status: "in_progress", arguments: ""))
            for piece in Self.pieces(of: call.arguments, count: 3) {
                add("response.function_call_arguments.delta", location + ",\"delta\":" + JSONText.quote(piece))
            }
            add("response.function_call_arguments.done", location + ",\"arguments\":" + JSONText.quote(call.arguments))
            let done = item(status: "completed", arguments: call.arguments)
            add("response.output_item.done", "\"output_index\":\(outputIndex),\"item\":" + done)
            items.append(done)
        }
        complete(output: items, outputTokens: max(1, calls.count * 8))
    }

    /// A message whose only content part is a refusal, streamed in up to three deltas.
    mutating func refusal(_ text: String) {
        let itemID = "msg_" + RandomToken.hex()
        let location = "\"item_id\":\"\(itemID)\",\"output_index\":0,\"content_index\":0"
        let quoted = JSONText.quote(text)
        let part = "{\"type\":\"refusal\",\"refusal\":\(quoted)}"
        let item = "{\"id\":\"\(itemID)\",\"type\":\"message\",\"status\":\"completed\",\"role\":\"assistant\",\"content\":[\(part)]}"
        begin()
        add("response.output_item.added", "\"output_index\":0,\"item\":{\"id\":\"\(itemID)\",\"type\":\"message\",\"status\":\"in_progress\",\"role\":\"assistant\",\"content\":[]}")
        add("response.content_part.added", location + ",\"part\":{\"type\":\"refusal\",\"refusal\":\"\"}")
        for piece in Self.pieces(of: text, count: 3) {
            add("response.refusal.delta", location + ",\"delta\":" + JSONText.quote(piece))
        }
        add("response.refusal.done", location + ",\"refusal\":" + quoted)
        add("response.content_part.done", location + ",\"part\":" + part)
        add("response.output_item.done", "\"output_index\":0,\"item\":" + item)
        complete(output: [item], outputTokens: 12)
    }

    /// `text` cut into at most `count` consecutive, non-empty pieces.
    static func pieces(of text: String, count: Int) -> [String] {
        let characters = Array(text)
        guard !characters.isEmpty else { return [""] }
        let size = (characters.count + count - 1) / count
        return stride(from: 0, to: characters.count, by: size).map { String(characters[$0..<min($0 + size, characters.count)]) }
    }

    /// A v2 compaction: one `compaction` item, which (as upstream) only `response.output_item.done`
    /// carries; `response.completed.output` is empty.
    mutating func compaction() {
        let itemID = "cmp_" + RandomToken.hex()
        let item = "{\"id\":\"\(itemID)\",\"type\":\"compaction\",\"encrypted_content\":\"\(MockReply.compactionSummary)\"}"
        begin()
        add("response.output_item.added", "\"output_index\":0,\"item\":" + item)
        add("response.output_item.done", "\"output_index\":0,\"item\":" + item)
        complete(output: [], outputTokens: 16)
    }
}
