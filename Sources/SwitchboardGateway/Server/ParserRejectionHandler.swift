import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Requests the HTTP parser rejects (bad or duplicate Content-Length, too many or too large headers,
/// an unknown method, broken chunked framing) get the error envelope, not Hummingbird's bare 400, and
/// the connection is closed: once the framing is lost nothing after it can be trusted.
final class ParserRejectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// A request has been handed on and its answer is not complete yet.
    private var requestInFlight = false
    private var framingLost = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !framingLost else { return }
        if case .head = unwrapInboundIn(data) { requestInFlight = true }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = unwrapOutboundIn(data) else { return context.write(data, promise: promise) }
        requestInFlight = false
        guard framingLost else { return context.write(data, promise: promise) }
        let channel = context.channel
        context.writeAndFlush(data).whenComplete { result in
            promise?.completeWith(result)
            EnvelopeWriter.closeLingering(channel)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let detail = Self.rejection(error) else { return context.fireErrorCaught(error) }
        framingLost = true
        if requestInFlight {
            // A route is reading this request's body: it gets the error and answers (400, see ErrorMiddleware).
            context.fireErrorCaught(error)
        } else {
            EnvelopeWriter.answer(.malformedRequest(detail), context: context, wrap: wrapOutboundOut)
        }
    }

    /// What the parser objected to, when `error` is a parser rejection.
    static func rejection(_ error: any Error) -> String? {
        switch error {
        case let error as HTTPParserError: "\(error)"
        case is HTTP1TypeConversionError: "the request head cannot be represented (missing or invalid method, path or authority)"
        default: nil
        }
    }
}
