import Foundation
import Hummingbird
import Logging
import NIOCore

/// A scriptable fake of the ChatGPT backend (`/backend-api/...`) and the OpenAI auth server
/// (`/oauth/token`, login endpoints) on one port, plus a JSON control API under `/_mock`.
///
/// Point a gateway at it with `upstreamBaseURL = mock.baseURL + "/backend-api"` and
/// `authBaseURL = mock.baseURL`. Drive it in-process (`createAccount`, `scriptRefresh`, `counters`…)
/// or over HTTP (see `ControlRoutes.swift` for the routes).
public final class MockUpstream: Sendable {
    /// The running server, if any.
    private struct Server {
        var task: Task<Void, any Error>?
        var host = "127.0.0.1"
        var port: Int?
    }

    public let configuration: Configuration
    let state: Locked<MockState>
    let control: MockControl
    private let server = Locked(Server())

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.state = Locked(MockState(configuration: configuration))
        self.control = MockControl(state: state)
    }

    /// The port the server listens on; nil until `start` (or `run`) has bound it.
    public var port: Int? { server.withLock { $0.port } }

    /// `http://HOST:PORT` of the running server (the auth base URL); port 0 before it is bound.
    public var baseURL: String {
        server.withLock { server in
            let host = server.host == "0.0.0.0" || server.host == "::" ? "127.0.0.1" : server.host
            return "http://\(host):\(server.port ?? 0)"
        }
    }

    /// `baseURL + "/backend-api"`, the upstream base URL for a gateway.
    public var upstreamBaseURL: String { baseURL + "/backend-api" }

    /// The Hummingbird application serving the mock; `onRunning` receives the bound port.
    /// Use it with `HummingbirdTesting`, or host it yourself.
    public func application(
        host: String = "127.0.0.1", port: Int = 0, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> Application<RouterResponder<BasicRequestContext>> {
        var logger = Logger(label: "mock-upstream")
        logger.logLevel = configuration.logLevel
        let routes = MockRoutes(state: state, configuration: configuration)
        return Application(
            router: routes.router(),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "mock-upstream", backlog: 1024),
            onServerRunning: { [server] channel in
                let bound = channel.localAddress?.port ?? port
                server.withLock {
                    $0.host = host
                    $0.port = bound
                }
                await onRunning(bound)
            },
            logger: logger
        )
    }

    /// Starts serving in the background and returns the bound port (`port` 0 picks a free one).
    public func start(host: String = "127.0.0.1", port: Int = 0) async throws -> Int {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = application(host: host, port: port) { bound in
            continuation.yield(bound)
            continuation.finish()
        }
        let task = try server.withLock { server throws(MockUpstreamError) -> Task<Void, any Error> in
            guard server.task == nil else { throw .alreadyStarted }
            let task = Task {
                defer { continuation.finish() }
                try await app.run()
            }
            server.task = task
            return task
        }
        for await bound in ports { return bound }
        // The server ended before it listened: report why.
        server.withLock { $0.task = nil }
        try await task.value
        throw MockUpstreamError.notStarted
    }

    /// Stops the server started by `start`; hanging and stalled requests are released.
    public func stop() async {
        guard let task = server.withLock({ server -> Task<Void, any Error>? in
            defer { server.task = nil; server.port = nil }
            return server.task
        }) else { return }
        task.cancel()
        _ = await task.result
    }

    /// Serves in the foreground until the task is cancelled or the process gets SIGINT/SIGTERM
    /// (for `switchboard mock-upstream --port P` and the demo). `onReady` receives the bound port.
    public func run(host: String = "127.0.0.1", port: Int = 0, onReady: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        defer { server.withLock { $0.port = nil } }
        try await application(host: host, port: port, onRunning: onReady).runService()
    }
}
