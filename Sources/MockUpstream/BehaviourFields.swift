/// The JSON form of one scripted behaviour: `{"kind": "...", ...}` plus the fields that kind uses
/// (defaults in parentheses):
/// - refresh: `ok`, `error` {code, status (401)}, `oauth_error` {error ("invalid_grant"), status (400)},
///   `server_error` {status (500)}, `html_forbidden`, `non_json`, `empty_body` {status (400)}, `slow` {delay_ms}, `hang`
/// - usage: `ok`, `status` {status}, `html_forbidden`, `deactivated` {status (403)}, `slow` {delay_ms}
/// - responses: `ok`, `usage_limit_reached` {resets_in_seconds (3600)}, `rate_limit_exceeded` {resets_in_seconds (5),
///   also sent as Retry-After}, `quota_exceeded` {code ("insufficient_quota"), status (429)}, `unauthorized`,
///   `status` {status, code?}, `html_forbidden`, `slow_first_byte` {delay_ms}, `fail_after` {events, code},
///   `truncate_after` {events, clean_end (false)}, `stall_after` {events}, `tool_calls` {calls: [{name, arguments}]},
///   `refusal` {text}
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
