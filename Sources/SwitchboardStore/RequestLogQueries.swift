import Foundation
import GRDB

/// Which request-log rows to read, newest first.
public struct RequestFilter: Sendable, Equatable {
    public var since: Date?
    public var accountID: String?
    public var keyID: String?
    public var errorsOnly = false
    public var limit = 100

    public init(since: Date? = nil, accountID: String? = nil, keyID: String? = nil, errorsOnly: Bool = false, limit: Int = 100) {
        self.since = since
        self.accountID = accountID
        self.keyID = keyID
        self.errorsOnly = errorsOnly
        self.limit = limit
    }
}

/// How `usage` groups its sums.
public enum UsageGrouping: String, Sendable, CaseIterable {
    case account, key, model, day

    /// The grouping expression over `request_log` (a fixed set: never text from the caller).
    var column: String {
        switch self {
        case .account: "account_id"
        case .key: "key_id"
        case .model: "model"
        case .day: "date(at, 'unixepoch')"
        }
    }
}

/// Requests and tokens summed over one group.
public struct UsageTotal: Sendable, Equatable, FetchableRecord {
    public var group: String?
    public var requests: Int
    public var errors: Int
    public var inputTokens: Int
    public var cachedTokens: Int
    public var outputTokens: Int
    public var reasoningTokens: Int

    public init(row: Row) throws {
        group = row["grp"]
        requests = row["requests"]
        errors = row["errors"]
        inputTokens = row["input_tokens"]
        cachedTokens = row["cached_tokens"]
        outputTokens = row["output_tokens"]
        reasoningTokens = row["reasoning_tokens"]
    }
}
