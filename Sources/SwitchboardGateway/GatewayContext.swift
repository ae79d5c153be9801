import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// The per-request context: Hummingbird's core context, the client's address (for the
/// loopback-only rule) and the trace that becomes the request's one log line.
public struct GatewayContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    public let trace = RequestTrace()
    /// The client's connection: whether it is still open tells whether anyone waits for the answer.
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        channel = source.channel
    }
}

/// What is learned while serving one request, logged once when it ends (for streams: when the stream ends).
public final class RequestTrace: Sendable {
    struct Fields {
        var account: String?
        var timeToFirstByte: Duration?
        var inputTokens: Int?
        var outputTokens: Int?
        var streaming = false
        /// The status a stream's end is logged with when it was cut (499 client gone, 502 truncated, 503
        /// shutdown); nil: 200, or 499 if writing the body failed.
        var streamStatus: Int?
        var attempts = 0
        // For the request log (RequestTrace+LogEntry.swift): nil `log` means the route is not logged.
        var log: RequestLog?
        var keyID: String?
        var model: String?
        var userAgent: String?
        var cachedTokens: Int?
        var reasoningTokens: Int?
        var errorCode: String?
        var transport = "http"
    }

    let started = ContinuousClock.now
    private let fields = Mutex(Fields())

    func update(_ change: (inout Fields) -> Void) { fields.withLock { change(&$0) } }
    var snapshot: Fields { fields.withLock { $0 } }

    /// Writes the request's log line and metrics.
    func finish(route: String, status: Int, requestID: String, logger: Logger) {
        let fields = snapshot
        let duration = ContinuousClock.now - started
        GatewayMetrics.request(route: route, status: status, duration: duration)
        fields.log?.record(Self.entry(fields, route: route, status: status, requestID: requestID, duration: duration))
        guard logger.logLevel <= .info else { return }  // the metadata below costs more than the rest of a request's bookkeeping
        var metadata: Logger.Metadata = [
            "request_id": "\(requestID)", "route": "\(route)", "status": "\(status)",
            "duration_ms": "\(duration.milliseconds)",
        ]
        if let account = fields.account { metadata["account"] = "\(account)" }
        if let ttfb = fields.timeToFirstByte { metadata["ttfb_ms"] = "\(ttfb.milliseconds)" }
        if let input = fields.inputTokens { metadata["input_tokens"] = "\(input)" }
        if let output = fields.outputTokens { metadata["output_tokens"] = "\(output)" }
        if fields.attempts > 1 { metadata["attempts"] = "\(fields.attempts)" }
        logger.info("request", metadata: metadata)
    }
}

extension Duration {
    /// Whole and fractional milliseconds, for log lines.
    var milliseconds: String {
        let (seconds, attoseconds) = components
        return String(format: "%.2f", Double(seconds) * 1000 + Double(attoseconds) / 1e15)
    }
}
