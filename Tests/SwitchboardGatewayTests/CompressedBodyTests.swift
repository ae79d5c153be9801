import CompressNIO
import CZstd
import Foundation
import MockUpstream
import NIOCore
import SwitchboardCore
import SwitchboardTestSupport
import SwitchboardUpstream
import Testing
@testable import SwitchboardGateway

/// Request bodies with `Content-Encoding` (Codex sends zstd to a provider named `openai`): decoded,
/// and held to the body limit after decoding.
@Suite struct CompressedBodyTests {
    static let limit = 64 * 1024

    @Test(arguments: ["gzip", "deflate", "zstd"])
    func aCompressedCodexBodyIsDecodedAndStreamed(encoding: String) async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            let body = Array(GatewayHarness.codexBody.utf8)
            let answer = try await h.send("POST", "/backend-api/codex/responses", bytes: try Self.compress(body, encoding), headers: [HTTPHeader("Content-Encoding", encoding)])
            #expect(answer.status == 200)
            #expect(answer.text.contains("response.completed"))
            let sent = try h.lastUpstreamBody()
            #expect(sent == JSONValue(parsing: Data(body)))
        }
    }

    @Test func aCompressedOpenAIBodyIsDecodedToo() async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            let body = Array(#"{"model":"gpt-5","input":"hi"}"#.utf8)
            let answer = try await h.send("POST", "/v1/responses", bytes: try Self.compress(body, "zstd"), headers: [HTTPHeader("Content-Encoding", "zstd")])
            #expect(answer.status == 200)
            #expect(answer.json?["status"] == "completed")
        }
    }

    /// A decompression bomb: 64 MiB of zeros in a few KiB. Refused once the decoded bytes pass the limit.
    @Test(arguments: ["gzip", "zstd"])
    func aBodyThatInflatesPastTheLimitIs413(encoding: String) async throws {
        try await GatewayHarness.with(emails: ["one@example.com"], configure: { $0.maxBodyBytes = Self.limit }) { h in
            let bomb = try Self.compress([UInt8](repeating: 0x20, count: 64 * 1024 * 1024), encoding)
            #expect(bomb.count < Self.limit)
            let answer = try await h.send("POST", "/backend-api/codex/responses", bytes: bomb, headers: [HTTPHeader("Content-Encoding", encoding)])
            #expect(answer.status == 413)
            #expect(answer.json?["error"]?["code"] == "request_too_large")
            #expect(try h.mock.counters(for: "one@example.com").responsesCalls == 0)
        }
    }

    @Test func aBodyOfExactlyTheLimitAfterDecodingIsAccepted() throws {
        let exact = [UInt8](repeating: 0x61, count: Self.limit)
        for coding in [ContentCoding.gzip, .zstd] {
            let encoded = try Self.compress(exact, coding == .gzip ? "gzip" : "zstd")
            #expect(try coding.decode(ByteBuffer(bytes: encoded), limit: Self.limit).readableBytes == Self.limit)
            #expect(throws: GatewayError.self) { try coding.decode(ByteBuffer(bytes: encoded), limit: Self.limit - 1) }
        }
    }

    @Test(arguments: ["gzip", "zstd"])
    func aCorruptOrTruncatedBodyIs400(encoding: String) async throws {
        try await GatewayHarness.with(emails: ["one@example.com"]) { h in
            let whole = try Self.compress(Array(GatewayHarness.codexBody.utf8), encoding)
            for bytes in [Array(whole.prefix(whole.count / 2)), [UInt8](repeating: 7, count: 40)] {
                let answer = try await h.send("POST", "/backend-api/codex/responses", bytes: bytes, headers: [HTTPHeader("Content-Encoding", encoding)])
                #expect(answer.status == 400)
                #expect(answer.json?["error"]?["type"] == "invalid_request_error")
            }
            #expect(try h.mock.counters(for: "one@example.com").responsesCalls == 0)
        }
    }

    static func compress(_ bytes: [UInt8], _ encoding: String) throws -> [UInt8] {
        switch encoding {
        case "zstd":
            var out = [UInt8](repeating: 0, count: ZSTD_compressBound(bytes.count))
            let size = out.withUnsafeMutableBytes { o in bytes.withUnsafeBytes { i in ZSTD_compress(o.baseAddress, o.count, i.baseAddress, i.count, 3) } }
            return Array(out.prefix(size))
        default:
            var buffer = ByteBuffer(bytes: bytes)
            let compressed = try buffer.compress(with: encoding == "gzip" ? .gzip() : .zlib())
            return Array(buffer: compressed)
        }
    }
}
