import Foundation
import Synchronization
import SwitchboardStore

/// Where finished requests go: `record` charges the key and queues the row for `RequestLogWriter`.
/// The request path never waits on SQLite; past `capacity` pending rows, rows are dropped and counted.
public final class RequestLog: Sendable {
    /// Routes that are not client requests (probes, scrapes, the status page).
    static let unlogged: Set<String> = ["/health", "/health/ready", "/metrics", "/", "/dashboard"]

    let accounting: KeyAccounting
    let capacity: Int
    /// False when `SWITCHBOARD_REQUEST_LOG_DAYS` is 0: keys are still charged, rows are not kept.
    let keepsRows: Bool
    private let pending = Mutex<[RequestLogEntry]>([])
    private let droppedRows = Atomic<Int>(0)

    public init(accounting: KeyAccounting, capacity: Int, keepsRows: Bool) {
        self.accounting = accounting
        self.capacity = capacity
        self.keepsRows = keepsRows
        GatewayMetrics.requestLogDropped(0)  // exported from the start, not only after the first drop
    }

    /// Records one finished request (HTTP) or turn (WebSocket). Never blocks on I/O.
    public func record(_ entry: RequestLogEntry) {
        if let keyID = entry.keyID { accounting.charge(keyID: keyID, tokens: entry.totalTokens) }
        guard keepsRows else { return }
        let queued = pending.withLock { rows in
            guard rows.count < capacity else { return false }
            rows.append(entry)
            return true
        }
        if !queued {
            droppedRows.add(1, ordering: .relaxed)
            GatewayMetrics.requestLogDropped()
        }
    }

    /// Rows dropped because the queue was full, since start.
    public var dropped: Int { droppedRows.load(ordering: .relaxed) }

    /// Takes every pending row (the writer's next batch).
    func drain() -> [RequestLogEntry] {
        pending.withLock { rows in
            defer { rows = []; rows.reserveCapacity(64) }
            return rows
        }
    }
}
