import Synchronization

/// The turn a socket is running, so the socket's end can cancel it (and with it the upstream transfer).
final class TurnSlot: Sendable {
    private struct State {
        var closed = false
        var running: Task<Void, Never>?
    }

    private let state = Mutex(State())

    var isClosed: Bool { state.withLock { $0.closed } }

    /// Runs `turn` to its end, or until `close()` cancels it.
    func run(_ turn: @escaping @Sendable () async -> Void) async {
        let task = Task { await turn() }
        let closed = state.withLock { state in
            state.running = task
            return state.closed
        }
        if closed { task.cancel() }
        await task.value
        state.withLock { $0.running = nil }
    }

    /// The socket is gone: cancels the running turn; later turns are cancelled as they start.
    func close() {
        state.withLock { state in
            state.closed = true
            state.running?.cancel()
        }
    }
}
