import Foundation
import Hummingbird
import HummingbirdTesting
import MockUpstream
import Testing

private typealias Support = MockUpstreamTestSupport

@Suite("MockUpstream auth server")
struct MockUpstreamTokenTests {
    private func refreshBody(_ token: String) -> ByteBuffer {
        Support.body(["grant_type": "refresh_token", "client_id": "app_EMoamEEZ73f0CkXaXp7hrann", "refresh_token": token, "scope": "openid profile email"])
    }

    @Test("account creation returns decodable JWTs with the ChatGPT claim layout")
    func accountCreationReturnsJWTs() async throws {
        let mock = MockUpstream()
        let auth = try mock.createAccount(email: "alice@example.com", plan: "pro", accountID: "acct-1", userID: "user-alice")
        for token in [auth.tokens.accessToken, auth.tokens.idToken] {
            let payload = try #require(UnsignedJWT.decodePayload(token))
            #expect(payload["email"] as? String == "alice@example.com")
            #expect(payload["sub"] is String)
            let exp = try #require(payload["exp"] as? Int), iat = try #require(payload["iat"] as? Int)
            #expect(exp - iat == 3600)
            let claim = try #require(payload["https://api.openai.com/auth"] as? [String: Any])
            #expect(claim["chatgpt_account_id"] as? String == "acct-1")
            #expect(claim["chatgpt_user_id"] as? String == "user-alice")
            #expect(claim["chatgpt_plan_type"] as? String == "pro")
        }
        #expect(auth.tokens.accountID == "acct-1")

        // The control API answers the same auth.json shape.
        try await mock.application().test(.router) { client in
            let response = try await client.execute(
                uri: "/_mock/accounts", method: .post,
                body: Support.body(["email": "bob@example.com", "access_token_lifetime_seconds": 2])
            )
            #expect(response.status == .created)
            let file = try JSONDecoder().decode(MockAuthFile.self, from: Data(buffer: response.body))
            let payload = try #require(UnsignedJWT.decodePayload(file.tokens.accessToken))
            #expect((payload["exp"] as? Int ?? 0) - (payload["iat"] as? Int ?? 0) == 2)
            #expect(Support.object(String(buffer: response.body))["last_refresh"] is String)
        }
    }

    @Test("a refresh rotates the refresh token and presenting the old one answers refresh_token_reused")
    func refreshRotatesAndReuseIsRejected() async throws {
        let mock = MockUpstream()
        let auth = try mock.createAccount(email: "carol@example.com")
        try await mock.application().test(.router) { client in
            let first = try await client.execute(uri: "/oauth/token", method: .post, headers: [.contentType: "application/json"], body: refreshBody(auth.tokens.refreshToken))
            #expect(first.status == .ok)
            let answer = Support.object(String(buffer: first.body))
            let newRefresh = try #require(answer["refresh_token"] as? String)
            #expect(newRefresh != auth.tokens.refreshToken)
            #expect(answer["access_token"] as? String == (try mock.authFile("carol@example.com").tokens.accessToken))

            let reused = try await client.execute(uri: "/oauth/token", method: .post, headers: [.contentType: "application/json"], body: refreshBody(auth.tokens.refreshToken))
            #expect(reused.status == .unauthorized)
            let error = Support.object(String(buffer: reused.body))["error"] as? [String: Any]
            #expect(error?["code"] as? String == "refresh_token_reused")
        }
        #expect(mock.presentations(ofRefreshToken: auth.tokens.refreshToken) == 2)
        #expect(try mock.counters(for: "carol@example.com").tokenCalls == 2)
    }

    @Test("a scripted refresh failure is played once, then the sticky default answers")
    func scriptedFailurePlaysOnceThenFallsBack() async throws {
        let mock = MockUpstream()
        let auth = try mock.createAccount(email: "dave@example.com")
        try mock.scriptRefresh("dave@example.com", [.error(code: "refresh_token_expired")])
        try await mock.application().test(.router) { client in
            let failed = try await client.execute(uri: "/oauth/token", method: .post, body: refreshBody(auth.tokens.refreshToken))
            #expect(failed.status == .unauthorized)
            #expect((Support.object(String(buffer: failed.body))["error"] as? [String: Any])?["code"] as? String == "refresh_token_expired")

            // The token survived the scripted failure; the form-encoded shape is accepted too.
            let form = "grant_type=refresh_token&client_id=app_EMoamEEZ73f0CkXaXp7hrann&refresh_token=\(auth.tokens.refreshToken)"
            let ok = try await client.execute(
                uri: "/oauth/token", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: form)
            )
            #expect(ok.status == .ok)

            // Over the control API: an HTML 403 once.
            let current = try mock.authFile("dave@example.com").tokens.refreshToken
            let script = try await client.execute(
                uri: "/_mock/accounts/dave@example.com/script", method: .post,
                body: ByteBuffer(string: #"{"refresh":{"next":[{"kind":"html_forbidden"}]}}"#)
            )
            #expect(script.status == .noContent)
            let html = try await client.execute(uri: "/oauth/token", method: .post, body: refreshBody(current))
            #expect(html.status == .forbidden)
            #expect(html.headers[.contentType]?.hasPrefix("text/html") == true)
            let counters = try await client.execute(uri: "/_mock/counters", method: .get)
            let accounts = Support.object(String(buffer: counters.body))["accounts"] as? [String: Any]
            #expect((accounts?["dave@example.com"] as? [String: Any])?["token_calls"] as? Int == 3)
        }
    }

