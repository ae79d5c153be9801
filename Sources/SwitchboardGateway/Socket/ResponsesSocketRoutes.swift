import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import SwitchboardCore
import SwitchboardUpstream

/// `GET /backend-api/codex/responses` and `GET /v1/responses` upgraded to a WebSocket (Codex with
/// `supports_websockets = true`). The upstream stays HTTP/SSE: each turn is one `ResponsesProxy.open`.
struct ResponsesSocketRoutes: Sendable {
    let proxy: ResponsesProxy
    let access: ClientAccess
    let requestLog: RequestLog
    let maxMessageBytes: Int
    let logger: Logger

    /// Handshake headers that stay on this hop: the WebSocket's own, and the beta flag that asks for
    /// WebSocket semantics the HTTP upstream does not speak.
    static let handshakeOnly: Set<String> = ["sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-protocol"]

    func router() -> Router<SocketRequestContext> {
        let router = Router(context: SocketRequestContext.self)
        for route in SocketRoute.allCases {
            router.ws(RouterPath(route.rawValue), shouldUpgrade: { request, _ in .upgrade(Self.upgradeHeaders(request.headers)) }) { inbound, outbound, context in
                try await serve(route, inbound, outbound, context)
            }
        }
        return router
    }

    private func serve(_ route: SocketRoute, _ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter, _ context: WebSocketRouterContext<SocketRequestContext>) async throws {
        let headers = context.request.headers
        // The same key rules as HTTP; the refusal goes to the client as an error message it can show.
        let (verdict, keyID) = access.authenticate(authorization: headers[.authorization], remote: context.requestContext.remoteAddress)
        let refusal: GatewayError? = switch verdict {
        case .allowed: nil
        case .missingOrInvalidKey: .invalidAPIKey()
        case .loopbackOnly: .loopbackOnly()
        }
        if let refusal {
            GatewayMetrics.socketRefused(route: route)
            try await outbound.write(.text(refusal.socketMessage))
            return
        }
        let socket = ResponsesSocket(
            route: route, proxy: proxy, forwardedHeaders: Self.upstreamHeaders(headers),
            sessionKey: ForwardedHeaders.stickyKey(headers: headers, promptCacheKey: nil),
            client: SocketClient(keyID: keyID, userAgent: headers[.userAgent], requestLog: requestLog),
            maxMessageBytes: maxMessageBytes, logger: logger)
        try await socket.serve(inbound, outbound)
    }

    /// The 101 answer echoes the turn state Codex sent (it belongs to the turn the socket serves).
    static func upgradeHeaders(_ request: HTTPFields) -> HTTPFields {
        var headers = HTTPFields()
        if let name = HTTPField.Name("x-codex-turn-state"), let state = request[name] { headers[name] = state }
        return headers
    }

    /// The handshake's headers as they go upstream with each turn.
    static func upstreamHeaders(_ headers: HTTPFields) -> [HTTPHeader] {
        ForwardedHeaders.upstream(from: headers).filter { header in
            let name = header.name.lowercased()
            if handshakeOnly.contains(name) { return false }
            return !(name == "openai-beta" && header.value.contains("responses_websockets"))
        }
    }
}
