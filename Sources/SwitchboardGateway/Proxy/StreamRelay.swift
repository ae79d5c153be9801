import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardUpstream

/// Passes an upstream SSE stream to the client byte for byte, as it arrives. If the upstream breaks
/// after the first byte, the client gets a `response.failed` event instead of a silent end. How it
/// ended goes on the trace, which `RequestLogMiddleware` finishes once the body is written.
enum StreamRelay {
    static func response(_ opened: OpenedStream, events: UpstreamEvents, watch: RequestWatch) -> Response {
        let cut = { @Sendable (status: Int) in events.trace.update { $0.streamStatus = status } }
        return Response(status: .ok, headers: headers(opened, events), body: ResponseBody { writer in
            let (end, interruption) = await watch.during(interrupt: opened.response.body.cancel) {
                await events.relay { try await writer.write(ByteBuffer(bytes: $0)) }
            }
            switch interruption {
            case .clientGone?:
                return cut(499)
            case .shuttingDown?:
                try? await writer.write(ByteBuffer(bytes: Array("\n\n".utf8) + GatewayError.shuttingDown().failedEvent(detail: "the shutdown grace ended")))
                try? await writer.finish(nil)
                return cut(503)
            case nil:
                break
            }
            switch end {
            case .completed, .failed:
                try? await writer.finish(nil)
            case .truncated(let detail):
                // The blank line first ends an event the upstream broke off mid-way (a no-op between
                // events), so the failure arrives as an event of its own, not glued onto a fragment.
                try? await writer.write(ByteBuffer(bytes: Array("\n\n".utf8) + GatewayError.streamTruncated().failedEvent(detail: detail)))
                try? await writer.finish(nil)
                cut(502)
            case .clientGone:
                cut(499)
            }
        })
    }

    /// Headers of an SSE answer (the upstream's own, minus framing); marks the request as streaming,
    /// so its log line is written when the stream ends.
    static func headers(_ opened: OpenedStream, _ events: UpstreamEvents) -> HTTPFields {
        var headers = ForwardedHeaders.client(from: opened.response.headers)
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        events.trace.update { $0.streaming = true }
        return headers
    }
}
