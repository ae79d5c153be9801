import Foundation
import Hummingbird
import Logging
import Synchronization

/// Runs a Hummingbird server with `routes` on an ephemeral loopback port while `body` runs, passing it
/// the base URL ("http://127.0.0.1:PORT"); the server has stopped (awaited) when this returns or throws.
public func withTestServer<T: Sendable>(
    _ routes: (Router<BasicRequestContext>) -> Void,
    _ body: (String) async throws -> T
) async throws -> T {
    let router = Router()
    routes(router)
    let port = Mutex<Int?>(nil)
    var logger = Logger(label: "test-server")
    logger.logLevel = .critical
    let app = Application(
        router: router,
        configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } },
        logger: logger)
    let server = Task { try await app.run() }
    return try await withTeardown {
        guard await eventually(timeout: .seconds(30), every: .milliseconds(2), { port.withLock { $0 } != nil }), let bound = port.withLock({ $0 }) else {
            throw TestServerError.didNotStart
        }
        return try await body("http://127.0.0.1:\(bound)")
    } teardown: {
        server.cancel()
        _ = await server.result
    }
}

public enum TestServerError: Error { case didNotStart }

/// The bodies a webhook receiver was sent, in order.
public final class WebhookSink: Sendable {
    private let received = Mutex<[Data]>([])
    public var events: [Data] { received.withLock { $0 } }
    fileprivate func append(_ body: Data) { received.withLock { $0.append(body) } }
}

/// A webhook receiver on loopback (`POST /hook`, answered 204), for the gateway's alerts: `body` gets its
/// URL and what it received; the receiver has stopped (awaited) when this returns or throws.
public func withWebhookSink<T: Sendable>(_ body: (_ url: String, _ sink: WebhookSink) async throws -> T) async throws -> T {
    let sink = WebhookSink()
    return try await withTestServer({ router in
        router.post("/hook") { request, _ -> HTTPResponse.Status in
            sink.append(Data(buffer: try await request.body.collect(upTo: 1 << 20)))
            return .noContent
        }
    }) { base in try await body(base + "/hook", sink) }
}
