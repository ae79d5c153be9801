import NIOCore
import NIOHTTP1

/// One keep-alive connection: writes a request, reads its answer, reports the exchange.
final class ConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private unowned let driver: LoadDriver
    private let index: Int
    private let sse: Bool
    private var context: ChannelHandlerContext?
    private var exchange: Exchange?
    private var firstEvent = StreamMatcher(Array("response.created".utf8))
    private var completedEvent = StreamMatcher(Array("response.completed".utf8))
    private var lastByteWasNewline = false

    init(driver: LoadDriver, index: Int, sse: Bool) {
        self.driver = driver
        self.index = index
        self.sse = sse
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func send(head: HTTPRequestHead, body: ByteBuffer, intended: UInt64) {
        guard let context else {
            driver.connectionLost(index, hadRequest: true)
            return
        }
        var fresh = Exchange()
        fresh.intended = intended
        fresh.sent = LoadDriver.now()
        exchange = fresh
        firstEvent.reset()
        completedEvent.reset()
        lastByteWasNewline = false
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if body.readableBytes > 0 { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func close() {
        context?.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            exchange?.status = Int(head.status.code)
        case .body(let buffer):
            guard exchange != nil else { return }
            exchange!.bytes += buffer.readableBytes
            if sse { scan(buffer) }
        case .end:
            guard var finished = exchange else { return }
            exchange = nil
            finished.end = LoadDriver.now()
            finished.completedEvent = completedEvent.found
            driver.completed(index, finished)
        }
    }

    /// Finds the first upstream event and the terminal event, and counts blank-line event ends.
    private func scan(_ buffer: ByteBuffer) {
        buffer.withUnsafeReadableBytes { bytes in
            var events = 0
            var previousNewline = lastByteWasNewline
            for byte in bytes {
                let newline = byte == 0x0A
                if newline && previousNewline { events += 1 }
                previousNewline = newline
            }
            lastByteWasNewline = previousNewline
            exchange!.events += events
            if !firstEvent.found, firstEvent.feed(bytes) { exchange!.firstEvent = LoadDriver.now() }
            if !completedEvent.found { _ = completedEvent.feed(bytes) }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let had = exchange != nil
        exchange = nil
        driver.connectionLost(index, hadRequest: had)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}

/// Finds a fixed byte pattern in a stream split into chunks (Knuth–Morris–Pratt).
struct StreamMatcher {
    let pattern: [UInt8]
    private let failure: [Int]
    private var matched = 0
    private(set) var found = false

    init(_ pattern: [UInt8]) {
        self.pattern = pattern
        var failure = Array(repeating: 0, count: pattern.count)
        var k = 0
        for i in 1..<pattern.count {
            while k > 0 && pattern[i] != pattern[k] { k = failure[k - 1] }
            if pattern[i] == pattern[k] { k += 1 }
            failure[i] = k
        }
        self.failure = failure
    }

    mutating func reset() {
        matched = 0
        found = false
    }

    /// Feeds a chunk; true once the pattern has been seen.
    mutating func feed(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if found { return true }
        for byte in bytes {
            while matched > 0 && byte != pattern[matched] { matched = failure[matched - 1] }
            if byte == pattern[matched] { matched += 1 }
            if matched == pattern.count {
                found = true
                return true
            }
        }
        return false
    }
}
