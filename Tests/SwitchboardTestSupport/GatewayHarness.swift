import Foundation
import Logging
import MockUpstream
import Synchronization
import SwitchboardCore
import SwitchboardGateway
import SwitchboardStore
import SwitchboardUpstream

/// A mock upstream and a real gateway, each on an ephemeral loopback port, driven over real HTTP.
public final class GatewayHarness: Sendable {
    public let mock: MockUpstream
    public let store: AccountStore
    public let gateway: Gateway
    public let running: RunningGateway
    public let dataDirectory: URL
    public let logs: LogCapture
    public static let transport = CurlTransport()

    /// Starts a harness, runs `body` with it, and stops it (awaited) however `body` ends.
    /// Pass a `TestClock` as `clock` to run the gateway's timed work (retries, polls, resets) when the test advances it.
    /// Script the mock in `prepare`, not in `body`, when the first usage poll must already see the script
    /// (it runs as soon as the gateway starts and may refresh an expired token).
    public static func with(
        emails: [String] = ["one@example.com", "two@example.com"],
        accessTokenLifetime: TimeInterval? = nil,
        loggedInAgo: TimeInterval = 3600,
        startExpired: Bool = false,
        mockConfiguration: MockUpstream.Configuration = MockUpstream.Configuration(),
        clock: any GatewayClock = SystemClock(),
        configure: (inout Configuration) -> Void = { _ in },
        prepare: (MockUpstream) throws -> Void = { _ in },
        _ body: (GatewayHarness) async throws -> Void
    ) async throws {
        let harness = try await start(
            emails: emails, accessTokenLifetime: accessTokenLifetime, loggedInAgo: loggedInAgo, startExpired: startExpired,
            mockConfiguration: mockConfiguration, clock: clock, configure: configure, prepare: prepare)
        try await withTeardown { try await body(harness) } teardown: { await harness.stop() }
    }

