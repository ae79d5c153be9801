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
    let drain: ShutdownDrain
    let limits: KeyAccounting

    func completions(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let json = try RequestBody.json(try await RequestBody.read(request, limit: maxBodyBytes))
        let chat: TranslatedChatRequest
        do { chat = try ChatRequestTranslator.translate(json) } catch {
            throw GatewayError.badRequest(error.message, param: error.param)
        }
        let upstream = try ResponsesRequest(chat.body)
        try limits.admit(context.trace, model: upstream.model)
        let key = ForwardedHeaders.stickyKey(headers: request.headers, promptCacheKey: upstream.promptCacheKey)
        let (proxy, trace, headers, body) = (proxy, context.trace, ForwardedHeaders.upstream(from: request.headers), upstream.body)
        let watch = RequestWatch(channel: context.channel, drain: drain)
        guard chat.stream else {
            let answer = try await watch.cancellable {
                var (collected, end) = try await proxy.collect(body: body, headers: headers, stickyKey: key, trace: trace) {
                    Collected(completion: ChatCompletionCollector(model: chat.model))
                }
                if case .failed(let error, let failure) = end { throw GatewayError.upstreamFailure(error, failure) }
                do throws(ChatUpstreamError) { return try collected.completion.finish() } catch {
                    throw GatewayError.upstreamFailure(error.object, FailureCatalog.classify(streamError: error.object, now: proxy.pool.clock.now))
                }
            }
            return JSONResponse.ok(answer)
        }
        let opened = try await watch.cancellable {
            try await proxy.open(body: body, headers: headers, stickyKey: key, trace: trace)
        }
        return stream(chat, opened, UpstreamEvents(opened: opened, pool: proxy.pool, trace: context.trace), watch, context)
    }

    /// A non-streaming chat completion gathered from the events.
    private struct Collected: StreamCollector {
        var completion: ChatCompletionCollector

        mutating func consume(_ events: [SSEEvent]) {
            for event in events { completion.collect(event: event.type, data: ChatRoutes.data(event)) }
        }
    }

    private func stream(_ chat: TranslatedChatRequest, _ opened: OpenedStream, _ events: UpstreamEvents, _ watch: RequestWatch, _ context: GatewayContext) -> Response {
        let trace = context.trace
        return Response(status: .ok, headers: StreamRelay.headers(opened, events), body: ResponseBody { writer in
            var translator = ChatStreamTranslator(model: chat.model, includeUsage: chat.includeUsage)
            let (end, seen) = await watch.during(interrupt: opened.response.body.cancel) {
                await events.events { events in
                    var frames = Data()
                    for event in events {
                        for output in translator.translate(event: event.type, data: Self.data(event)) { frames += ChatStreamFrame.data(output) }
                    }
                    if !frames.isEmpty { try await writer.write(ByteBuffer(bytes: frames)) }
                }
            }
            var interruption = seen
            if case .clientGone = end { interruption = .clientGone }
            if interruption == .clientGone { return trace.update { $0.streamStatus = 499 } }
            var tail = translator.finish().reduce(into: Data()) { $0 += ChatStreamFrame.data($1) }
            tail += ChatStreamFrame.done
            try? await writer.write(ByteBuffer(bytes: tail))
            try? await writer.finish(nil)
            // At the end of the shutdown grace the stream was cut here: the final chunk says it failed.
            let status = if interruption == .shuttingDown { 503 } else if case .completed = end { 200 } else { 502 }
            trace.update { $0.streamStatus = status }
        })
    }

    static func data(_ event: SSEEvent) -> JSONValue { JSONValue(parsing: event.data) ?? .null }
}
