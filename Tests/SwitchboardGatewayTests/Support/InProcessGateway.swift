import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MockUpstream
import SwitchboardCore
import SwitchboardGateway
import SwitchboardStore
import SwitchboardTestSupport
import SwitchboardUpstream

/// The gateway's router driven in-process with HummingbirdTesting's `.test(.router)`: no socket and no
/// background services, for tests where a real socket is not the point (routing, the 404 help, 405,
/// error envelopes, access rules, models, health). Upstream calls still go to the mock on loopback.
/// The in-process client has no address: without API keys it is served only when `allowUnauthenticated`.
struct InProcessGateway: Sendable {
    let mock: MockUpstream
    let store: AccountStore
    let gateway: Gateway
    let client: any TestClientProtocol

    static func with(
        emails: [String] = ["one@example.com"],
        allowUnauthenticated: Bool = true,
        configure: (inout Configuration) -> Void = { _ in },
        _ body: @Sendable (InProcessGateway) async throws -> Void
    ) async throws {
        let mock = MockUpstream()
        _ = try await mock.start()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-router-\(UUID().uuidString)")
        try await withTeardown {
            let (store, gateway, _) = try GatewayHarness.assemble(
                on: mock, directory: directory, emails: emails, allowUnauthenticated: allowUnauthenticated, configure: configure)
            try await gateway.application().test(.router) { client in
                try await body(InProcessGateway(mock: mock, store: store, gateway: gateway, client: client))
            }
        } teardown: {
            await mock.stop()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    /// Sends a request through the router and collects the answer (in the shape the socket harness returns).
    func send(_ method: HTTPRequest.Method = .post, _ path: String, body: String? = nil, headers: HTTPFields = [:]) async throws -> SwitchboardTestSupport.TestResponse {
        var headers = headers
        if body != nil { headers[.contentType] = "application/json" }
        let answer = try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        return SwitchboardTestSupport.TestResponse(
            status: answer.status.code, headers: answer.headers.map { HTTPHeader($0.name.rawName, $0.value) },
            body: Data((answer.body ?? ByteBuffer()).readableBytesView))
    }
}
