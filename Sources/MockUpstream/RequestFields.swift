import Foundation
import Hummingbird

/// The string fields of a request body that is either JSON or form-encoded.
struct RequestFields {
    var values: [String: String]

    subscript(_ name: String) -> String? { values[name] }

    /// Reads the body as a form when it says so or does not look like JSON, else as a JSON object.
    static func read(_ request: Request, limit: Int = 1 << 20) async throws -> RequestFields {
        var request = request
        let buffer = try await request.collectBody(upTo: limit)
        let text = String(buffer: buffer)
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        if contentType.contains("x-www-form-urlencoded") || !text.trimmingCharacters(in: .whitespaces).hasPrefix("{") {
            return RequestFields(values: form(text))
        }
        let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        var values: [String: String] = [:]
        for (key, value) in object {
            switch value {
            case let string as String: values[key] = string
            case let number as NSNumber: values[key] = number.stringValue
            default: continue
            }
        }
        return RequestFields(values: values)
    }

    /// Decodes `application/x-www-form-urlencoded` text.
    static func form(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part)
            }
            guard let name = parts.first else { continue }
            values[decode(name)] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return values
    }
}

/// A header name; `HTTPField` itself is not re-exported by Hummingbird.
typealias HeaderName = HTTPFields.Element.Name

extension HeaderName {
    static let chatGPTAccountID = HeaderName("chatgpt-account-id")!
}
