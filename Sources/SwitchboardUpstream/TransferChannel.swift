import SwitchboardCore
import Synchronization

/// The hand-off between the curl loop (producer, on the loop thread) and the task reading the
/// response (consumer): the head once, then body chunks through a bounded buffer. When the
/// buffer is full the producer is told to pause; when the consumer drains it, the loop is asked
/// to resume. When the consumer goes away the loop is asked to cancel.
final class TransferChannel: Sendable {
    /// What the channel asks of the transfer's owner (the loop).
    enum Signal: Sendable { case cancel, resume }

    struct Head: Sendable {
        var status: Int
        var headers: [HTTPHeader]
    }

    private enum HeadState {
        case waiting(CheckedContinuation<Head, any Error>?)
        case received(Head)
        case failed(TransportError)
    }

    private struct State {
        var head: HeadState = .waiting(nil)
        var chunks: [[UInt8]] = []
        var nextChunk = 0
        var bufferedBytes = 0
        var bodyWaiter: CheckedContinuation<[UInt8]?, any Error>?
        /// nil while the transfer runs; then success (nil error) or the failure.
        var end: TransportError?? = .none
        var producerPaused = false
        var consumerGone = false
    }

    private let state = Mutex(State())
    private let highWater: Int
    private let lowWater: Int
    private let signal: @Sendable (Signal) -> Void

    init(highWater: Int = 512 * 1024, lowWater: Int = 128 * 1024, signal: @escaping @Sendable (Signal) -> Void) {
        self.highWater = highWater
        self.lowWater = lowWater
        self.signal = signal
    }

    // MARK: consumer side

    /// Waits for the status line and headers.
    func head() async throws -> Head {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Head, any Error>) in
                let ready: Result<Head, any Error>? = state.withLock { state in
                    if state.consumerGone { return .failure(TransportError.cancelled) }
                    switch state.head {
                    case .received(let head): return .success(head)
                    case .failed(let error): return .failure(error)
                    case .waiting:
                        state.head = .waiting(continuation)
                        return nil
                    }
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            self.cancel()
        }
    }

    /// The next body chunk; nil at the end of the body. Throws `TransportError`.
    func nextChunk() async throws -> [UInt8]? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[UInt8]?, any Error>) in
                var resumeProducer = false
                let ready: Result<[UInt8]?, any Error>? = state.withLock { state in
                    if state.nextChunk < state.chunks.count {
                        let chunk = state.chunks[state.nextChunk]
                        state.nextChunk += 1
                        state.bufferedBytes -= chunk.count
                        if state.nextChunk == state.chunks.count {
                            state.chunks.removeAll(keepingCapacity: true)
                            state.nextChunk = 0
                        }
                        if state.producerPaused, state.bufferedBytes <= lowWater {
                            state.producerPaused = false
                            resumeProducer = true
                        }
                        return .success(chunk)
                    }
                    if state.consumerGone { return .failure(TransportError.cancelled) }
                    switch state.end {
                    case .some(.none): return .success(nil)
                    case .some(.some(let error)): return .failure(error)
                    case .none:
                        state.bodyWaiter = continuation
                        return nil
                    }
                }
                if resumeProducer { signal(.resume) }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            self.cancel()
        }
    }

    /// The consumer gives up (its task was cancelled or it dropped the body): wake any waiter
    /// with `.cancelled` and ask the loop to drop the transfer.
    func cancel() {
        let (headWaiter, bodyWaiter, stillRunning) = state.withLock { state in
            if state.consumerGone { return (CheckedContinuation<Head, any Error>?.none, CheckedContinuation<[UInt8]?, any Error>?.none, false) }
            state.consumerGone = true
            var headWaiter: CheckedContinuation<Head, any Error>?
            if case .waiting(let waiter) = state.head {
                headWaiter = waiter
                state.head = .failed(.cancelled)
            }
            let bodyWaiter = state.bodyWaiter
            state.bodyWaiter = nil
            state.chunks = []
            state.nextChunk = 0
            state.bufferedBytes = 0
            return (headWaiter, bodyWaiter, state.end == nil)
        }
        headWaiter?.resume(throwing: TransportError.cancelled)
        bodyWaiter?.resume(throwing: TransportError.cancelled)
        if stillRunning { signal(.cancel) }
    }

    // MARK: producer side (loop thread)

    func receiveHead(_ head: Head) {
        let waiter: CheckedContinuation<Head, any Error>? = state.withLock { state in
            guard case .waiting(let waiter) = state.head else { return nil }
            state.head = .received(head)
            return waiter
        }
        waiter?.resume(returning: head)
    }

    /// Takes a chunk, or refuses it (false) when the consumer is behind: the caller then pauses
    /// the transfer and offers the same bytes again after `.resume`.
    func offer(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var waiter: CheckedContinuation<[UInt8]?, any Error>?
        let accepted = state.withLock { state in
            if state.consumerGone { return true }  // dropped; the loop removes the transfer soon
            if let bodyWaiter = state.bodyWaiter {
                state.bodyWaiter = nil
                waiter = bodyWaiter
                return true
            }
            if state.bufferedBytes >= highWater {
                state.producerPaused = true
                return false
            }
            state.chunks.append([UInt8](bytes))
            state.bufferedBytes += bytes.count
            return true
        }
        waiter?.resume(returning: [UInt8](bytes))
        return accepted
    }

    /// The transfer is over: `error` nil means the body is complete.
    func finish(_ error: TransportError?) {
        let (headWaiter, bodyWaiter) = state.withLock { state in
            state.end = .some(error)
            var headWaiter: CheckedContinuation<Head, any Error>?
            if case .waiting(let waiter) = state.head {
                headWaiter = waiter
                state.head = .failed(error ?? TransportError(.other, "transfer ended without a response head"))
            }
            let bodyWaiter = state.bodyWaiter
            state.bodyWaiter = nil
            return (headWaiter, bodyWaiter)
        }
        headWaiter?.resume(throwing: error ?? TransportError(.other, "transfer ended without a response head"))
        if let bodyWaiter {
            if let error { bodyWaiter.resume(throwing: error) } else { bodyWaiter.resume(returning: nil) }
        }
    }
}
