import Foundation
import Hummingbird
import SwitchboardChat
import SwitchboardCore
import SwitchboardUpstream

/// `POST /v1/chat/completions`, translated to the upstream Responses call and back
/// (translation in `SwitchboardChat`; failover and empty-pool answers as on `/v1/responses`).
struct ChatRoutes: Sendable {
    let proxy: ResponsesProxy
    let maxBodyBytes: Int
    let limits: KeyAccounting

    func completions(_ request: Request, _ context: GatewayContext) async throws -> Response {
        guard let json = JSONValue(parsing: try await RequestBody.read(request, limit: maxBodyBytes)) else {
            throw GatewayError.badRequest("The request body is not valid JSON.")
        }
        let chat: TranslatedChatRequest
        do { chat = try ChatRequestTranslator.translate(json) } catch {
            throw GatewayError.badRequest(error.message, param: error.param)
        }
        let upstream = try ResponsesRequest(chat.body)
        try limits.admit(context.trace, model: upstream.model)
        let key = ForwardedHeaders.stickyKey(headers: request.headers, promptCacheKey: upstream.promptCacheKey)
        let opened = try await proxy.open(body: upstream.body, headers: ForwardedHeaders.upstream(from: request.headers), stickyKey: key, trace: context.trace)
        let events = UpstreamEvents(opened: opened, pool: proxy.pool, trace: context.trace)
        return chat.stream ? stream(chat, opened, events, context) : try await collect(chat, events)
    }

    private func collect(_ chat: TranslatedChatRequest, _ events: UpstreamEvents) async throws -> Response {
        var collector = ChatCompletionCollector(model: chat.model)
        _ = await events.events { events in
            for event in events { collector.collect(event: event.type, data: Self.data(event)) }
        }
        do { return JSONResponse.ok(try collector.finish()) } catch { throw GatewayError.upstreamFailure(error.object) }
    }

    private func stream(_ chat: TranslatedChatRequest, _ opened: OpenedStream, _ events: UpstreamEvents, _ context: GatewayContext) -> Response {
        let (trace, logger, requestID) = (context.trace, context.logger, context.id)
        return Response(status: .ok, headers: StreamRelay.headers(opened, events), body: ResponseBody { writer in
            var translator = ChatStreamTranslator(model: chat.model, includeUsage: chat.includeUsage)
            let end = await events.events { events in
                var frames = Data()
                for event in events {
                    for output in translator.translate(event: event.type, data: Self.data(event)) { frames += ChatStreamFrame.data(output) }
                }
                if !frames.isEmpty { try await writer.write(ByteBuffer(bytes: frames)) }
            }
            if case .clientGone = end {
                trace.finish(route: "/v1/chat/completions", status: 499, requestID: requestID, logger: logger)
                return
            }
            var tail = translator.finish().reduce(into: Data()) { $0 += ChatStreamFrame.data($1) }
            tail += ChatStreamFrame.done
            try? await writer.write(ByteBuffer(bytes: tail))
            try? await writer.finish(nil)
            let status = if case .completed = end { 200 } else { 502 }
            trace.finish(route: "/v1/chat/completions", status: status, requestID: requestID, logger: logger)
        })
    }

    static func data(_ event: SSEEvent) -> JSONValue { JSONValue(parsing: event.data) ?? .null }
}
