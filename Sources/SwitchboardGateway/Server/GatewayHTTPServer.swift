import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// Hummingbird's HTTP/1 channel with the gateway's protocol hardening: a client timeout (header, body
/// and keep-alive reads), a cap on open connections, the error envelope for requests the HTTP parser
/// rejects, and HTTP/1.0 semantics.
struct GatewayHTTPChannel: HTTPChannelHandler {
    typealias Value = HTTP1Channel.Value

    let inner: HTTP1Channel
    let connections: OpenConnections

    var responder: HTTPChannelHandler.Responder { inner.responder }

    static func builder(clientTimeout: Duration, maxConnections: Int) -> HTTPServerBuilder {
        let connections = OpenConnections(limit: maxConnections)
        return HTTPServerBuilder { responder in
            // Hummingbird's idle timer closes a connection that has not delivered a request part for the
            // timeout while no answer is being written: an unfinished head, a stalled body, an idle keep-alive.
            let configuration = HTTP1Channel.Configuration(
                additionalChannelHandlers: [ParserRejectionHandler(), ConnectionCapHandler(connections: connections), ClientEOFHandler()],
                idleTimeout: TimeAmount(clientTimeout))
            return GatewayHTTPChannel(inner: HTTP1Channel(responder: responder, configuration: configuration), connections: connections)
        }
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        inner.setup(channel: channel, logger: logger).flatMapThrowing { value in
            // HTTP/1.0 needs the protocol version, which ends at the HTTPTypes conversion: sits right after the decoder.
            let decoder = try channel.pipeline.syncOperations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try channel.pipeline.syncOperations.addHandler(HTTP10Handler(), position: .after(decoder))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}
