import Foundation
import MockUpstream
import NIOCore
import Testing
import SwitchboardCore
@testable import SwitchboardGateway
import SwitchboardStore
import SwitchboardUpstream
import SwitchboardTestSupport

@Suite(.serialized) struct SecurityTests {
    static let request = #"{"model":"gpt-5","input":"hi"}"#

    @Test func withAKeyEveryAPIRouteNeedsItAndHealthStaysOpen() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            let created = try await CLI.run(["keys", "create", "--name", "ci"], dataDirectory: h.dataDirectory)
            #expect(created.status == 0)
            let key = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(key.hasPrefix("sb-"))
            #expect(await eventually(timeout: .seconds(1)) { (try? await h.send("POST", "/v1/responses", body: Self.request).status) == 401 })
            let missing = try await h.send("POST", "/v1/responses", body: Self.request)
            #expect(missing.json?["error"]?["code"] == "invalid_api_key")
            #expect(try await h.send("POST", "/v1/responses", body: Self.request, headers: [HTTPHeader("Authorization", "Bearer sb-wrong")]).status == 401)
            let bearer = [HTTPHeader("Authorization", "Bearer \(key)")]
            #expect(try await h.send("POST", "/v1/responses", body: Self.request, headers: bearer).status == 200)
            #expect(try await h.send("GET", "/health").status == 200)
            #expect(try await h.send("GET", "/metrics").status == 401)
            #expect(try await h.send("GET", "/metrics", headers: bearer).status == 200)
            // The key goes no further than the gateway.
            let listed = try await CLI.run(["keys", "list"], dataDirectory: h.dataDirectory)
            #expect(!listed.stdout.contains(key))
            #expect(listed.stdout.contains(String(key.prefix(9))))
            // Revoking one of two keys: it stops working within a second, the other keeps working.
            let other = try await CLI.run(["keys", "create", "--name", "other"], dataDirectory: h.dataDirectory).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(try await CLI.run(["keys", "revoke", String(key.prefix(9))], dataDirectory: h.dataDirectory).status == 0)
            #expect(await eventually(timeout: .seconds(1)) { (try? await h.send("POST", "/v1/responses", body: Self.request, headers: bearer).status) == 401 })
            #expect(try await h.send("POST", "/v1/responses", body: Self.request, headers: [HTTPHeader("Authorization", "Bearer \(other)")]).status == 200)
        }
    }

    @Test func withoutKeysOnlyLoopbackClientsAreServed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-access-\(UUID().uuidString)")
        let access = try ClientAccess(store: AccountStore.open(dataDirectory: directory), allowUnauthenticated: false)
        #expect(access.check(authorization: nil, remote: try SocketAddress(ipAddress: "127.0.0.1", port: 1)) == .allowed)
        #expect(access.check(authorization: nil, remote: try SocketAddress(ipAddress: "::1", port: 1)) == .allowed)
        #expect(access.check(authorization: nil, remote: try SocketAddress(ipAddress: "192.0.2.7", port: 1)) == .loopbackOnly)
        let open = try ClientAccess(store: AccountStore.open(dataDirectory: directory), allowUnauthenticated: true)
        #expect(open.check(authorization: nil, remote: try SocketAddress(ipAddress: "192.0.2.7", port: 1)) == .allowed)
    }

    @Test func serveRefusesANonLoopbackAddressWithoutKeys() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-serve-\(UUID().uuidString)")
        let result = try await CLI.run(["serve", "--host", "0.0.0.0", "--port", "0"], dataDirectory: directory)
        #expect(result.status == 1)
        #expect(result.stderr.contains("keys create"))
        #expect(result.stderr.contains("--allow-unauthenticated"))
    }

    /// Everything a full scenario printed, logged, exported as metrics and stored holds no token or key.
    @Test func noTokenOrKeyAppearsInLogsMetricsCLIOutputOrTheDatabase() async throws {
        let clock = TestClock()
        try await GatewayHarness.with(emails: ["one@example.com", "two@example.com"], accessTokenLifetime: 60, clock: clock, configure: { $0.usageInterval = 60 }) { h in
            var secrets: Set<String> = []
            func remember() throws {
                for account in try h.store.accounts() { secrets.formUnion([account.tokens.accessToken, account.tokens.refreshToken, account.tokens.idToken]) }
                for email in ["one@example.com", "two@example.com"] {
                    let file = try h.mock.authFile(email)
                    let parsed = try SwitchboardCore.CodexAuthFile(data: JSONEncoder().encode(file))
                    secrets.formUnion([parsed.tokens.accessToken, parsed.tokens.refreshToken, parsed.tokens.idToken])
                }
            }
            try remember()
            let key = try await CLI.run(["keys", "create"], dataDirectory: h.dataDirectory).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            secrets.insert(key)
            let bearer = [HTTPHeader("Authorization", "Bearer \(key)")]
            #expect(await eventually(timeout: .seconds(1)) { h.gateway.access.hasKeys })
            // Refreshes (tokens near expiry), a stream, a failover, a deactivation, usage polls.
            #expect(try await h.send("POST", "/v1/responses", body: Self.request, headers: bearer).status == 200)
            _ = try await h.send("POST", "/backend-api/codex/responses", body: GatewayHarness.codexBody, headers: bearer)
            try remember()
            try h.mock.scriptResponses("two@example.com", [.usageLimitReached(resetsInSeconds: 60)])
            try h.mock.scriptRefresh("one@example.com", then: .error(code: "token_revoked", status: 401))
            try h.mock.expireAccessToken(of: "one@example.com")
            for _ in 0..<4 { _ = try await h.send("POST", "/v1/chat/completions", body: #"{"model":"gpt-5","messages":[{"role":"user","content":"x"}]}"#, headers: bearer) }
            // "one" may be deactivated before its second poll; "two" (rate-limited) is still polled.
            #expect(await clock.waitForSleepers(2))
            clock.advance(by: 70)
            #expect(await eventually { ["one@example.com", "two@example.com"].reduce(0) { $0 + ((try? h.mock.counters(for: $1).usageCalls) ?? 0) } >= 3 })
            try remember()
            var printed = h.logs.all.map(\.line).joined(separator: "\n")
            printed += String(decoding: try await h.send("GET", "/metrics", headers: bearer).body, as: UTF8.self)
            for arguments in [["accounts", "list"], ["accounts", "list", "--json"], ["accounts", "show", "one@example.com", "--json"], ["events"], ["keys", "list"]] {
                let result = try await CLI.run(arguments, dataDirectory: h.dataDirectory)
                printed += result.stdout + result.stderr
            }
            var stored = Data()
            for name in try FileManager.default.contentsOfDirectory(atPath: h.dataDirectory.path) where name.hasPrefix("switchboard.sqlite") {
                stored += try Data(contentsOf: h.dataDirectory.appendingPathComponent(name))
            }
            #expect(secrets.count >= 7)
            for secret in secrets where !secret.isEmpty {
                #expect(!printed.contains(secret), "a secret reached the output")
                #expect(stored.range(of: Data(secret.utf8)) == nil, "a secret is stored in plain text")
            }
            #expect(printed.contains("account deactivated"))
        }
    }

    @Test func metricsCoverRequestsRefreshesFailoversDeactivationsAccountsAndStreams() async throws {
        try await GatewayHarness.with(emails: ["one@example.com", "two@example.com"]) { h in
            try h.mock.scriptResponses("one@example.com", [.status(500)])
            try h.mock.scriptResponses("two@example.com", [.status(500)])
            _ = try await h.send("POST", "/v1/responses", body: Self.request)
            try h.mock.scriptRefresh("two@example.com", then: .error(code: "account_deactivated", status: 401))
            try h.mock.expireAccessToken(of: "two@example.com")
            for _ in 0..<3 { _ = try await h.send("POST", "/backend-api/codex/responses", body: GatewayHarness.codexBody) }
            let metrics = String(decoding: try await h.send("GET", "/metrics").body, as: UTF8.self)
            let missing = [
                "switchboard_requests_total", "switchboard_request_duration_seconds", "switchboard_token_refreshes_total",
                "switchboard_failovers_total", "switchboard_accounts{status=\"active\"}", "switchboard_open_streams",
                "switchboard_upstream_ttfb_seconds", "switchboard_upstream_latency_seconds",
                "switchboard_deactivations_total{code=\"account_deactivated\"}",
            ].filter({ !metrics.contains($0) })
            #expect(missing.isEmpty, "missing from /metrics: \(missing)")
            #expect(metrics.contains(#"route="/v1/responses""#))
        }
    }
}