    /// Starts a harness the caller must `stop()`; prefer `with`, which cannot forget to.
    public static func start(
        emails: [String] = ["one@example.com", "two@example.com"],
        accessTokenLifetime: TimeInterval? = nil,
        loggedInAgo: TimeInterval = 3600,
        startExpired: Bool = false,
        mockConfiguration: MockUpstream.Configuration = MockUpstream.Configuration(),
        clock: any GatewayClock = SystemClock(),
        configure: (inout Configuration) -> Void = { _ in },
        prepare: (MockUpstream) throws -> Void = { _ in }
    ) async throws -> GatewayHarness {
        let mock = MockUpstream(configuration: mockConfiguration)
        _ = try await mock.start()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-test-\(UUID().uuidString)")
        do {
            return try await startGateway(
                on: mock, directory: directory, emails: emails, accessTokenLifetime: accessTokenLifetime, loggedInAgo: loggedInAgo,
                startExpired: startExpired, clock: clock, configure: configure, prepare: prepare)
        } catch {
            // A harness that did not start leaves nothing running behind.
            await mock.stop()
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    private static func startGateway(
        on mock: MockUpstream, directory: URL, emails: [String], accessTokenLifetime: TimeInterval?, loggedInAgo: TimeInterval,
        startExpired: Bool, clock: any GatewayClock, configure: (inout Configuration) -> Void, prepare: (MockUpstream) throws -> Void
    ) async throws -> GatewayHarness {
        let (store, gateway, logs) = try assemble(
            on: mock, directory: directory, emails: emails, accessTokenLifetime: accessTokenLifetime, loggedInAgo: loggedInAgo,
            startExpired: startExpired, clock: clock, configure: configure)
        // Scripts set before the gateway starts: its first usage poll may already refresh.
        try prepare(mock)
        let running = try await gateway.start()
        return GatewayHarness(mock: mock, store: store, gateway: gateway, running: running, dataDirectory: directory, logs: logs)
    }

    /// A gateway, not started, over a new store in `directory` holding an account of `mock` for each of `emails`.
    public static func assemble(
        on mock: MockUpstream, directory: URL, emails: [String], accessTokenLifetime: TimeInterval? = nil, loggedInAgo: TimeInterval = 3600,
        startExpired: Bool = false, allowUnauthenticated: Bool = false, clock: any GatewayClock = SystemClock(),
        configure: (inout Configuration) -> Void = { _ in }
    ) throws -> (store: AccountStore, gateway: Gateway, logs: LogCapture) {
        var configuration = Self.configuration(mock: mock, directory: directory)
        configure(&configuration)
        let store = try AccountStore.open(
            databaseURL: configuration.databaseURL?.text, dataDirectory: directory,
            keySource: configuration.encryptionKey.map { .environment($0.base64) })
        for email in emails {
            var file = try mock.createAccount(email: email, accessTokenLifetime: accessTokenLifetime)
            // Logged in an hour ago: a token obtained a moment ago is "fresh", and a 401 on a fresh
            // token is held against the account instead of asking for a refresh.
            file.lastRefresh = Date().addingTimeInterval(-loggedInAgo)
            // Only the imported copy looks expired: the gateway must refresh first, and the tokens the
            // mock issues afterwards live normally.
            if startExpired { file.tokens.accessToken = Self.expired(file.tokens.accessToken) }
            _ = try store.importAccount(try SwitchboardCore.CodexAuthFile(data: JSONEncoder().encode(file)))
        }
        let logs = LogCapture()
        let logger = Logger(label: "test") { _ in logs.handler() }
        let gateway = try Gateway(
            configuration: configuration, store: store, transport: transport, allowUnauthenticated: allowUnauthenticated, clock: clock, logger: logger)
        return (store, gateway, logs)
    }

    /// A gateway's settings in the tests: the mock upstream, a throwaway directory, no usage poll unless asked.
    static func configuration(mock: MockUpstream, directory: URL) -> Configuration {
        var configuration = Configuration()
        configuration.dataDirectory = directory.path
        configuration.upstreamBaseURL = mock.upstreamBaseURL
        configuration.authBaseURL = mock.baseURL
        configuration.usageInterval = 3600
        configuration.shutdownGrace = 5
        return configuration
    }

    /// The same JWT with `exp` an hour in the past.
    public static func expired(_ jwt: String) -> String {
        var parts = jwt.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        var base64 = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard parts.count == 3, let data = Data(base64Encoded: base64), var payload = JSONValue(parsing: data)?.objectValue else { return jwt }
        payload["exp"] = .number((Date().timeIntervalSince1970 - 3600).rounded())
        parts[1] = JSONValue.object(payload).encoded().base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return parts.joined(separator: ".")
    }

    private init(mock: MockUpstream, store: AccountStore, gateway: Gateway, running: RunningGateway, dataDirectory: URL, logs: LogCapture) {
        self.mock = mock
        self.store = store
        self.gateway = gateway
        self.running = running
        self.dataDirectory = dataDirectory
        self.logs = logs
    }

    public func stop() async {
        await running.stop()
        await mock.stop()
        try? FileManager.default.removeItem(at: dataDirectory)
    }

    /// switchboard's id for the account with this email.
    public func id(_ email: String) throws -> String { try store.find(email).id }

    public func status(_ email: String) throws -> AccountStatus { try store.find(email).status }

    /// Imports (new) credentials the mock holds for `email`.
    public func importCurrentCredentials(of email: String) throws -> AccountStore.ImportResult {
        let file = try mock.authFile(email)
        return try store.importAccount(try SwitchboardCore.CodexAuthFile(data: JSONEncoder().encode(file)))
    }

    /// Sends a request and collects the whole answer.
    public func send(_ method: String = "POST", _ path: String, body: String? = nil, headers: [HTTPHeader] = []) async throws -> TestResponse {
        try await Self.send(to: running.baseURL, method, path, bytes: body.map { Array($0.utf8) }, headers: headers)
    }

    /// The same, with a body of raw bytes (a compressed one, say).
    public func send(_ method: String = "POST", _ path: String, bytes: [UInt8]?, headers: [HTTPHeader] = []) async throws -> TestResponse {
        try await Self.send(to: running.baseURL, method, path, bytes: bytes, headers: headers)
    }

    /// Sends a request to the gateway at `baseURL` and collects the whole answer.
    public static func send(to baseURL: String, _ method: String = "POST", _ path: String, body: String? = nil, headers: [HTTPHeader] = []) async throws -> TestResponse {
        try await send(to: baseURL, method, path, bytes: body.map { Array($0.utf8) }, headers: headers)
    }

    static func send(to baseURL: String, _ method: String, _ path: String, bytes: [UInt8]?, headers: [HTTPHeader]) async throws -> TestResponse {
        let response = try await open(baseURL, method, path, bytes: bytes, headers: headers)
        let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return TestResponse(status: response.status, headers: response.headers, body: Data(bytes))
    }

    /// Sends a request and returns as soon as the head arrives; the body streams.
    public func open(_ method: String = "POST", _ path: String, body: String? = nil, headers: [HTTPHeader] = []) async throws -> UpstreamResponse {
        try await Self.open(running.baseURL, method, path, bytes: body.map { Array($0.utf8) }, headers: headers)
    }

    static func open(_ baseURL: String, _ method: String, _ path: String, bytes: [UInt8]?, headers: [HTTPHeader]) async throws -> UpstreamResponse {
        var all = headers
        if bytes != nil { all.append(HTTPHeader("Content-Type", "application/json")) }
        let request = UpstreamRequest(
            method: method, url: baseURL + path, headers: all, body: bytes,
            timeouts: .streaming(idle: .seconds(20)))
        return try await transport.send(request)
    }

    public static let codexBody = #"{"model":"gpt-5","instructions":"be brief","input":[{"type":"message","role":"user","content":[{"type":"input_text","text":"hi"}]}],"stream":true,"store":false}"#
}

public struct TestResponse {
    public let status: Int
    public let headers: [HTTPHeader]
    public let body: Data

    public init(status: Int, headers: [HTTPHeader], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var json: JSONValue? { JSONValue(parsing: body) }
    public var text: String { String(decoding: body, as: UTF8.self) }
    public func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
}
