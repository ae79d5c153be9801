/// The JSON form of one scripted behaviour: `{"kind": "...", ...}` plus the fields that kind uses.
/// Field names: `status`, `code`, `error`, `delay_ms`, `events`, `resets_in_seconds`, `text`, `calls`, `clean_end`.
struct BehaviourFields: Codable {
    var kind: String
    var status: Int?
    var code: String?
    var error: String?
    var delayMs: Int?
    var events: Int?
    var resetsInSeconds: Int?
    var text: String?
    var calls: [MockToolCall]?
    var cleanEnd: Bool?

    init(_ kind: String) { self.kind = kind }

    enum CodingKeys: String, CodingKey {
        case kind, status, code, error, events, text, calls
        case delayMs = "delay_ms", resetsInSeconds = "resets_in_seconds", cleanEnd = "clean_end"
    }

    /// The error for a kind this behaviour family does not know.
    func unknownKind(_ family: String) -> DecodingError {
        DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "unknown \(family) behaviour kind: \(kind)"))
    }
}
