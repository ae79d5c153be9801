import Foundation
import Hummingbird
import SwitchboardCore
import Testing

@testable import SwitchboardUpstream
import SwitchboardTestSupport

/// `ResponsesClient` against a canned SSE answer and a canned usage-limit error.
@Suite struct ResponsesClientTests {
    static let events = [
        SSEEvent(event: "response.created", data: #"{"type":"response.created"}"#),
        SSEEvent(event: "response.output_text.delta", data: #"{"type":"response.output_text.delta","delta":"Hi"}"#),
        SSEEvent(event: "response.completed", data: #"{"type":"response.completed","response":{"usage":{"input_tokens":1}}}"#),
    ]

    @Test func streamsTheRawEventsWithTheRightHeaders() async throws {
        let seen = Probe<[String: String]>([:])
        let receivedBody = Probe("")
        try await withTestServer({ router in
            router.post("/codex/responses") { request, _ in
                var headers: [String: String] = [:]
                for field in request.headers { headers[field.name.canonicalName, default: ""] += field.value }
                headers["host"] = request.head.authority  // HTTP types keep Host as the authority
                seen.update { $0 = headers }
                let body = try await request.body.collect(upTo: 1 << 20)
                receivedBody.update { $0 = String(buffer: body) }
                return Response(status: .ok, headers: [.contentType: "text/event-stream"], body: ResponseBody { writer in
                    for event in Self.events {
                        try await writer.write(ByteBuffer(bytes: SSEEncoder.encode(event)))
                    }
                    try await writer.finish(nil)
                })
            }
        }) { base in
            let client = ResponsesClient(transport: CurlTransport(), upstreamBaseURL: base)
            let response = try await client.stream(
                body: Array(#"{"stream":true}"#.utf8), accessToken: "AT", accountID: "acct",
                headers: [HTTPHeader("session_id", "s-1"), HTTPHeader("Authorization", "Bearer CLIENT"), HTTPHeader("Host", "evil"),
                          HTTPHeader("X-Forwarded-For", "1.2.3.4"), HTTPHeader("originator", "codex_cli_rs")])
            #expect(response.status == 200)
            #expect(response.headers.value(for: "content-type") == "text/event-stream")
            var parser = SSEParser()
            var events: [SSEEvent] = []
            for try await chunk in response.body { events += try parser.parse(chunk) }
            #expect(parser.finish() == nil)
            #expect(events == Self.events)
        }
        let headers = seen.value
        #expect(headers["authorization"] == "Bearer AT")
        #expect(headers["chatgpt-account-id"] == "acct")
        #expect(headers["accept"] == "text/event-stream")
        #expect(headers["content-type"] == "application/json")
        #expect(headers["session_id"] == "s-1")
        #expect(headers["originator"] == "codex_cli_rs")
        #expect(headers["x-forwarded-for"] == nil)
        #expect(headers["host"]?.hasPrefix("127.0.0.1") == true)
        #expect(receivedBody.value == #"{"stream":true}"#)
    }

    @Test func aUsageLimitComesBackAsTheRawOutcomeWithItsBody() async throws {
        let body = #"{"error":{"type":"usage_limit_reached","code":"usage_limit_reached","resets_in_seconds":60}}"#
        try await withTestServer({ router in
            router.post("/codex/responses") { _, _ in
                Response(status: .tooManyRequests, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
            }
        }) { base in
            let client = ResponsesClient(transport: CurlTransport(), upstreamBaseURL: base)
            await #expect(throws: UpstreamCallError(.http(status: 429, body: Data(body.utf8)))) {
                try await client.stream(body: Data("{}".utf8), accessToken: "AT", accountID: "a")
            }
        }
    }

    @Test func aHugeErrorBodyIsCapped() async throws {
        try await withTestServer({ router in
            router.post("/codex/responses") { _, _ in
                Response(status: .badGateway, body: ResponseBody(byteBuffer: ByteBuffer(repeating: 0x78, count: 100_000)))
            }
        }) { base in
            let client = ResponsesClient(transport: CurlTransport(), upstreamBaseURL: base, maxErrorBodyBytes: 1000)
            await #expect(throws: UpstreamCallError(.http(status: 502, body: Data(repeating: 0x78, count: 1000)))) {
                try await client.stream(body: [], accessToken: "AT", accountID: nil)
            }
        }
    }
}
