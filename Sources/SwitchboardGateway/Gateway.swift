import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import SwitchboardCore
import SwitchboardStore
import SwitchboardUpstream

/// The assembled gateway: store, pool, credentials, the HTTP routes and the background services.
public final class Gateway: Sendable {
    public let configuration: Configuration
    public let store: AccountStore
    public let pool: AccountPool
    public let credentials: Credentials
    public let access: ClientAccess
    /// The build, as `/health` reports it.
    public let version: String
    public let requestLog: RequestLog
    let transport: any HTTPTransport
    let clients: UpstreamClients
    /// The one proxy the HTTP routes and the sockets share (it remembers which account issued each turn state).
    let proxy: ResponsesProxy
    let logger: Logger
    let drain = ShutdownDrain()
    /// This instance's name in the shared database's `members` table.
    public let member = "\(Gateway.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"

    /// The machine's name as the kernel has it (no name lookup, unlike `ProcessInfo.hostName`).
    static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "host" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The typed upstream clients, all on one transport.
    struct UpstreamClients: Sendable {
        let token: TokenClient
        let usage: UsageClient
        let responses: ResponsesClient
        let models: ModelsClient
    }

    /// `clock` is the time the status rules and the background services run on (tests pass one they advance).
    public init(
        configuration: Configuration, store: AccountStore, transport: any HTTPTransport = CurlTransport.shared, allowUnauthenticated: Bool = false,
        version: String = "dev", clock: any GatewayClock = SystemClock(), logger: Logger
    ) throws {
        GatewayMetrics.bootstrap()
        self.version = version
        self.configuration = configuration
        self.store = store
        self.transport = transport
        self.logger = logger
        clients = UpstreamClients(
            token: TokenClient(transport: transport, authBaseURL: configuration.authBaseURL, timeout: .seconds(Defaults.tokenCallTimeout)),
            usage: UsageClient(transport: transport, upstreamBaseURL: configuration.upstreamBaseURL, now: { clock.now }),
            responses: ResponsesClient(
                transport: transport, upstreamBaseURL: configuration.upstreamBaseURL,
                idleTimeout: .seconds(configuration.streamIdleTimeout), firstByteTimeout: .seconds(configuration.firstByteTimeout)),
            models: ModelsClient(transport: transport, upstreamBaseURL: configuration.upstreamBaseURL))
        let alerter = Alerter(logger: logger, webhookURL: configuration.alertWebhookURL, transport: transport)
        pool = AccountPool(store: store, policy: configuration.lifecyclePolicy, alerter: alerter, logger: logger, clock: clock)
        credentials = Credentials(pool: pool, tokenClient: clients.token, logger: logger)
        proxy = ResponsesProxy(pool: pool, credentials: credentials, client: clients.responses, turnStates: TurnStates(), logger: logger)
        access = try ClientAccess(store: store, allowUnauthenticated: allowUnauthenticated)
        requestLog = RequestLog(accounting: try KeyAccounting(store: store, clock: clock), capacity: Defaults.requestLogQueue, keepsRows: configuration.requestLogDays > 0)
        try pool.reload()
        // Joins the other instances before the first usage poll, so nothing is polled twice at start.
        try pool.heartbeat(as: member, timeout: configuration.heartbeatTimeout)
    }

    func router() -> Router<GatewayContext> {
        let routes = routeTable()
        let table = RouteTable(routes)
        let router = Router(context: GatewayContext.self)
        // Outermost first: the log sees every answer, errors become envelopes, then access is checked.
        router.add(middleware: RequestLogMiddleware(routes: table, requestLog: requestLog))
        router.add(middleware: ErrorMiddleware(routes: table, maxBodyBytes: configuration.maxBodyBytes))
        router.add(middleware: AccessMiddleware(access: access))
        router.add(routes)
        return router
    }

