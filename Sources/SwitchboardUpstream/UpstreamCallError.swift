import SwitchboardCore

/// A failed upstream call, not yet interpreted: hand `outcome` to the failure catalog.
public struct UpstreamCallError: Error, Sendable, Equatable {
    public var outcome: UpstreamOutcome

    public init(_ outcome: UpstreamOutcome) {
        self.outcome = outcome
    }
}
