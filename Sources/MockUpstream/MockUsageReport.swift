/// What `/wham/usage` reports for one account (and the `x-codex-*` headers of its streams).
/// JSON keys (all optional when setting): `primary_used_percent`, `secondary_used_percent`,
/// `primary_reset_after_seconds`, `secondary_reset_after_seconds`,
/// `primary_window_seconds`, `secondary_window_seconds`.
public struct MockUsageReport: Sendable, Equatable, Codable {
    /// The 5-hour window.
    public var primaryUsedPercent: Double
    /// The weekly window.
    public var secondaryUsedPercent: Double
    public var primaryResetAfterSeconds: Int
    public var secondaryResetAfterSeconds: Int
    public var primaryWindowSeconds: Int
    public var secondaryWindowSeconds: Int

    public init(
        primaryUsedPercent: Double = 0, secondaryUsedPercent: Double = 0,
        primaryResetAfterSeconds: Int = 3600, secondaryResetAfterSeconds: Int = 259_200,
        primaryWindowSeconds: Int = 18_000, secondaryWindowSeconds: Int = 604_800
    ) {
        self.primaryUsedPercent = primaryUsedPercent
        self.secondaryUsedPercent = secondaryUsedPercent
        self.primaryResetAfterSeconds = primaryResetAfterSeconds
        self.secondaryResetAfterSeconds = secondaryResetAfterSeconds
        self.primaryWindowSeconds = primaryWindowSeconds
        self.secondaryWindowSeconds = secondaryWindowSeconds
    }

    enum CodingKeys: String, CodingKey {
        case primaryUsedPercent = "primary_used_percent", secondaryUsedPercent = "secondary_used_percent"
        case primaryResetAfterSeconds = "primary_reset_after_seconds"
        case secondaryResetAfterSeconds = "secondary_reset_after_seconds"
        case primaryWindowSeconds = "primary_window_seconds", secondaryWindowSeconds = "secondary_window_seconds"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = MockUsageReport()
        primaryUsedPercent = try c.decodeIfPresent(Double.self, forKey: .primaryUsedPercent) ?? d.primaryUsedPercent
        secondaryUsedPercent = try c.decodeIfPresent(Double.self, forKey: .secondaryUsedPercent) ?? d.secondaryUsedPercent
        primaryResetAfterSeconds = try c.decodeIfPresent(Int.self, forKey: .primaryResetAfterSeconds) ?? d.primaryResetAfterSeconds
        secondaryResetAfterSeconds = try c.decodeIfPresent(Int.self, forKey: .secondaryResetAfterSeconds) ?? d.secondaryResetAfterSeconds
        primaryWindowSeconds = try c.decodeIfPresent(Int.self, forKey: .primaryWindowSeconds) ?? d.primaryWindowSeconds
        secondaryWindowSeconds = try c.decodeIfPresent(Int.self, forKey: .secondaryWindowSeconds) ?? d.secondaryWindowSeconds
    }
}
