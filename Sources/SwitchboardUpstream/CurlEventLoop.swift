import CCurl
import SwitchboardCore
import Foundation
import Logging
import Synchronization

/// The one thread that drives every transfer of a `CurlTransport` through a single curl multi
/// handle (shared connection cache, keep-alive, HTTP/2 multiplexing). Other threads talk to it
/// only through `submit`, which queues a command and wakes `curl_multi_poll`.
final class CurlEventLoop: Sendable {
    enum Command: Sendable {
        case start(id: Int, request: UpstreamRequest, channel: TransferChannel)
        case cancel(id: Int)
        case resume(id: Int)
        case shutdown
    }

    /// The multi handle as a value other threads may hold: they only ever call
    /// `curl_multi_wakeup` on it (thread-safe by curl's contract), and only while the inbox is open.
    private struct MultiHandle: @unchecked Sendable {
        let raw: UnsafeMutableRawPointer
    }

    private struct Inbox {
        var commands: [Command] = []
        var open = true
    }

    private let multi: MultiHandle
    private let inbox = Mutex(Inbox())
    private let nextID = Atomic<Int>(0)
    private let settings: CurlSharedSettings
    private let handles = EasyHandlePool()
    private let logger: Logger
    /// Transfers on the multi handle right now (updated by the loop each turn).
    let activeTransfers = Atomic<Int>(0)
    /// Loop threads running for this transport: 1 while it is alive.
    let runningThreads = Atomic<Int>(0)

    init(logger: Logger) {
        precondition(sb_global_init() == CURLE_OK, "curl_global_init failed")
        guard let raw = curl_multi_init() else { preconditionFailure("curl_multi_init failed") }
        _ = sb_multi_setopt_long(raw, CURLMOPT_PIPELINING, SB_CURLPIPE_MULTIPLEX)
        multi = MultiHandle(raw: raw)
        settings = CurlSharedSettings(environment: ProcessInfo.processInfo.environment)
        self.logger = logger
        runningThreads.add(1, ordering: .relaxed)
        let thread = Thread { [self] in
            self.run()
            self.runningThreads.subtract(1, ordering: .relaxed)
        }
        thread.name = "switchboard-curl"
        thread.start()
    }

    /// Queues `request`; the returned channel delivers its head and body.
    func open(_ request: UpstreamRequest) -> TransferChannel {
        let id = nextID.add(1, ordering: .relaxed).newValue
        let channel = TransferChannel { [self] signal in
            switch signal {
            case .cancel: _ = submit(.cancel(id: id))
            case .resume: _ = submit(.resume(id: id))
            }
        }
        if !submit(.start(id: id, request: request, channel: channel)) {
            channel.finish(TransportError(.cancelled, "the transport has shut down"))
        }
        return channel
    }

    /// Stops the loop: running transfers end with `.cancelled`.
    func shutdown() {
        _ = submit(.shutdown)
    }

    private func submit(_ command: Command) -> Bool {
        inbox.withLock { inbox in
            guard inbox.open else { return false }
            inbox.commands.append(command)
            _ = curl_multi_wakeup(multi.raw)
            return true
        }
    }

    // MARK: the loop thread

