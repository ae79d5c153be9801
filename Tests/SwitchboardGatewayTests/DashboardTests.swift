import Foundation
import SwitchboardTestSupport
import MockUpstream
import Testing
import SwitchboardCore
@testable import SwitchboardGateway
import SwitchboardStore
import SwitchboardUpstream

@Suite struct DashboardTests {
    static let emails = ["active@example.com", "dead@example.com", "limited@example.com", "paused@example.com", "retrying@example.com"]

    /// A gateway whose accounts are in every state, with some requests in the log.
    static func withGatewayInEveryState(_ body: (GatewayHarness) async throws -> Void) async throws {
        try await GatewayHarness.with(emails: emails, prepare: { mock in
            try mock.setUsage(MockUsageReport(primaryUsedPercent: 42, secondaryUsedPercent: 93), for: "active@example.com")
        }) { h in
            try await inEveryState(h)
            try await body(h)
        }
    }

    private static func inEveryState(_ h: GatewayHarness) async throws {
        // The first usage poll has stored the usage before statuses are set (so it cannot race them).
        let active = try h.id("active@example.com")
        #expect(await eventually { h.gateway.pool.account(active)?.usage?.secondary?.usedPercent == 93 })
        try h.store.apply(.failed(.permanent(code: "refresh_token_reused", message: "reused"), at: .token, source: .refresh, accessTokenValid: false, observedWith: h.store.heldRefreshToken(try h.id("dead@example.com"))), to: try h.id("dead@example.com"))
        try h.store.apply(.failed(.rateLimited(resetsAt: Date().addingTimeInterval(1800)), at: .responses, source: .responses, accessTokenValid: true, observedWith: h.store.heldRefreshToken(try h.id("limited@example.com"))), to: try h.id("limited@example.com"))
        try h.store.apply(.paused, to: try h.id("paused@example.com"))
        try h.store.apply(.failed(.transient(reason: "HTTP 500"), at: .token, source: .refresh, accessTokenValid: false, observedWith: h.store.heldRefreshToken(try h.id("retrying@example.com"))), to: try h.id("retrying@example.com"))
        try h.gateway.pool.reload()
        #expect(try await h.send("POST", "/v1/responses", body: #"{"model":"gpt-5","input":"hi"}"#).status == 200)
        #expect(try await h.send("POST", "/v1/responses", body: #"{"input":"no model"}"#).status == 400)
        #expect(await eventually { (try? h.store.requests(RequestFilter()).count) == 2 })
    }

    @Test func thePageShowsEveryAccountItsStateUsageTransitionsTrafficAndWhatToDo() async throws {
        try await DashboardTests.withGatewayInEveryState { h in
            let page = try await h.send("GET", "/dashboard")
            #expect(page.status == 200)
            #expect(page.header("Content-Type")?.hasPrefix("text/html") == true)
            let html = page.text
            for email in Self.emails { #expect(html.contains(email), "\(email)") }
            for (email, status) in [("active", "active"), ("dead", "deactivated"), ("limited", "rate_limited"), ("paused", "paused"), ("retrying", "auth_retrying")] {
                #expect(html.contains("data-account=\"\(try h.id("\(email)@example.com"))\" data-status=\"\(status)\""), "\(email)")
            }
            #expect(html.contains("refresh_token_reused"))
            #expect(html.contains("switchboard accounts login --account \(try h.id("dead@example.com"))"))
            #expect(html.contains("switchboard accounts resume \(try h.id("paused@example.com"))"))
            #expect(html.contains("rate limit ends"))
            #expect(html.contains("next retry"))
            #expect(html.contains("width:42%"))
            #expect(html.contains("bar high"))
            #expect(html.contains("2 requests"))
            #expect(html.contains("errors 50.0 %"))
            #expect(html.contains("<svg"))
            #expect(html.contains("http-equiv=\"refresh\""))
            #expect(!html.contains("<script") && !html.contains("stylesheet") && !html.contains("src=\"http"))
            // Never a token, and no fingerprint beyond the short one.
            for account in try h.store.accounts() {
                for secret in [account.tokens.accessToken, account.tokens.refreshToken, account.tokens.idToken, account.tokens.fingerprint.hex] {
                    #expect(!html.contains(secret))
                }
            }
            #expect(try h.store.requests(RequestFilter()).count == 2, "the page itself is not logged")
        }
    }

    @Test func slashRedirectsToTheDashboard() async throws {
        try await GatewayHarness.with(emails: []) { h in
            let answer = try await h.send("GET", "/")
            #expect(answer.status == 302)
            #expect(answer.header("Location") == "/dashboard")
        }
    }

    @Test func withKeysTheDashboardAsksForAKeyOnceAndKeepsItInAStrictHttpOnlyCookie() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            let (key, _) = try h.store.createAPIKey(name: "ops")
            try h.gateway.access.reload()
            let asked = try await h.send("GET", "/dashboard")
            #expect(asked.status == 401)
            #expect(asked.text.contains("<form method=\"post\" action=\"/dashboard\">"))
            #expect(!asked.text.contains("one@example.com"))
            let form = [HTTPHeader("Content-Type", "application/x-www-form-urlencoded")]
            let wrong = try await h.send("POST", "/dashboard", body: "key=sb-wrong", headers: form)
            #expect(wrong.status == 401)
            #expect(wrong.header("Set-Cookie") == nil)
            let signedIn = try await h.send("POST", "/dashboard", body: "key=\(key)", headers: form)
            #expect(signedIn.status == 303)
            #expect(signedIn.header("Location") == "/dashboard")
            let cookie = try #require(signedIn.header("Set-Cookie"))
            #expect(cookie.hasPrefix("switchboard_key=\(key)"))
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Strict"))
            let withCookie = try await h.send("GET", "/dashboard", headers: [HTTPHeader("Cookie", "switchboard_key=\(key)")])
            #expect(withCookie.status == 200)
            #expect(withCookie.text.contains("one@example.com"))
            #expect(try await h.send("GET", "/dashboard", headers: [HTTPHeader("Authorization", "Bearer \(key)")]).status == 200)
            #expect(try await h.send("GET", "/dashboard", headers: [HTTPHeader("Cookie", "switchboard_key=sb-wrong")]).status == 401)
        }
    }

    @Test func theHourIsBucketedPerMinuteWithItsErrorRateAndPercentiles() {
        let now = Date()
        var samples = (1...100).map { RequestSample(at: now.addingTimeInterval(-30), durationMilliseconds: Double($0), failed: $0 > 90) }
        samples.append(RequestSample(at: now.addingTimeInterval(-125), durationMilliseconds: 5000, failed: false))
        samples.append(RequestSample(at: now.addingTimeInterval(-4000), durationMilliseconds: 9000, failed: true))
        let hour = HourStats(samples, now: now)
        #expect(hour.minutes.count == 60)
        #expect(hour.minutes[59] == HourStats.Minute(requests: 100, errors: 10, p99Milliseconds: 99))
        #expect(hour.minutes[57] == HourStats.Minute(requests: 1, errors: 0, p99Milliseconds: 5000))
        #expect(hour.minutes[0] == HourStats.Minute())
        #expect(hour.requests == 101)
        #expect(abs(hour.errorRate - 10.0 / 101) < 1e-9)
        #expect(hour.p50Milliseconds == 51)
        #expect(hour.p99Milliseconds == 100)
        let svg = HourChart.svg(hour)
        #expect(svg.contains("100 requests, 10 errors"))
        #expect(svg.contains("p99 latency per minute, peak 5000 ms"))
    }
}
