import Foundation
import SwitchboardCore
import SwitchboardStore

/// A key's limits and its use against them, for `keys list`.
enum KeyUsePresentation {
    static func describe(_ limits: KeyLimits) -> String {
        guard !limits.isUnlimited else { return "no limits" }
        return [
            limits.tokensPerDay.map { "\($0) tokens/day" }, limits.requestsPerMinute.map { "\($0) requests/min" },
            limits.models.map { "models " + $0.joined(separator: ",") },
        ].compactMap { $0 }.joined(separator: ", ")
    }

    /// `used/limit`, or just `used` without a limit.
    static func against(_ used: Int, _ limit: Int?) -> String { limit.map { "\(used)/\($0)" } ?? String(used) }

    /// What each key used: tokens and requests today (UTC), requests in the last minute.
    static func use(_ store: AccountStore, now: Date = Date()) throws -> (today: [String: KeyUsageDelta], lastMinute: [String: Int]) {
        (try store.keyUsage(day: KeyMeter.day(of: now)), try store.requestCounts(since: now.addingTimeInterval(-60)))
    }
}
