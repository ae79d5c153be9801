import CZstd
import NIOCore

/// Streaming zstd decompression through the system libzstd, stopping as soon as the output passes the limit.
enum ZstdFrames {
    enum DecodeError: Error { case corrupt, truncated }

    static func decompress(_ body: ByteBuffer, limit: Int) throws -> ByteBuffer {
        guard let stream = ZSTD_createDStream() else { throw DecodeError.corrupt }
        defer { ZSTD_freeDStream(stream) }
        var output = ByteBuffer()
        var chunk = [UInt8](repeating: 0, count: ZSTD_DStreamOutSize())
        try body.withUnsafeReadableBytes { bytes in
            var input = ZSTD_inBuffer(src: bytes.baseAddress, size: bytes.count, pos: 0)
            while true {
                let (hint, written, filled) = try chunk.withUnsafeMutableBytes { space in
                    var out = ZSTD_outBuffer(dst: space.baseAddress, size: space.count, pos: 0)
                    let hint = ZSTD_decompressStream(stream, &out, &input)
                    if ZSTD_isError(hint) != 0 { throw DecodeError.corrupt }
                    return (hint, out.pos, out.pos == out.size)
                }
                guard output.readableBytes + written <= limit else { throw GatewayError.payloadTooLarge(limit: limit) }
                output.writeBytes(chunk[0..<written])
                // More output may be pending while the chunk came back full; otherwise all input must be used.
                if filled { continue }
                if input.pos < input.size { continue }
                // 0: the last frame is complete. Anything else: the body ended inside a frame.
                guard hint == 0 else { throw DecodeError.truncated }
                return
            }
        }
        return output
    }
}
