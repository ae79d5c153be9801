import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// The context of a WebSocket handshake: the client's address (for the loopback-only rule) and the
/// slot through which the router hands Hummingbird the socket's handler.
struct SocketRequestContext: RequestContext, WebSocketRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?
    let webSocket = WebSocketHandlerReference<SocketRequestContext>()

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
