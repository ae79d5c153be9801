import Foundation
import HTTPTypes
import Hummingbird
import SwitchboardCore
import Testing

@testable import SwitchboardUpstream
import SwitchboardTestSupport

/// `UsageClient` against canned `/wham/usage` answers.
@Suite struct UsageClientTests {
    @Test func readsPlanAndBothWindows() async throws {
        let authorization = Probe<String?>(nil)
        let accountID = Probe<String?>(nil)
        let body = """
            {"plan_type":"plus","rate_limit":{
              "primary_window":{"used_percent":42.5,"limit_window_seconds":18000,"reset_after_seconds":600,"reset_at":1700000000},
              "secondary_window":{"used_percent":100,"limit_window_seconds":604800,"reset_after_seconds":3600}},
             "credits":{"has_credits":false}}
            """
        try await withTestServer({ router in
            router.get("/backend-api/wham/usage") { request, _ in
                authorization.update { $0 = request.headers[.authorization] }
                accountID.update { $0 = request.headers[HTTPField.Name("chatgpt-account-id")!] }
                return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
            }
        }) { base in
            let now = Date(timeIntervalSince1970: 1_699_990_000)
            let client = UsageClient(transport: CurlTransport(), upstreamBaseURL: base + "/backend-api", now: { now })
            let snapshot = try await client.fetch(accessToken: "AT", accountID: "acct-1")
            #expect(snapshot == UsageSnapshot(
                planType: "plus",
                primary: UsageWindow(usedPercent: 42.5, windowSeconds: 18000, resetsAt: Date(timeIntervalSince1970: 1_700_000_000)),
                secondary: UsageWindow(usedPercent: 100, windowSeconds: 604800, resetsAt: now.addingTimeInterval(3600)),
                observedAt: now))
        }
        #expect(authorization.value == "Bearer AT")
        #expect(accountID.value == "acct-1")
    }

    @Test func missingWindowsAreNil() {
        let json = JSONValue(parsing: Data(#"{"plan_type":"free","rate_limit":null}"#.utf8))!
        let now = Date(timeIntervalSince1970: 0)
        #expect(UsageClient.snapshot(from: json, observedAt: now) == UsageSnapshot(planType: "free", observedAt: now))
    }

    @Test func aFailureStatusIsTheRawOutcome() async throws {
        try await withTestServer({ router in
            router.get("/wham/usage") { _, _ in
                Response(status: HTTPResponse.Status(code: 402), body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"detail":"x"}"#)))
            }
        }) { base in
            let client = UsageClient(transport: CurlTransport(), upstreamBaseURL: base)
            await #expect(throws: UpstreamCallError(.http(status: 402, body: Data(#"{"detail":"x"}"#.utf8)))) {
                try await client.fetch(accessToken: "AT", accountID: "a")
            }
        }
    }

    @Test func aSuccessStatusThatIsNotJSONIsTheFailureOutcome() async throws {
        try await withTestServer({ router in
            router.get("/wham/usage") { _, _ in Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "<html>"))) }
        }) { base in
            let client = UsageClient(transport: CurlTransport(), upstreamBaseURL: base)
            await #expect(throws: UpstreamCallError(.http(status: 200, body: Data("<html>".utf8)))) {
                try await client.fetch(accessToken: "AT", accountID: "a")
            }
        }
    }
}
