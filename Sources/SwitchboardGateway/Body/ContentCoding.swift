import CompressNIO
import NIOCore

/// A request body's `Content-Encoding`. Codex compresses bodies (zstd) for a provider named `openai`;
/// other clients may send gzip or deflate.
enum ContentCoding: Sendable {
    case identity, gzip, deflate, zstd

    init(header: String?) throws(GatewayError) {
        switch header?.trimmingCharacters(in: .whitespaces).lowercased() {
        case nil, "", "identity": self = .identity
        case "gzip", "x-gzip": self = .gzip
        case "deflate": self = .deflate
        case "zstd": self = .zstd
        case let other?: throw .unsupportedContentEncoding(other)
        }
    }

    /// The decoded bytes, at most `limit` of them: a body that inflates past it is refused (413) as soon as
    /// the limit is passed, so a decompression bomb costs at most `limit` bytes of memory.
    func decode(_ body: ByteBuffer, limit: Int) throws(GatewayError) -> ByteBuffer {
        do {
            switch self {
            case .identity:
                return body
            case .gzip, .deflate:
                var input = body
                // HTTP's "deflate" is the zlib format (RFC 9110 8.4.1.2).
                // One byte over the limit is room to tell "exactly the limit" from "more".
                let decoded = try input.decompress(with: self == .gzip ? .gzip() : .zlib(), maxSize: limit + 1)
                guard decoded.readableBytes <= limit else { throw GatewayError.payloadTooLarge(limit: limit) }
                return decoded
            case .zstd:
                return try ZstdFrames.decompress(body, limit: limit)
            }
        } catch let error as GatewayError {
            throw error
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw .payloadTooLarge(limit: limit)
        } catch {
            throw .badRequest("The request body is not valid \(self) data (Content-Encoding: \(self)).", code: "invalid_content_encoding")
        }
    }
}
