import Foundation
import SwitchboardCore

/// The responses route a socket was opened on, and how its turns' bodies are made acceptable upstream.
enum SocketRoute: String, Sendable, CaseIterable {
    /// The Codex CLI: the body goes through as sent, with the fields a stream needs.
    case codex = "/backend-api/codex/responses"
    /// OpenAI SDKs: normalised like `POST /v1/responses`.
    case openAI = "/v1/responses"

    /// The label of the turns' log lines and request metrics.
    var label: String { "ws:" + rawValue }

    /// The upstream body for one turn (`previous_response_id` already expanded, `generate` removed).
    func upstreamBody(_ request: [String: JSONValue]) throws(GatewayError) -> Data {
        var request = request
        request["stream"] = true
        switch self {
        case .codex:
            if request["instructions"] == nil { request["instructions"] = "" }
            if request["store"] == nil { request["store"] = false }
            return JSONValue.object(request).encoded()
        case .openAI:
            return try ResponsesRequest(.object(request)).body
        }
    }
}
