import SwitchboardCore
import Logging

/// The libcurl transport: one event-loop thread and one multi handle for all transfers, with
/// connection reuse, HTTP/2 where the server offers it, backpressure and prompt cancellation.
/// Proxies come from curl's usual environment variables; `CURL_CA_BUNDLE` / `SSL_CERT_FILE`
/// (and `SSL_CERT_DIR`) choose the CA certificates when set. Request headers and bodies are
/// never logged.
public final class CurlTransport: HTTPTransport {
    /// A process-wide transport for callers that have no reason to own one.
    public static let shared = CurlTransport()

    private let loop: CurlEventLoop

    public init(logger: Logger = Logger(label: "switchboard.upstream.curl")) {
        loop = CurlEventLoop(logger: logger)
    }

    deinit {
        loop.shutdown()
    }

    /// Loop threads this transport runs (1 while it is alive), however many transfers are open.
    public var eventLoopThreadCount: Int { loop.runningThreads.load(ordering: .relaxed) }

    /// Transfers currently on the multi handle (as of the loop's last turn).
    public var activeTransferCount: Int { loop.activeTransfers.load(ordering: .relaxed) }

    public func send(_ request: UpstreamRequest) async throws -> UpstreamResponse {
        if Task.isCancelled { throw TransportError.cancelled }
        let channel = loop.open(request)
        let body = UpstreamResponseBody(transfer: channel, owner: self)  // dropping it (on any exit) cancels the transfer
        let head = try await channel.head()
        return UpstreamResponse(status: head.status, headers: head.headers, body: body)
    }
}
