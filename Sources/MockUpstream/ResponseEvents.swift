/// Builds the SSE events of one responses stream as ready-to-write text.
/// Every event is `event: TYPE` + `data: {"type":TYPE,"sequence_number":N,...}` + a blank line.
struct ResponseEvents {
    let responseID: String
    let model: String
    let createdAt: Int
    let inputTokens: Int
    private(set) var events: [String] = []

    init(model: String, inputTokens: Int, createdAt: Int) {
        self.responseID = "resp_" + RandomToken.hex()
        self.model = JSONText.quote(model)
        self.inputTokens = inputTokens
        self.createdAt = createdAt
        events.reserveCapacity(24)
    }

    /// Appends one event with the data fields `fields` (JSON members without braces, may be empty).
    mutating func add(_ type: String, _ fields: String) {
        var text = "event: " + type + "\ndata: {\"type\":\"" + type + "\",\"sequence_number\":" + String(events.count)
        if !fields.isEmpty { text += "," + fields }
        text += "}\n\n"
        events.append(text)
    }

    /// The `response` object in `status`, with `output` (a JSON array) and `usage` (JSON or `null`).
    func response(status: String, output: String = "[]", usage: String = "null", error: String = "null") -> String {
        "{\"id\":\"\(responseID)\",\"object\":\"response\",\"created_at\":\(createdAt),\"status\":\"\(status)\","
            + "\"error\":\(error),\"incomplete_details\":null,\"model\":\(model),\"output\":\(output),"
            + "\"parallel_tool_calls\":true,\"tool_choice\":\"auto\",\"store\":false,\"usage\":\(usage)}"
    }

    /// The `usage` object for `outputTokens` generated tokens.
    func usage(outputTokens: Int) -> String {
        "{\"input_tokens\":\(inputTokens),\"input_tokens_details\":{\"cached_tokens\":\(inputTokens / 4)},"
            + "\"output_tokens\":\(outputTokens),\"output_tokens_details\":{\"reasoning_tokens\":0},"
            + "\"total_tokens\":\(inputTokens + outputTokens)}"
    }

    /// `response.created` and `response.in_progress`.
    mutating func begin() {
        let inProgress = response(status: "in_progress")
        add("response.created", "\"response\":" + inProgress)
        add("response.in_progress", "\"response\":" + inProgress)
    }

    /// `response.completed` carrying `output` and the usage.
    mutating func complete(output: [String], outputTokens: Int) {
        let body = response(status: "completed", output: "[" + output.joined(separator: ",") + "]", usage: usage(outputTokens: outputTokens))
        add("response.completed", "\"response\":" + body)
    }

    /// A `response.failed` event numbered `sequence`, carrying the error under `response.error`.
    func failed(sequence: Int, code: String) -> String {
        let error = "{\"code\":\(JSONText.quote(code)),\"message\":\"The mock upstream failed this response (\(code)).\"}"
        return "event: response.failed\ndata: {\"type\":\"response.failed\",\"sequence_number\":\(sequence),\"response\":"
            + response(status: "failed", error: error) + "}\n\n"
    }
}
