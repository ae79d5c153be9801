import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardUpstream

/// `POST /backend-api/codex/responses` (the Codex CLI: passed through unchanged) and
/// `POST /v1/responses` (OpenAI SDKs: normalised, streamed or collected).
struct ResponsesRoutes: Sendable {
    let proxy: ResponsesProxy
    let maxBodyBytes: Int
    let drain: ShutdownDrain
    let limits: KeyAccounting

    func codex(_ request: Request, _ context: GatewayContext) async throws -> Response {
        var body = try await RequestBody.read(request, limit: maxBodyBytes)
        let json = try RequestBody.json(body)
        guard var object = json.objectValue else {
            throw GatewayError.badRequest("The request body is not a JSON object.")
        }
        // The backend requires `instructions`; recent Codex CLIs put their prompt in the input instead
        // and omit the field. Only then is the body rewritten; otherwise it goes through byte for byte.
        if object["instructions"] == nil {
            object["instructions"] = ""
            body = JSONValue.object(object).encoded()
        }
        try limits.admit(context.trace, model: json["model"]?.stringValue)
        let key = ForwardedHeaders.stickyKey(headers: request.headers, promptCacheKey: json["prompt_cache_key"]?.stringValue)
        let opened = try await open(body, request, context, stickyKey: key)
        return StreamRelay.response(opened, events: events(opened, context), watch: watch(context))
    }

    func responses(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let parsed = try ResponsesRequest(parsing: try await RequestBody.read(request, limit: maxBodyBytes))
        try limits.admit(context.trace, model: parsed.model)
        let key = ForwardedHeaders.stickyKey(headers: request.headers, promptCacheKey: parsed.promptCacheKey)
        guard parsed.clientWantsStream else {
            let (proxy, trace, body) = (proxy, context.trace, parsed.body)
            let headers = ForwardedHeaders.upstream(from: request.headers)
            let answer = try await watch(context).cancellable {
                let (collector, end) = try await proxy.collect(body: body, headers: headers, stickyKey: key, trace: trace) { ResponseCollector() }
                return try collector.result(for: end)
            }
            return JSONResponse.ok(answer)
        }
        let opened = try await open(parsed.body, request, context, stickyKey: key)
        return StreamRelay.response(opened, events: events(opened, context), watch: watch(context))
    }

    /// Opens the upstream stream; given up (and the upstream call cancelled) if the client leaves meanwhile.
    private func open(_ body: Data, _ request: Request, _ context: GatewayContext, stickyKey: String?) async throws -> OpenedStream {
        let (proxy, trace) = (proxy, context.trace)
        let headers = ForwardedHeaders.upstream(from: request.headers)
        return try await watch(context).cancellable {
            try await proxy.open(body: body, headers: headers, stickyKey: stickyKey, trace: trace)
        }
    }

    private func watch(_ context: GatewayContext) -> RequestWatch { RequestWatch(channel: context.channel, drain: drain) }

    private func events(_ opened: OpenedStream, _ context: GatewayContext) -> UpstreamEvents {
        UpstreamEvents(opened: opened, pool: proxy.pool, trace: context.trace)
    }
}

/// JSON answers.
enum JSONResponse {
    static func ok(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: value.encodedBytes())))
    }
}
