import Foundation
import SwitchboardTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP connection to the gateway, for bytes no HTTP client would send (unfinished heads,
/// broken framing, HTTP/1.0). Reads wait on `poll` with a deadline, off the cooperative pool (a blocked
/// pool thread would starve the in-process gateway); nothing sleeps. Used by one test at a time.
final class RawConnection: @unchecked Sendable {
    private var descriptor: Int32
    private(set) var received: [UInt8] = []
    private(set) var closedByPeer = false

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            Glibc.close(descriptor)
            throw POSIXError(.ECONNREFUSED)
        }
    }

    deinit { close() }

    /// Closes the connection from this side (the client leaves).
    func close() {
        guard descriptor >= 0 else { return }
        Glibc.close(descriptor)
        descriptor = -1
    }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { return }
            offset += written
        }
    }

    /// Stops sending (the request is complete or cut short); reading goes on.
    func halfClose() { shutdown(descriptor, Int32(SHUT_WR)) }

    /// Reads until `condition` holds for what arrived, the peer closes, or `timeout` passes; returns whether it held.
    @discardableResult
    func read(timeout: Duration = .seconds(5), until condition: @escaping @Sendable (String) -> Bool) async -> Bool {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: self.blockingRead(timeout: timeout, until: condition)) }
        }
    }

    private func blockingRead(timeout: Duration, until condition: (String) -> Bool) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !condition(text), !closedByPeer {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { break }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1))
            guard ready > 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count <= 0 { closedByPeer = true } else { received += buffer[..<count] }
        }
        return condition(text)
    }

    /// Reads until the peer closes the connection or `timeout` passes; returns whether it closed.
    func readToEnd(timeout: Duration = .seconds(5)) async -> Bool {
        await read(timeout: timeout) { _ in false }
        return closedByPeer
    }

    var text: String { String(decoding: received, as: UTF8.self) }

    /// The body of a complete answer (after the blank line).
    var body: String { text.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n") }
}
