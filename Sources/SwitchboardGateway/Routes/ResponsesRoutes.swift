import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardUpstream

/// `POST /backend-api/codex/responses` (the Codex CLI: passed through unchanged) and
/// `POST /v1/responses` (OpenAI SDKs: normalised, streamed or collected).
struct ResponsesRoutes: Sendable {
    let proxy: ResponsesProxy
    let maxBodyBytes: Int
    let limits: KeyAccounting

    func codex(_ request: Request, _ context: GatewayContext) async throws -> Response {
        var body = try await RequestBody.read(request, limit: maxBodyBytes)
        guard let json = JSONValue(parsing: body), var object = json.objectValue else {
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
        let opened = try await proxy.open(body: body, headers: ForwardedHeaders.upstream(from: request.headers), stickyKey: key, trace: context.trace)
        return relay(opened, request, context, route: "/backend-api/codex/responses")
    }

    func responses(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let parsed = try ResponsesRequest(parsing: try await RequestBody.read(request, limit: maxBodyBytes))
        try limits.admit(context.trace, model: parsed.model)
        let key = ForwardedHeaders.stickyKey(headers: request.headers, promptCacheKey: parsed.promptCacheKey)
        let opened = try await proxy.open(body: parsed.body, headers: ForwardedHeaders.upstream(from: request.headers), stickyKey: key, trace: context.trace)
        if parsed.clientWantsStream { return relay(opened, request, context, route: "/v1/responses") }
        var collector = ResponseCollector()
        let end = await events(opened, context).events { collector.consume($0) }
        return try JSONResponse.ok(collector.result(for: end))
    }

    private func events(_ opened: OpenedStream, _ context: GatewayContext) -> UpstreamEvents {
        UpstreamEvents(opened: opened, pool: proxy.pool, trace: context.trace)
    }

    private func relay(_ opened: OpenedStream, _ request: Request, _ context: GatewayContext, route: String) -> Response {
        let trace = context.trace
        let logger = context.logger
        let requestID = context.id
        return StreamRelay.response(opened, events: events(opened, context)) { status in
            trace.finish(route: route, status: status, requestID: requestID, logger: logger)
        }
    }
}

/// Reading a request body within the configured limit.
enum RequestBody {
    static func read(_ request: Request, limit: Int) async throws -> Data {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit { throw GatewayError.payloadTooLarge(limit: limit) }
        do {
            var buffer = try await request.body.collect(upTo: limit)
            return buffer.readData(length: buffer.readableBytes) ?? Data()
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw GatewayError.payloadTooLarge(limit: limit)
        }
    }
}

/// JSON answers.
enum JSONResponse {
    static func ok(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: value.encodedBytes())))
    }
}
