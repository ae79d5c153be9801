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
        var id: Int?
        if let interruption {
            seen.value.withLock { $0 = interruption }
            interrupt()
        } else {
            id = WatchedRequests.shared.add(self, seen: seen, interrupt: interrupt)
        }
        defer { if let id { WatchedRequests.shared.remove(id) } }
        let value = try await operation()
        return (value, seen.value.withLock { $0 })
    }

    final class Seen: Sendable {
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

/// The requests being watched, all looked at by one polling task every `RequestWatch.interval` (a task
/// and a timer per request cost more than the looks). The task runs while anything is watched.
final class WatchedRequests: Sendable {
    static let shared = WatchedRequests()

    private struct Entry: Sendable {
        let watch: RequestWatch
        let seen: RequestWatch.Seen
        let interrupt: @Sendable () -> Void
    }

    private struct State {
        var entries: [Int: Entry] = [:]
        var nextID = 0
        var polling = false
    }

    private let state = Mutex(State())

    /// Watches until `remove`; `interrupt` is called at most once, with `seen` set first.
    func add(_ watch: RequestWatch, seen: RequestWatch.Seen, interrupt: @escaping @Sendable () -> Void) -> Int {
        let (id, startPolling) = state.withLock { state in
            state.nextID += 1
            state.entries[state.nextID] = Entry(watch: watch, seen: seen, interrupt: interrupt)
            defer { state.polling = true }
            return (state.nextID, !state.polling)
        }
        // Detached: the poller serves every request of every server in the process, so it takes nothing
        // (priority, task-locals) from the request that happens to start it.
        if startPolling { Task.detached { await self.poll() } }
        return id
    }

    func remove(_ id: Int) {
        _ = state.withLock { $0.entries.removeValue(forKey: id) }
    }

    private func poll() async {
        while true {
            let slept: Void? = try? await Task.sleep(for: RequestWatch.interval)
            let entries: [(key: Int, value: Entry)]? = state.withLock { state in
                // Cancelled (it never should be): stop rather than spin; the next `add` starts a new poller.
                if state.entries.isEmpty || slept == nil {
                    state.polling = false
                    return nil
                }
                return Array(state.entries)
            }
            guard let entries else { return }
            for (id, entry) in entries {
                guard let interruption = entry.watch.interruption, state.withLock({ $0.entries.removeValue(forKey: id) }) != nil else { continue }
                entry.seen.value.withLock { $0 = interruption }
                entry.interrupt()
            }
        }
    }
}
