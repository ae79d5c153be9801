import Foundation
import HTTPTypes
import Hummingbird
import SwitchboardCore

/// Every error the gateway makes up itself, rendered as the OpenAI error envelope
/// `{"error":{"message","type","code","param"}}` in this one place.
public struct GatewayError: Error, HTTPResponseError, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var type: String
    public var code: String?
    public var message: String
    public var param: String?
    /// Extra fields inside `error` (e.g. `resets_at` for usage limits).
    public var extra: [String: JSONValue] = [:]
    public var retryAfterSeconds: Int?
    /// When set, the upstream's own error body, sent as it came.
    public var rawBody: Data?

    public init(status: HTTPResponse.Status, type: String, code: String?, message: String, param: String? = nil, extra: [String: JSONValue] = [:], retryAfterSeconds: Int? = nil) {
        self.status = status
        self.type = type
        self.code = code
        self.message = message
        self.param = param
        self.extra = extra
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { "\(status.code) \(code ?? type): \(message)" }

    /// The envelope as JSON; also what a stream carries in its error event.
    public var envelope: JSONValue {
        if let rawBody, let upstream = JSONValue(parsing: rawBody), upstream["error"]?.objectValue != nil { return upstream }
        var error = extra
        error["message"] = .string(message)
        error["type"] = .string(type)
        error["code"] = code.map(JSONValue.string) ?? .null
        error["param"] = param.map(JSONValue.string) ?? .null
        return ["error": .object(error)]
    }

    public var headers: HTTPFields {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfterSeconds { headers[.retryAfter] = String(max(1, retryAfterSeconds)) }
        return headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: rawBody ?? envelope.encoded())))
    }

    // MARK: The gateway's own errors

    public static func badRequest(_ message: String, param: String? = nil, code: String? = nil) -> GatewayError {
        GatewayError(status: .badRequest, type: "invalid_request_error", code: code, message: message, param: param)
    }

    /// `routes` lists what exists ("POST /v1/responses, …", from the route table).
    public static func notFound(_ path: String, routes: String) -> GatewayError {
        GatewayError(status: .notFound, type: "invalid_request_error", code: "unknown_url", message: "Unknown request URL: \(path). Routes: \(routes) (the two responses routes also take a WebSocket upgrade).")
    }

    public static func methodNotAllowed(_ method: String, _ path: String) -> GatewayError {
        GatewayError(status: .methodNotAllowed, type: "invalid_request_error", code: "method_not_allowed", message: "\(method) is not allowed on \(path)")
    }

    public static func payloadTooLarge(limit: Int) -> GatewayError {
        GatewayError(status: .contentTooLarge, type: "invalid_request_error", code: "request_too_large", message: "The request body is larger than \(limit) bytes (SWITCHBOARD_MAX_BODY_BYTES).")
    }

    public static func malformedRequest(_ detail: String) -> GatewayError {
        GatewayError(status: .badRequest, type: "invalid_request_error", code: "malformed_request", message: "The request is not valid HTTP/1.1 (\(detail)); the connection is closed.")
    }

    public static func unsupportedContentEncoding(_ encoding: String) -> GatewayError {
        GatewayError(status: .unsupportedMediaType, type: "invalid_request_error", code: "unsupported_content_encoding", message: "Content-Encoding \(encoding) is not supported: send the request body uncompressed.")
    }

    public static func webSocketNotServed(_ path: String, socketPaths: [String]) -> GatewayError {
        GatewayError(status: HTTPResponse.Status(code: 426, reasonPhrase: "Upgrade Required"), type: "invalid_request_error", code: "websocket_not_served", message: "\(path) does not take a WebSocket upgrade (only \(socketPaths.joined(separator: " and ")) do): send it as a plain HTTP request.")
    }

    public static func serverBusy(limit: Int) -> GatewayError {
        GatewayError(status: .serviceUnavailable, type: "service_unavailable", code: "server_busy", message: "The gateway has \(limit) connections open, its limit (SWITCHBOARD_MAX_CONNECTIONS); try again shortly.", retryAfterSeconds: 1)
    }

    /// The client closed its connection before the answer (nginx's 499): for the log line and metrics only.
    public static func clientClosedRequest() -> GatewayError {
        GatewayError(status: HTTPResponse.Status(code: 499, reasonPhrase: "Client Closed Request"), type: "invalid_request_error", code: "client_closed_request", message: "The client closed the connection.")
    }

    public static func shuttingDown() -> GatewayError {
        GatewayError(status: .serviceUnavailable, type: "service_unavailable", code: "shutting_down", message: "The gateway is shutting down; retry the request.", retryAfterSeconds: 1)
    }

    public static func invalidAPIKey() -> GatewayError {
        GatewayError(status: .unauthorized, type: "invalid_request_error", code: "invalid_api_key", message: "Missing or invalid API key. Send `Authorization: Bearer sb-...` (create one with `switchboard keys create`).")
    }

    public static func loopbackOnly() -> GatewayError {
        GatewayError(status: .forbidden, type: "invalid_request_error", code: "loopback_only", message: "This gateway has no API keys, so it serves only clients on this machine. Create a key with `switchboard keys create` and send it as `Authorization: Bearer sb-...`.")
    }

    public static func usageLimitReached(resetsAt: Date, now: Date) -> GatewayError {
        let seconds = max(0, Int(resetsAt.timeIntervalSince(now).rounded(.up)))
        return GatewayError(
            status: .tooManyRequests, type: "usage_limit_reached", code: "usage_limit_reached",
            message: "Every account has reached its usage limit. The earliest resets in \(seconds) s.",
            extra: ["resets_at": .number(resetsAt.timeIntervalSince1970.rounded(.up)), "resets_in_seconds": .number(Double(seconds))],
            retryAfterSeconds: seconds)
    }

    public static func authRetrying(nextRetry: Date, now: Date) -> GatewayError {
        let seconds = max(1, Int(nextRetry.timeIntervalSince(now).rounded(.up)))
        return GatewayError(
            status: .serviceUnavailable, type: "service_unavailable", code: "accounts_auth_retrying",
            message: "No account is usable right now: their token refresh is failing transiently; the first may be back in \(seconds) s.",
            retryAfterSeconds: seconds)
    }

    public static func coolingDown(until: Date, now: Date) -> GatewayError {
        let seconds = max(1, Int(until.timeIntervalSince(now).rounded(.up)))
        return GatewayError(
            status: .serviceUnavailable, type: "service_unavailable", code: "accounts_cooling_down",
            message: "No account is usable right now: the upstream rejected freshly refreshed tokens, so the accounts are cooling down; the first is back in \(seconds) s (see `switchboard accounts list`).",
            retryAfterSeconds: seconds)
    }

    public static func noAccounts(total: Int) -> GatewayError {
        let message = total == 0
            ? "No accounts are configured. Import one with `switchboard accounts import ~/.codex/auth.json`."
            : "No account is usable: every account is paused or deactivated. Log in again with the Codex CLI, import the new auth.json (`switchboard accounts import FILE`), then run `switchboard accounts reactivate ID` (see `switchboard accounts list`)."
        return GatewayError(status: .serviceUnavailable, type: "service_unavailable", code: "no_accounts", message: message, retryAfterSeconds: 60)
    }

    /// The upstream refused the request itself (a 4xx about its content): its answer goes to the client unchanged.
    public static func passthrough(status: Int, body: Data) -> GatewayError {
        let json = JSONValue(parsing: body)
        var error = GatewayError(status: HTTPResponse.Status(code: status), type: "invalid_request_error", code: nil, message: "The upstream rejected the request.")
        // An OpenAI-shaped body goes through as it is; a `{"detail": …}` one is wrapped so its text is kept.
        error.rawBody = json?["error"]?.objectValue != nil ? body : nil
        if let message = json?["error"]?["message"]?.stringValue ?? json?["detail"]?.stringValue ?? json?["error"]?.stringValue {
            error.message = "The upstream rejected the request: \(message)"
        }
        return error
    }

    public static func upstreamUnavailable(_ detail: String) -> GatewayError {
        GatewayError(status: .badGateway, type: "upstream_error", code: "upstream_unavailable", message: "The upstream failed on every account tried: \(detail)", retryAfterSeconds: 5)
    }

    /// A failure the upstream reported inside its stream (`response.error`, classified as `failure`),
    /// for a client that did not stream. A usage limit keeps its code and says when it resets.
    public static func upstreamFailure(_ error: JSONValue, _ failure: Failure, now: Date = Date()) -> GatewayError {
        let code = error["code"]?.stringValue
        let message = error["message"]?.stringValue ?? "The upstream failed the response."
        guard failure.isUsageLimit, let code else {
            return GatewayError(status: .badGateway, type: "upstream_error", code: code ?? "response_failed", message: message)
        }
        var limited = GatewayError(status: .tooManyRequests, type: code, code: code, message: message, retryAfterSeconds: Int(Defaults.fallbackRateLimit))
        if let resetsAt = failure.resetsAt {
            let seconds = max(0, Int(resetsAt.timeIntervalSince(now).rounded(.up)))
            limited.retryAfterSeconds = seconds
            limited.extra = ["resets_at": .number(resetsAt.timeIntervalSince1970.rounded(.up)), "resets_in_seconds": .number(Double(seconds))]
        }
        return limited
    }

    public static func streamTruncated() -> GatewayError {
        GatewayError(status: .badGateway, type: "upstream_error", code: "upstream_stream_truncated", message: "The upstream stream ended without a terminal event.")
    }
}
