import Foundation
import Hummingbird
import SwitchboardCore
import Testing

@testable import SwitchboardUpstream
import SwitchboardTestSupport

/// Streaming behaviour of `CurlTransport` against an in-process server.
@Suite(.serialized) struct CurlTransportStreamingTests {
    @Test func firstChunkArrivesBeforeTheServerSendsTheLast() async throws {
        let gateOpen = Probe(false)
        let lastSent = Probe(false)
        try await withTestServer({ router in
            router.get("/gated") { _, _ in
                Response(status: .ok, body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: "first;"))
                    _ = await eventually(timeout: .seconds(10)) { gateOpen.value }
                    lastSent.update { $0 = true }
                    try await writer.write(ByteBuffer(string: "last"))
                    try await writer.finish(nil)
                })
            }
        }) { base in
            let transport = CurlTransport()
            let response = try await transport.send(UpstreamRequest(url: base + "/gated", timeouts: .streaming(idle: .seconds(20))))
            #expect(response.status == 200)
            var iterator = response.body.makeAsyncIterator()
            let first = try #require(try await iterator.next())
            #expect(String(decoding: first, as: UTF8.self) == "first;")
            #expect(lastSent.value == false)
            gateOpen.update { $0 = true }
            var rest: [UInt8] = []
            while let chunk = try await iterator.next() { rest += chunk }
            #expect(String(decoding: rest, as: UTF8.self) == "last")
        }
    }

    /// The head waits for the first body bytes, so a consumer wakes once for both and a stream that
    /// breaks or stalls before its first byte fails `send` (the gateway can still fail over).
    @Test func theHeadIsHandedOverWithTheFirstBodyBytes() async throws {
        let gateOpen = Probe(false)
        let returned = Probe(false)
        try await withTestServer({ router in
            router.get("/late-body") { _, _ in
                Response(status: .ok, body: ResponseBody { writer in
                    _ = await eventually(timeout: .seconds(10)) { gateOpen.value }
                    try await writer.write(ByteBuffer(string: "first"))
                    try await writer.finish(nil)
                })
            }
        }) { base in
            let transport = CurlTransport()
            let sending = Task {
                let response = try await transport.send(UpstreamRequest(url: base + "/late-body", timeouts: .streaming(idle: .seconds(20))))
                returned.update { $0 = true }
                return response
            }
            try await Task.sleep(for: .milliseconds(300))
            #expect(returned.value == false)
            gateOpen.update { $0 = true }
            let response = try await sending.value
            #expect(response.status == 200)
            var iterator = response.body.makeAsyncIterator()
            #expect(try await iterator.next() == Array("first".utf8))
        }
    }

    @Test func aStreamThatStallsBeforeItsFirstByteFailsTheSend() async throws {
        try await withTestServer({ router in
            router.get("/stall") { _, _ in
                Response(status: .ok, body: ResponseBody { writer in
                    try await Task.sleep(for: .seconds(10))
                    try await writer.finish(nil)
                })
            }
        }) { base in
            let transport = CurlTransport()
            let error = await #expect(throws: TransportError.self) {
                _ = try await transport.send(UpstreamRequest(url: base + "/stall", timeouts: .streaming(idle: .milliseconds(300))))
            }
            #expect(error?.kind == .timeout)
        }
    }

    @Test func cancellingTheConsumerStopsTheServerStream() async throws {
        let writerEnded = Probe(false)
        try await withTestServer({ router in
            router.get("/forever") { _, _ in
                Response(status: .ok, body: ResponseBody { writer in
                    do {
                        while true {
                            try await writer.write(ByteBuffer(repeating: 0x61, count: 1024))
                            try await Task.sleep(for: .milliseconds(10))
                        }
                    } catch {
                        writerEnded.update { $0 = true }
                        throw error
                    }
                })
            }
        }) { base in
            let transport = CurlTransport()
            let chunksSeen = Probe(0)
            let consumer = Task {
                let response = try await transport.send(UpstreamRequest(url: base + "/forever", timeouts: .streaming(idle: .seconds(20))))
                for try await _ in response.body { chunksSeen.update { $0 += 1 } }
            }
            #expect(await eventually { chunksSeen.value >= 2 })
            #expect(transport.activeTransferCount == 1)
            let cancelledAt = ContinuousClock.now
            consumer.cancel()
            // Well under the 20 s idle timeout, with room for a loaded machine (it takes 1-2 ms when idle).
            #expect(await eventually(timeout: .seconds(2)) { transport.activeTransferCount == 0 })
            let removedAfter = ContinuousClock.now - cancelledAt
            #expect(removedAfter < .seconds(2), "transfer removed \(removedAfter) after cancel")
            #expect(await eventually(timeout: .seconds(5)) { writerEnded.value })
            let result = await consumer.result
            #expect(throws: TransportError.self) { try result.get() }
        }
    }

    @Test func droppingAnUnreadBodyCancelsTheTransfer() async throws {
        let writerEnded = Probe(false)
        try await withTestServer({ router in
            router.get("/forever") { _, _ in
                Response(status: .ok, body: ResponseBody { writer in
                    do {
                        while true {
                            try await writer.write(ByteBuffer(repeating: 0x62, count: 1024))
                            try await Task.sleep(for: .milliseconds(10))
                        }
                    } catch {
                        writerEnded.update { $0 = true }
                        throw error
                    }
                })
            }
        }) { base in
            let transport = CurlTransport()
            do {
                let response = try await transport.send(UpstreamRequest(url: base + "/forever", timeouts: .streaming(idle: .seconds(20))))
                #expect(response.status == 200)
            }
            #expect(await eventually(timeout: .milliseconds(500)) { transport.activeTransferCount == 0 })
            #expect(await eventually(timeout: .seconds(5)) { writerEnded.value })
        }
    }

    @Test func twoHundredConcurrentStreamsShareOneLoopThread() async throws {
        try await withTestServer({ router in
            router.get("/chunks/{id}") { _, context in
                let id = context.parameters.get("id") ?? "?"
                return Response(status: .ok, body: ResponseBody { writer in
                    for part in 0..<5 {
                        try await writer.write(ByteBuffer(string: "\(id)-\(part);"))
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    try await writer.finish(nil)
                })
            }
        }) { base in
            let transport = CurlTransport()
            let threadsBefore = try #require(processThreadCount())
            let peakThreads = Probe(threadsBefore)
            let sampler = Task {
                while !Task.isCancelled {
                    if let count = processThreadCount() { peakThreads.update { $0 = max($0, count) } }
                    try? await Task.sleep(for: .milliseconds(10))
                }
            }
            let bodies = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for id in 0..<200 {
                    group.addTask {
                        let response = try await transport.send(UpstreamRequest(url: base + "/chunks/\(id)", timeouts: .streaming(idle: .seconds(30))))
                        let body = try await response.body.collect(upTo: 1 << 20)
                        return (id, String(decoding: body, as: UTF8.self))
                    }
                }
                var bodies: [Int: String] = [:]
                for try await (id, body) in group { bodies[id] = body }
                return bodies
            }
            sampler.cancel()
            #expect(bodies.count == 200)
            for id in 0..<200 {
                #expect(bodies[id] == (0..<5).map { "\(id)-\($0);" }.joined())
            }
            #expect(transport.eventLoopThreadCount == 1)
            let growth = peakThreads.value - threadsBefore
            #expect(growth < 24, "threads grew by \(growth) during 200 transfers")
            #expect(await eventually { transport.activeTransferCount == 0 })
        }
    }

    @Test func aSlowConsumerPausesTheTransferAndStillGetsEveryByte() async throws {
        let server = BlockingFloodServer(total: 64 * 1024 * 1024)
        let transport = CurlTransport()
        let response = try await transport.send(UpstreamRequest(url: "http://127.0.0.1:\(server.port)/flood", timeouts: .streaming(idle: .seconds(30))))
        var iterator = response.body.makeAsyncIterator()
        var received = try #require(try await iterator.next()).count
        // Nobody reads now: wait until the server is stuck (its count stops moving for 300 ms).
        var last = -1
        var stableSince = ContinuousClock.now
        let stalled = await eventually(timeout: .seconds(20)) {
            let now = server.sent
            if now != last {
                last = now
                stableSince = .now
            }
            return ContinuousClock.now - stableSince > .milliseconds(300)
        }
        #expect(stalled)
        #expect(server.sent < 32 * 1024 * 1024, "the server sent \(server.sent) bytes although nobody read them")
        while let chunk = try await iterator.next() {
            #expect(chunk.first == 0x7A && chunk.last == 0x7A)
            received += chunk.count
        }
        #expect(received == server.total)
    }
}
