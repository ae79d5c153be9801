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
