import Synchronization
import Testing

@testable import SwitchboardUpstream

/// The backpressure and cancellation rules of the loop-to-consumer hand-off.
struct TransferChannelTests {
    @Test func aFullBufferRefusesAndDrainingAsksToResume() async throws {
        let signals = Mutex<[TransferChannel.Signal]>([])
        let channel = TransferChannel(highWater: 100, lowWater: 40) { signal in signals.withLock { $0.append(signal) } }
        let chunk = [UInt8](repeating: 1, count: 30)
        var accepted = 0
        while chunk.withUnsafeBytes({ channel.offer($0) }) { accepted += 1 }
        #expect(accepted == 4)  // 0, 30, 60, 90 bytes buffered before each accepted offer
        #expect(signals.withLock { $0 } == [])
        _ = try await channel.nextChunk()  // 90 left
        _ = try await channel.nextChunk()  // 60 left
        #expect(signals.withLock { $0 } == [])
        _ = try await channel.nextChunk()  // 30 left: below the low-water mark
        #expect(signals.withLock { $0 } == [.resume])
    }

    @Test func chunksThenTheEndReachTheConsumer() async throws {
        let channel = TransferChannel { _ in }
        async let next = channel.nextChunk()
        _ = [UInt8]([7]).withUnsafeBytes { channel.offer($0) }
        channel.finish(nil)
        #expect(try await next == [7])
        #expect(try await channel.nextChunk() == nil)
    }

    @Test func bufferedChunksComeBeforeTheFailure() async throws {
        let channel = TransferChannel { _ in }
        _ = [UInt8]([1, 2]).withUnsafeBytes { channel.offer($0) }
        channel.finish(TransportError(.truncated, "cut"))
        #expect(try await channel.nextChunk() == [1, 2])
        await #expect(throws: TransportError(.truncated, "cut")) { try await channel.nextChunk() }
    }

    @Test func cancelWakesTheWaiterAndSignalsOnce() async throws {
        let signals = Mutex<[TransferChannel.Signal]>([])
        let channel = TransferChannel { signal in signals.withLock { $0.append(signal) } }
        let waiter = Task { try await channel.head() }
        channel.cancel()
        channel.cancel()
        await #expect(throws: TransportError.cancelled) { try await waiter.value }
        #expect(signals.withLock { $0 } == [.cancel])
    }

    @Test func cancelAfterTheEndDoesNotSignal() async throws {
        let signals = Mutex<[TransferChannel.Signal]>([])
        let channel = TransferChannel { signal in signals.withLock { $0.append(signal) } }
        channel.receiveHead(.init(status: 200, headers: []))
        channel.finish(nil)
        channel.cancel()
        #expect(signals.withLock { $0 } == [])
    }
}
