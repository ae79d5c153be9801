import NIOCore
import NIOHTTP1

/// HTTP/1.0 semantics, which the HTTPTypes conversion after the decoder cannot express: the answer is
/// an HTTP/1.0 response (no chunked encoding: a body without length ends when the connection closes)
/// and the connection closes after it, whatever the client's keep-alive said. A connection whose first
/// request is HTTP/1.1 does not need it, and it leaves the pipeline.
final class HTTP10Handler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private var http10 = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data) else { return context.fireChannelRead(data) }
        http10 = head.version == .http1_0
        guard http10 else {
            // An HTTP/1.1 connection may be upgraded to a WebSocket, after which what passes here is frames.
            context.fireChannelRead(data)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        // Hummingbird ends the connection after answering a request that says `Connection: close`.
        head.headers.replaceOrAdd(name: "connection", value: "close")
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard http10, case .head(var head) = unwrapOutboundIn(data) else { return context.write(data, promise: promise) }
        head.version = .http1_0
        head.headers.remove(name: "transfer-encoding")
        head.headers.replaceOrAdd(name: "connection", value: "close")
        context.write(wrapOutboundOut(.head(head)), promise: promise)
    }
}
