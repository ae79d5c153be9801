import Foundation
import Logging
import SwitchboardCore
import SwitchboardUpstream

/// How an upstream stream ended.
enum StreamEnd: Sendable {
    /// `response.completed` or `response.incomplete` arrived, with its `response` object (parsed once, here).
    case completed(response: JSONValue?)
    /// `response.failed` arrived, with its error object and what it means for the account.
    case failed(error: JSONValue, failure: Failure)
    /// The upstream closed or broke without a terminal event.
    case truncated(detail: String)
    /// The client went away; the upstream transfer was cancelled.
    case clientGone
}

/// Reads an opened upstream stream chunk by chunk, relaying the chunks or handing on the SSE events
/// they complete. It is the one place that notices the end of a stream: terminal events,
/// truncation, a client that left (upstream cancelled), and a usage limit reported mid-stream.
struct UpstreamEvents {
    let opened: OpenedStream
    let pool: AccountPool
    let trace: RequestTrace

    static let terminalTypes: Set<String> = ["response.completed", "response.incomplete", "response.failed"]

    /// Passes each chunk on as it arrives, byte for byte, and only then reads its events (for the end of
    /// the stream): parsing never delays the bytes. `write` throws when the client is gone.
    func relay(_ write: ([UInt8]) async throws -> Void) async -> StreamEnd {
        await run(parser: Self.terminalEventParser, write: write, handle: { _ in })
    }

    /// Hands the events each chunk completes to `handle`, which throws when the client is gone. `parser`
    /// may skip the events nobody reads, but must keep the terminal ones.
    func events(parser: SSEParser = SSEParser(), _ handle: ([SSEEvent]) async throws -> Void) async -> StreamEnd {
        await run(parser: parser, write: { _ in }, handle: handle)
    }

    /// A parser that reads only the events that end a stream (made once: copies share its filter).
    static let terminalEventParser = SSEParser(keeping: terminalTypes)

    private func run(parser: SSEParser, write: ([UInt8]) async throws -> Void, handle: ([SSEEvent]) async throws -> Void) async -> StreamEnd {
        GatewayMetrics.streamOpened()
        var parser = parser
        var ended: StreamEnd?
        var firstByte = true
        let body = opened.response.body
        defer {
            let clientLeft = if case .clientGone? = ended { true } else { false }
            if clientLeft { body.cancel() }
            GatewayMetrics.streamClosed(cancelledByClient: clientLeft)
        }
        do {
            for try await chunk in body {
                if firstByte {
                    firstByte = false
                    let now = ContinuousClock.now
                    trace.update { $0.timeToFirstByte = now - trace.started }
                    GatewayMetrics.upstreamFirstByte(after: now - opened.sentAt)
                }
                var clientLeft = false
                do { try await write(chunk) } catch { clientLeft = true }
                let events: [SSEEvent]
                do { events = try parser.parse(chunk) } catch {
                    ended = clientLeft ? .clientGone : .truncated(detail: "unreadable event stream: \(error)")
                    break
                }
                if !clientLeft {
                    do { try await handle(events) } catch { clientLeft = true }
                }
                // Read even when the client has left: a usage limit reported here still marks the account.
                for event in events where Self.terminalTypes.contains(event.type) {
                    ended = observeTerminal(event)
                }
                if clientLeft { ended = .clientGone }
                if ended != nil { break }
            }
        } catch {
            if ended == nil { ended = .truncated(detail: "\(error)") }
        }
        let end = ended ?? .truncated(detail: "the upstream closed the stream without a terminal event")
        switch end {
        case .completed: break
        case .failed(let error, _): trace.update { $0.errorCode = error["code"]?.stringValue ?? "response_failed" }
        case .truncated: trace.update { $0.errorCode = "upstream_stream_truncated" }
        case .clientGone: trace.update { $0.errorCode = "client_disconnected" }
        }
        return end
    }

    /// Reads usage for the log line; a failure carrying a usage limit also marks the account.
    private func observeTerminal(_ event: SSEEvent) -> StreamEnd {
        let data = JSONValue(parsing: event.data)
        let response = data?["response"]
        if let usage = response?["usage"] {
            trace.update {
                $0.inputTokens = usage["input_tokens"]?.intValue
                $0.outputTokens = usage["output_tokens"]?.intValue
                $0.cachedTokens = usage["input_tokens_details"]?["cached_tokens"]?.intValue
                $0.reasoningTokens = usage["output_tokens_details"]?["reasoning_tokens"]?.intValue
            }
        }
        guard event.type == "response.failed" else { return .completed(response: response) }
        let error = response?["error"] ?? data?["error"] ?? ["message": "response failed"]
        let failure = FailureCatalog.classify(streamError: error, now: pool.clock.now)
        if failure.movesOn {
            pool.record(.failed(failure, at: .responses, source: .responses, accessTokenValid: true, observedWith: opened.credential), for: opened.accountID)
        }
        return .failed(error: error, failure: failure)
    }
}

extension SSEEvent {
    /// The event name, falling back to the data's `type` field.
    var type: String {
        if let event, !event.isEmpty { return event }
        return JSONValue(parsing: data)?["type"]?.stringValue ?? "message"
    }
}
