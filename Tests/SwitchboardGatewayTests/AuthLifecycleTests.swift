import Foundation
import Logging
import MockUpstream
import Testing
import SwitchboardCore
import SwitchboardUpstream
import SwitchboardTestSupport

/// The incidents switchboard exists to prevent, replayed against the mock upstream.
@Suite(.serialized) struct AuthLifecycleTests {
    static let request = #"{"model":"gpt-5","input":"hi"}"#

    /// 50 requests at once on an expired account whose refresh answers token_expired: one token call, one
    /// deactivation, one warning, and no token call afterwards while traffic continues.
    @Test func aDeadRefreshTokenCausesOneTokenCallNotAStorm() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"], accessTokenLifetime: -60, prepare: {
            try $0.scriptRefresh("one@example.com", then: .error(code: "token_expired", status: 401))
        }) { h in
            let statuses = await withTaskGroup(of: Int.self) { group in
                for _ in 0..<50 { group.addTask { (try? await h.send("POST", "/v1/responses", body: Self.request).status) ?? -1 } }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == 503 }, "\(statuses)")
            #expect(try h.mock.counters(for: "one@example.com").tokenCalls == 1)
            guard case .deactivated(let code, _, _) = try h.status("one@example.com") else { Issue.record("not deactivated"); return }
            #expect(code == "token_expired")
            for _ in 0..<20 { _ = try await h.send("POST", "/v1/responses", body: Self.request) }
            #expect(try h.mock.counters(for: "one@example.com").tokenCalls == 1)
            #expect(try h.mock.counters(for: "one@example.com").responsesCalls == 0)
            #expect(h.logs.count("account deactivated", level: .warning) == 1)
            let warning = try #require(h.logs.all.first { $0.message == "account deactivated" })
            #expect(warning.metadata["fix"]?.contains("switchboard accounts reactivate") == true)
            #expect(warning.metadata["code"] == "token_expired")
        }
    }

    @Test func theUsagePollerSees401ThenTokenExpiredAndDeactivatesWithCauseUsage() async throws {
        let clock = TestClock()
        try await GatewayHarness.with(emails: ["one@example.com"], clock: clock, configure: { $0.usageInterval = 60 }) { h in
            // The first poll runs at start; the poller and the auth retrier then wait on the clock.
            #expect(await clock.waitForSleepers(2))
            try h.mock.scriptUsage("one@example.com", [.status(401)])
            try h.mock.scriptRefresh("one@example.com", then: .error(code: "token_expired", status: 401))
            clock.advance(by: 70)
            #expect(await eventually { (try? h.status("one@example.com").name) == .deactivated })
            guard case .deactivated(let code, _, _) = try h.status("one@example.com") else { return }
            #expect(code == "token_expired")
            let entry = try #require(try h.store.events(accountID: h.id("one@example.com")).last { $0.toStatus == "deactivated" })
            #expect(entry.cause == "usage")
            #expect(entry.code == "token_expired")
            #expect(try h.mock.counters(for: "one@example.com").tokenCalls == 1)
        }
    }

    @Test func theUsagePollerRecordsUsageAndIgnores403And500() async throws {
        let clock = TestClock()
        try await GatewayHarness.with(emails: ["one@example.com"], clock: clock, configure: { $0.usageInterval = 60 }) { h in
            #expect(await eventually { (try? h.store.find("one@example.com").usage) != nil })
            try h.mock.scriptUsage("one@example.com", [.htmlForbidden, .status(500), .status(403)])
            for round in 2...5 {
                #expect(await clock.waitForSleepers(2))
                clock.advance(by: 70)
                #expect(await eventually { (try? h.mock.counters(for: "one@example.com").usageCalls) == round }, "poll \(round)")
            }
            #expect(try h.status("one@example.com") == .active)
            #expect(try h.mock.counters(for: "one@example.com").tokenCalls == 0)
        }
    }

    /// A pool larger than the poller's concurrency is polled evenly over most of the interval, not in a burst.
    @Test func aLargePoolIsPolledEvenlyOverMostOfTheInterval() async throws {
        let clock = TestClock()
        let emails = (1...12).map { "user\($0)@example.com" }
        try await GatewayHarness.with(emails: emails, clock: clock, configure: { $0.usageInterval = 60 }) { h in
            func polled() -> Int { h.mock.counters().accounts.values.reduce(0) { $0 + $1.usageCalls } }
            #expect(await eventually { polled() == 1 })
            // 54 s (0.9 of 60) over 12 accounts: one poll every 4.5 s of the gateway's clock.
            #expect(Defaults.usageRoundSpread == 0.9)
            for count in 2...12 {
                #expect(await clock.waitForSleepers(2))
                clock.advance(by: 4.5)
                #expect(await eventually { polled() == count }, "poll \(count)")
            }
            #expect(Set(emails.map { try? h.mock.counters(for: $0).usageCalls }) == [1])
        }
    }

    @Test(arguments: [RefreshBehaviour.htmlForbidden, .serverError(status: 500), .serverError(status: 502), .nonJSON, .emptyBody(status: 400)])
    func aTransientRefreshFailureWithAValidAccessTokenKeepsTheAccountActive(behaviour: RefreshBehaviour) async throws {
        try await GatewayHarness.with(emails: ["one@example.com"], accessTokenLifetime: 120) { h in
            try h.mock.scriptRefresh("one@example.com", then: behaviour)
            let response = try await h.send("POST", "/v1/responses", body: Self.request)
            #expect(response.status == 200)
            #expect(try h.status("one@example.com") == .active)
            #expect(h.logs.count("account deactivated") == 0)
        }
    }

    @Test func aTransientRefreshFailureWithAnExpiredTokenRetriesOnCadenceAndRecovers() async throws {
        let clock = TestClock()
        try await GatewayHarness.with(
            emails: ["one@example.com"], accessTokenLifetime: -60, clock: clock,
            prepare: { try $0.scriptRefresh("one@example.com", then: .serverError(status: 500)) }
        ) { h in
            let first = try await h.send("POST", "/v1/responses", body: Self.request)
            #expect(first.status == 503)
            #expect(first.json?["error"]?["code"] == "accounts_auth_retrying")
            guard case .authRetrying = try h.status("one@example.com") else { Issue.record("expected auth_retrying"); return }
            let calls = try h.mock.counters(for: "one@example.com").tokenCalls
            // Nothing is retried before the interval (10 min ± 10 %) has passed.
            #expect(await clock.waitForSleepers(2))
            clock.advance(by: 8 * 60)
            #expect(await clock.waitForSleepers(2))
            #expect(try h.mock.counters(for: "one@example.com").tokenCalls == calls)
            // One retry per interval.
            for retry in 1...2 {
                clock.advance(by: 5 * 60)
                #expect(await eventually { (try? h.mock.counters(for: "one@example.com").tokenCalls) == calls + retry }, "retry \(retry)")
                #expect(await clock.waitForSleepers(2))
                clock.advance(by: 7 * 60)
                #expect(await clock.waitForSleepers(2))
            }
            #expect(try h.status("one@example.com").name == .authRetrying)
            try h.mock.scriptRefresh("one@example.com", then: .ok)
            let stale = try h.store.find("one@example.com").tokens.refreshToken
            clock.advance(by: 5 * 60)
            #expect(await eventually { (try? h.status("one@example.com")) == .active })
            // The recovered refresh rotated the credentials (this mock account only ever issues expired access tokens).
            #expect(try h.store.find("one@example.com").tokens.refreshToken != stale)
            #expect(h.logs.count("account deactivated") == 0)
        }
    }

    @Test func authRetryingPastTheCeilingIsDeactivatedAsExhausted() async throws {
        let clock = TestClock()
        try await GatewayHarness.with(
            emails: ["one@example.com"], accessTokenLifetime: -60, clock: clock,
            prepare: { try $0.scriptRefresh("one@example.com", then: .htmlForbidden) }
        ) { h in
            _ = try await h.send("POST", "/v1/responses", body: Self.request)
            #expect(try h.status("one@example.com").name == .authRetrying)
            #expect(await clock.waitForSleepers(2))
            clock.advance(by: 23 * 3600)
            #expect(await eventually { (try? h.status("one@example.com").name) != .authRetrying || h.logs.count("auth retry failed") >= 1 })
            #expect(try h.status("one@example.com").name == .authRetrying, "still inside the 24 h ceiling")
            #expect(await clock.waitForSleepers(2))
            clock.advance(by: 2 * 3600)
            #expect(await eventually { (try? h.status("one@example.com").name) == .deactivated })
            guard case .deactivated(let code, _, _) = try h.status("one@example.com") else { return }
            #expect(code == "auth_retry_exhausted")
            #expect(h.logs.count("account deactivated", level: .warning) == 1)
        }
    }

    /// Near expiry, 50 requests at once: each is served at once with the valid token, and the one
    /// background refresh presents the refresh token once.
    @Test func concurrentRefreshesInOneProcessNeverReuseARefreshToken() async throws {
        // The imported refresh token, read before the gateway starts: its first usage poll may already refresh.
        var before = ""
        try await GatewayHarness.with(emails: ["one@example.com"], accessTokenLifetime: 60, prepare: { before = try $0.authFile("one@example.com").tokens.refreshToken }) { h async throws in
            let statuses = await withTaskGroup(of: Int.self) { group in
                for _ in 0..<50 { group.addTask { (try? await h.send("POST", "/v1/responses", body: Self.request).status) ?? -1 } }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == 200 })
            #expect(await eventually { (try? h.store.find("one@example.com").tokens.refreshToken) != before })
            #expect(h.mock.presentations(ofRefreshToken: before) == 1)
            #expect(try h.store.find("one@example.com").tokens.refreshToken != before)
            #expect(try h.status("one@example.com") == .active)
        }
    }

    @Test func aRefreshTokenRotatedByAnotherClientDeactivatesAsReused() async throws {
        // A long-lived access token: the gateway has no reason to refresh before the other client does.
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            // Another client (say, the Codex CLI on the same login) rotates the token behind our back.
            let stolen = try h.store.find("one@example.com").tokens.refreshToken
            _ = try await TokenClient(transport: GatewayHarness.transport, authBaseURL: h.mock.baseURL).refresh(refreshToken: stolen)
            let response = try await h.send("POST", "/v1/responses", body: Self.request)
            #expect(response.status == 503)
            guard case .deactivated(let code, _, _) = try h.status("one@example.com") else { Issue.record("not deactivated"); return }
            #expect(code == "refresh_token_reused")
        }
    }

    @Test func freshCredentialsAndReactivateBringTheAccountBackAndClearThePoison() async throws {
        // A long-lived token, then rejected by the upstream: the request path's 401 drives the refresh.
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            try h.mock.scriptRefresh("one@example.com", then: .error(code: "token_expired", status: 401))
            try h.mock.expireAccessToken(of: "one@example.com")
            #expect(try await h.send("POST", "/v1/responses", body: Self.request).status == 503)
            try h.mock.scriptRefresh("one@example.com", then: .ok)
            let id = try h.id("one@example.com")
            // Same credentials: refused, with the code and what to do.
            let refused = try await CLI.run(["accounts", "reactivate", id, "--no-verify"], dataDirectory: h.dataDirectory)
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("token_expired"))
            #expect(refused.stderr.contains("import"))
            // The person logs in again (device flow against the mock) and imports the new auth.json.
            let login = try await MockLogin.device(mock: h.mock, email: "one@example.com")
            let imported = try await CLI.run(["accounts", "import", login.path], dataDirectory: h.dataDirectory)
            #expect(imported.status == 0, "\(imported.stderr)")
            #expect(imported.stdout.contains("switchboard accounts reactivate \(id)"))
            let reactivated = try await CLI.run(["accounts", "reactivate", id], dataDirectory: h.dataDirectory, environment: ["SWITCHBOARD_AUTH_BASE_URL": h.mock.baseURL])
            #expect(reactivated.status == 0, "\(reactivated.stderr)")
            #expect(reactivated.stdout.contains("verified"))
            #expect(await eventually(timeout: .seconds(1)) { (try? await h.send("POST", "/v1/responses", body: Self.request).status) == 200 })
            let account = try h.store.find(id)
            #expect(account.status == .active)
            #expect(account.status.detail == nil)
        }
    }
}
