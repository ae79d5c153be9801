import Synchronization

/// The client connections open right now, against the configured cap.
final class OpenConnections: Sendable {
    let limit: Int
    private let count = Atomic<Int>(0)

    init(limit: Int) { self.limit = limit }

    /// Counts a new connection; false when it is one too many (it is counted all the same, until it closes).
    func open() -> Bool { count.add(1, ordering: .relaxed).newValue <= limit }

    func close() { count.subtract(1, ordering: .relaxed) }

    var current: Int { count.load(ordering: .relaxed) }
}
