import Foundation
import GRDB

/// One client request (HTTP request or WebSocket turn) as the request log keeps it: ids, counts and
/// timings, never a token, a key or prompt text.
public struct RequestLogEntry: Sendable, Equatable, FetchableRecord {
    public var at: Date
    public var requestID: String
    public var route: String
    /// `http` or `websocket`.
    public var transport: String
    public var keyID: String?
    public var accountID: String?
    public var model: String?
    public var status: Int
    public var errorCode: String?
    /// Accounts tried (more than one after a failover).
    public var attempts: Int
    public var inputTokens: Int?
    public var cachedTokens: Int?
    public var outputTokens: Int?
    public var reasoningTokens: Int?
    public var ttfbMilliseconds: Double?
    public var durationMilliseconds: Double
    public var userAgent: String?

    public init(
        at: Date, requestID: String, route: String, transport: String = "http", keyID: String? = nil, accountID: String? = nil,
        model: String? = nil, status: Int, errorCode: String? = nil, attempts: Int = 0, inputTokens: Int? = nil,
        cachedTokens: Int? = nil, outputTokens: Int? = nil, reasoningTokens: Int? = nil, ttfbMilliseconds: Double? = nil,
        durationMilliseconds: Double, userAgent: String? = nil
    ) {
        self.at = at
        self.requestID = requestID
        self.route = route
        self.transport = transport
        self.keyID = keyID
        self.accountID = accountID
        self.model = model
        self.status = status
        self.errorCode = errorCode
        self.attempts = attempts
        self.inputTokens = inputTokens
        self.cachedTokens = cachedTokens
        self.outputTokens = outputTokens
        self.reasoningTokens = reasoningTokens
        self.ttfbMilliseconds = ttfbMilliseconds
        self.durationMilliseconds = durationMilliseconds
        self.userAgent = userAgent
    }

    /// Tokens the request used, for per-key accounting (cached and reasoning tokens are part of these).
    public var totalTokens: Int { (inputTokens ?? 0) + (outputTokens ?? 0) }

    public var isError: Bool { status >= 400 || errorCode != nil }

    public init(row: Row) throws {
        at = Date(timeIntervalSince1970: row["at"])
        requestID = row["request_id"]
        route = row["route"]
        transport = row["transport"]
        keyID = row["key_id"]
        accountID = row["account_id"]
        model = row["model"]
        status = row["status"]
        errorCode = row["error_code"]
        attempts = row["attempts"]
        inputTokens = row["input_tokens"]
        cachedTokens = row["cached_tokens"]
        outputTokens = row["output_tokens"]
        reasoningTokens = row["reasoning_tokens"]
        ttfbMilliseconds = row["ttfb_ms"]
        durationMilliseconds = row["duration_ms"]
        userAgent = row["user_agent"]
    }

    static let insertSQL = insertHead + " VALUES " + insertRow

    /// The insert without its values, and one row's placeholders (for several rows in one statement).
    static let insertHead = """
        INSERT INTO request_log (at, request_id, route, transport, key_id, account_id, model, status, error_code, attempts,
          input_tokens, cached_tokens, output_tokens, reasoning_tokens, ttfb_ms, duration_ms, user_agent)
        """
    static let insertRow = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

    var arguments: StatementArguments { StatementArguments(values) }

    var values: [(any DatabaseValueConvertible)?] {
        [
            at.timeIntervalSince1970, requestID, route, transport, keyID, accountID, model, status, errorCode, attempts,
            inputTokens, cachedTokens, outputTokens, reasoningTokens, ttfbMilliseconds, durationMilliseconds, userAgent,
        ]
    }
}
