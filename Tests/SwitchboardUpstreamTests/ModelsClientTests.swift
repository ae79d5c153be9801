import Foundation
import Hummingbird
import SwitchboardCore
import Testing

@testable import SwitchboardUpstream
import SwitchboardTestSupport

/// `ModelsClient` against canned `/codex/models` answers.
@Suite struct ModelsClientTests {
    @Test func returnsTheRawListAndSendsTheClientVersion() async throws {
        let version = Probe<String?>(nil)
        let body = #"{"models":[{"slug":"gpt-5","display_name":"GPT-5"}]}"#
        try await withTestServer({ router in
            router.get("/codex/models") { request, _ in
                version.update { $0 = request.uri.queryParameters.get("client_version") }
                return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
            }
        }) { base in
            let client = ModelsClient(transport: CurlTransport(), upstreamBaseURL: base)
            let data = try await client.list(accessToken: "AT", accountID: "a", clientVersion: "0.40.0 beta")
            #expect(data == Data(body.utf8))
        }
        #expect(version.value == "0.40.0 beta")
    }

    @Test func failuresAreTheRawOutcome() async throws {
        try await withTestServer({ router in
            router.get("/codex/models") { _, _ in Response(status: .unauthorized, body: ResponseBody(byteBuffer: ByteBuffer(string: "no"))) }
        }) { base in
            let client = ModelsClient(transport: CurlTransport(), upstreamBaseURL: base)
            await #expect(throws: UpstreamCallError(.http(status: 401, body: Data("no".utf8)))) {
                try await client.list(accessToken: "AT", accountID: "a", clientVersion: "1")
            }
        }
    }
}
