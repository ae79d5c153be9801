import Foundation
import MockUpstream
import Testing
import SwitchboardCore
import SwitchboardStore
import SwitchboardTestSupport

/// `switchboard accounts login` (browser flow, PKCE) end to end against the mock auth server.
/// The test is the browser: it GETs the printed authorize URL and follows the redirect to the CLI's listener.
@Suite struct LoginBrowserTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-login-\(UUID().uuidString)")

    /// Runs `body` with a running mock that has `email` as the account the next login picks.
    func withMock(loggingIn email: String, _ body: (MockUpstream) async throws -> Void) async throws {
        try await withMockUpstream { mock in
            _ = try mock.createAccount(email: email)
            mock.queueLogin(MockLoginPlan(account: email))
            try await body(mock)
        }
    }

    func store() throws -> AccountStore { try AccountStore.open(dataDirectory: directory) }

    /// Starts the CLI and returns it with the authorize URL it printed.
    func start(_ extra: [String] = [], mock: MockUpstream) async throws -> (RunningLogin, String) {
        let login = try RunningLogin(["accounts", "login", "--callback-port", "0"] + extra, dataDirectory: directory, authBaseURL: mock.baseURL)
        #expect(await login.waitForOutput("/oauth/authorize?"), "\(login.stderr)")
        return (login, try #require(login.printed(startingWith: mock.baseURL + "/oauth/authorize?")))
    }

    /// The browser's first step: the authorize page redirects to the callback; returns that address.
    func authorize(_ url: String) async throws -> String {
        let page = try await RunningLogin.get(url)
        #expect(page.status == 302, "\(page.text)")
        return try #require(page.header("Location"))
    }

    @Test func theBrowserFlowAddsTheAccountThatLoggedIn() async throws {
        try await withMock(loggingIn: "browser@example.com") { mock in
            let (login, url) = try await start(mock: mock)
            let query = AuthorizeQuery(url)
            #expect(query["code_challenge_method"] == "S256")
            #expect(query["code_challenge"]?.count == 43)
            #expect(query["scope"] == "openid profile email offline_access")
            #expect(query["response_type"] == "code")
            #expect((query["state"]?.count ?? 0) >= 32)
            let redirect = try #require(query["redirect_uri"])
            #expect(redirect.hasPrefix("http://localhost:") && redirect.hasSuffix("/auth/callback"))

            let callback = try await authorize(url)
            #expect(callback.hasPrefix(redirect + "?"))
            let page = try await RunningLogin.get(callback)
            #expect(page.status == 200)
            #expect(page.text.contains("Logged in"))
            #expect(await login.exitStatus() == 0, "\(login.stderr)")
            #expect(login.stdout.contains("logged in: added"))

            let account = try store().find("browser@example.com")
            #expect(account.status == .active)
            let issued = try mock.authFile("browser@example.com")
            #expect(account.tokens.refreshToken == issued.tokens.refreshToken)
            for secret in [issued.tokens.refreshToken, issued.tokens.accessToken, issued.tokens.idToken] {
                #expect(!login.stdout.contains(secret) && !login.stderr.contains(secret), "a token was printed")
            }
        }
    }

    @Test func aCallbackWithTheWrongStateIsRefusedAndNothingIsWritten() async throws {
        try await withMock(loggingIn: "forged@example.com") { mock in
            let (login, url) = try await start(mock: mock)
            let callback = try await authorize(url)
            let state = try #require(AuthorizeQuery(callback)["state"])
            let page = try await RunningLogin.get(callback.replacingOccurrences(of: "state=\(state)", with: "state=forged"))
            #expect(page.status == 400)
            #expect(await login.exitStatus() == 1)
            #expect(login.stderr.contains("state"), "\(login.stderr)")
            #expect(login.stderr.contains("nothing was written"))
            #expect(mock.counters().login.codeExchanges == 0, "the code must not be exchanged")
            #expect(try store().accounts().isEmpty)
        }
    }

    @Test func noBrowserReadsTheCallbackAddressPastedOnStandardInput() async throws {
        try await withMock(loggingIn: "headless@example.com") { mock in
            let (login, url) = try await start(["--no-browser"], mock: mock)
            let callback = try await authorize(url)
            login.type("not the address\n")
            #expect(await eventually(timeout: .seconds(30)) { login.stderr.contains("not the callback address") })
            login.type(callback + "\n")
            #expect(await login.exitStatus() == 0, "\(login.stderr)")
            #expect(try store().find("headless@example.com").status == .active)
        }
    }

    @Test func noBrowserWithTheWrongStateIsRefused() async throws {
        try await withMock(loggingIn: "headless@example.com") { mock in
            let (login, url) = try await start(["--no-browser"], mock: mock)
            _ = try await authorize(url)
            login.type("http://localhost:1455/auth/callback?code=ac_x&state=forged\n")
            #expect(await login.exitStatus() == 1)
            #expect(login.stderr.contains("state"), "\(login.stderr)")
            #expect(try store().accounts().isEmpty)
        }
    }

    @Test func closingStandardInputCancelsANoBrowserLogin() async throws {
        try await withMock(loggingIn: "quits@example.com") { mock in
            let (login, _) = try await start(["--no-browser"], mock: mock)
            login.closeInput()
            #expect(await login.exitStatus() == 1)
            #expect(login.stderr.contains("cancelled"), "\(login.stderr)")
            #expect(try store().accounts().isEmpty)
        }
    }

    @Test func ctrlCCancelsTheLoginWithAMessage() async throws {
        try await withMock(loggingIn: "quits@example.com") { mock in
            let (login, _) = try await start(mock: mock)
            #expect(await login.waitForOutput("Waiting for the callback"))
            login.interrupt()
            #expect(await login.exitStatus() == 130)
            #expect(login.stderr.contains("login cancelled (Ctrl-C); nothing was written"), "\(login.stderr)")
            #expect(try store().accounts().isEmpty)
        }
    }

    @Test func aBusyCallbackPortIsAClearError() async throws {
        try await withMock(loggingIn: "busy@example.com") { mock in
            let busy = try #require(mock.port)  // the mock itself holds the port
            let login = try RunningLogin(["accounts", "login", "--callback-port", "\(busy)"], dataDirectory: directory, authBaseURL: mock.baseURL)
            #expect(await login.exitStatus() == 1)
            #expect(login.stderr.contains("cannot listen on 127.0.0.1:\(busy) for the login callback: the port is busy"), "\(login.stderr)")
            #expect(login.stderr.contains("--callback-port"))
            #expect(mock.counters().login.authorizeCalls == 0)
        }
    }

    @Test func noCallbackBeforeTheTimeoutIsAClearError() async throws {
        try await withMock(loggingIn: "slow@example.com") { mock in
            let (login, _) = try await start(["--login-timeout", "1"], mock: mock)
            #expect(await login.exitStatus() == 1)
            #expect(login.stderr.contains("login timed out: no callback within 1 s"), "\(login.stderr)")
            #expect(try store().accounts().isEmpty)
        }
    }
}

/// The decoded query of a URL.
struct AuthorizeQuery {
    let items: [String: String]
    init(_ url: String) {
        items = (URLComponents(string: url)?.queryItems ?? []).reduce(into: [:]) { $0[$1.name] = $1.value }
    }
    subscript(name: String) -> String? { items[name] }
}
