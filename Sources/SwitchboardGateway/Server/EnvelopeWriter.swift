import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers from inside the channel pipeline (before any route runs) with the OpenAI error envelope,
/// then closes the connection: its sending side first, so what the client is still sending (the rest of a
/// huge header) is read and dropped rather than answered with a reset that could destroy the answer.
enum EnvelopeWriter {
    /// How long a rejected client may go on sending before the connection is closed outright.
    static let linger: TimeAmount = .seconds(2)

    static func answer(_ error: GatewayError, context: ChannelHandlerContext, wrap: (HTTPResponsePart) -> NIOAny) {
        let body = ByteBuffer(bytes: error.envelope.encodedBytes())
        var headers = error.headers
        headers[.contentLength] = String(body.readableBytes)
        headers[.connection] = "close"
        context.write(wrap(.head(HTTPResponse(status: error.status, headerFields: headers))), promise: nil)
        context.write(wrap(.body(body)), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrap(.end(nil))).whenComplete { _ in closeLingering(channel) }
    }

    /// The same, in NIO's HTTP/1 parts: for a connection whose first request head never got through the
    /// parser (before Hummingbird's HTTPTypes conversion is in the pipeline).
    static func answer(_ error: GatewayError, context: ChannelHandlerContext, wrapHTTP1 wrap: (HTTPServerResponsePart) -> NIOAny) {
        let body = ByteBuffer(bytes: error.envelope.encodedBytes())
        var headers = HTTPHeaders(error.headers.map { ($0.name.rawName, $0.value) })
        headers.replaceOrAdd(name: "content-length", value: String(body.readableBytes))
        headers.replaceOrAdd(name: "connection", value: "close")
        let status = HTTPResponseStatus(statusCode: error.status.code, reasonPhrase: error.status.reasonPhrase)
        context.write(wrap(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrap(.body(.byteBuffer(body))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrap(.end(nil))).whenComplete { _ in closeLingering(channel) }
    }

    /// Closes the sending side now and the whole connection when the client closes its own, or after `linger`.
    static func closeLingering(_ channel: any Channel) {
        channel.close(mode: .output, promise: nil)
        channel.eventLoop.scheduleTask(in: linger) { channel.close(promise: nil) }
    }
}
