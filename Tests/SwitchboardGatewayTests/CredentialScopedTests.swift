import Foundation
import MockUpstream
import Testing
import SwitchboardCore
import SwitchboardStore
import SwitchboardUpstream
import SwitchboardTestSupport

/// A failure belongs to the credential that saw it: the interleavings and upstream answers that used to
/// poison new credentials, cause a refresh per request, or hold requests hostage, replayed against the mock.
@Suite(.serialized) struct CredentialScopedTests {
    static let request = #"{"model":"gpt-5","input":"hi"}"#

    /// RT1's refresh is in flight when the person logs in again; RT1 then fails permanently. The verdict
    /// belongs to RT1: the account keeps the new credentials, active and not poisoned.
    @Test func aReloginDuringAFailingRefreshKeepsTheNewCredentialsActiveAndUnpoisoned() async throws {
        try await GatewayHarness.with(
            emails: ["one@example.com"], startExpired: true,
            prepare: { try $0.scriptRefresh("one@example.com", [.slowOAuthError(milliseconds: 1500, error: "invalid_grant")], then: .ok) }
        ) { h in
            let old = try h.store.find("one@example.com").tokens
            async let first = h.send("POST", "/v1/responses", body: Self.request)
            #expect(await eventually { h.mock.counters().accounts.values.first?.tokenCalls == 1 })
            // The person logs in again while RT1's refresh is still running (the mock makes RT1 spent).
            let login = try await MockLogin.device(mock: h.mock, email: "one@example.com")
            let imported = try await CLI.run(["accounts", "import", login.path], dataDirectory: h.dataDirectory)
            #expect(imported.status == 0, "\(imported.stderr)")
            _ = try await first
            let account = try h.store.find("one@example.com")
            #expect(account.status == .active, "\(account.status)")
            #expect(account.tokens.fingerprint != old.fingerprint)
            let codes = try h.store.events(accountID: account.id).compactMap(\.code)
            #expect(codes.contains("stale_verdict_ignored"), "\(codes)")
            #expect(!codes.contains("invalid_grant"), "\(codes)")
            #expect(h.logs.count("account deactivated") == 0)
            #expect(try await h.send("POST", "/v1/responses", body: Self.request).status == 200)
        }
    }

