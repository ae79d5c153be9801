import Foundation
import Hummingbird

/// `POST /backend-api/codex/responses`: checks the bearer, validates the body like the real
/// backend, then plays the account's next responses behaviour.
extension MockRoutes {
    /// Fields the backend refuses with `{"detail":"Unsupported parameter: NAME"}`.
    static let unsupportedFields = [
        "max_output_tokens", "temperature", "top_p", "metadata", "user", "truncation", "safety_identifier",
        "prompt_cache_retention",
    ]

    /// What the handler needs to know about the account once the bearer is accepted.
    private struct Turn {
        var index: Int
        var generation: Int
        var email: String
        var plan: String
        var behaviour: ResponsesBehaviour
        var shape: StreamShape
        var usage: MockUsageReport
        var model: String
    }

    func responses(_ request: Request) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 64 << 20)
        let authorization = request.headers[.authorization], accountHeader = request.headers[.chatGPTAccountID]
        let check = state.withLock {
            $0.authenticate(authorization: authorization, accountHeader: accountHeader, counter: \.responsesCalls, now: Date())
        }
        guard case .valid(let index) = check else { return DeniedBearer(check: check).response }
        // A turn state means something only to the account that issued it (`x-codex-turn-state` below).
        if let turnState = request.headers[Self.turnState], !turnState.hasPrefix(Self.turnStatePrefix(index)) {
            return .json(400, MockErrorBody.detail("Invalid x-codex-turn-state: it was issued for another account."))
        }

        let json = body.withUnsafeReadableBytes { try? JSONSerialization.jsonObject(with: Data($0)) } as? [String: Any]
        guard let json else { return .json(400, MockErrorBody.detail("Invalid JSON body.")) }
        if let rejection = Self.rejection(of: json) { return .json(400, MockErrorBody.detail(rejection)) }
        let text = String(buffer: body)
        state.withLock { $0.received(text) }
        let model = json["model"] as? String ?? "gpt-5.1-codex"

        guard let turn = state.withLock({ state -> Turn? in
            guard state.accounts.indices.contains(index) else { return nil }
            let account = state.accounts[index]
            return Turn(
                index: index, generation: state.generation, email: account.email, plan: account.plan,
                behaviour: state.accounts[index].responsesScript.next(), shape: state.streamShape(of: index), usage: account.usage,
                model: model
            )
        }) else { return DeniedBearer(check: .unknown).response }

        var events = ResponseEvents(model: model, inputTokens: max(1, body.readableBytes / 4), createdAt: Int(Date().timeIntervalSince1970))
        switch turn.behaviour {
        case .ok where Self.asksForCompaction(json):
            events.compaction()
        case .ok:
            events.text(email: turn.email, deltaCount: turn.shape.deltaCount)
        case .slowFirstByte(let milliseconds):
            try await pause(milliseconds: milliseconds)
            events.text(email: turn.email, deltaCount: turn.shape.deltaCount)
        case .failAfter(let count, let code):
            events.text(email: turn.email, deltaCount: turn.shape.deltaCount)
            let kept = min(max(0, count), events.events.count - 1)
            let failed = events.failed(sequence: kept, code: code)
            return stream(Array(events.events.prefix(kept)) + [failed], .finish, turn)
        case .truncateAfter(let count, let cleanEnd):
            events.text(email: turn.email, deltaCount: turn.shape.deltaCount)
            return stream(Array(events.events.prefix(min(max(0, count), events.events.count - 1))), cleanEnd ? .finish : .dropConnection, turn)
        case .stallAfter(let count):
            events.text(email: turn.email, deltaCount: turn.shape.deltaCount)
            return stream(Array(events.events.prefix(min(max(0, count), events.events.count - 1))), .stall, turn)
        case .toolCalls(let calls):
            events.toolCalls(calls.isEmpty ? Self.defaultCalls(for: json) : calls)
        case .refusal(let text):
            events.refusal(text)
        case .usageLimitReached(let seconds):
            let resetsAt = Int(Date().timeIntervalSince1970) + seconds
            return .json(429, MockErrorBody.apiError(
                type: "usage_limit_reached", code: "usage_limit_reached", message: "The usage limit has been reached",
                planType: turn.plan, resetsAt: resetsAt, resetsInSeconds: seconds
            ))
        case .rateLimitExceeded(let seconds):
            return .json(429, MockErrorBody.apiError(
                type: "rate_limit_exceeded", code: "rate_limit_exceeded", message: "Rate limit reached. Please try again later.",
                resetsInSeconds: seconds
            ), headers: [.retryAfter: String(seconds)])
        case .quotaExceeded(let code, let status):
            return .json(status, MockErrorBody.apiError(type: code, code: code, message: "You exceeded your current quota (\(code))."))
        case .unauthorized:
            return .json(401, MockErrorBody.expiredAccessToken)
        case .status(let status, let code):
            return .json(status, MockErrorBody.apiError(type: code ?? (status >= 500 ? "server_error" : "invalid_request_error"), code: code, message: "The mock upstream answered \(status)."))
        case .htmlForbidden:
            return .html(403, MockErrorBody.cloudflareForbidden)
        case .detail(let status, let message):
            return .json(status, MockErrorBody.detail(message))
        }
        return stream(events.events, .finish, turn)
    }

    /// The 400 message the backend gives for this body, or nil when it takes it.
    static func rejection(of json: [String: Any]) -> String? {
        for field in unsupportedFields where json[field] != nil { return "Unsupported parameter: \(field)" }
        guard json["stream"] as? Bool == true else { return "Stream must be set to true" }
        guard json["store"] as? Bool == false else { return "Store must be set to false" }
        guard json["instructions"] is String else { return "Instructions are required" }
        guard json["model"] is String else { return "Model is required" }
        return nil
    }

    /// A v2 compaction: the last input item is `{"type":"compaction_trigger"}`.
    static func asksForCompaction(_ json: [String: Any]) -> Bool {
        ((json["input"] as? [Any])?.last as? [String: Any])?["type"] as? String == "compaction_trigger"
    }

    /// One call per function tool named in the request, else one weather lookup.
    static func defaultCalls(for json: [String: Any]) -> [MockToolCall] {
        let tools = json["tools"] as? [[String: Any]] ?? []
        let names = tools.compactMap { tool in tool["name"] as? String ?? (tool["function"] as? [String: Any])?["name"] as? String }
        return names.isEmpty ? [.weather("Paris")] : names.map { MockToolCall(name: $0, arguments: "{}") }
    }

    /// A 200 `text/event-stream` answer writing `events`, with the `x-codex-*` usage headers of the account.
    private func stream(_ events: [String], _ ending: ResponseStream.Ending, _ turn: Turn) -> Response {
        let usage = turn.usage
        let headers: HTTPFields = [
            .contentType: "text/event-stream; charset=utf-8",
            .cacheControl: "no-cache",
            Self.primaryUsedPercent: String(usage.primaryUsedPercent),
            Self.secondaryUsedPercent: String(usage.secondaryUsedPercent),
            Self.primaryWindowMinutes: String(usage.primaryWindowSeconds / 60),
            Self.secondaryWindowMinutes: String(usage.secondaryWindowSeconds / 60),
            Self.primaryResetAfterSeconds: String(usage.primaryResetAfterSeconds),
            Self.secondaryResetAfterSeconds: String(usage.secondaryResetAfterSeconds),
            Self.openAIModel: turn.model,
            Self.turnState: Self.turnStatePrefix(turn.index) + UUID().uuidString.prefix(8).lowercased(),
        ]
        let plan = ResponseStream(events: events, ending: ending, delayMilliseconds: turn.shape.eventDelayMilliseconds)
        return Response(status: .ok, headers: headers, body: plan.body(state: state, account: turn.index, generation: turn.generation))
    }

    static let openAIModel = HeaderName("openai-model")!
    static let turnState = HeaderName("x-codex-turn-state")!
    /// Turn states name the account they were issued for, so a foreign one can be refused.
    static func turnStatePrefix(_ index: Int) -> String { "ts.\(index)." }
    static let primaryUsedPercent = HeaderName("x-codex-primary-used-percent")!
    static let secondaryUsedPercent = HeaderName("x-codex-secondary-used-percent")!
    static let primaryWindowMinutes = HeaderName("x-codex-primary-window-minutes")!
    static let secondaryWindowMinutes = HeaderName("x-codex-secondary-window-minutes")!
    static let primaryResetAfterSeconds = HeaderName("x-codex-primary-reset-after-seconds")!
    static let secondaryResetAfterSeconds = HeaderName("x-codex-secondary-reset-after-seconds")!
}