    /// Every HTTP route, once (the WebSocket upgrades of the responses routes are in `server()`).
    func routeTable() -> [GatewayRoute] {
        let responses = ResponsesRoutes(proxy: proxy, maxBodyBytes: configuration.maxBodyBytes, drain: drain, limits: requestLog.accounting)
        let chat = ChatRoutes(proxy: proxy, maxBodyBytes: configuration.maxBodyBytes, drain: drain, limits: requestLog.accounting)
        let compaction = CompactionRoutes(proxy: proxy, maxBodyBytes: configuration.maxBodyBytes)
        let models = ModelsRoutes(pool: pool, credentials: credentials, client: clients.models)
        let usage = UsageRoutes(pool: pool)
        let health = HealthRoutes(pool: pool, version: version)
        let dashboard = DashboardRoutes(access: access, page: DashboardPage(pool: pool, store: store, accounting: requestLog.accounting))
        return [
            GatewayRoute(.post, "/v1/responses", responses.responses),
            GatewayRoute(.post, "/v1/chat/completions", chat.completions),
            GatewayRoute(.get, "/v1/models", models.openAI),
            GatewayRoute(.post, "/v1/responses/compact", compaction.compact),
            GatewayRoute(.post, "/backend-api/codex/responses", responses.codex),
            GatewayRoute(.post, "/backend-api/codex/responses/compact", compaction.compact),
            GatewayRoute(.get, "/backend-api/codex/models", models.codex),
            GatewayRoute(.get, "/backend-api/wham/usage", usage.usage),
            GatewayRoute(.get, "/health", { health.alive($0, $1) }),
            GatewayRoute(.get, "/health/ready", { health.ready($0, $1) }),
            GatewayRoute(.get, "/metrics", listed: false) { _, _ in
                Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(bytes: GatewayMetrics.exposition())))
            },
            GatewayRoute(.get, "/", listed: false, { dashboard.redirect($0, $1) }),
            GatewayRoute(.get, "/dashboard", listed: false, dashboard.show),
            GatewayRoute(.post, "/dashboard", listed: false, dashboard.signIn),
        ]
    }

    /// The HTTP application: the router behind the hardened HTTP/1 + WebSocket channel (`server()`).
    /// `services` runs it; tests drive the same router in-process (HummingbirdTesting's `.test(.router)`).
    public func application(
        host: String = "127.0.0.1", port: Int = 0, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> Application<RouterResponder<GatewayContext>> {
        Application(
            router: router(),
            server: server(),
            configuration: .init(address: .hostname(host, port: port), serverName: "switchboard", backlog: Defaults.listenBacklog),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    /// The HTTP server and the background services, ready for one `ServiceGroup`.
    public func services(host: String, port: Int, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> [any Service] {
        let app = application(host: host, port: port, onServerRunning: onServerRunning)
        // Services stop in reverse order: the drain first, the request-log writer last (after the server,
        // so the last requests' rows are written).
        return [
            RequestLogWriter(
                log: requestLog, store: store, retentionDays: configuration.requestLogDays, maxRows: configuration.requestLogMaxRows,
                interval: Defaults.requestLogFlushInterval, pruneInterval: Defaults.requestLogPruneInterval, logger: logger),
            app,
            try PoolWatcher(pool: pool, access: access, limits: requestLog.accounting, interval: Defaults.changePollInterval, logger: logger),
            UsagePoller(pool: pool, credentials: credentials, client: clients.usage, interval: configuration.usageInterval, logger: logger),
            AuthRetrier(pool: pool, credentials: credentials, interval: configuration.authRetryInterval, logger: logger),
            Membership(pool: pool, member: member, timeout: configuration.heartbeatTimeout, logger: logger),
            ShutdownDrainService(drain: drain, grace: .seconds(configuration.shutdownGrace)),
        ]
    }

    /// Sends later deactivation alerts to `url` (nil: log only); a reload, no restart.
    public func setAlertWebhookURL(_ url: String?) { pool.alerter.setWebhookURL(url) }

    /// Serves until SIGTERM/SIGINT; open streams get the shutdown grace to finish. `additional` run beside
    /// the gateway (e.g. the SIGHUP reload).
    public func run(additional: [any Service] = []) async throws {
        var group = ServiceGroupConfiguration(services: try services(host: configuration.host, port: configuration.port) + additional, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        group.maximumGracefulShutdownDuration = .seconds(configuration.shutdownGrace)
        try await ServiceGroup(configuration: group).run()
    }

    /// Starts in the background (tests, demo): returns once the port is bound.
    public func start(host: String = "127.0.0.1", port: Int = 0) async throws -> RunningGateway {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var configuration = ServiceGroupConfiguration(
            services: try services(host: host, port: port) { continuation.yield($0) }, logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(self.configuration.shutdownGrace)
        let group = ServiceGroup(configuration: configuration)
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let bound = await iterator.next() else { throw ServerDidNotStart() }
        return RunningGateway(port: bound, group: group, task: task)
    }
}

/// The server stopped before it bound its port (the service group ended first, e.g. the port was taken).
public struct ServerDidNotStart: Error, CustomStringConvertible {
    public var description: String { "the server stopped before it was listening (is the port in use?)" }
}

/// A gateway started with `Gateway.start`.
public struct RunningGateway: Sendable {
    public let port: Int
    let group: ServiceGroup
    let task: Task<Void, any Error>

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }
}
