import Foundation
import Hummingbird
import SwitchboardCore

/// Reading a request body within the configured limit.
enum RequestBody {
    /// The body, decompressed if it came with a `Content-Encoding` (bodies are parsed and rewritten, so
    /// they cannot travel compressed). `limit` bounds the bytes received and, again, the decompressed bytes.
    static func read(_ request: Request, limit: Int) async throws -> Data {
        let coding = try ContentCoding(header: request.headers[.contentEncoding])
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit { throw GatewayError.payloadTooLarge(limit: limit) }
        var buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw GatewayError.payloadTooLarge(limit: limit)
        }
        var decoded = try coding.decode(buffer, limit: limit)
        return decoded.readData(length: decoded.readableBytes) ?? Data()
    }
}

extension RequestBody {
    /// The body as JSON, read with a bound on its number of values (`Defaults.maxBodyJSONValues`).
    static func json(_ body: Data) throws(GatewayError) -> JSONValue {
        do {
            return try JSONValue.parse(body, maximumValues: Defaults.maxBodyJSONValues)
        } catch {
            switch error {
            case .invalid:
                throw .badRequest("The request body is not valid JSON.")
            case .tooManyValues(let limit):
                throw GatewayError(status: .contentTooLarge, type: "invalid_request_error", code: "request_too_large", message: "The request body holds more than \(limit) JSON values.")
            }
        }
    }
}
