import Foundation
import HTTPTypes
import Hummingbird
import SwitchboardCore
import Testing

@testable import SwitchboardUpstream
import SwitchboardTestSupport

/// Whole-transfer behaviour of `CurlTransport`: bodies, headers, failures and timeouts.
@Suite(.serialized) struct CurlTransportTransferTests {
    @Test func aTenMebibyteBodyRoundTripsIntact() async throws {
        try await withTestServer({ router in
            router.post("/echo") { request, _ in
                let body = try await request.body.collect(upTo: 32 * 1024 * 1024)
                return Response(status: .ok, body: ResponseBody(byteBuffer: body))
            }
        }) { base in
            var generator = SystemRandomNumberGenerator()
            let payload = (0..<(10 * 1024 * 1024 / 8)).flatMap { _ in withUnsafeBytes(of: generator.next() as UInt64) { Array($0) } }
            let transport = CurlTransport()
            let request = UpstreamRequest(method: "POST", url: base + "/echo", body: payload, timeouts: .total(.seconds(60)))
            let outcome = await transport.outcome(of: request, maxBodyBytes: 16 * 1024 * 1024)
            #expect(outcome == .http(status: 200, body: Data(payload)))
        }
    }

    @Test func headersGoOutAndComeBack() async throws {
        try await withTestServer({ router in
            router.put("/headers") { request, _ in
                var response = Response(status: .accepted, body: ResponseBody(byteBuffer: ByteBuffer(string: "ok")))
                response.headers[HTTPField.Name("x-echo")!] = request.headers[HTTPField.Name("x-probe")!] ?? "missing"
                response.headers[HTTPField.Name("x-empty-seen")!] = request.headers[HTTPField.Name("x-empty")!] == "" ? "yes" : "no"
                response.headers[HTTPField.Name("x-method")!] = request.method.rawValue
                return response
            }
        }) { base in
            let transport = CurlTransport()
            let request = UpstreamRequest(
                method: "PUT", url: base + "/headers",
                headers: [HTTPHeader("X-Probe", "value 1"), HTTPHeader("X-Empty", "")],
                body: Array("{}".utf8), timeouts: .total(.seconds(10)))
            let response = try await transport.send(request)
            #expect(response.status == 202)
            #expect(response.headers.value(for: "x-echo") == "value 1")
            #expect(response.headers.value(for: "X-Empty-Seen") == "yes")
            #expect(response.headers.value(for: "x-method") == "PUT")
            #expect(try await response.body.collect(upTo: 100) == Array("ok".utf8))
        }
    }

    @Test func aHeaderWithALineBreakIsRefused() async throws {
        let transport = CurlTransport()
        let request = UpstreamRequest(url: "http://127.0.0.1:\(unusedLoopbackPort())/", headers: [HTTPHeader("X-Bad", "a\r\nInjected: 1")], timeouts: .total(.seconds(5)))
        let error = await #expect(throws: TransportError.self) { try await transport.send(request) }
        #expect(error?.kind == .other)
        #expect(error?.detail.contains("Injected") == false)
    }

    @Test func aRefusedConnectionIsTyped() async throws {
        let transport = CurlTransport()
        let request = UpstreamRequest(url: "http://127.0.0.1:\(unusedLoopbackPort())/x?token=secret", timeouts: .total(.seconds(5)))
        let error = await #expect(throws: TransportError.self) { try await transport.send(request) }
        #expect(error?.kind == .connectionRefused)
        #expect(error?.detail.contains("secret") == false)
        #expect(error?.detail.contains("127.0.0.1") == false)
    }

    @Test func theIdleTimeoutFiresWhenTheStreamGoesQuiet() async throws {
        try await withTestServer({ router in
            router.get("/quiet") { _, _ in
                Response(status: .ok, body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: "hello"))
                    try await Task.sleep(for: .seconds(10))
                    try await writer.finish(nil)
                })
            }
        }) { base in
            let transport = CurlTransport()
            // Timed from the send: the idle clock starts when curl receives "hello", which on a loaded
            // machine can be well before this task gets to see it.
            let started = ContinuousClock.now
            let response = try await transport.send(UpstreamRequest(url: base + "/quiet", timeouts: .streaming(idle: .seconds(2))))
            var iterator = response.body.makeAsyncIterator()
            #expect(try await iterator.next() == Array("hello".utf8))
            let error = await #expect(throws: TransportError.self) { _ = try await iterator.next() }
            let waited = ContinuousClock.now - started
            #expect(error?.kind == .timeout)
            #expect(error?.detail.contains("idle") == true)
            #expect(waited >= .seconds(2) && waited < .seconds(8), "idle timeout after \(waited)")
            #expect(await eventually { transport.activeTransferCount == 0 })
        }
    }

    @Test func theTotalTimeoutFiresOnASteadyButLongAnswer() async throws {
        try await withTestServer({ router in
            router.get("/drip") { _, _ in
                Response(status: .ok, body: ResponseBody { writer in
                    for _ in 0..<100 {
                        try await writer.write(ByteBuffer(string: "."))
                        try await Task.sleep(for: .milliseconds(50))
                    }
                    try await writer.finish(nil)
                })
            }
        }) { base in
            let transport = CurlTransport()
            let started = ContinuousClock.now
            let outcome = await transport.outcome(of: UpstreamRequest(url: base + "/drip", timeouts: .total(.milliseconds(400))))
            let waited = ContinuousClock.now - started
            guard case .transport(let kind, let detail) = outcome else {
                Issue.record("expected a timeout, got \(outcome)")
                return
            }
            #expect(kind == .timeout)
            #expect(detail.contains("total"))
            #expect(waited > .milliseconds(300) && waited < .seconds(4), "total timeout after \(waited)")
        }
    }

    @Test func aCancelledCallerGetsCancelledBeforeTheHead() async throws {
        try await withTestServer({ router in
            router.get("/slow-head") { _, _ in
                try await Task.sleep(for: .seconds(10))
                return Response(status: .ok)
            }
        }) { base in
            let transport = CurlTransport()
            let caller = Task { try await transport.send(UpstreamRequest(url: base + "/slow-head", timeouts: .total(.seconds(20)))) }
            #expect(await eventually { transport.activeTransferCount == 1 })
            caller.cancel()
            let result = await caller.result
            #expect(throws: TransportError.cancelled) { try result.get() }
            #expect(await eventually(timeout: .milliseconds(500)) { transport.activeTransferCount == 0 })
        }
    }
}
