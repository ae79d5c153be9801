import Foundation

/// The gateway's time: the `now` every status rule is judged at (token expiry, rate-limit resets,
/// cooldowns, auth retries) and the waits of the background services. The system clock in production;
/// tests hand in a clock they advance, so a 10-minute retry interval costs them no wall time.
public protocol GatewayClock: Sendable {
    var now: Date { get }
    /// Returns once `duration` of this clock's time has passed; throws `CancellationError` when the task is cancelled.
    func sleep(for duration: Duration) async throws
}

/// Wall time and `Task.sleep`.
public struct SystemClock: GatewayClock {
    public init() {}

    public var now: Date { Date() }

    public func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}
