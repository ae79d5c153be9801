import Foundation
import MockUpstream
import SwitchboardCore
import SwitchboardTestSupport
import SwitchboardUpstream
import Testing

/// The per-request cost guard (issue 19): heap allocations per proxied request, counted in a separate
/// `switchboard serve` by the LD_PRELOAD counter (`Sources/AllocationCounter`), against a committed budget.
/// A count, not a time: it does not depend on how busy the machine is, so a change that doubles the
/// hot path's work fails here on any CI runner.
@Suite struct AllocationBudgetTests {
    /// Budgets for the debug build `make test` runs, about 1.5× the count measured when they were set
    /// (1,920–1,950 and 1,570–1,760 on 2026-12-02; BENCHMARKS.md gives the release build's numbers).
    /// Lower them when the hot path gets cheaper.
    static let budget: [String: Int] = [
        "/v1/responses": 2_900,
        "/backend-api/codex/responses": 2_600,
    ]
    static let requests = 200

    @Test func aProxiedRequestStaysWithinItsAllocationBudget() async throws {
        let counter = CLI.binary.deletingLastPathComponent().appendingPathComponent("libSwitchboardAllocationCounter.so")
        try #require(FileManager.default.fileExists(atPath: counter.path), "\(counter.path) is built by `swift build --build-tests`")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-allocations-\(UUID().uuidString)")
        let countFile = directory.appendingPathComponent("allocation-count")
        try await withMockUpstream { mock in
            let auth = FileManager.default.temporaryDirectory.appendingPathComponent("auth-\(UUID().uuidString).json")
            try JSONEncoder().encode(try mock.createAccount(email: "one@example.com")).write(to: auth)
            #expect(try await CLI.run(["accounts", "import", auth.path], dataDirectory: directory).status == 0)
            let environment = [
                "SWITCHBOARD_UPSTREAM_BASE_URL": mock.upstreamBaseURL, "SWITCHBOARD_AUTH_BASE_URL": mock.baseURL,
                "LD_PRELOAD": counter.path, "SWITCHBOARD_ALLOCATION_COUNT_FILE": countFile.path,
            ]
            try await ServeProcess.with(dataDirectory: directory, environment: environment) { server in
                let routes: [(path: String, body: String)] = [
                    ("/v1/responses", #"{"model":"gpt-5","input":"hi","stream":false}"#),
                    ("/backend-api/codex/responses", GatewayHarness.codexBody),
                ]
                for route in routes {
                    let send = { try await Self.proxied(server.baseURL + route.path, body: route.body) }
                    for _ in 0..<20 { try await send() }  // warm-up: connections, caches, first-use metric handles
                    let before = try await Self.allocations(of: server, file: countFile)
                    for _ in 0..<Self.requests { try await send() }
                    let after = try await Self.allocations(of: server, file: countFile)
                    let perRequest = (after - before) / Self.requests
                    let budget = try #require(Self.budget[route.path])
                    #expect(perRequest > 10, "the counter counts nothing: is LD_PRELOAD honoured?")
                    #expect(perRequest <= budget, "\(route.path): \(perRequest) allocations per request, budget \(budget)")
                    print("allocations per proxied request, \(route.path): \(perRequest) (budget \(budget))")
                }
            }
        }
    }

    /// One request through the gateway, answered 200 and read to its end.
    static func proxied(_ url: String, body: String) async throws {
        let request = UpstreamRequest(
            method: "POST", url: url, headers: [HTTPHeader("Content-Type", "application/json")],
            body: Array(body.utf8), timeouts: .total(.seconds(10)))
        let outcome = await GatewayHarness.transport.outcome(of: request)
        guard case .http(200, _) = outcome else { throw Unexpected(outcome: "\(outcome)") }
    }

    /// The server's allocation count so far: SIGUSR2 makes the counter write it to `file`.
    static func allocations(of server: ServeProcess, file: URL) async throws -> Int {
        try? FileManager.default.removeItem(at: file)
        server.signal(SIGUSR2)
        var count: Int?
        _ = await eventually(timeout: .seconds(10)) {
            count = (try? String(contentsOf: file, encoding: .utf8)).flatMap { Int($0) }
            return count != nil
        }
        return try #require(count, "no allocation count from the server")
    }

    struct Unexpected: Error, CustomStringConvertible {
        let outcome: String
        var description: String { "the gateway did not answer 200: \(outcome)" }
    }
}
