import Foundation
import PostgresNIO
import Synchronization

/// What `ChangeCounter` reads on PostgreSQL: a `LISTEN` on `switchboard_changes` (every committed change
/// of accounts or API keys notifies, its payload naming the table) for a prompt reload, and the
/// `store_changes` counter read at most once per `fallback` in case a notification was missed (the
/// listening connection dropped). Either moving moves the number, so the pool watcher reloads, which
/// re-reads only the rows whose version moved.
final class PostgresChangeWatch: Sendable {
    static let channel = "switchboard_changes"

    private let connections: PostgresConnections
    private let fallback: Duration
    private let notifications = Atomic<Int>(0)
    private let listener = Mutex<PostgresSession?>(nil)
    private let counter = Mutex<(value: Int, readAt: ContinuousClock.Instant)?>(nil)

    init(connections: PostgresConnections, fallback: Duration = .seconds(1)) {
        self.connections = connections
        self.fallback = fallback
    }

    deinit {
        listener.withLock { $0?.close() }
    }

    func current() throws -> Int {
        listen()
        let now = ContinuousClock.now
        let stored = try counter.withLock { counter -> Int in
            if let counter, now - counter.readAt < fallback { return counter.value }
            let value: Int = try connections.session { try $0.row("SELECT counter FROM store_changes WHERE id = 1")?["counter"] ?? 0 }
            counter = (value, now)
            return value
        }
        return notifications.load(ordering: .relaxed) &* 1_000_003 &+ stored
    }

    /// (Re)opens the listening connection when there is none or it dropped; failing that, the counter serves.
    private func listen() {
        listener.withLock { listener in
            if let listener, !listener.connection.isClosed { return }
            listener?.close()
            listener = nil
            guard let session = try? connections.dedicated() else { return }
            session.connection.addListener(channel: Self.channel) { [weak self] _, _ in
                self?.notifications.add(1, ordering: .relaxed)
            }
            guard (try? session.execute("LISTEN \(Self.channel)")) != nil else { session.close(); return }
            listener = session
        }
    }
}
