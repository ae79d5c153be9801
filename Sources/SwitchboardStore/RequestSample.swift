import Foundation

/// When a request ran, how long it took and whether it failed: what the status page charts.
public struct RequestSample: Sendable, Equatable {
    public var at: Date
    public var durationMilliseconds: Double
    public var failed: Bool

    public init(at: Date, durationMilliseconds: Double, failed: Bool) {
        self.at = at
        self.durationMilliseconds = durationMilliseconds
        self.failed = failed
    }
}