    /// `/codex/responses` answers 401 account_deactivated while the token endpoint keeps issuing tokens:
    /// one forced refresh, then the 401 on the fresh token deactivates. Never a token call per request.
    @Test func a401AccountDeactivatedAfterAFreshTokenDeactivatesWithOneTokenCall() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            try h.mock.scriptResponses("one@example.com", then: .status(401, code: "account_deactivated"))
            for _ in 0..<20 { _ = try await h.send("POST", "/v1/responses", body: Self.request) }
            #expect(try h.mock.counters(for: "one@example.com").tokenCalls <= 2)
            guard case .deactivated(let code, _, _) = try h.status("one@example.com") else { Issue.record("not deactivated: \(try h.status("one@example.com"))"); return }
            #expect(code == "account_deactivated")
            #expect(h.logs.count("account deactivated", level: .warning) == 1)
        }
    }

    /// A bare `401 {"detail":"Unauthorized"}` that survives a fresh token: a cooldown, visible in the
    /// CLI with its reason and end; clients get 503 with Retry-After; still at most 2 token calls.
    @Test func aBare401AfterAFreshTokenCoolsTheAccountDownWithoutATokenCallPerRequest() async throws {
        let clock = TestClock()
        try await GatewayHarness.with(emails: ["one@example.com"], clock: clock) { h in
            try h.mock.scriptResponses("one@example.com", then: .detail(status: 401, message: "Unauthorized"))
            var last: TestResponse?
            for _ in 0..<20 { last = try await h.send("POST", "/v1/responses", body: Self.request) }
            #expect(try h.mock.counters(for: "one@example.com").tokenCalls <= 2)
            guard case .cooling(let until, let reason) = try h.status("one@example.com") else { Issue.record("not cooling: \(try h.status("one@example.com"))"); return }
            #expect(reason.contains("Unauthorized"))
            // 60 s ± 10 %, on the gateway's clock (which has not moved).
            let remaining = until.timeIntervalSince(clock.now)
            #expect(remaining >= 54 && remaining <= 66, "\(remaining)")
            #expect(last?.status == 503)
            #expect(last?.json?["error"]?["code"] == "accounts_cooling_down")
            #expect(Int(last?.header("Retry-After") ?? "").map { (54...66).contains($0) } == true)
            let listed = try await CLI.run(["accounts", "list", "--json"], dataDirectory: h.dataDirectory)
            let row = try #require(JSONValue(parsing: Data(listed.stdout.utf8))?.arrayValue?.first)
            #expect(row["status"] == "cooling")
            #expect(row["status_reason"]?.stringValue?.contains("Unauthorized") == true)
            #expect(row["cooling_until"]?.stringValue != nil)
            #expect(h.logs.count("account deactivated") == 0)
        }
    }

    /// The cooldown ends on the gateway's clock: the account is back in rotation, and its next success
    /// starts the doubling again.
    @Test func aCooledDownAccountReturnsWhenItsCooldownEnds() async throws {
        let clock = TestClock()
        try await GatewayHarness.with(emails: ["one@example.com"], clock: clock) { h in
            try h.mock.scriptResponses("one@example.com", [.detail(status: 401, message: "Unauthorized"), .detail(status: 401, message: "Unauthorized")], then: .ok)
            #expect(try await h.send("POST", "/v1/responses", body: Self.request).status == 503)
            guard case .cooling(let until, _) = try h.status("one@example.com") else { Issue.record("not cooling: \(try h.status("one@example.com"))"); return }
            clock.advance(by: until.timeIntervalSince(clock.now) - 1)
            #expect(try await h.send("POST", "/v1/responses", body: Self.request).status == 503)
            clock.advance(by: 2)
            #expect(await eventually { (try? h.status("one@example.com")) == .active })
            #expect(try await h.send("POST", "/v1/responses", body: Self.request).status == 200)
            #expect(await eventually { (try? h.store.find("one@example.com").lastCooldown) == nil })
        }
    }

    /// Access token valid, last refresh 9 days old, token endpoint hanging: requests are served at once
    /// and the background refresh is one token call, not one per request.
    @Test func aHungTokenEndpointDoesNotHoldRequestsOnAValidToken() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"], loggedInAgo: 9 * 86_400, prepare: { try $0.scriptRefresh("one@example.com", then: .hang) }) { h in
            for _ in 0..<10 {
                let started = ContinuousClock.now
                let response = try await h.send("POST", "/v1/responses", body: Self.request)
                #expect(response.status == 200)
                #expect(ContinuousClock.now - started < .seconds(2))
            }
            #expect(try h.mock.counters(for: "one@example.com").tokenCalls == 1)
            #expect(try h.status("one@example.com") == .active)
        }
    }

    /// `429 rate_limit_exceeded` from `/oauth/token` is the auth server's load, not a usage limit.
    @Test func aTokenEndpoint429IsTransientAuthRetryingNotRateLimited() async throws {
        try await GatewayHarness.with(
            emails: ["one@example.com"], startExpired: true,
            prepare: { try $0.scriptRefresh("one@example.com", then: .error(code: "rate_limit_exceeded", status: 429)) }
        ) { h in
            let response = try await h.send("POST", "/v1/responses", body: Self.request)
            #expect(response.status == 503)
            #expect(response.json?["error"]?["code"] == "accounts_auth_retrying")
            #expect(try h.status("one@example.com").name == .authRetrying)
        }
    }

    /// Import, let the gateway rotate, import the same file again: refused with a reason, exit non-zero,
    /// the live refresh token kept; the next refresh works.
    @Test func reimportingSpentCredentialsIsRefusedAndTheLiveTokenIsKept() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            let id = try h.id("one@example.com")
            let spent = try h.dataDirectory.appendingPathComponent("spent.json")
            _ = try await CLI.run(["accounts", "export", id, "--out", spent.path], dataDirectory: h.dataDirectory)
            // The upstream rejects the access token: the gateway rotates the tokens (RT1 → RT2).
            try h.mock.expireAccessToken(of: "one@example.com")
            #expect(try await h.send("POST", "/v1/responses", body: Self.request).status == 200)
            let live = try h.store.find(id).tokens
            #expect(CredentialFingerprint(of: try CodexAuthFile(data: Data(contentsOf: spent)).tokens.refreshToken) != live.fingerprint)

            let again = try await CLI.run(["accounts", "import", spent.path], dataDirectory: h.dataDirectory)
            #expect(again.status != 0)
            #expect(again.stderr.contains("already rotated away"), "\(again.stderr)")
            #expect(again.stderr.contains("--force"))
            #expect(try h.store.find(id).tokens == live)
            #expect(try await h.send("POST", "/v1/responses", body: Self.request).status == 200)
            #expect(try h.status("one@example.com") == .active)
        }
    }

    /// `accounts reactivate` on an auth_retrying account whose verification refresh brings it back exits 0.
    @Test func reactivateExitsZeroWhenItsVerificationBroughtTheAccountBack() async throws {
        try await GatewayHarness.with(
            emails: ["one@example.com"], startExpired: true,
            prepare: { try $0.scriptRefresh("one@example.com", then: .serverError(status: 500)) }
        ) { h in
            #expect(try await h.send("POST", "/v1/responses", body: Self.request).status == 503)
            #expect(try h.status("one@example.com").name == .authRetrying)
            try h.mock.scriptRefresh("one@example.com", then: .ok)
            let result = try await CLI.run(["accounts", "reactivate", try h.id("one@example.com")], dataDirectory: h.dataDirectory, environment: ["SWITCHBOARD_AUTH_BASE_URL": h.mock.baseURL])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("verification refresh brought it back"), "\(result.stdout)")
            #expect(try h.status("one@example.com") == .active)
        }
    }

    /// The CLI's verification refresh waits for a running server's refresh of the same account (the
    /// refresh claim) and uses its result: the refresh token is presented once.
    @Test func theCLIVerificationAndTheServersRefreshNeverPresentOneRefreshTokenTwice() async throws {
        try await GatewayHarness.with(
            emails: ["one@example.com"], startExpired: true,
            prepare: { try $0.scriptRefresh("one@example.com", [.slow(milliseconds: 1000)], then: .serverError(status: 500)) }
        ) { h in
            let before = try h.store.find("one@example.com").tokens.refreshToken
            async let served = h.send("POST", "/v1/responses", body: Self.request)
            #expect(await eventually { h.mock.counters().accounts.values.first?.tokenCalls == 1 })
            try h.store.apply(.failed(.transient(reason: "test"), at: .token, source: .cli, accessTokenValid: false, observedWith: h.store.heldRefreshToken(try h.id("one@example.com"))), to: try h.id("one@example.com"))
            let result = try await CLI.run(["accounts", "reactivate", try h.id("one@example.com")], dataDirectory: h.dataDirectory, environment: ["SWITCHBOARD_AUTH_BASE_URL": h.mock.baseURL])
            _ = try await served
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("a running gateway refreshed the credentials"), "\(result.stdout)")
            #expect(h.mock.presentations(ofRefreshToken: before) == 1)
            #expect(try h.status("one@example.com") == .active)
        }
    }

    /// A collected `/v1/responses` or chat completion whose stream fails with a usage limit before
    /// anything was sent fails over to another account; the limited account leaves rotation.
    @Test(arguments: ["/v1/responses", "/v1/chat/completions"])
    func aNonStreamingRequestFailsOverWhenTheStreamFailsWithAUsageLimit(path: String) async throws {
        try await GatewayHarness.with(emails: ["one@example.com", "two@example.com"]) { h in
            try h.mock.scriptResponses("one@example.com", then: .failAfter(events: 1, code: "usage_limit_reached"))
            let body = path == "/v1/responses" ? Self.request : #"{"model":"gpt-5","messages":[{"role":"user","content":"hi"}]}"#
            // Whichever account a request lands on first, every one is answered by "two".
            for _ in 0..<4 {
                let response = try await h.send("POST", path, body: body)
                #expect(response.status == 200, "\(response.text)")
            }
            #expect(try h.status("one@example.com").name == .rateLimited)
            #expect(try h.mock.counters(for: "one@example.com").responsesCalls == 1)
        }
    }
}
