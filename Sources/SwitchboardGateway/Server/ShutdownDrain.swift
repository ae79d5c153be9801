import Logging
import ServiceLifecycle
import Synchronization

/// The end of the shutdown grace. Requests still running when it comes are interrupted while their
/// connections are still open, so a stream ends with `response.failed` instead of being cut silently.
final class ShutdownDrain: Sendable {
    private let expiredFlag = Atomic<Bool>(false)

    var expired: Bool { expiredFlag.load(ordering: .relaxed) }

    func expire() { expiredFlag.store(true, ordering: .relaxed) }
}

/// Starts the drain clock when graceful shutdown begins, and expires the drain shortly before the service
/// group's own deadline (which cancels the server and closes the connections). Listed last, it is the first
/// service the group shuts down (the group goes in reverse order), and it returns at once so the server's
/// own shutdown is not held up by the clock.
struct ShutdownDrainService: Service {
    let drain: ShutdownDrain
    let grace: Duration

    /// Time left to write the final events before the group cancels everything.
    static func margin(for grace: Duration) -> Duration { min(.seconds(2), grace / 4) }

    func run() async throws {
        // Returns when shutdown begins, or throws when the group is cancelled (then there is nothing to drain).
        guard (try? await gracefulShutdown()) != nil else { return }
        let (drain, wait) = (drain, grace - Self.margin(for: grace))
        Task {
            try? await Task.sleep(for: wait)
            drain.expire()
        }
    }
}

/// Why a request's work was cut short.
enum Interruption: Sendable, Equatable {
    case clientGone
    case shuttingDown

    var error: GatewayError {
        switch self {
        case .clientGone: .clientClosedRequest()
        case .shuttingDown: .shuttingDown()
        }
    }
}
