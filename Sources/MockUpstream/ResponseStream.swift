import Hummingbird

/// A responses stream ready to be written, and how its body ends after the events.
struct ResponseStream: Sendable {
    /// What happens after the last event.
    enum Ending: Sendable {
        /// The body ends normally (chunked terminator).
        case finish
        /// The connection is closed mid-body: the client sees a transfer cut short.
        case dropConnection
        /// Nothing more is sent until the mock stops.
        case stall
    }

    /// Thrown out of the body writer so the server closes the connection without ending the body.
    struct Dropped: Error {}

    var events: [String]
    var ending: Ending
    var delayMilliseconds: Int

    /// The response body; moves the open/cancelled/completed counters of account `index` from `generation`.
    func body(state: Locked<MockState>, account index: Int, generation: Int) -> ResponseBody {
        let stream = self
        return ResponseBody { writer in
            state.withLock { $0.streamOpened(index, generation: generation) }
            var cancelled = true
            defer {
                let wasCancelled = cancelled
                state.withLock { $0.streamClosed(index, generation: generation, cancelled: wasCancelled) }
            }
            if stream.delayMilliseconds == 0 {
                // One write for the whole stream: the benchmark baseline pays no per-event cost.
                var buffer = ByteBuffer()
                buffer.reserveCapacity(stream.events.reduce(0) { $0 + $1.utf8.count })
                for event in stream.events { buffer.writeString(event) }
                try await writer.write(buffer)
            } else {
                for (position, event) in stream.events.enumerated() {
                    if position > 0 { try await pause(milliseconds: stream.delayMilliseconds) }
                    try await writer.write(ByteBuffer(string: event))
                }
            }
            switch stream.ending {
            case .finish:
                cancelled = false
                try await writer.finish(nil)
            case .dropConnection:
                cancelled = false
                throw Dropped()
            case .stall:
                try await hangUntilStopped()
            }
        }
    }
}
