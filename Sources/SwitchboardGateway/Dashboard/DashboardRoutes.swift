import Foundation
import Hummingbird

/// `GET /dashboard` (and `GET /`, redirected there): the status page, under the API's access rule.
/// With keys defined, a browser is asked for a key once (`POST /dashboard`) and keeps it in an
/// HttpOnly, SameSite=Strict cookie; other clients may send `Authorization: Bearer` as usual.
struct DashboardRoutes: Sendable {
    static let cookieName = "switchboard_key"
    let access: ClientAccess
    let page: DashboardPage

    func redirect(_ request: Request, _ context: GatewayContext) -> Response {
        Response(status: .found, headers: [.location: "/dashboard"])
    }

    func show(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let presented = request.headers[.authorization] ?? request.cookies[Self.cookieName].map { "Bearer \($0.value)" }
        switch access.check(authorization: presented, remote: context.remoteAddress) {
        case .allowed: return Self.html(.ok, try page.render())
        case .missingOrInvalidKey: return Self.html(.unauthorized, Self.keyForm(rejected: presented != nil))
        case .loopbackOnly: throw GatewayError.loopbackOnly()
        }
    }

    /// The key form's answer: a valid key becomes the cookie.
    func signIn(_ request: Request, _ context: GatewayContext) async throws -> Response {
        struct Form: Decodable { let key: String }
        let body = try await RequestBody.read(request, limit: 4096)
        let key = (try? URLEncodedFormDecoder().decode(Form.self, from: String(decoding: body, as: UTF8.self)))?.key.trimmingCharacters(in: .whitespaces) ?? ""
        guard access.hasKeys, access.check(authorization: "Bearer \(key)", remote: context.remoteAddress) == .allowed,
              let cookie = try? Cookie.validated(name: Self.cookieName, value: key, path: "/", httpOnly: true, sameSite: .strict)
        else { return Self.html(.unauthorized, Self.keyForm(rejected: true)) }
        var response = Response(status: .seeOther, headers: [.location: "/dashboard"])
        response.setCookie(cookie)
        return response
    }

    static func keyForm(rejected: Bool) -> String {
        HTML.document(title: "switchboard", body: """
            <h1>switchboard</h1>
            <form method="post" action="/dashboard"><p>This gateway needs an API key (<code>switchboard keys create</code>).</p>
            \(rejected ? "<p class=\"deactivated\">That key is not valid.</p>" : "")
            <p><label>Key <input type="password" name="key" autocomplete="current-password" required></label> <button>Open</button></p></form>
            """)
    }

    static func html(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
