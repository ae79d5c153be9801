import Foundation
import Synchronization

/// A one-connection HTTP/1.1 server on a blocking socket and its own thread: it answers with
/// `total` bytes, sending as fast as the client takes them, so `sent` shows how far TCP
/// backpressure lets it get (body bytes). (Hummingbird's writer buffers instead of blocking, so it cannot.)
final class BlockingFloodServer: Sendable {
    let port: Int
    let total: Int
    private let sentBytes = Atomic<Int>(0)
    private let listener: Int32

    var sent: Int { sentBytes.load(ordering: .relaxed) }

    init(total: Int) {
        self.total = total
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        _ = listen(fd, 1)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread { [self] in serveOne() }.start()
    }

    private func serveOne() {
        defer { close(listener) }
        let connection = accept(listener, nil, nil)
        guard connection >= 0 else { return }
        defer { close(connection) }
        var request: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !request.ends(with: Array("\r\n\r\n".utf8)) {
            let count = recv(connection, &buffer, buffer.count, 0)
            if count <= 0 { return }
            request += buffer[..<count]
        }
        guard sendAll(connection, Array("HTTP/1.1 200 OK\r\nContent-Length: \(total)\r\n\r\n".utf8), counted: false) else { return }
        let block = [UInt8](repeating: 0x7A, count: 64 * 1024)
        while sent < total {
            guard sendAll(connection, Array(block.prefix(total - sent)), counted: true) else { return }
        }
    }

    private func sendAll(_ connection: Int32, _ bytes: [UInt8], counted: Bool) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count <= 0 { return false }
            offset += count
            if counted { sentBytes.add(count, ordering: .relaxed) }
        }
        return true
    }
}

extension Array where Element: Equatable {
    func ends(with suffix: [Element]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}
