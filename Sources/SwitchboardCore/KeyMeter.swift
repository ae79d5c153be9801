import Foundation

/// What one key used in the current windows: tokens and requests in the UTC day, requests in the
/// current UTC minute. Fixed windows, so a refusal can say exactly when it ends (`Retry-After`).
public struct KeyMeter: Sendable, Equatable {
    public private(set) var day: Int
    public private(set) var tokensToday: Int
    public private(set) var requestsToday: Int
    public private(set) var minute: Int
    public private(set) var requestsThisMinute: Int

    public init(now: Date, tokensToday: Int = 0, requestsToday: Int = 0) {
        day = Self.day(of: now)
        minute = Self.minute(of: now)
        self.tokensToday = tokensToday
        self.requestsToday = requestsToday
        requestsThisMinute = 0
    }

    public enum Verdict: Sendable, Equatable {
        case admitted
        case modelNotAllowed(allowed: [String])
        case tokensPerDayReached(limit: Int, resetsAt: Date)
        case requestsPerMinuteReached(limit: Int, resetsAt: Date)
    }

    /// Decides whether a request for `model` may start; an admitted request counts against the minute.
    public mutating func admit(model: String?, limits: KeyLimits, now: Date) -> Verdict {
        roll(to: now)
        if let allowed = limits.models, !allowed.contains(model ?? "") { return .modelNotAllowed(allowed: allowed) }
        if let limit = limits.tokensPerDay, tokensToday >= limit {
            return .tokensPerDayReached(limit: limit, resetsAt: Self.start(ofDay: day + 1))
        }
        if let limit = limits.requestsPerMinute, requestsThisMinute >= limit {
            return .requestsPerMinuteReached(limit: limit, resetsAt: Date(timeIntervalSince1970: Double(minute + 1) * 60))
        }
        requestsThisMinute += 1
        return .admitted
    }

    /// Adds a finished request and the tokens it used.
    public mutating func charge(tokens: Int, now: Date) {
        roll(to: now)
        tokensToday += tokens
        requestsToday += 1
    }

    private mutating func roll(to now: Date) {
        let today = Self.day(of: now), thisMinute = Self.minute(of: now)
        if today != day { (day, tokensToday, requestsToday) = (today, 0, 0) }
        if thisMinute != minute { (minute, requestsThisMinute) = (thisMinute, 0) }
    }

    /// Days since 1970-01-01 UTC.
    public static func day(of date: Date) -> Int { Int((date.timeIntervalSince1970 / 86_400).rounded(.down)) }
    public static func start(ofDay day: Int) -> Date { Date(timeIntervalSince1970: Double(day) * 86_400) }
    static func minute(of date: Date) -> Int { Int((date.timeIntervalSince1970 / 60).rounded(.down)) }
}
