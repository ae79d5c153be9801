import Foundation
import MockUpstream
import Testing
import SwitchboardCore
import SwitchboardStore
import SwitchboardTestSupport

/// `switchboard accounts login --account ID`: the operator's fix for a deactivated account, against a running gateway.
@Suite(.serialized) struct LoginReloginTests {
    static let request = #"{"model":"gpt-5","input":"hi"}"#

    static func withHarness(_ emails: [String], _ body: (GatewayHarness) async throws -> Void) async throws {
        try await GatewayHarness.with(emails: emails, mockConfiguration: MockUpstream.Configuration(deviceCodeInterval: 1), body)
    }

    @Test func reloginReactivatesADeactivatedAccountAndARunningServerUsesItWithinASecond() async throws {
        try await Self.withHarness(["one@example.com"]) { h in
            try h.mock.scriptRefresh("one@example.com", [.error(code: "token_expired", status: 401)], then: .ok)
            try h.mock.expireAccessToken(of: "one@example.com")
            #expect(try await h.send("POST", "/v1/responses", body: Self.request).status == 503)
            let id = try h.id("one@example.com")
            guard case .deactivated(_, _, let poison) = try h.status("one@example.com") else { Issue.record("not deactivated"); return }

            h.mock.queueLogin(MockLoginPlan(account: "one@example.com"))
            let login = try RunningLogin(["accounts", "login", "--device", "--account", id], dataDirectory: h.dataDirectory, authBaseURL: h.mock.baseURL)
            #expect(await login.exitStatus() == 0, "\(login.stderr)")
            #expect(login.stdout.contains("reactivated \(id) (deactivated → active)"), "\(login.stdout)")
            #expect(await eventually(timeout: .seconds(1)) { (try? await h.send("POST", "/v1/responses", body: Self.request).status) == 200 })

            let account = try h.store.find(id)
            #expect(account.status == .active)
            #expect(account.tokens.fingerprint.hex != poison, "the poisoned credential is gone")
            // The audit log: the new credentials, then the reactivation (the server may rotate the tokens afterwards).
            let history = try h.store.events(accountID: id).map { "\($0.fromStatus ?? "-")→\($0.toStatus) \($0.code ?? "-")" }
            let replaced = try #require(history.firstIndex(of: "deactivated→deactivated credentials_replaced"), "\(history)")
            #expect(history.dropFirst(replaced + 1).first == "deactivated→active -", "\(history)")
        }
    }

    @Test func aReloginAsAnotherAccountIsRefusedAndNothingIsOverwritten() async throws {
        try await Self.withHarness(["one@example.com", "two@example.com"]) { h in
            let one = try h.store.find("one@example.com"), two = try h.store.find("two@example.com")

            h.mock.queueLogin(MockLoginPlan(account: "two@example.com"))
            let login = try RunningLogin(["accounts", "login", "--device", "--account", one.id], dataDirectory: h.dataDirectory, authBaseURL: h.mock.baseURL)
            #expect(await login.exitStatus() == 1)
            #expect(login.stderr.contains("the credentials belong to two@example.com"), "\(login.stderr)")
            #expect(login.stderr.contains("not to account \(one.id)"))
            #expect(login.stderr.contains("nothing was overwritten"))
            for before in [one, two] {
                let after = try h.store.find(before.id)
                #expect(after.tokens == before.tokens && after.status == before.status, "\(before.email ?? "") was overwritten")
            }
            #expect(try h.store.events(accountID: one.id).allSatisfy { $0.code != "credentials_replaced" })
        }
    }

    @Test func reloginOfAnUnknownAccountStopsBeforeTheLogin() async throws {
        try await Self.withHarness(["one@example.com"]) { h in
            let login = try RunningLogin(["accounts", "login", "--device", "--account", "nobody@example.com"], dataDirectory: h.dataDirectory, authBaseURL: h.mock.baseURL)
            #expect(await login.exitStatus() == 1)
            #expect(login.stderr.contains("no account matches `nobody@example.com`"), "\(login.stderr)")
            #expect(h.mock.counters().login.deviceCodeCalls == 0)
        }
    }
}
