import Foundation

/// What to answer when no account can be picked. Accounts that recover by themselves (a rate-limit
/// reset, a cooldown's end, an auth retry) decide it; paused and deactivated ones only count.
public enum EmptyPool: Sendable, Equatable {
    /// Every account that will recover is waiting for a usage reset: 429, come back at the earliest.
    case usageLimitReached(resetsAt: Date)
    /// Some account's refresh is failing transiently: 503 until the soonest recovery of any kind.
    case authRetrying(soonest: Date)
    /// Accounts are cooling down after 401s on fresh tokens (and none is retrying its refresh): 503.
    case coolingDown(soonest: Date)
    /// Nothing will recover without the operator (empty, or all paused or deactivated): 503.
    case noAccounts(total: Int)

    public init(_ accounts: [Account]) {
        var resets: [Date] = [], retries: [Date] = [], cooldowns: [Date] = []
        for account in accounts {
            switch account.status {
            case .rateLimited(let at): resets.append(at)
            case .authRetrying(_, let next, _): retries.append(next)
            case .cooling(let until, _): cooldowns.append(until)
            case .active, .paused, .deactivated: break
            }
        }
        guard let soonest = (resets + retries + cooldowns).min() else {
            self = .noAccounts(total: accounts.count)
            return
        }
        if retries.isEmpty, cooldowns.isEmpty {
            self = .usageLimitReached(resetsAt: soonest)
        } else if !retries.isEmpty {
            self = .authRetrying(soonest: soonest)
        } else {
            self = .coolingDown(soonest: soonest)
        }
    }
}