    @Test("the device-code login stays pending as scripted, then exchanges for a new account's tokens")
    func deviceCodeLogin() async throws {
        let mock = MockUpstream()
        mock.queueLogin(MockLoginPlan(pendingPolls: 1))
        try await mock.application().test(.router) { client in
            let start = try await client.execute(uri: "/api/accounts/deviceauth/usercode", method: .post, body: Support.body(["client_id": "app_EMoamEEZ73f0CkXaXp7hrann"]))
            let device = Support.object(String(buffer: start.body))
            let poll = Support.body(["device_auth_id": device["device_auth_id"] as? String ?? "", "user_code": device["user_code"] as? String ?? ""])
            #expect(try await client.execute(uri: "/api/accounts/deviceauth/token", method: .post, body: poll).status == .forbidden)
            let approved = try await client.execute(uri: "/api/accounts/deviceauth/token", method: .post, body: poll)
            #expect(approved.status == .ok)
            let grant = Support.object(String(buffer: approved.body))
            let form = "grant_type=authorization_code&client_id=app_EMoamEEZ73f0CkXaXp7hrann"
                + "&code=\(grant["authorization_code"] as? String ?? "")&code_verifier=\(grant["code_verifier"] as? String ?? "")"
                + "&redirect_uri=http%3A%2F%2F127.0.0.1%2Fdeviceauth%2Fcallback"
            let exchange = try await client.execute(uri: "/oauth/token", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: form))
            #expect(exchange.status == .ok)
            let idToken = try #require(Support.object(String(buffer: exchange.body))["id_token"] as? String)
            #expect(UnsignedJWT.decodePayload(idToken)?["email"] as? String == "login1@mock.example")
        }
        #expect(mock.counters().login.deviceTokenPolls == 2)
    }

    @Test("a browser login of an existing account starts a new session and the old one keeps refreshing")
    func browserLoginStartsANewSession() async throws {
        let mock = MockUpstream()
        let first = try mock.createAccount(email: "lee@example.com")
        try await mock.application().test(.router) { client in
            let authorize = "/oauth/authorize?response_type=code&client_id=app_EMoamEEZ73f0CkXaXp7hrann"
                + "&redirect_uri=http%3A%2F%2Flocalhost%3A1455%2Fauth%2Fcallback&scope=openid&code_challenge=abc"
                + "&code_challenge_method=S256&state=s1&login_hint=lee%40example.com"
            let redirect = try await client.execute(uri: authorize, method: .get)
            #expect(redirect.status == .found)
            let location = try #require(redirect.headers[.location].flatMap(URLComponents.init(string:)))
            #expect(location.path == "/auth/callback")
            #expect(location.queryItems?.first { $0.name == "state" }?.value == "s1")
            let code = try #require(location.queryItems?.first { $0.name == "code" }?.value)
            let form = "grant_type=authorization_code&client_id=app_EMoamEEZ73f0CkXaXp7hrann&code=\(code)"
                + "&code_verifier=verifier&redirect_uri=http%3A%2F%2Flocalhost%3A1455%2Fauth%2Fcallback"
            let exchange = try await client.execute(uri: "/oauth/token", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: form))
            #expect(exchange.status == .ok)
            #expect(try mock.authFile("lee@example.com").tokens.refreshToken != first.tokens.refreshToken)
            // The first session is untouched: its refresh token still rotates.
            let old = try await client.execute(uri: "/oauth/token", method: .post, body: refreshBody(first.tokens.refreshToken))
            #expect(old.status == .ok)
            // A code is single use.
            let again = try await client.execute(uri: "/oauth/token", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: form))
            #expect(again.status == .badRequest)
        }
    }
}
