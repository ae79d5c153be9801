/// What one account has been asked, counted at arrival (before any scripted delay).
/// JSON keys: `token_calls`, `usage_calls`, `responses_calls`, `models_calls`,
/// `open_streams`, `cancelled_streams`, `completed_streams`.
public struct MockAccountCounters: Sendable, Equatable, Encodable {
    /// Calls to `/oauth/token` that presented one of this account's refresh tokens (current or used)
    /// or exchanged a login code for it.
    public var tokenCalls = 0
    /// Calls to `/wham/usage` with one of this account's access tokens (valid, expired or rotated away).
    public var usageCalls = 0
    /// Calls to `/codex/responses` with one of this account's access tokens.
    public var responsesCalls = 0
    /// Calls to `/codex/models` with one of this account's access tokens.
    public var modelsCalls = 0
    /// Response streams being written right now.
    public var openStreams = 0
    /// Streams that ended because a write failed: the client went away mid-stream.
    public var cancelledStreams = 0
    /// Streams written to their scripted end.
    public var completedStreams = 0

    public init() {}
}

/// Calls to the login endpoints. JSON keys: `authorize_calls`, `device_code_calls`,
/// `device_token_polls`, `code_exchanges`.
public struct MockLoginCounters: Sendable, Equatable, Encodable {
    public var authorizeCalls = 0
    public var deviceCodeCalls = 0
    public var deviceTokenPolls = 0
    /// `grant_type=authorization_code` calls to `/oauth/token`, whatever their outcome.
    public var codeExchanges = 0

    public init() {}
}

/// Every counter of the mock. JSON: `{"accounts":{EMAIL:counters},"refresh_tokens":{TOKEN:n},
/// "unknown_refresh_tokens":n,"login":{...}}`.
public struct MockCountersReport: Sendable, Equatable, Encodable {
    /// Per account, keyed by email.
    public var accounts: [String: MockAccountCounters]
    /// How many times each refresh token was presented to `/oauth/token`.
    public var refreshTokens: [String: Int]
    /// Refresh calls whose token the mock never issued.
    public var unknownRefreshTokens: Int
    public var login: MockLoginCounters
}
