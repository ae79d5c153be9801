import NIOCore
import NIOHTTPTypes

/// A client that closes its sending side has left, as nginx treats it: the connection is closed, so the
/// request's watch cancels the upstream call instead of finishing it for nobody. (Hummingbird allows
/// half-closed connections, so without this a client killed while waiting leaves an open channel until
/// the answer is written.) A body cut short by the close is still reported as malformed first: the
/// decoder handles the end of input before this handler sees it.
final class ClientEOFHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .inputClosed? = event as? ChannelEvent { context.close(promise: nil) }
        context.fireUserInboundEventTriggered(event)
    }
}
