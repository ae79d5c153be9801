import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers from inside the channel pipeline (before any route runs) with the OpenAI error envelope,
/// then closes the connection.
enum EnvelopeWriter {
    static func answer(_ error: GatewayError, context: ChannelHandlerContext, wrap: (HTTPResponsePart) -> NIOAny) {
        let body = ByteBuffer(bytes: error.envelope.encodedBytes())
        var headers = error.headers
        headers[.contentLength] = String(body.readableBytes)
        headers[.connection] = "close"
        context.write(wrap(.head(HTTPResponse(status: error.status, headerFields: headers))), promise: nil)
        context.write(wrap(.body(body)), promise: nil)
        context.writeAndFlush(wrap(.end(nil))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }
}
