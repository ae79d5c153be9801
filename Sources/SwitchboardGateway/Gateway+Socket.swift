import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import SwitchboardCore

extension Gateway {
    /// The HTTP/1 server: WebSocket upgrade of the responses routes, and the protocol hardening (`GatewayHTTPChannel`).
    func server() -> HTTPServerBuilder {
        let routes = ResponsesSocketRoutes(proxy: proxy, access: access, requestLog: requestLog, maxMessageBytes: configuration.maxBodyBytes, logger: logger)
        // One frame may carry a whole message (Codex does not fragment), so frames get the body limit too.
        let ws = WebSocketServerConfiguration(
            maxFrameSize: min(configuration.maxBodyBytes, Int(UInt32.max)), autoPing: .enabled(timePeriod: .seconds(Defaults.webSocketPingInterval)))
        return GatewayHTTPChannel.builder(
            clientTimeout: .seconds(configuration.clientTimeout), maxConnections: configuration.maxConnections,
            webSocketRouter: routes.router(), webSocket: ws)
    }
}
