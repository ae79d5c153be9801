import Foundation
import Logging
import MockUpstream
import SwitchboardCore
import SwitchboardGateway
import SwitchboardStore
import SwitchboardUpstream

/// Several gateways in this process on one PostgreSQL database (a fresh one on the test server) and
/// one mock upstream: switchboard scaled out, each instance on its own loopback port.
public final class GatewayCluster: Sendable {
    public struct Instance: Sendable {
        public let store: AccountStore
        public let gateway: Gateway
        public let running: RunningGateway
        public let logs: LogCapture

        public func send(_ method: String = "POST", _ path: String, body: String? = nil) async throws -> TestResponse {
            try await GatewayHarness.send(to: running.baseURL, method, path, body: body)
        }
    }

    public let mock: MockUpstream
    public let databaseURL: String
    /// The key every instance shares (`SWITCHBOARD_ENCRYPTION_KEY`).
    public let encryptionKey: String
    /// A data directory for the CLI (its store is the shared database).
    public let dataDirectory: URL
    public let instances: [Instance]

    private init(mock: MockUpstream, databaseURL: String, encryptionKey: String, dataDirectory: URL, instances: [Instance]) {
        self.mock = mock
        self.databaseURL = databaseURL
        self.encryptionKey = encryptionKey
        self.dataDirectory = dataDirectory
        self.instances = instances
    }

    /// What the CLI needs to work on the cluster's database.
    public var environment: [String: String] {
        ["SWITCHBOARD_DATABASE_URL": databaseURL, "SWITCHBOARD_ENCRYPTION_KEY": encryptionKey]
    }

    public static func with(
        instances count: Int = 3,
        emails: [String] = ["one@example.com"],
        accessTokenLifetime: TimeInterval? = nil,
        configure: @escaping @Sendable (inout Configuration) -> Void = { _ in },
        prepare: (MockUpstream) throws -> Void = { _ in },
        _ body: (GatewayCluster) async throws -> Void
    ) async throws {
        // A transport of the cluster's own: its gateways stop with requests in flight, which must not
        // touch the transport the other tests share.
        let transport = CurlTransport()
        let mock = MockUpstream()
        _ = try await mock.start()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-cluster-\(UUID().uuidString)")
        var started: [Instance] = []
        try await withTeardown {
            let url = try await withPostgres { $0 }
            let key = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
            var configuration = GatewayHarness.configuration(mock: mock, directory: directory)
            configuration.databaseURL = DatabaseURL(url)
            configuration.encryptionKey = EncryptionKey(key)
            configure(&configuration)
            let open = { try AccountStore.open(databaseURL: url, dataDirectory: directory, keySource: .environment(key)) }
            let first = try open()
            for email in emails {
                var file = try mock.createAccount(email: email, accessTokenLifetime: accessTokenLifetime)
                file.lastRefresh = Date().addingTimeInterval(-3600)
                _ = try first.importAccount(try SwitchboardCore.CodexAuthFile(data: JSONEncoder().encode(file)))
            }
            try prepare(mock)
            for index in 0..<count {
                let store = index == 0 ? first : try open()
                let logs = LogCapture()
                let logger = Logger(label: "instance-\(index)") { _ in logs.handler() }
                let gateway = try Gateway(configuration: configuration, store: store, transport: transport, logger: logger)
                started.append(Instance(store: store, gateway: gateway, running: try await gateway.start(), logs: logs))
            }
            try await body(GatewayCluster(mock: mock, databaseURL: url, encryptionKey: key, dataDirectory: directory, instances: started))
        } teardown: {
            for instance in started { await instance.running.stop() }
            await mock.stop()
            try? FileManager.default.removeItem(at: directory)
        }
    }
}
