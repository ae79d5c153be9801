import NIOCore
import Synchronization

/// Watches one request while its answer is being made: when the client's connection closes or the
/// shutdown grace ends, the upstream work is stopped (the transfer cancelled) instead of running on
/// for nobody, or being cut silently.
struct RequestWatch: Sendable {
    let channel: (any Channel)?
    let drain: ShutdownDrain
    /// How often the connection and the drain are looked at.
    static let interval: Duration = .milliseconds(100)

    /// The interruption that applies now, if any.
    var interruption: Interruption? {
        if drain.expired { return .shuttingDown }
        if let channel, !channel.isActive { return .clientGone }
        return nil
    }

    /// Runs `operation`; if the request is interrupted meanwhile, calls `interrupt` once (which must make
    /// `operation` end soon, e.g. by cancelling the upstream body). Returns the result and the interruption.
    func during<T>(interrupt: @escaping @Sendable () -> Void, _ operation: () async throws -> T) async rethrows -> (T, Interruption?) {
        let seen = Seen()
        let watcher = Task { [self] in
            while !Task.isCancelled {
                if let interruption {
                    seen.value.withLock { $0 = interruption }
                    interrupt()
                    return
                }
                try? await Task.sleep(for: Self.interval)
            }
        }
        defer { watcher.cancel() }
        let value = try await operation()
        return (value, seen.value.withLock { $0 })
    }

    private final class Seen: Sendable {
        let value = Mutex<Interruption?>(nil)
    }

    /// Runs `operation` in a task that is cancelled when the request is interrupted; then throws the
    /// interruption's error (499 for the log when the client left, 503 when shutting down).
    func cancellable<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let task = Task { try await operation() }
        let (result, interruption) = await withTaskCancellationHandler {
            await during(interrupt: { task.cancel() }) { await task.result }
        } onCancel: {
            task.cancel()
        }
        if let interruption { throw interruption.error }
        return try result.get()
    }
}
