import Foundation
import Hummingbird
import MockUpstream
import Synchronization
import Testing
import SwitchboardCore
import SwitchboardTestSupport

/// One deactivation, one webhook call: the operator hears about an incident once, not per request.
@Suite struct AlertWebhookTests {
    @Test func aDeactivationPostsOneWebhookEventWithoutTokens() async throws {
        try await withWebhookSink { hook, received in
            try await GatewayHarness.with(
                emails: ["one@example.com"], startExpired: true, configure: { $0.alertWebhookURL = hook },
                prepare: { try $0.scriptRefresh("one@example.com", then: .error(code: "account_suspended", status: 401)) }) { h in
                for _ in 0..<20 { _ = try await h.send("POST", "/v1/responses", body: #"{"model":"gpt-5","input":"hi"}"#) }
                #expect(await eventually { received.events.count >= 1 })
                // The call is made per deactivation transition, and there is exactly one of those.
                #expect(try h.store.events(accountID: h.id("one@example.com")).filter { $0.toStatus == "deactivated" }.count == 1)
                #expect(h.logs.count("account deactivated", level: .warning) == 1)
                let events = received.events
                #expect(events.count == 1)
                let event = try #require(events.first.flatMap { JSONValue(parsing: $0) })
                #expect(event["event"] == "account_deactivated")
                #expect(event["code"] == "account_suspended")
                #expect(event["account_id"]?.stringValue == (try h.id("one@example.com")))
                #expect(event["fix"]?.stringValue?.contains("switchboard accounts reactivate") == true)
                let text = String(decoding: events[0], as: UTF8.self)
                let tokens = try h.store.find("one@example.com").tokens
                #expect(!text.contains(tokens.refreshToken) && !text.contains(tokens.accessToken))
            }
        }
    }
}
