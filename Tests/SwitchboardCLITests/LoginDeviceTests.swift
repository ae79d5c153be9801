import Foundation
import MockUpstream
import Testing
import SwitchboardCore
import SwitchboardStore
import SwitchboardTestSupport

/// `switchboard accounts login --device` end to end against the mock auth server (polling every second).
@Suite struct LoginDeviceTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-login-\(UUID().uuidString)")

    static let mockConfiguration = MockUpstream.Configuration(deviceCodeInterval: 1)

    @Test func theDeviceFlowPollsAtTheServerIntervalUntilTheCodeIsEntered() async throws {
        try await withMockUpstream(Self.mockConfiguration) { mock in
            _ = try mock.createAccount(email: "device@example.com")
            mock.queueLogin(MockLoginPlan(account: "device@example.com", pendingPolls: 2))
            let started = ContinuousClock.now
            let login = try RunningLogin(["accounts", "login", "--device"], dataDirectory: directory, authBaseURL: mock.baseURL)
            #expect(await login.exitStatus() == 0, "\(login.stderr)")
            #expect(ContinuousClock.now - started >= .seconds(3), "three polls one second apart")
            #expect(mock.counters().login.deviceTokenPolls == 3)
            #expect(login.stdout.contains(mock.baseURL + "/codex/device"))
            #expect(login.stdout.range(of: #"[A-Z0-9]{4}-[A-Z0-9]{4}"#, options: .regularExpression) != nil, "the user code is shown")
            let account = try AccountStore.open(dataDirectory: directory).find("device@example.com")
            #expect(account.status == .active)
            #expect(account.tokens.refreshToken == (try mock.authFile("device@example.com")).tokens.refreshToken)
        }
    }

    @Test func anExpiredDeviceCodeIsAClearError() async throws {
        try await withMockUpstream(Self.mockConfiguration) { mock in
            mock.queueLogin(MockLoginPlan(expire: true))
            let login = try RunningLogin(["accounts", "login", "--device"], dataDirectory: directory, authBaseURL: mock.baseURL)
            #expect(await login.exitStatus() == 1)
            #expect(login.stderr.contains("the device code expired"), "\(login.stderr)")
            #expect(login.stderr.contains("--device"))
            #expect(try AccountStore.open(dataDirectory: directory).accounts().isEmpty)
        }
    }

    @Test func ctrlCStopsPolling() async throws {
        try await withMockUpstream(Self.mockConfiguration) { mock in
            mock.queueLogin(MockLoginPlan(pendingPolls: 10_000))
            let login = try RunningLogin(["accounts", "login", "--device"], dataDirectory: directory, authBaseURL: mock.baseURL)
            #expect(await login.waitForOutput("Waiting for the login"))
            login.interrupt()
            #expect(await login.exitStatus() == 130)
            #expect(login.stderr.contains("login cancelled (Ctrl-C); nothing was written"), "\(login.stderr)")
        }
    }
}
