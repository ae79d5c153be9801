import Foundation
import SwitchboardTestSupport
import Testing
import SwitchboardCore
@testable import SwitchboardGateway
import SwitchboardStore
import SwitchboardUpstream

@Suite struct KeyLimitTests {
    static let body = #"{"model":"gpt-5","input":"hi"}"#

    /// A key with `limits`, seen by the running gateway.
    static func key(_ h: GatewayHarness, _ limits: KeyLimits) throws -> [HTTPHeader] {
        let (key, _) = try h.store.createAPIKey(name: "limited", limits: limits)
        // Same process and connection as the gateway: its change watcher does not see this commit.
        try h.gateway.access.reload()
        try h.gateway.requestLog.accounting.reload()
        return [HTTPHeader("Authorization", "Bearer \(key)")]
    }

    @Test func aKeyLimitedToSomeModelsGets403ForOthersBeforeAnAccountIsPicked() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            let bearer = try Self.key(h, KeyLimits(models: ["gpt-5", "gpt-5-codex"]))
            let refused = try await h.send("POST", "/v1/responses", body: #"{"model":"o3","input":"hi"}"#, headers: bearer)
            #expect(refused.status == 403)
            #expect(refused.json?["error"]?["code"] == "model_not_allowed")
            let chat = try await h.send("POST", "/v1/chat/completions", body: #"{"model":"o3","messages":[{"role":"user","content":"hi"}]}"#, headers: bearer)
            #expect(chat.status == 403)
            #expect(try h.mock.counters(for: "one@example.com").responsesCalls == 0)
            #expect(try await h.send("POST", "/v1/responses", body: Self.body, headers: bearer).status == 200)
            #expect(try await h.send("POST", "/backend-api/codex/responses", body: GatewayHarness.codexBody, headers: bearer).status == 200)
            #expect(try h.mock.counters(for: "one@example.com").responsesCalls == 2)
        }
    }

    @Test func aKeyPastItsTokensPerDayGets429WithRetryAfterToTheEndOfTheUTCDay() async throws {
        let clock = TestClock()
        try await GatewayHarness.with(emails: ["one@example.com"], clock: clock) { h in
            let bearer = try Self.key(h, KeyLimits(tokensPerDay: 5))
            #expect(try await h.send("POST", "/v1/responses", body: Self.body, headers: bearer).status == 200)
            let refused = try await h.send("POST", "/v1/responses", body: Self.body, headers: bearer)
            #expect(refused.status == 429)
            #expect(refused.json?["error"]?["code"] == "key_limit_reached")
            let midnight = KeyMeter.start(ofDay: KeyMeter.day(of: clock.now) + 1).timeIntervalSince(clock.now)
            #expect(refused.header("Retry-After") == String(max(1, Int(midnight.rounded(.up)))))
            #expect(try h.mock.counters(for: "one@example.com").responsesCalls == 1)
            // Another key is not affected.
            let other = try Self.key(h, KeyLimits())
            #expect(try await h.send("POST", "/v1/responses", body: Self.body, headers: other).status == 200)
        }
    }

    /// The minute is the gateway clock's: two requests pass, the third waits for the next minute to the
    /// second, and the next minute admits again.
    @Test func aKeyPastItsRequestsPerMinuteGets429UntilTheMinuteEnds() async throws {
        // Ten seconds into a minute (a little behind the wall clock, which the gateway does not mind).
        let clock = TestClock(now: Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.down) * 60 + 10))
        try await GatewayHarness.with(emails: ["one@example.com"], clock: clock) { h in
            let bearer = try Self.key(h, KeyLimits(requestsPerMinute: 2))
            var statuses: [Int] = []
            for _ in 0..<3 { statuses.append(try await h.send("POST", "/v1/responses", body: Self.body, headers: bearer).status) }
            #expect(statuses == [200, 200, 429])
            clock.advance(by: 45)
            let later = try await h.send("POST", "/v1/responses", body: Self.body, headers: bearer)
            #expect(later.status == 429)
            #expect(later.header("Retry-After") == "5")
            clock.advance(by: 5)
            #expect(try await h.send("POST", "/v1/responses", body: Self.body, headers: bearer).status == 200)
            #expect(await eventually { (try? h.store.requests(RequestFilter(errorsOnly: true)).first?.errorCode) == "key_limit_reached" })
        }
    }

    @Test func aKeysUseIsWrittenWithTheLogAndSurvivesARestart() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            let bearer = try Self.key(h, KeyLimits(tokensPerDay: 1_000_000))
            for _ in 0..<3 { #expect(try await h.send("POST", "/v1/responses", body: Self.body, headers: bearer).status == 200) }
            let keyID = try #require(try h.store.apiKeys().first?.id)
            let used = try #require(h.gateway.requestLog.accounting.usedToday()[keyID])
            #expect(used.requests == 3)
            #expect(used.tokens > 0)
            let today = KeyMeter.day(of: Date())
            #expect(await eventually { (try? h.store.keyUsage(day: today)[keyID]?.requests) == 3 })
            let restarted = try KeyAccounting(store: h.store)
            #expect(restarted.usedToday()[keyID]?.tokens == used.tokens)
            #expect(restarted.usedToday()[keyID]?.requests == 3)
        }
    }

    @Test func keysListShowsUseAgainstEachLimitAndKeysLimitChangesThem() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            let created = try await CLI.run(
                ["keys", "create", "--name", "team", "--tokens-per-day", "100000", "--requests-per-minute", "50", "--models", "gpt-5,gpt-5-codex"],
                dataDirectory: h.dataDirectory)
            #expect(created.status == 0, "\(created.stderr)")
            let bearer = [HTTPHeader("Authorization", "Bearer \(created.stdout.trimmingCharacters(in: .whitespacesAndNewlines))")]
            // Another process created it: the gateway sees it within a tick.
            let wrong = [HTTPHeader("Authorization", "Bearer sb-wrong")]
            #expect(await eventually { (try? await h.send("POST", "/v1/responses", body: Self.body, headers: wrong).status) == 401 })
            #expect(try await h.send("POST", "/v1/responses", body: Self.body, headers: bearer).status == 200)
            #expect(try await h.send("POST", "/v1/responses", body: #"{"model":"o3","input":"hi"}"#, headers: bearer).status == 403)
            let keyID = try #require(try h.store.apiKeys().first?.id)
            #expect(await eventually { (try? h.store.keyUsage(day: KeyMeter.day(of: Date()))[keyID]?.requests) == 2 })
            let tokens = try #require(try h.store.keyUsage(day: KeyMeter.day(of: Date()))[keyID]?.tokens)
            let listed = try await CLI.run(["keys", "list"], dataDirectory: h.dataDirectory)
            #expect(listed.stdout.contains("TOKENS TODAY"))
            #expect(listed.stdout.contains("\(tokens)/100000"))
            #expect(listed.stdout.contains("2/50"))
            #expect(listed.stdout.contains("gpt-5,gpt-5-codex"))
            let changed = try await CLI.run(["keys", "limit", keyID, "--models", "all", "--tokens-per-day", "none"], dataDirectory: h.dataDirectory)
            #expect(changed.status == 0, "\(changed.stderr)")
            #expect(changed.stdout.contains("50 requests/min"))
            #expect(await eventually { (try? await h.send("POST", "/v1/responses", body: #"{"model":"o3","input":"hi"}"#, headers: bearer).status) == 200 })
            #expect(try await CLI.run(["keys", "limit", keyID], dataDirectory: h.dataDirectory).status != 0)
        }
    }
}
