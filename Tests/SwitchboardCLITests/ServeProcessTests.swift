import Foundation
import MockUpstream
import Synchronization
import Testing
import SwitchboardCore
import SwitchboardUpstream
import SwitchboardTestSupport

/// `switchboard serve` as the operator runs it: a separate process, JSON logs, SIGTERM.
@Suite struct ServeProcessTests {
    @Test func jsonLogsAndSIGTERMLetsAnOpenStreamFinishThenExitsZero() async throws {
        var mockConfiguration = MockUpstream.Configuration()
        mockConfiguration.stream = StreamShape(deltaCount: 30, eventDelayMilliseconds: 40)
        try await withMockUpstream(mockConfiguration) { mock in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-serve-\(UUID().uuidString)")
            let auth = FileManager.default.temporaryDirectory.appendingPathComponent("auth-\(UUID().uuidString).json")
            try JSONEncoder().encode(try mock.createAccount(email: "one@example.com")).write(to: auth)
            #expect(try await CLI.run(["accounts", "import", auth.path], dataDirectory: directory).status == 0)

            let process = Process()
            process.executableURL = CLI.binary
            process.arguments = ["serve", "--port", "0", "--data-dir", directory.path]
            var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SWITCHBOARD_") }
            environment["SWITCHBOARD_UPSTREAM_BASE_URL"] = mock.upstreamBaseURL
            environment["SWITCHBOARD_AUTH_BASE_URL"] = mock.baseURL
            environment["SWITCHBOARD_LOG_FORMAT"] = "json"
            process.environment = environment
            let stderr = Pipe()
            process.standardError = stderr
            process.standardOutput = Pipe()
            let log = Mutex(Data())
            stderr.fileHandleForReading.readabilityHandler = { handle in
                let chunk = handle.availableData
                log.withLock { $0.append(chunk) }
            }
            try process.run()
            defer { if process.isRunning { process.terminate() } }
            func lines() -> [JSONValue] {
                log.withLock { String(decoding: $0, as: UTF8.self) }.split(separator: "\n").map { JSONValue(parsing: Data($0.utf8)) ?? .string(String($0)) }
            }
            var port: Int?
            _ = await eventually(timeout: .seconds(20)) {
                port = lines().compactMap { $0["message"]?.stringValue?.firstMatch(of: /listening on 127\.0\.0\.1:(\d+)/).flatMap { Int($0.1) } }.first
                return port != nil
            }
            let bound = try #require(port)
            let request = UpstreamRequest(
                method: "POST", url: "http://127.0.0.1:\(bound)/backend-api/codex/responses",
                headers: [HTTPHeader("Content-Type", "application/json")], body: Array(GatewayHarness.codexBody.utf8), timeouts: .streaming(idle: .seconds(10)))
            let response = try await GatewayHarness.transport.send(request)
            #expect(response.status == 200)
            var text = ""
            var iterator = response.body.makeAsyncIterator()
            if let first = try await iterator.next() { text += String(decoding: first, as: UTF8.self) }
            process.interrupt()  // SIGINT and SIGTERM both start a graceful shutdown
            kill(process.processIdentifier, SIGTERM)
            while let chunk = try await iterator.next() { text += String(decoding: chunk, as: UTF8.self) }
            #expect(text.contains("response.completed"), "the open stream must finish after SIGTERM")
            #expect(await eventually(timeout: .seconds(10)) { !process.isRunning })
            #expect(process.terminationStatus == 0)
            let parsed = lines()
            #expect(parsed.allSatisfy { $0.objectValue != nil }, "every log line is a JSON object")
            let requestLine = try #require(parsed.first { $0["message"] == "request" && $0["route"] == "/backend-api/codex/responses" })
            for field in ["request_id", "account", "status", "duration_ms", "ttfb_ms", "input_tokens", "output_tokens"] {
                #expect(requestLine[field] != nil, "\(field) missing from the request log line")
            }
        }
    }
}
