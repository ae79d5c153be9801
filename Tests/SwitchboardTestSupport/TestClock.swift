import Foundation
import Synchronization
import SwitchboardGateway

/// A clock that stands still until the test advances it. The gateway's timed work (auth retries, usage
/// polls, rate-limit and cooldown ends, token expiry) then happens when the test says, not when the wall
/// clock gets there: a 10-minute retry interval costs no wall time and no test races it.
public final class TestClock: GatewayClock {
    private struct Sleeper {
        let deadline: Date
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Date
        var sleepers: [UInt64: Sleeper] = [:]
        var cancelled: Set<UInt64> = []
        var nextID: UInt64 = 0
    }

    private let state: Mutex<State>

    public init(now: Date = Date()) { state = Mutex(State(now: now)) }

    public var now: Date { state.withLock { $0.now } }

    /// How many tasks are waiting on this clock (a service between two rounds is one).
    public var sleepers: Int { state.withLock { $0.sleepers.count } }

    public func sleep(for duration: Duration) async throws {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resume: Result<Void, any Error>? = state.withLock { state in
                    if state.cancelled.remove(id) != nil { return .failure(CancellationError()) }
                    let deadline = state.now.addingTimeInterval(duration.seconds)
                    if deadline <= state.now { return .success(()) }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return nil
                }
                if let resume { continuation.resume(with: resume) }
            }
        } onCancel: {
            let sleeper = state.withLock { state in
                guard let sleeper = state.sleepers.removeValue(forKey: id) else {
                    state.cancelled.insert(id)
                    return Sleeper?.none
                }
                return sleeper
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the time on and wakes every sleeper whose time has come.
    public func advance(by seconds: TimeInterval) {
        let due = state.withLock { state in
            state.now = state.now.addingTimeInterval(seconds)
            let now = state.now
            let due = state.sleepers.filter { $0.value.deadline <= now }
            for id in due.keys { state.sleepers[id] = nil }
            return due.values
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Waits (wall time, with a deadline) until `count` tasks sleep on this clock: the services have
    /// finished their round and the next `advance` wakes them.
    @discardableResult
    public func waitForSleepers(_ count: Int, timeout: Duration = .seconds(5)) async -> Bool {
        await eventually(timeout: timeout) { sleepers >= count }
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
