import Foundation
import HummingbirdWebSocket
import Logging
import Synchronization
import SwitchboardCore
import SwitchboardUpstream

/// One client's responses WebSocket. Each `response.create` becomes one upstream `/codex/responses`
/// stream (turns run one at a time, in order); every upstream event goes back as one text message as
/// it arrives. The socket keeps its conversation (for `previous_response_id`) and its account.
final class ResponsesSocket: Sendable {
    let route: SocketRoute
    let proxy: ResponsesProxy
    /// The handshake's headers that go upstream with every turn (without its turn state).
    let forwardedHeaders: [HTTPHeader]
    /// The session key the handshake named (session-id, thread-id, …), if any.
    let sessionKey: String?
    let client: SocketClient
    let maxMessageBytes: Int
    let logger: Logger
    private let conversation = Mutex(SocketConversation())
    /// Fixed by the first turn, so every turn of the socket lands on the same account while it stays usable.
    private let stickyKey = Mutex<String?>(nil)
    /// The turn state the handshake carried (a reconnect within a turn): it belongs to the first turn only.
    private let handshakeTurnState: Mutex<String?>
    private let slot = TurnSlot()

    init(route: SocketRoute, proxy: ResponsesProxy, forwardedHeaders: [HTTPHeader], sessionKey: String?, client: SocketClient, maxMessageBytes: Int, logger: Logger) {
        self.client = client
        self.route = route
        self.proxy = proxy
        self.forwardedHeaders = forwardedHeaders.filter { $0.name.lowercased() != TurnStates.header }
        handshakeTurnState = Mutex(forwardedHeaders.value(for: TurnStates.header))
        self.sessionKey = sessionKey
        self.maxMessageBytes = maxMessageBytes
        self.logger = logger
    }

