import Foundation

/// One rate-limit window as reported by `GET /wham/usage`.
public struct UsageWindow: Sendable, Equatable, Codable {
    public var usedPercent: Double
    public var windowSeconds: Int?
    public var resetsAt: Date?

    public init(usedPercent: Double, windowSeconds: Int? = nil, resetsAt: Date? = nil) {
        self.usedPercent = usedPercent
        self.windowSeconds = windowSeconds
        self.resetsAt = resetsAt
    }
}

/// The latest usage report of one account: the 5-hour (primary) and weekly (secondary) windows.
public struct UsageSnapshot: Sendable, Equatable, Codable {
    public var planType: String?
    public var primary: UsageWindow?
    public var secondary: UsageWindow?
    public var observedAt: Date

    public init(planType: String? = nil, primary: UsageWindow? = nil, secondary: UsageWindow? = nil, observedAt: Date) {
        self.planType = planType
        self.primary = primary
        self.secondary = secondary
        self.observedAt = observedAt
    }

    /// The used percentage of the tighter window: what the balancer ranks headroom by.
    public var tightestUsedPercent: Double {
        max(primary?.usedPercent ?? 0, secondary?.usedPercent ?? 0)
    }

    /// When the exhausted window resets (the later reset of the windows at 100 %), if any is exhausted.
    public var exhaustedUntil: Date? {
        [primary, secondary].compactMap { $0 }.filter { $0.usedPercent >= 100 }.compactMap(\.resetsAt).max()
    }
}
