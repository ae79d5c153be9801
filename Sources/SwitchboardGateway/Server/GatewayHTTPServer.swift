import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTP1

/// Hummingbird's HTTP/1 channel with the WebSocket upgrade of the responses routes and the gateway's
/// protocol hardening: a client timeout (header, body and keep-alive reads), a cap on open connections,
/// the error envelope for requests the HTTP parser rejects, and HTTP/1.0 semantics.
struct GatewayHTTPChannel: HTTPChannelHandler {
    typealias Value = HTTP1WebSocketUpgradeChannel.Value

    let inner: HTTP1WebSocketUpgradeChannel
    let clientTimeout: TimeAmount

    var responder: HTTPChannelHandler.Responder { inner.responder }

    static func builder<WebSocketRouter: HTTPResponderBuilder>(
        clientTimeout: Duration, maxConnections: Int, webSocketRouter: WebSocketRouter, webSocket: WebSocketServerConfiguration
    ) -> HTTPServerBuilder where WebSocketRouter.Responder.Context: WebSocketRequestContext {
        let connections = OpenConnections(limit: maxConnections)
        let webSocketResponder = webSocketRouter.buildResponder()
        return HTTPServerBuilder { responder in
            // Hummingbird's idle timer closes a connection that has not delivered a request part for the
            // timeout while no answer is being written: a stalled body, an idle keep-alive. (Until the first
            // head arrives, `FirstHeadTimeout` does it: the upgrade pipeline adds these handlers only then.)
            let http1 = HTTP1Channel.Configuration(
                additionalChannelHandlers: [ParserRejectionHandler(), ConnectionCapHandler(connections: connections), ClientEOFHandler()],
                idleTimeout: TimeAmount(clientTimeout))
            let inner = HTTP1WebSocketUpgradeChannel(
                responder: responder, webSocketResponder: webSocketResponder, configuration: .init(http1: http1, ws: webSocket))
            return GatewayHTTPChannel(inner: inner, clientTimeout: TimeAmount(clientTimeout))
        }
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        inner.setup(channel: channel, logger: logger).flatMapThrowing { value in
            // HTTP/1.0 needs the protocol version, which ends at the HTTPTypes conversion: sits right after the decoder.
            let decoder = try channel.pipeline.syncOperations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try channel.pipeline.syncOperations.addHandler(HTTP10Handler(), position: .after(decoder))
            try channel.pipeline.syncOperations.addHandler(UpgradeRequiredHandler(socketPaths: Set(SocketRoute.allCases.map(\.rawValue))), position: .after(decoder))
            try channel.pipeline.syncOperations.addHandler(FirstHeadTimeout(timeout: clientTimeout), position: .after(decoder))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        var logger = logger
        logger.handler = UpgradeOutcomeLogFilter(base: logger.handler)
        await inner.handle(value: value, logger: logger)
    }
}

/// hummingbird-websocket logs at error level whenever a connection ends before its first request was
/// decided (upgrade or not): a client that left, or one the parser rejected and `FirstHeadTimeout`
/// already answered. Neither is the operator's problem, so that one message is logged at debug.
struct UpgradeOutcomeLogFilter: LogHandler {
    var base: any LogHandler

    var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        if event.level == .error, event.message.description == "Error handling upgrade result" {
            guard base.logLevel <= .debug else { return }
            event.level = .debug
        }
        base.log(event: event)
    }
}

/// Until the first request head: closes a connection whose head is not complete within the client timeout (a client
/// sending headers a byte at a time, or never finishing them). It leaves the pipeline with the first
/// head: after a WebSocket upgrade the bytes that pass are frames, not HTTP parts.
final class FirstHeadTimeout: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let timeout: TimeAmount
    private var timer: Scheduled<Void>?

    init(timeout: TimeAmount) { self.timeout = timeout }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) { timer?.cancel() }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head = unwrapInboundIn(data) else { return context.fireChannelRead(data) }
        timer?.cancel()
        timer = nil
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    /// The first request the parser rejects gets the envelope too (`ParserRejectionHandler` answers
    /// later ones, but the upgrade pipeline only installs it once a head got through).
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let detail = ParserRejectionHandler.rejection(error) else { return context.fireErrorCaught(error) }
        timer?.cancel()
        EnvelopeWriter.answer(.malformedRequest(detail), context: context, wrapHTTP1: wrapOutboundOut)
    }
}
