import Foundation
import SwitchboardTestSupport
import HTTPTypes
import HummingbirdWSClient
import Logging
import Synchronization
import SwitchboardCore

/// A real WebSocket client on one of the gateway's responses sockets, for tests: sends messages and
/// reads the server's messages turn by turn.
struct SocketSession {
    var messages: WebSocketInboundMessageStream.AsyncIterator
    let outbound: WebSocketOutboundWriter

    /// Message types that end a turn.
    static let turnEnds: Set<String> = ["response.completed", "response.incomplete", "response.failed", "error"]

    /// Connects to `path` on the gateway, runs `body` on the open socket, and closes it when `body` returns.
    static func run(
        _ h: GatewayHarness, path: String = "/backend-api/codex/responses", headers: HTTPFields = [:],
        _ body: @escaping @Sendable (inout SocketSession) async throws -> Void
    ) async throws {
        var configuration = WebSocketClientConfiguration(maxFrameSize: 1 << 24, additionalHeaders: headers)
        configuration.autoPing = .disabled
        try await WebSocketClient.connect(url: "ws://127.0.0.1:\(h.running.port)\(path)", configuration: configuration, logger: Logger(label: "ws-test")) { inbound, outbound, _ in
            var session = SocketSession(messages: inbound.messages(maxSize: 1 << 24).makeAsyncIterator(), outbound: outbound)
            try await body(&session)
        }
    }

    func send(_ message: JSONValue) async throws {
        try await outbound.write(.text(String(decoding: message.encodedBytes(), as: UTF8.self)))
    }

    /// The next server message as JSON; nil when the socket closed.
    mutating func next() async throws -> JSONValue? {
        guard let message = try await messages.next() else { return nil }
        guard case .text(let text) = message, let json = JSONValue(parsing: text) else { throw SocketTestError.notJSON("\(message)") }
        return json
    }

    /// Every message up to and including the one that ends the turn.
    mutating func turn() async throws -> [JSONValue] {
        var received: [JSONValue] = []
        while let message = try await next() {
            received.append(message)
            if Self.turnEnds.contains(message["type"]?.stringValue ?? "") { return received }
        }
        throw SocketTestError.closedMidTurn(received.count)
    }

    /// Sends `message` and reads the turn it starts.
    mutating func turn(_ message: JSONValue) async throws -> [JSONValue] {
        try await send(message)
        return try await turn()
    }

    /// A `response.create` message with `input`, and whatever else `extra` adds.
    static func create(_ input: [JSONValue], _ extra: [String: JSONValue] = [:]) -> JSONValue {
        var message: [String: JSONValue] = [
            "type": "response.create", "model": "gpt-5.1-codex", "instructions": "be brief", "input": .array(input),
            "store": false, "stream": true, "prompt_cache_key": "cache-1",
        ]
        message.merge(extra) { $1 }
        return .object(message)
    }

    static func user(_ text: String) -> JSONValue {
        ["type": "message", "role": "user", "content": [["type": "input_text", "text": .string(text)]]]
    }
}

enum SocketTestError: Error {
    case notJSON(String)
    case closedMidTurn(Int)
}

/// A value a socket handler hands back to the test.
final class Box<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
    var get: Value { value.withLock { $0 } }
    func set(_ newValue: Value) { value.withLock { $0 = newValue } }
}

extension [JSONValue] {
    /// The messages that relay upstream events (without the gateway's `codex.*` prelude).
    var upstreamEvents: [JSONValue] { filter { !($0["type"]?.stringValue ?? "").hasPrefix("codex.") } }
    /// The `type` of each message.
    var types: [String] { map { $0["type"]?.stringValue ?? "?" } }
    /// The deltas of the turn, joined.
    var text: String { filter { $0["type"] == "response.output_text.delta" }.compactMap { $0["delta"]?.stringValue }.joined() }
    /// The finished output items of the turn.
    var doneItems: [JSONValue] { filter { $0["type"] == "response.output_item.done" }.compactMap { $0["item"] } }
}

extension GatewayHarness {
    /// The body of the last `/codex/responses` request the mock accepted.
    func lastUpstreamBody() throws -> JSONValue {
        guard let text = mock.receivedResponses().last, let json = JSONValue(parsing: text) else { throw SocketTestError.notJSON("no upstream body") }
        return json
    }
}