    private func run() {
        var transfers: [Int: CurlTransfer] = [:]
        var shuttingDown = false
        while !shuttingDown {
            let commands = inbox.withLock { inbox in
                defer { inbox.commands.removeAll(keepingCapacity: true) }
                return inbox.commands
            }
            for command in commands {
                switch command {
                case .start(let id, let request, let channel):
                    guard !shuttingDown else {
                        channel.finish(TransportError(.cancelled, "the transport has shut down"))
                        continue
                    }
                    guard let easy = handles.take() else {
                        channel.finish(TransportError(.other, "curl_easy_init failed"))
                        continue
                    }
                    do {
                        let transfer = try CurlTransfer(id: id, easy: easy, request: request, channel: channel, settings: settings)
                        let added = curl_multi_add_handle(multi.raw, transfer.easy)
                        guard added == CURLM_OK else {
                            transfer.release()
                            handles.recycle(easy)
                            channel.finish(TransportError(.other, "could not add the transfer (curl multi \(added.rawValue))"))
                            continue
                        }
                        transfers[id] = transfer
                    } catch {
                        handles.recycle(easy)
                        channel.finish(error)
                    }
                case .cancel(let id):
                    if let transfer = transfers.removeValue(forKey: id) { end(transfer, with: .cancelled) }
                case .resume(let id):
                    if let transfer = transfers[id], transfer.resume() != CURLE_OK {
                        transfers[id] = nil
                        end(transfer, with: TransportError(.other, "could not resume a paused transfer"))
                    }
                case .shutdown:
                    shuttingDown = true
                }
            }
            if shuttingDown { break }

            var stillRunning: Int32 = 0
            let performed = curl_multi_perform(multi.raw, &stillRunning)
            if performed != CURLM_OK {
                logger.error("curl_multi_perform failed", metadata: ["code": "\(performed.rawValue)"])
            }
            collectFinished(&transfers)
            let waitMilliseconds = enforceIdleTimeouts(&transfers)
            activeTransfers.store(transfers.count, ordering: .relaxed)
            let polled = curl_multi_poll(multi.raw, nil, 0, Int32(waitMilliseconds), nil)
            if polled != CURLM_OK {
                logger.error("curl_multi_poll failed", metadata: ["code": "\(polled.rawValue)"])
            }
        }
        close(&transfers)
    }

    /// Ends every transfer curl reports as done, successful or not.
    private func collectFinished(_ transfers: inout [Int: CurlTransfer]) {
        var queued: Int32 = 0
        while let message = curl_multi_info_read(multi.raw, &queued) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let code = message.pointee.data.result
            var context: UnsafeMutableRawPointer?
            _ = sb_easy_getinfo_pointer(easy, CURLINFO_PRIVATE, &context)
            guard let context else { continue }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            transfers[transfer.id] = nil
            if code == CURLE_OK {
                transfer.deliverHead()
                end(transfer, with: nil)
            } else {
                end(transfer, with: .curl(code, transfer.failureContext))
            }
        }
    }

    /// Fails transfers that received nothing for their idle limit, or no body byte within their first-byte
    /// limit; returns how long the loop
    /// may sleep before the next idle deadline (at most one second).
    private func enforceIdleTimeouts(_ transfers: inout [Int: CurlTransfer]) -> Int {
        let now = ContinuousClock.now
        var wait: Duration = .seconds(1)
        for (id, transfer) in transfers {
            if let firstByte = transfer.timeouts.firstByte, !transfer.headDelivered {
                let left = transfer.startedAt + firstByte - now
                if left <= .zero {
                    transfers[id] = nil
                    end(transfer, with: TransportError(.timeout, "no answer within \(firstByte.roundedUpMilliseconds) ms (first-byte timeout)"))
                    continue
                }
                wait = min(wait, left)
            }
            guard let idle = transfer.timeouts.idle, !transfer.paused else { continue }
            let left = transfer.lastActivity + idle - now
            if left <= .zero {
                transfers[id] = nil
                end(transfer, with: TransportError(.timeout, "no data received for \(idle.roundedUpMilliseconds) ms (idle timeout)"))
            } else {
                wait = min(wait, left)
            }
        }
        return wait.roundedUpMilliseconds
    }

    /// Takes `transfer` off the multi handle, frees it and tells its consumer how it ended.
    private func end(_ transfer: CurlTransfer, with error: TransportError?) {
        _ = curl_multi_remove_handle(multi.raw, transfer.easy)
        transfer.release()
        handles.recycle(transfer.easy)
        transfer.channel.finish(error)
    }

    private func close(_ transfers: inout [Int: CurlTransfer]) {
        let leftovers = inbox.withLock { inbox in
            inbox.open = false
            defer { inbox.commands = [] }
            return inbox.commands
        }
        for case .start(_, _, let channel) in leftovers {
            channel.finish(TransportError(.cancelled, "the transport has shut down"))
        }
        for transfer in transfers.values {
            end(transfer, with: TransportError(.cancelled, "the transport has shut down"))
        }
        transfers = [:]
        activeTransfers.store(0, ordering: .relaxed)
        handles.freeAll()
        curl_multi_cleanup(multi.raw)
    }
}