    /// Serves the socket until the client closes it. Messages are read on their own task, so a client
    /// that leaves mid-turn is noticed at once and the turn's upstream transfer is cancelled.
    func serve(_ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter) async throws {
        GatewayMetrics.socketOpened(route: route)
        defer { GatewayMetrics.socketClosed() }
        let (messages, continuation) = AsyncStream.makeStream(of: WebSocketMessage.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [slot, maxMessageBytes] in
                defer {
                    slot.close()
                    continuation.finish()
                }
                // A message over the limit throws here, which closes the socket with 1009 (message too big).
                for try await message in inbound.messages(maxSize: maxMessageBytes) { continuation.yield(message) }
            }
            for await message in messages {
                if slot.isClosed { break }
                await slot.run { await self.handle(message, outbound) }
            }
            try await group.waitForAll()
        }
    }

    private func handle(_ message: WebSocketMessage, _ outbound: WebSocketOutboundWriter) async {
        let parsed: SocketClientMessage
        do {
            guard case .text(let text) = message else { throw GatewayError.badRequest("Send `response.create` as a text message.") }
            parsed = try SocketClientMessage(parsing: text)
        } catch {
            try? await outbound.write(.text((error as? GatewayError ?? .badRequest("\(error)")).socketMessage))
            return
        }
        switch parsed {
        case .create(let request): await turn(request, outbound)
        case .processed: break
        case .unsupported(let type):
            let error = GatewayError.badRequest("Unsupported message type `\(type)`: send `response.create` (or `response.processed`).", param: "type")
            try? await outbound.write(.text(error.socketMessage))
        }
    }

    /// One `response.create`: expanded, sent upstream on the socket's account, relayed event by event.
    private func turn(_ message: [String: JSONValue], _ outbound: WebSocketOutboundWriter) async {
        let trace = RequestTrace()
        trace.update { $0.log = client.requestLog; $0.keyID = client.keyID; $0.userAgent = client.userAgent; $0.transport = "websocket" }
        let requestID = UUID().uuidString
        var outcome = "error"
        var status = 200
        defer {
            trace.finish(route: route.label, status: status, requestID: requestID, logger: logger)
            GatewayMetrics.socketTurn(route: route, outcome: outcome)
        }
        do {
            var request = message
            let generate = request.removeValue(forKey: "generate")?.boolValue ?? true
            try conversation.withLock { $0 }.expand(&request)
            let input = ResponsesRequest.inputItems(request["input"])
            if !generate {
                let responseID = "resp_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
                conversation.withLock { $0.record(responseID: responseID, input: input, output: []) }
                for text in SocketServerMessage.prewarm(responseID: responseID, model: request["model"]) { try await outbound.write(.text(text)) }
                outcome = "prewarm"
                return
            }
            try client.requestLog.accounting.admit(trace, model: request["model"]?.stringValue)
            let body = try route.upstreamBody(request)
            let key = stickyKey.withLock { key in
                if key == nil { key = sessionKey ?? request["prompt_cache_key"]?.stringValue.map { "prompt_cache_key:\($0)" } ?? "socket:\(requestID)" }
                return key
            }
            let opened = try await proxy.open(body: body, headers: turnHeaders(request), stickyKey: key, trace: trace)
            for text in TurnPrelude.messages(opened.response, account: proxy.pool.account(opened.accountID), now: proxy.pool.clock.now) {
                try await outbound.write(.text(text))
            }
            var output: [JSONValue] = []
            let end = await UpstreamEvents(opened: opened, pool: proxy.pool, trace: trace).events { events in
                for event in events {
                    try await outbound.write(.text(event.data))
                    if event.type == "response.output_item.done", let item = JSONValue(parsing: event.data)?["item"] { output.append(item) }
                }
            }
            (status, outcome) = await finish(end, input: input, output: output, outbound)
        } catch {
            let gatewayError = error as? GatewayError ?? .badRequest("\(error)")
            conversation.withLock { $0.forget() }
            status = Int(gatewayError.status.code)
            if Task.isCancelled {
                (status, outcome) = (499, "cancelled")
                return
            }
            try? await outbound.write(.text(gatewayError.socketMessage))
        }
    }

    /// The headers of one turn: the handshake's, plus the turn state Codex echoes (in `client_metadata`
    /// over a socket), or for the first turn the one the handshake carried.
    private func turnHeaders(_ request: [String: JSONValue]) -> [HTTPHeader] {
        let fromHandshake = handshakeTurnState.withLock { state in defer { state = nil }; return state }
        guard let state = request["client_metadata"]?[TurnStates.header]?.stringValue ?? fromHandshake else { return forwardedHeaders }
        return forwardedHeaders + [HTTPHeader(TurnStates.header, state)]
    }

    /// Remembers a completed response for the next turn; reports a broken stream as `response.failed`.
    private func finish(_ end: StreamEnd, input: [JSONValue], output: [JSONValue], _ outbound: WebSocketOutboundWriter) async -> (status: Int, outcome: String) {
        switch end {
        case .completed(let response):
            if let id = response?["id"]?.stringValue {
                let items = output.isEmpty ? response?["output"]?.arrayValue ?? [] : output
                conversation.withLock { $0.record(responseID: id, input: input, output: items) }
            } else {
                conversation.withLock { $0.forget() }
            }
            return (200, "completed")
        case .failed:
            conversation.withLock { $0.forget() }
            return (200, "failed")
        case .truncated(let detail):
            conversation.withLock { $0.forget() }
            if Task.isCancelled { return (499, "cancelled") }
            try? await outbound.write(.text(SocketServerMessage.text(GatewayError.streamTruncated().failedResponse(detail: detail))))
            return (502, "truncated")
        case .clientGone:
            return (499, "cancelled")
        }
    }
}

/// Who is on the other end of a socket, as its handshake said: each turn is logged and limited like an HTTP request of that key.
struct SocketClient: Sendable {
    let keyID: String?
    let userAgent: String?
    let requestLog: RequestLog
}
