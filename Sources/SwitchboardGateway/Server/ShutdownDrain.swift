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

/// Waits for graceful shutdown, then expires the drain shortly before the service group's own
/// deadline (which cancels the server and closes the connections).
struct ShutdownDrainService: Service {
    let drain: ShutdownDrain
    let grace: Duration

    /// Time left to write the final events before the group cancels everything.
    static func margin(for grace: Duration) -> Duration { min(.seconds(1), grace / 5) }

    func run() async throws {
        // Returns when shutdown begins (or this task is cancelled).
        try? await gracefulShutdown()
        try? await Task.sleep(for: grace - Self.margin(for: grace))
        drain.expire()
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
