import Foundation
import Hummingbird
import SwitchboardCore
import Testing

@testable import SwitchboardUpstream
import SwitchboardTestSupport

/// `TokenClient` against canned answers of the OAuth server.
@Suite struct TokenClientTests {
    static func json(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    static func bodyJSON(_ request: Request) async throws -> [String: String] {
        let buffer = try await request.body.collect(upTo: 1 << 20)
        return (try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: String]) ?? [:]
    }

    @Test func refreshSendsTheDocumentedBodyAndReadsTheGrant() async throws {
        let seen = Probe<[String: String]>([:])
        let contentType = Probe<String?>(nil)
        try await withTestServer({ router in
            router.post("/oauth/token") { request, _ in
                let body = (try? await Self.bodyJSON(request)) ?? [:]
                seen.update { $0 = body }
                contentType.update { $0 = request.headers[.contentType] }
                return Self.json(.ok, #"{"access_token":"AT2","refresh_token":"RT2","id_token":"ID2","expires_in":3600}"#)
            }
        }) { base in
            let client = TokenClient(transport: CurlTransport(), authBaseURL: base + "/")
            let grant = try await client.refresh(refreshToken: "RT1")
            #expect(grant == TokenGrant(accessToken: "AT2", refreshToken: "RT2", idToken: "ID2", expiresIn: 3600))
            #expect(!"\(grant)".contains("AT2"))
        }
        #expect(seen.value == [
            "grant_type": "refresh_token", "client_id": UpstreamDefaults.oauthClientID,
            "refresh_token": "RT1", "scope": "openid profile email",
        ])
        #expect(contentType.value == "application/json")
    }

    @Test func anOAuthErrorComesBackAsTheRawOutcome() async throws {
        let body = #"{"error":"invalid_grant","error_description":"reused"}"#
        try await withTestServer({ router in
            router.post("/oauth/token") { _, _ in Self.json(.badRequest, body) }
        }) { base in
            let client = TokenClient(transport: CurlTransport(), authBaseURL: base)
            await #expect(throws: UpstreamCallError(.http(status: 400, body: Data(body.utf8)))) {
                try await client.refresh(refreshToken: "RT1")
            }
        }
    }

    @Test func aSuccessStatusWithoutATokenIsTheFailureOutcome() async throws {
        let html = "<html>challenge</html>"
        try await withTestServer({ router in
            router.post("/oauth/token") { _, _ in Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: html))) }
        }) { base in
            let client = TokenClient(transport: CurlTransport(), authBaseURL: base)
            await #expect(throws: UpstreamCallError(.http(status: 200, body: Data(html.utf8)))) {
                try await client.refresh(refreshToken: "RT1")
            }
        }
    }

    @Test func anUnreachableServerIsATransportOutcome() async throws {
        let client = TokenClient(transport: CurlTransport(), authBaseURL: "http://127.0.0.1:\(unusedLoopbackPort())")
        let error = await #expect(throws: UpstreamCallError.self) { try await client.refresh(refreshToken: "RT1") }
        guard case .transport(let kind, _) = error?.outcome else {
            Issue.record("expected a transport outcome")
            return
        }
        #expect(kind == .connectionRefused)
    }

    @Test func theCodeExchangeIsFormEncoded() async throws {
        let form = Probe("")
        let contentType = Probe<String?>(nil)
        try await withTestServer({ router in
            router.post("/oauth/token") { request, _ in
                let buffer = try await request.body.collect(upTo: 1 << 20)
                form.update { $0 = String(buffer: buffer) }
                contentType.update { $0 = request.headers[.contentType] }
                return Self.json(.ok, #"{"access_token":"AT","refresh_token":"RT","id_token":"ID"}"#)
            }
        }) { base in
            let client = TokenClient(transport: CurlTransport(), authBaseURL: base)
            let grant = try await client.exchangeAuthorizationCode(code: "c/1 +", codeVerifier: "v~", redirectURI: client.deviceRedirectURI)
            #expect(grant.accessToken == "AT")
            let redirect = FormEncoding.percentEncode(base + "/deviceauth/callback")
            #expect(form.value == "grant_type=authorization_code&code=c%2F1%20%2B&redirect_uri=\(redirect)&client_id=\(UpstreamDefaults.oauthClientID)&code_verifier=v~")
        }
        #expect(contentType.value == "application/x-www-form-urlencoded")
    }

    @Test func theDeviceCodeFlowStartsThenPollsUntilAuthorized() async throws {
        let polls = Probe(0)
        let pollBody = Probe<[String: String]>([:])
        try await withTestServer({ router in
            router.post("/api/accounts/deviceauth/usercode") { request, _ in
                let body = try await Self.bodyJSON(request)
                guard body["client_id"] == UpstreamDefaults.oauthClientID else { return Self.json(.badRequest, "{}") }
                return Self.json(.ok, #"{"device_auth_id":"dev-1","user_code":"ABCD-EFGH","interval":"5","expires_in":900}"#)
            }
            router.post("/api/accounts/deviceauth/token") { request, _ in
                let body = try await Self.bodyJSON(request)
                pollBody.update { $0 = body }
                let count = polls.update { count -> Int in
                    count += 1
                    return count
                }
                switch count {
                case 1: return Self.json(.forbidden, #"{"error":"authorization_pending"}"#)
                case 2: return Self.json(.notFound, "")
                default: return Self.json(.ok, #"{"authorization_code":"AC","code_verifier":"CV","code_challenge":"x"}"#)
                }
            }
        }) { base in
            let client = TokenClient(transport: CurlTransport(), authBaseURL: base)
            let device = try await client.startDeviceCode()
            #expect(device == DeviceCode(deviceAuthID: "dev-1", userCode: "ABCD-EFGH", interval: 5, expiresIn: 900))
            #expect(try await client.pollDeviceCode(deviceAuthID: "dev-1", userCode: "ABCD-EFGH") == .pending)
            #expect(try await client.pollDeviceCode(deviceAuthID: "dev-1", userCode: "ABCD-EFGH") == .pending)
            #expect(try await client.pollDeviceCode(deviceAuthID: "dev-1", userCode: "ABCD-EFGH") == .authorized(authorizationCode: "AC", codeVerifier: "CV"))
            #expect(client.deviceVerificationURL == base + "/codex/device")
        }
        #expect(pollBody.value == ["device_auth_id": "dev-1", "user_code": "ABCD-EFGH"])
    }

    @Test func aDevicePollFailureIsTheRawOutcome() async throws {
        try await withTestServer({ router in
            router.post("/api/accounts/deviceauth/token") { _, _ in Self.json(.internalServerError, "oops") }
        }) { base in
            let client = TokenClient(transport: CurlTransport(), authBaseURL: base)
            await #expect(throws: UpstreamCallError(.http(status: 500, body: Data("oops".utf8)))) {
                try await client.pollDeviceCode(deviceAuthID: "d", userCode: "u")
            }
        }
    }
}
