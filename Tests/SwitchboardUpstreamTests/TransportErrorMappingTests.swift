import CCurl
import SwitchboardCore
import Testing

@testable import SwitchboardUpstream

/// curl result codes map to the catalog's transport kinds.
struct TransportErrorMappingTests {
    let before = CurlFailureContext(connected: false, headReceived: false, timeouts: .total(.seconds(30)))
    let during = CurlFailureContext(connected: true, headReceived: true, timeouts: .total(.seconds(30)))

    @Test func kindsFollowTheCode() {
        #expect(TransportError.curl(CURLE_COULDNT_RESOLVE_HOST, before).kind == .dns)
        #expect(TransportError.curl(CURLE_COULDNT_RESOLVE_PROXY, before).kind == .dns)
        #expect(TransportError.curl(CURLE_COULDNT_CONNECT, before).kind == .connectionRefused)
        #expect(TransportError.curl(CURLE_SSL_CONNECT_ERROR, before).kind == .tls)
        #expect(TransportError.curl(CURLE_PEER_FAILED_VERIFICATION, before).kind == .tls)
        #expect(TransportError.curl(CURLE_PARTIAL_FILE, during).kind == .truncated)
        #expect(TransportError.curl(CURLE_RECV_ERROR, during).kind == .truncated)
        #expect(TransportError.curl(CURLE_RECV_ERROR, before).kind == .other)
        #expect(TransportError.curl(CURLE_HTTP2_STREAM, during).kind == .truncated)
        #expect(TransportError.curl(CURLE_URL_MALFORMAT, before).kind == .other)
    }

    @Test func timeoutsSayWhichLimit() {
        let connect = TransportError.curl(CURLE_OPERATION_TIMEDOUT, before)
        #expect(connect.kind == .timeout)
        #expect(connect.detail.contains("connect"))
        let total = TransportError.curl(CURLE_OPERATION_TIMEDOUT, during)
        #expect(total.kind == .timeout)
        #expect(total.detail.contains("total"))
    }
}
