import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Counts the connection while it is open; a connection past the cap gets its first request answered
/// 503 `server_busy` and is closed, so a flood of idle connections costs the others a quick refusal
/// rather than a hang.
final class ConnectionCapHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let connections: OpenConnections
    private var counted = false
    private var overCap = false

    init(connections: OpenConnections) { self.connections = connections }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { count() }
    }

    func channelActive(context: ChannelHandlerContext) {
        count()
        context.fireChannelActive()
    }

    private func count() {
        guard !counted else { return }
        counted = true
        overCap = !connections.open()
    }

    func handlerRemoved(context: ChannelHandlerContext) { release() }

    func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    private func release() {
        guard counted else { return }
        counted = false
        connections.close()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard overCap else { return context.fireChannelRead(data) }
        // Nothing of this connection reaches the router: its first request is answered here, then it closes.
        if case .head = unwrapInboundIn(data) {
            EnvelopeWriter.answer(.serverBusy(limit: connections.limit), context: context, wrap: wrapOutboundOut)
        }
    }
}
