import Foundation
import Hummingbird
import MockUpstream
import Testing
import SwitchboardTestSupport

private typealias Support = MockUpstreamTestSupport

@Suite("MockUpstream on a live port")
struct MockUpstreamLiveTests {
    private func streamHeaders(_ auth: MockAuthFile) -> [String: String] {
        ["Authorization": "Bearer \(auth.tokens.accessToken)", "chatgpt-account-id": auth.tokens.accountID, "Content-Type": "application/json"]
    }

    @Test("a client that hangs up mid-stream is counted as cancelled and the stream as closed")
    func clientDisconnectIsObserved() async throws {
        let mock = MockUpstream(configuration: .init(stream: StreamShape(deltaCount: 500, eventDelayMilliseconds: 10)))
        try await mock.running { port in
            #expect(mock.baseURL == "http://127.0.0.1:\(port)")
            let auth = try mock.createAccount(email: "hal@example.com")
            let connection = try MockUpstreamRawConnection(port: port)
            connection.post("/backend-api/codex/responses", headers: streamHeaders(auth), body: Support.responsesRequest())
            let head = await connection.read { $0.contains("response.output_text.delta") }
            #expect(head.text.hasPrefix("HTTP/1.1 200"))
            #expect(await eventually { mock.counters().accounts["hal@example.com"]?.openStreams == 1 })
            connection.close()
            let observed = await eventually(timeout: .seconds(10)) {
                let hal = mock.counters().accounts["hal@example.com"]
                return hal?.cancelledStreams == 1 && hal?.openStreams == 0
            }
            #expect(observed)
        }
    }

    @Test("a truncated stream drops the connection before any terminal event")
    func truncatedStreamDropsConnection() async throws {
        let mock = MockUpstream()
        try await mock.running { port in
            let auth = try mock.createAccount(email: "ida@example.com")
            try mock.scriptResponses("ida@example.com", [.truncateAfter(events: 4)])
            let connection = try MockUpstreamRawConnection(port: port)
            defer { connection.close() }
            connection.post("/backend-api/codex/responses", headers: streamHeaders(auth), body: Support.responsesRequest())
            let answer = await connection.read { _ in false }
            #expect(answer.closed)
            #expect(answer.text.contains("response.content_part.added"))
            #expect(!answer.text.contains("response.completed"))
            #expect(!answer.text.hasSuffix("0\r\n\r\n"))
        }
    }

    @Test("stop releases a refresh that hangs")
    func stopReleasesHangingRefresh() async throws {
        let mock = MockUpstream()
        try await mock.running { port in
            let auth = try mock.createAccount(email: "jo@example.com")
            try mock.scriptRefresh("jo@example.com", [.hang])
            let connection = try MockUpstreamRawConnection(port: port)
            defer { connection.close() }
            connection.post("/oauth/token", headers: ["Content-Type": "application/json"], body: Support.body([
                "grant_type": "refresh_token", "client_id": "app_EMoamEEZ73f0CkXaXp7hrann", "refresh_token": auth.tokens.refreshToken,
            ]))
            #expect(await eventually { mock.counters().accounts["jo@example.com"]?.tokenCalls == 1 })
            await mock.stop()
            #expect(mock.port == nil)
        }
    }
}
