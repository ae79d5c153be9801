import Foundation
import SwitchboardTestSupport
import Hummingbird
import MockUpstream
import Synchronization
import Testing
import SwitchboardCore
import SwitchboardUpstream

/// The running service as an operator sees it: which build it is, and `systemctl reload` (SIGHUP).
@Suite struct ServeOperationsTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-ops-\(UUID().uuidString)")

    func importAccount(_ mock: MockUpstream, _ email: String) async throws {
        let auth = FileManager.default.temporaryDirectory.appendingPathComponent("auth-\(UUID().uuidString).json")
        try JSONEncoder().encode(try mock.createAccount(email: email)).write(to: auth)
        #expect(try await CLI.run(["accounts", "import", auth.path], dataDirectory: directory).status == 0)
    }

    @Test func theVersionIsTheSameInVersionHealthAndTheFirstLogLine() async throws {
        let printed = try await CLI.run(["--version"], dataDirectory: directory)
        let version = printed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(printed.status == 0)
        let committed = try String(contentsOf: CLI.repository.appendingPathComponent("VERSION"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try #require(version.firstMatch(of: /^(\d+\.\d+\.\d+) \(([0-9a-f]{12}(-dirty)?|unknown)\)$/)).1 == committed, "\(version)")

        let mock = MockUpstream()
        try await ServeProcess.with(dataDirectory: directory, environment: ["SWITCHBOARD_UPSTREAM_BASE_URL": mock.upstreamBaseURL]) { server in
            let first = try #require(server.lines.first)
            #expect(first["version"]?.stringValue == version, "\(first)")
            #expect(first["message"]?.stringValue?.contains(version) == true)
            let health = await GatewayHarness.transport.outcome(of: UpstreamRequest(url: server.baseURL + "/health", timeouts: .total(.seconds(5))))
            guard case .http(200, let body) = health else { Issue.record("\(health)"); return }
            #expect(JSONValue(parsing: body)?["version"]?.stringValue == version)
            #expect(JSONValue(parsing: body)?["status"] == "ok")
        }
    }

    @Test func sighupReloadsTheLogLevelAndTheWebhookFromTheEnvironmentFileWithoutDroppingAStream() async throws {
        try await withWebhookSink { hookURL, received in

            var mockConfiguration = MockUpstream.Configuration()
            mockConfiguration.stream = StreamShape(deltaCount: 20, eventDelayMilliseconds: 40)
            try await withMockUpstream(mockConfiguration) { mock in
                try await importAccount(mock, "one@example.com")
                let settings = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-\(UUID().uuidString).env")
                try "SWITCHBOARD_LOG_LEVEL=info\n".write(to: settings, atomically: true, encoding: .utf8)
                try await ServeProcess.with( dataDirectory: directory, environment: ["SWITCHBOARD_UPSTREAM_BASE_URL": mock.upstreamBaseURL, "SWITCHBOARD_AUTH_BASE_URL": mock.baseURL, "SWITCHBOARD_USAGE_INTERVAL": "3600"], arguments: ["--env-file", settings.path]) { server in
                    func requestLines() -> Int { server.lines.filter { $0["message"] == "request" }.count }
                    let plain = UpstreamRequest(
                        method: "POST", url: server.baseURL + "/v1/responses", headers: [HTTPHeader("Content-Type", "application/json")],
                        body: Array(#"{"model":"gpt-5","input":"hi"}"#.utf8), timeouts: .total(.seconds(10)))
                    guard case .http(200, _) = await GatewayHarness.transport.outcome(of: plain) else { Issue.record("request failed"); return }
                    #expect(await eventually { requestLines() == 1 }, "at info, a request logs one line")

                    // A stream opened before the reload...
                    let streaming = UpstreamRequest(
                        method: "POST", url: server.baseURL + "/backend-api/codex/responses",
                        headers: [HTTPHeader("Content-Type", "application/json")], body: Array(GatewayHarness.codexBody.utf8), timeouts: .streaming(idle: .seconds(10)))
                    let response = try await GatewayHarness.transport.send(streaming)
                    #expect(response.status == 200)
                    var text = ""
                    var iterator = response.body.makeAsyncIterator()
                    if let first = try await iterator.next() { text += String(decoding: first, as: UTF8.self) }

                    try """
                        # reloaded
                        SWITCHBOARD_LOG_LEVEL=warning
                        SWITCHBOARD_ALERT_WEBHOOK_URL=\(hookURL)
                        """.write(to: settings, atomically: true, encoding: .utf8)
                    server.signal(SIGHUP)
                    #expect(await eventually(timeout: .seconds(10)) { server.lines.contains { $0["message"] == "configuration reloaded" } })
                    let reloaded = try #require(server.lines.first { $0["message"] == "configuration reloaded" })
                    #expect(reloaded["log_level"] == "warning")
                    #expect(reloaded["alert_webhook"] == "set")
                    #expect(!server.lines.contains { $0.objectValue?.values.contains(.string(hookURL)) == true }, "the webhook URL is not logged")

                    // ...finishes, and the server is still the same process.
                    while let chunk = try await iterator.next() { text += String(decoding: chunk, as: UTF8.self) }
                    #expect(text.contains("response.completed"), "the open stream must survive SIGHUP")
                    #expect(server.process.isRunning)

                    // The new webhook hears about the next deactivation; info lines are gone (no request line after the reload).
                    let before = requestLines()
                    guard case .http(200, _) = await GatewayHarness.transport.outcome(of: plain) else { Issue.record("request failed"); return }
                    try mock.scriptResponses("one@example.com", then: .status(403, code: "account_deactivated"))
                    _ = await GatewayHarness.transport.outcome(of: plain)
                    #expect(await eventually(timeout: .seconds(10)) { received.events.count == 1 })
                    #expect(received.events.first.flatMap { JSONValue(parsing: $0) }?["event"] == "account_deactivated")
                    #expect(await eventually { server.lines.contains { $0["message"] == "account deactivated" } }, "warnings are still logged")
                    #expect(requestLines() == before, "the request lines (info) must stop after the reload to warning")
                }
            }
        }
    }
}
