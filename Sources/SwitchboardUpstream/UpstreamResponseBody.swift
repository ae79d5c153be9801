import SwitchboardCore
/// A response body as an `AsyncSequence` of byte chunks (`[UInt8]`), each delivered as it came
/// off the socket; nothing buffers the whole body. Errors are `TransportError`. Single pass:
/// iterate it once. Cancelling the iterating task, or dropping the body (and every iterator)
/// before its end, cancels the transfer and releases its connection.
public struct UpstreamResponseBody: AsyncSequence, Sendable {
    public typealias Element = [UInt8]

    enum Source: Sendable {
        case transfer(TransferLease)
        case stream(AsyncThrowingStream<[UInt8], any Error>)
        case bytes([UInt8])
    }

    let source: Source

    /// A body fed by a curl transfer; `owner` (the transport) stays alive while the body does.
    init(transfer channel: TransferChannel, owner: any Sendable) {
        source = .transfer(TransferLease(channel, owner: owner))
    }

    /// A body whose chunks come from `stream` (for transports other than curl, and tests).
    public init(stream: AsyncThrowingStream<[UInt8], any Error>) {
        source = .stream(stream)
    }

    /// A body already in memory, delivered as one chunk (none when empty).
    public init(bytes: [UInt8]) {
        source = .bytes(bytes)
    }

    public func makeAsyncIterator() -> Iterator {
        switch source {
        case .transfer(let lease): Iterator(state: .transfer(lease))
        case .stream(let stream): Iterator(state: .stream(stream.makeAsyncIterator()))
        case .bytes(let bytes): Iterator(state: .bytes(bytes.isEmpty ? nil : bytes))
        }
    }

    public struct Iterator: AsyncIteratorProtocol {
        enum State {
            case transfer(TransferLease)
            case stream(AsyncThrowingStream<[UInt8], any Error>.Iterator)
            case bytes([UInt8]?)
        }

        var state: State

        public mutating func next() async throws -> [UInt8]? {
            try await next(isolation: nil)
        }

        /// The next chunk, nil at the end; runs in the caller's isolation (so an actor can
        /// keep the iterator in its own state).
        public mutating func next(isolation actor: isolated (any Actor)?) async throws -> [UInt8]? {
            switch state {
            case .transfer(let lease):
                return try await lease.channel.nextChunk()
            case .stream(var iterator):
                let chunk = try await iterator.next(isolation: actor)
                state = .stream(iterator)
                return chunk
            case .bytes(let bytes):
                state = .bytes(nil)
                return bytes
            }
        }
    }

    /// Reads the body to its end and returns at most `maxBytes` of it. A longer body is cut at
    /// `maxBytes` and the rest is not read (the transfer is cancelled).
    public func collect(upTo maxBytes: Int) async throws -> [UInt8] {
        var collected: [UInt8] = []
        for try await chunk in self {
            let room = maxBytes - collected.count
            if chunk.count >= room {
                collected.append(contentsOf: chunk.prefix(room))
                cancel()
                break
            }
            collected.append(contentsOf: chunk)
        }
        return collected
    }

    /// Stops the transfer now, without waiting for the body to be dropped.
    public func cancel() {
        if case .transfer(let lease) = source { lease.channel.cancel() }
    }
}

/// Keeps a curl transfer alive while someone holds its body; the last holder to let go cancels
/// it (a no-op when the body was read to its end).
final class TransferLease: Sendable {
    let channel: TransferChannel
    private let owner: any Sendable

    init(_ channel: TransferChannel, owner: any Sendable) {
        self.channel = channel
        self.owner = owner
    }

    deinit {
        channel.cancel()
    }
}
