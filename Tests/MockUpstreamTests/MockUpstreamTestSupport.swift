import Foundation
import Hummingbird
import HummingbirdTesting
import MockUpstream

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Helpers shared by the MockUpstream tests.
enum MockUpstreamTestSupport {
    /// `text` parsed as a JSON object.
    static func object(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    /// A JSON request body.
    static func body(_ object: [String: Any]) -> ByteBuffer {
        ByteBuffer(data: try! JSONSerialization.data(withJSONObject: object))
    }

    /// A valid Codex responses request.
    static func responsesRequest(_ extra: [String: Any] = [:]) -> ByteBuffer {
        var request: [String: Any] = [
            "model": "gpt-5.1-codex", "instructions": "Be brief.", "stream": true, "store": false,
            "input": [["type": "message", "role": "user", "content": [["type": "input_text", "text": "hi"]]]],
        ]
        request.merge(extra) { _, new in new }
        return body(request)
    }

    /// The bearer and account headers for `auth`.
    static func headers(_ auth: MockAuthFile) -> HTTPFields {
        [.authorization: "Bearer \(auth.tokens.accessToken)", HTTPFields.Element.Name("chatgpt-account-id")!: auth.tokens.accountID, .contentType: "application/json"]
    }

    /// The `(event, data)` pairs of an SSE body.
    static func events(_ body: String) -> [(event: String, data: [String: Any])] {
        body.components(separatedBy: "\n\n").compactMap { block in
            var name: String?, data: String?
            for line in block.split(separator: "\n") {
                if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data = String(line.dropFirst(6)) }
            }
            guard let name, let data else { return nil }
            return (name, object(data))
        }
    }
}

/// A blocking HTTP/1.1 connection over a plain socket, for what a client library hides:
/// hanging up mid-stream and seeing a connection cut.
final class MockUpstreamRawConnection: @unchecked Sendable {
    private let descriptor: Int32

    init(port: Int) throws {
        #if os(Linux)
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    /// Sends a POST of `body` to `path` with `headers`.
    func post(_ path: String, headers: [String: String], body: ByteBuffer) {
        var text = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(body.readableBytes)\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        text += "\r\n" + String(buffer: body)
        _ = text.withCString { send(descriptor, $0, strlen($0), 0) }
    }

    /// Reads until `stop` says the bytes so far are enough, the peer closes, or 5 s pass; off the cooperative pool.
    func read(until stop: @escaping @Sendable (String) -> Bool) async -> (text: String, closed: Bool) {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var received = Data()
                var buffer = [UInt8](repeating: 0, count: 65536)
                while true {
                    let count = recv(self.descriptor, &buffer, buffer.count, 0)
                    if count <= 0 {
                        continuation.resume(returning: (String(decoding: received, as: UTF8.self), count == 0))
                        return
                    }
                    received.append(contentsOf: buffer[0..<count])
                    let text = String(decoding: received, as: UTF8.self)
                    if stop(text) {
                        continuation.resume(returning: (text, false))
                        return
                    }
                }
            }
        }
    }

    func close() {
        #if os(Linux)
        _ = Glibc.close(descriptor)
        #else
        _ = Darwin.close(descriptor)
        #endif
    }
}
