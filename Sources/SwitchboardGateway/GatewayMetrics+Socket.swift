import Metrics
import Synchronization

/// WebSocket metrics: sockets open now, sockets opened and refused, and turns by outcome.
extension GatewayMetrics {
    private static let openSocketCount = Atomic<Int>(0)

    static func socketOpened(route: SocketRoute) {
        Counter(label: "switchboard_websocket_connections_total", dimensions: [("route", route.rawValue)]).increment()
        Gauge(label: "switchboard_websocket_open").record(openSocketCount.add(1, ordering: .relaxed).newValue)
    }

    static func socketClosed() {
        Gauge(label: "switchboard_websocket_open").record(openSocketCount.subtract(1, ordering: .relaxed).newValue)
    }

    static func socketRefused(route: SocketRoute) {
        Counter(label: "switchboard_websocket_refused_total", dimensions: [("route", route.rawValue)]).increment()
    }

    /// `outcome`: completed, failed (the upstream's `response.failed`), truncated, error (the gateway's
    /// own error message), prewarm, cancelled (the client left).
    static func socketTurn(route: SocketRoute, outcome: String) {
        Counter(label: "switchboard_websocket_turns_total", dimensions: [("route", route.rawValue), ("outcome", outcome)]).increment()
    }

    static var openSockets: Int { openSocketCount.load(ordering: .relaxed) }
}
