/// How `POST /backend-api/codex/responses` answers an authenticated, valid request of one account.
public enum ResponsesBehaviour: Sendable, Equatable {
    /// A complete text stream ending with `response.completed` (see `MockReply`).
    case ok
    /// 429 `usage_limit_reached` with `plan_type`, `resets_at` and `resets_in_seconds`.
    case usageLimitReached(resetsInSeconds: Int = 3600)
    /// 429 `rate_limit_exceeded` with a `Retry-After` header.
    case rateLimitExceeded(retryAfterSeconds: Int = 5)
    /// A quota error (`insufficient_quota`, `usage_not_included`, `quota_exceeded`) with `status`.
    case quotaExceeded(code: String = "insufficient_quota", status: Int = 429)
    /// 401 as for an expired access token.
    case unauthorized
    /// `status` with `{"error":{"type","code","message"}}`; `code` nil gives `server_error` as type only.
    case status(Int, code: String? = nil)
    /// A Cloudflare-like 403 HTML page.
    case htmlForbidden
    /// `status` with `{"detail": message}`, e.g. a bare `401 {"detail":"Unauthorized"}`.
    case detail(status: Int, message: String)
    /// Wait `milliseconds` before the response head, then stream like `.ok`.
    case slowFirstByte(milliseconds: Int)
    /// Stream the first `events` events of `.ok`, then `response.failed` carrying `code`.
    case failAfter(events: Int, code: String = "server_error")
    /// Stream the first `events` events of `.ok`, then end without a terminal event:
    /// the connection is dropped mid-body, or, with `cleanEnd`, the body ends normally.
    case truncateAfter(events: Int, cleanEnd: Bool = false)
    /// Stream the first `events` events of `.ok`, then send nothing more until the mock stops.
    case stallAfter(events: Int)
    /// A stream of `function_call` items (parallel when several); empty means one call per tool
    /// named in the request's `tools`, else one `get_weather` call.
    case toolCalls([MockToolCall] = [])
    /// A message whose content is a refusal.
    case refusal(String = MockReply.refusalText)
}

extension ResponsesBehaviour: Codable {
    public init(from decoder: Decoder) throws {
        let fields = try BehaviourFields(from: decoder)
        switch fields.kind {
        case "ok": self = .ok
        case "usage_limit_reached": self = .usageLimitReached(resetsInSeconds: fields.resetsInSeconds ?? 3600)
        case "rate_limit_exceeded": self = .rateLimitExceeded(retryAfterSeconds: fields.resetsInSeconds ?? 5)
        case "quota_exceeded": self = .quotaExceeded(code: fields.code ?? "insufficient_quota", status: fields.status ?? 429)
        case "unauthorized": self = .unauthorized
        case "status": self = .status(fields.status ?? 500, code: fields.code)
        case "html_forbidden": self = .htmlForbidden
        case "detail": self = .detail(status: fields.status ?? 401, message: fields.text ?? "Unauthorized")
        case "slow_first_byte": self = .slowFirstByte(milliseconds: fields.delayMs ?? 1000)
        case "fail_after": self = .failAfter(events: fields.events ?? 3, code: fields.code ?? "server_error")
        case "truncate_after": self = .truncateAfter(events: fields.events ?? 3, cleanEnd: fields.cleanEnd ?? false)
        case "stall_after": self = .stallAfter(events: fields.events ?? 3)
        case "tool_calls": self = .toolCalls(fields.calls ?? [])
        case "refusal": self = .refusal(fields.text ?? MockReply.refusalText)
        default: throw fields.unknownKind("responses")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var fields: BehaviourFields
        switch self {
        case .ok: fields = .init("ok")
        case .usageLimitReached(let seconds): fields = .init("usage_limit_reached"); fields.resetsInSeconds = seconds
        case .rateLimitExceeded(let seconds): fields = .init("rate_limit_exceeded"); fields.resetsInSeconds = seconds
        case .quotaExceeded(let code, let status): fields = .init("quota_exceeded"); fields.code = code; fields.status = status
        case .unauthorized: fields = .init("unauthorized")
        case .status(let status, let code): fields = .init("status"); fields.status = status; fields.code = code
        case .htmlForbidden: fields = .init("html_forbidden")
        case .detail(let status, let message): fields = .init("detail"); fields.status = status; fields.text = message
        case .slowFirstByte(let milliseconds): fields = .init("slow_first_byte"); fields.delayMs = milliseconds
        case .failAfter(let events, let code): fields = .init("fail_after"); fields.events = events; fields.code = code
        case .truncateAfter(let events, let cleanEnd): fields = .init("truncate_after"); fields.events = events; fields.cleanEnd = cleanEnd
        case .stallAfter(let events): fields = .init("stall_after"); fields.events = events
        case .toolCalls(let calls): fields = .init("tool_calls"); fields.calls = calls
        case .refusal(let text): fields = .init("refusal"); fields.text = text
        }
        try fields.encode(to: encoder)
    }
}
