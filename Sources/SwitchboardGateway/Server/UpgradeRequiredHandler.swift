import NIOCore
import NIOHTTP1

/// A WebSocket upgrade asked of a route that serves none gets 426, which makes Codex fall back to HTTP
/// at once (hummingbird-websocket would answer a bare 400, and a 404/405 costs Codex five reconnects).
/// Like the upgrade itself, only a connection's first request is looked at; the handler then leaves.
final class UpgradeRequiredHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// The paths that take an upgrade.
    let socketPaths: Set<String>
    private var refused = false

    init(socketPaths: Set<String>) { self.socketPaths = socketPaths }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // The refused request's body, if any, is dropped while the answer is written and the connection closes.
        if refused { return }
        guard case .head(let head) = unwrapInboundIn(data) else { return context.fireChannelRead(data) }
        let path = String(head.uri.prefix { $0 != "?" })
        let asksForSocket = head.headers[canonicalForm: "upgrade"].contains { $0.lowercased() == "websocket" }
        guard asksForSocket, !socketPaths.contains(path) else {
            context.fireChannelRead(data)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        refused = true
        EnvelopeWriter.answer(.webSocketNotServed(path, socketPaths: socketPaths.sorted()), context: context, wrapHTTP1: wrapOutboundOut)
    }
}
